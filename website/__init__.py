"""The privacy site: application factory.

The factory imports the features inside its functions on purpose: `import website.x` must not
load the whole site (tests/test_imports.py imports each module first, on its own), and nothing
below imports `website` back, so these are no cycle to dodge."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from dotenv import load_dotenv
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from website.config import ROOT, Config, ProductionConfig, instance_secret_key, trusted_hosts
from website.database import engine_options
from website.extensions import csrf, db, limiter, login, migrate, static_digest
from website.i18n import LocalePrefix, LocalisedFlask, register_i18n
from website.pagecache import PageCache, register_page_cache
from website.policy.published import MEMORY, register_published_memory
from website.release import check_release
from website.security import register_security
from website.static_files import static_files
from website.templating import register_templating

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication


def create_app(config: Config | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, error pages, commands."""
    app = LocalisedFlask(
        __name__,
        template_folder=str(ROOT / "templates"),
        # STATIC_FOLDER: compiled static files elsewhere (the tests compile into a temporary one).
        static_folder=os.environ.get("STATIC_FOLDER") or str(ROOT / "static"),
        instance_path=os.environ.get("INSTANCE_PATH") or str(ROOT / "instance"),
    )
    configure(app, config)
    register_published_memory(app)
    register_i18n(app)
    check_release(app)  # in production: no start without the compiled catalogues and files
    register_security(app)
    register_page_cache(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_request_hooks(app)
    register_first_start(app)
    register_wsgi_stack(app)
    return app


def configure(app: Flask, config: Config | None) -> None:
    """Load settings; fill in the defaults that depend on the instance folder."""
    if config is None:
        # A .env file in the repository root, for gunicorn as for `flask` (variables already
        # set in the environment win).
        load_dotenv(ROOT / ".env")
        production = os.environ.get("APP_ENV", "").lower() == "production"
        config = ProductionConfig() if production else Config()
    app.config.from_object(config)
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config["SITE_URL"],
                                                app.config.get("TRUSTED_HOSTS") or [])
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config["SECRET_KEY"]:
        if app.config["PRODUCTION"]:
            raise RuntimeError("SECRET_KEY must be set in production (APP_ENV=production).")
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    if not app.config["AUDIT_KEY"]:
        if app.config["PRODUCTION"]:
            raise RuntimeError("AUDIT_KEY must be set in production (APP_ENV=production).")
        app.config["AUDIT_KEY"] = instance_secret_key(app.instance_path, "audit_key")
    if not app.config["WEBHOOK_SECRET_KEY"]:
        if app.config["PRODUCTION"]:
            raise RuntimeError("WEBHOOK_SECRET_KEY must be set in production (APP_ENV=production).")
        app.config["WEBHOOK_SECRET_KEY"] = instance_secret_key(app.instance_path, "webhook_key")
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        path = os.path.join(app.instance_path, "site.db")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    options = engine_options(app.config["SQLALCHEMY_DATABASE_URI"], app.config)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options,
                                               **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})}


def register_extensions(app: Flask) -> None:
    """Bind the extensions created in `website.extensions`."""
    from website import database  # noqa: F401 - connection set-up for every engine

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login.init_app(app)
    static_digest.init_app(app)  # its static_url_for builds through app.url_for: no prefix
    from website import models  # noqa: F401 - every table known to Alembic and create_all
    from website.accounts.service import load_user

    login.user_loader(load_user)
    login.login_view = "accounts.login"
    # No flash on the way to /login: a GET must set no cookie (the login page says it instead).
    login.login_message = None


def register_blueprints(app: Flask) -> None:
    """One blueprint per area of the site."""
    from website.routing import DatabaseIntConverter

    app.url_map.converters["int"] = DatabaseIntConverter  # before any rule is added
    from website import (
        accounts,
        admin,
        consent,
        incidents,
        notices,
        pages,
        policy,
        records,
        rights,
        subprocessors,
        support,
    )
    from website.accounts import second_factor  # noqa: F401 - the routes
    from website.accounts import views as accounts_views  # noqa: F401 - the routes
    from website.admin import (  # noqa: F401 - the routes
        audit,
        consents,
        exports,
        mfa,
        policy_translations,
        processing,
        systems,
        tasks,
    )
    from website.admin import incidents as admin_incidents  # noqa: F401 - the routes
    from website.admin import policy as admin_policy  # noqa: F401 - the routes
    from website.admin import rights as admin_rights  # noqa: F401 - the routes
    from website.admin import subprocessors as admin_subprocessors  # noqa: F401 - the routes
    from website.admin import support as admin_support  # noqa: F401 - the routes
    from website.admin import views as admin_views  # noqa: F401 - the routes
    from website.consent import views as consent_views  # noqa: F401 - the routes
    from website.incidents import views as incidents_views  # noqa: F401 - the routes
    from website.pages import views as pages_views  # noqa: F401 - the routes
    from website.policy import views as policy_views  # noqa: F401 - the routes
    from website.records import views as records_views  # noqa: F401 - the routes
    from website.rights import views as rights_views  # noqa: F401 - the routes
    from website.subprocessors import views as subprocessors_views  # noqa: F401 - the routes
    from website.support import views as support_views  # noqa: F401 - the routes

    notices.register_notices(app)
    for area in (pages, policy, records, consent, accounts, support, rights, incidents,
                 subprocessors):
        app.register_blueprint(area.bp)
    admin_bp = admin.bp
    app.register_blueprint(admin_bp, url_prefix="/admin")
    from website.webhooks import views as webhooks_views

    app.register_blueprint(webhooks_views.bp)


