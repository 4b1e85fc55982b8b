"""Configuration from the environment (a `.env` file is read too)."""

from __future__ import annotations

import os
import secrets
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
# The contact details the policy (content/policy.md, "Contact") gives.
POLICY_EMAIL = "spectraalw@gmail.com"
POLICY_PHONE = "9414857385"
# How long a shared cache (deploy/nginx.conf) may answer with a stored public page while the
# site answers errors (the Cache-Control extension stale-if-error): a 5-minute outage, no more.
STALE_IF_ERROR_SECONDS = 300
# The first wait before an email that failed is tried again (then doubled per try).
MAIL_RETRY_SECONDS = 15


def env_flag(name: str, default: bool) -> bool:
    """Read a true/false environment variable."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    """Read a whole-number environment variable."""
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def instance_secret_key(instance_path: str, name: str = "secret_key") -> str:
    """Return the development key kept in the instance folder, creating it once."""
    path = Path(instance_path) / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def local_site_url() -> str:
    """Where `scripts/serve` listens (HOST, PORT; 127.0.0.1:5000 by default): SITE_URL when it
    is not set. Never the request's Host header, which would let a stranger choose where the
    emailed links point; an address that means "every interface" is linked as 127.0.0.1."""
    host = os.environ.get("HOST", "").strip() or "127.0.0.1"
    if host in ("0.0.0.0", "::"):  # noqa: S104 - a listening address, not one bound here
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address in a URL
    return f"http://{host}:{env_int('PORT', 5000)}"


def host_list(value: str) -> list[str]:
    """Host names from a comma-separated setting."""
    return [host.strip() for host in value.split(",") if host.strip()]


def trusted_hosts(site_url: str, extra: list[str]) -> list[str]:
    """SITE_URL's host first, then the extra hosts, each once."""
    hosts = [urlsplit(site_url).hostname or "", *extra]
    return [host for host in dict.fromkeys(hosts) if host]


class Config:
    """Settings read from environment variables when the app is created."""

    TESTING = False
    PRODUCTION = False

    def __init__(self) -> None:
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or None
        self.SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or None
        # PostgreSQL: limits on every wait, in seconds (website/database.py). A visitor gets a
        # 503 within about 5 s when the database stops answering, however it fails.
        self.DATABASE_CONNECT_TIMEOUT = env_int("DATABASE_CONNECT_TIMEOUT", 2)
        self.DATABASE_STATEMENT_TIMEOUT = env_int("DATABASE_STATEMENT_TIMEOUT", 3)
        self.DATABASE_POOL_TIMEOUT = env_int("DATABASE_POOL_TIMEOUT", 2)
        # Keys the audit log's hash chain (website/audit/chain.py); kept outside the database.
        # Default: a key generated once into the instance folder (production refuses to start
        # without AUDIT_KEY).
        self.AUDIT_KEY = os.environ.get("AUDIT_KEY") or None
        # Admin sessions (website/accounts/sessions.py) and recent authentication.
        self.ADMIN_IDLE_MINUTES = env_int("ADMIN_IDLE_MINUTES", 30)
        self.ADMIN_SESSION_HOURS = env_int("ADMIN_SESSION_HOURS", 12)
        self.RECENT_AUTH_MINUTES = env_int("RECENT_AUTH_MINUTES", 10)
        # Every admin must enrol a second factor before any other admin page (production).
        self.MFA_REQUIRED_FOR_ADMINS = env_flag("MFA_REQUIRED_FOR_ADMINS", self.PRODUCTION)
        # Keys the fingerprint kept of an erased address (default: derived from SECRET_KEY).
        self.ERASURE_HMAC_KEY = os.environ.get("ERASURE_HMAC_KEY") or None
        self.MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
        self.MAIL_PORT = env_int("MAIL_PORT", 25)
        self.MAIL_USE_TLS = env_flag("MAIL_USE_TLS", False)
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
        self.MAIL_DEFAULT_SENDER = os.environ.get(
            "MAIL_DEFAULT_SENDER", "Privacy team <privacy@localhost>"
        )
        self.MAIL_TIMEOUT = env_int("MAIL_TIMEOUT", 10)
        # After this many failed tries (15 s, 30 s, 1 min ... apart, about 8.5 hours in all) an
        # email is marked failed and shown to the admin.
        self.MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", 12)
        # Each worker runs the site's background work in a thread (website/jobs/): mail at once
        # after the request that queued it and every MAIL_POLL_SECONDS, the daily purge.
        self.JOBS_ENABLED = env_flag("JOBS_ENABLED", True)
        self.MAIL_POLL_SECONDS = env_int("MAIL_POLL_SECONDS", 10)
        self.MAIL_RETRY_SECONDS = env_int("MAIL_RETRY_SECONDS", MAIL_RETRY_SECONDS)
        self.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
        self.RATELIMIT_ENABLED = env_flag("RATELIMIT_ENABLED", True)
        self.RATELIMIT_HEADERS_ENABLED = True
        # The site's own address, for absolute links (emails, hreflang, receipts).
        self.SITE_URL = (os.environ.get("SITE_URL", "").strip() or local_site_url()).rstrip("/")
        # Host headers the site answers besides SITE_URL's own (Flask's TRUSTED_HOSTS; the
        # factory adds SITE_URL's host): a request naming any other host gets 400.
        self.TRUSTED_HOSTS = host_list(os.environ.get("TRUSTED_HOSTS", ""))
        # Other origins whose pages may post to this site (space- or comma-separated URLs).
        self.TRUSTED_ORIGINS = os.environ.get("TRUSTED_ORIGINS", "").replace(",", " ").split()
        # The token-less check of every unsafe request (website/security.py); on in tests too.
        self.CROSS_ORIGIN_PROTECTION = env_flag("CROSS_ORIGIN_PROTECTION", True)
        self.SESSION_COOKIE_SECURE = env_flag("SESSION_COOKIE_SECURE", self.PRODUCTION)
        # Redirect plain HTTP to HTTPS (behind a load balancer, set TRUSTED_PROXIES too).
        self.FORCE_HTTPS = env_flag("FORCE_HTTPS", self.PRODUCTION)
        # How many proxies in front (load balancer, nginx) may set X-Forwarded-*.
        self.TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.PREFERRED_URL_SCHEME = "https" if self.SESSION_COOKIE_SECURE else "http"
        self.MAX_CONTENT_LENGTH = 1024 * 1024
        self.MAX_FORM_MEMORY_SIZE = 512 * 1024
        self.WTF_CSRF_TIME_LIMIT = None
        self.BCRYPT_ROUNDS = env_int("BCRYPT_ROUNDS", 12)
        self.POLICY_SOURCE = str(ROOT / "content" / "policy.md")
        self.POLICY_FIRST_EFFECTIVE = date(2025, 8, 11)
        self.CONSENT_MAX_AGE_DAYS = env_int("CONSENT_MAX_AGE_DAYS", 182)
        # false: a consent record's COMMIT does not wait for PostgreSQL's disk flush (faster;
        # the proof of the last ~0.6 s is lost if the database server crashes).
        self.DURABLE_CONSENT_PROOF = env_flag("DURABLE_CONSENT_PROOF", True)
        self.POLICY_NOTICE_DAYS = env_int("POLICY_NOTICE_DAYS", 30)
        # How long a worker may answer "which material revision is in force" from memory.
        self.POLICY_CACHE_SECONDS = env_int("POLICY_CACHE_SECONDS", 10)
        # How long nginx may serve a stored public page while the site answers errors, counted
        # from when that page stopped being fresh (website/pagecache.py, stale-if-error).
        self.STALE_IF_ERROR_SECONDS = env_int("STALE_IF_ERROR_SECONDS", STALE_IF_ERROR_SECONDS)
        # Keep anonymous public pages in each worker's memory (website/pagecache.py).
        self.PAGE_CACHE = env_flag("PAGE_CACHE", True)
        # `flask digest compile` writes fingerprinted, gzip- and brotli-compressed static files.
        self.FLASK_STATIC_DIGEST_COMPRESSION = ["gzip", "brotli"]
        self.GPC_LAST_UPDATE = os.environ.get("GPC_LAST_UPDATE", "2026-11-27")
        # Who runs the site, shown in every page's header and footer (the policy's contacts).
        self.COMPANY_NAME = os.environ.get("COMPANY_NAME", "").strip()
        self.CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "").strip() or POLICY_EMAIL
        self.CONTACT_PHONE = os.environ.get("CONTACT_PHONE", "").strip() or POLICY_PHONE
        self.SECURITY_CONTACT = os.environ.get(
            "SECURITY_CONTACT", f"mailto:{self.CONTACT_EMAIL}"
        )
        # Retention periods in days (the policy's promises; see website/retention.py).
        self.RETENTION_DAYS = {
            "page_views": env_int("RETENTION_PAGE_VIEWS_DAYS", 730),
            "unverified_rights_requests": env_int("RETENTION_UNVERIFIED_RIGHTS_DAYS", 30),
            "closed_support_requests": env_int("RETENTION_CLOSED_SUPPORT_DAYS", 730),
            "closed_rights_requests": env_int("RETENTION_CLOSED_RIGHTS_DAYS", 730),
            "consent_proof": env_int("RETENTION_CONSENT_PROOF_DAYS", 1095),
            "sent_email": env_int("RETENTION_SENT_EMAIL_DAYS", 90),
            "expired_tokens": env_int("RETENTION_EXPIRED_TOKENS_DAYS", 1),
            # Six years: the UK limitation period for claims (Limitation Act 1980).
            "audit_log": env_int("RETENTION_AUDIT_DAYS", 2192),
            # A system's export uploaded for an access request, counted from the request's
            # closing (the requester's download link lasts 7 days of it).
            "system_exports": env_int("RETENTION_SYSTEM_EXPORTS_DAYS", 30),
            # Breach records: the same six years, counted from awareness.
            "incidents": env_int("RETENTION_INCIDENTS_DAYS", 2192),
            # Sub-processor list subscriptions never confirmed, counted from the subscription.
            "unconfirmed_subscribers": env_int("RETENTION_UNCONFIRMED_SUBSCRIBERS_DAYS", 30),
        }
        # The register of systems is seeded from this file on first start (website/systems).
        self.SYSTEMS_SEED = os.environ.get("SYSTEMS_SEED") or str(ROOT / "content" / "systems.toml")
        # The largest export (JSON or CSV) an admin may upload for a system's task.
        # Below MAX_CONTENT_LENGTH (1 MiB), which bounds every request body, CSRF check first.
        self.SYSTEM_EXPORT_MAX_BYTES = env_int("SYSTEM_EXPORT_MAX_BYTES", 768 * 1024)
        # How long the status link in a rights request's emails works (a new one: /rights/new-link).
        self.RIGHTS_STATUS_LINK_DAYS = env_int("RIGHTS_STATUS_LINK_DAYS", 30)
        # Webhook systems (website/webhooks): the key their signing secrets are sealed with
        # (default: generated into the instance folder; production refuses to start without),
        # the hosts an endpoint may name although they resolve to a private or loopback address,
        # and the delivery's timeout, attempts and polling.
        self.WEBHOOK_SECRET_KEY = os.environ.get("WEBHOOK_SECRET_KEY") or None
        self.WEBHOOK_ALLOWED_HOSTS = [host.strip().lower() for host in os.environ.get(
            "WEBHOOK_ALLOWED_HOSTS", "").split(",") if host.strip()]
        self.WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
        self.WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8)
        self.WEBHOOK_POLL_SECONDS = env_int("WEBHOOK_POLL_SECONDS", 30)
        # Sends at once per worker (a thread pool of the webhooks job), and at most this many
        # to one system, so a slow system never holds the others up.
        self.WEBHOOK_CONCURRENCY = env_int("WEBHOOK_CONCURRENCY", 8)
        self.WEBHOOK_PER_SYSTEM = env_int("WEBHOOK_PER_SYSTEM", 4)
        self.WEBHOOK_RETRY_SECONDS = env_int("WEBHOOK_RETRY_SECONDS", 15)  # doubles per try
        self.WEBHOOK_ANSWER_MAX_BYTES = env_int("WEBHOOK_ANSWER_MAX_BYTES", 512 * 1024)
        self.RETENTION_BATCH_SIZE = env_int("RETENTION_BATCH_SIZE", 1000)
        # The site runs the purge itself, at most once a day (one runner across hosts).
        self.RETENTION_AUTORUN = env_flag("RETENTION_AUTORUN", True)
        # The site walks the whole audit chain itself once a day (the dashboard shows a break).
        self.AUDIT_DAILY_VERIFY = env_flag("AUDIT_DAILY_VERIFY", True)
        # New data-rights requests per client IP (Flask-Limiter syntax).
        self.RIGHTS_RATE_LIMIT = os.environ.get("RIGHTS_RATE_LIMIT", "5 per hour")
        # Support form submissions allowed per client IP (Flask-Limiter syntax).
        self.SUPPORT_RATE_LIMIT = os.environ.get("SUPPORT_RATE_LIMIT", "5 per hour")