def register_errorhandlers(app: Flask) -> None:
    """Error pages in the site's look, never a stack trace."""
    from website.errors import register_errorhandlers as register

    register(app)


def register_commands(app: Flask) -> None:
    """`flask policy`, `flask users`, `flask outbox`, `flask retention`, `flask audit`."""
    from website.accounts.cli import users_cli
    from website.audit.cli import audit_cli
    from website.mail.cli import outbox_cli
    from website.policy.cli import policy_cli
    from website.retention import retention_cli

    for group in (policy_cli, users_cli, outbox_cli, retention_cli, audit_cli):
        app.cli.add_command(group)


def register_request_hooks(app: Flask) -> None:
    """Template globals, consent state, after-request mail, daily purge."""
    register_templating(app)
    from website.accounts.sessions import register_admin_sessions

    register_admin_sessions(app)
    from website.consent.state import register_consent

    register_consent(app)
    from website.jobs import register_jobs
    from website.mail.service import before_delivery, register_mail
    from website.policy.announce import announce_material_change, continue_announcements
    from website.policy.service import on_first_version, on_material_change
    from website.policy.translations import attach_shipped_translations

    register_jobs(app)
    register_mail(app)
    on_material_change(app, announce_material_change)
    on_first_version(app, attach_shipped_translations)
    before_delivery(app, continue_announcements)
    from website.incidents.notices import continue_notices

    before_delivery(app, continue_notices)
    from website.retention import register_retention

    register_retention(app)
    from website.audit.verify import register_daily_verify

    register_daily_verify(app)
    from website.rights.tasks import register_tasks

    register_tasks(app)
    from website.subprocessors.service import register_subprocessors

    register_subprocessors(app)
    from website.alerts.service import register_alerts

    register_alerts(app)
    from website.webhooks.delivery import register_delivery

    register_delivery(app)


def register_wsgi_stack(app: Flask) -> None:
    """The WSGI layers in front of Flask, in the order a request meets them; kept by name in
    `app.extensions["wsgi_stack"]` (name, layer), outermost first.

    The proxy headers come first, so every layer sees the client's scheme and host as the load
    balancer (deploy/nginx.conf) reports them; then the language prefix (a stored page's key
    includes it), the static files, and the stored public pages."""
    proxies = app.config["TRUSTED_PROXIES"]
    layers: list[tuple[str, Callable[[WSGIApplication], WSGIApplication]]] = [
        ("proxy headers", lambda inner: ProxyFix(inner, x_for=proxies, x_proto=proxies,
                                                 x_host=proxies)),
        ("language prefix", LocalePrefix),
        ("static files", lambda inner: static_files(app, inner)),
        ("stored public pages", lambda inner: PageCache(app, inner, app.extensions[MEMORY])),
    ]
    if not proxies:
        layers = layers[1:]
    wsgi_app: WSGIApplication = app.wsgi_app
    stack: list[tuple[str, WSGIApplication]] = []
    for name, wrap in reversed(layers):
        wrapped = wrap(wsgi_app)
        if wrapped is not wsgi_app:  # (no static files layer without a static folder)
            stack.insert(0, (name, wrapped))
        wsgi_app = wrapped
    # Wrapping the WSGI app is Flask's documented middleware pattern; mypy sees a method.
    app.wsgi_app = wsgi_app  # type: ignore[method-assign,assignment]
    app.extensions["wsgi_stack"] = stack


def register_first_start(app: Flask) -> None:
    """Import content/policy.md as version 1 when the database is migrated but empty; seed the
    register of systems from content/systems.toml (and let it feed the processing register)."""
    from website.policy.service import ensure_first_version
    from website.systems.service import register_systems

    register_systems(app)

    if not app.config["TESTING"]:
        with app.app_context():
            ensure_first_version()