class ProductionConfig(Config):
    """Production: secure cookies, and no start without a real SECRET_KEY."""

    PRODUCTION = True


class TestConfig(Config):
    """Tests: cheap bcrypt, mail only by the CLI or explicit calls, no rate limits by default."""

    TESTING = True

    def __init__(self) -> None:
        super().__init__()
        self.SECRET_KEY = "test-secret-key"  # noqa: S105 - a fixed key for tests only
        self.AUDIT_KEY = "test-audit-key"
        self.WEBHOOK_SECRET_KEY = "test-webhook-key"  # noqa: S105 - tests only
        self.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]  # the reference receiver the tests run
        # Tests log admins in by session; the tests of the second factor switch this on.
        self.MFA_REQUIRED_FOR_ADMINS = False
        self.SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or None
        self.BCRYPT_ROUNDS = 4
        self.RATELIMIT_ENABLED = False
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.MAIL_SERVER = None
        self.JOBS_ENABLED = False  # a test that wants the job runner switches it on
        self.RETENTION_AUTORUN = False
        self.AUDIT_DAILY_VERIFY = False
        self.SITE_URL = "http://localhost"
        self.TRUSTED_HOSTS = ["127.0.0.1"]  # the browser tests' live server
        self.SESSION_COOKIE_SECURE = False
        self.FORCE_HTTPS = False
        # Most tests post forms directly; the CSRF tests switch this back on.
        self.WTF_CSRF_ENABLED = False
