"""The second factor: a TOTP secret (RFC 6238, `pyotp`) and one-time recovery codes (hashed).

Every check of a code goes through `check_code`: the login's second step, /reauth and the
confirmation pages all ask it."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from sqlalchemy import delete, select, update

from website.accounts.models import RecoveryCode, User
from website.extensions import db, rowcount, utcnow

RECOVERY_CODE_COUNT = 10
ISSUER = "Privacy Centre"
# A code of the step before or after also counts: phones and servers disagree by seconds.
VALID_WINDOW = 1
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def new_secret() -> str:
    """A fresh random TOTP secret (base32, 160 bits)."""
    return pyotp.random_base32(32)


def valid_secret(secret: str) -> str | None:
    """The secret in canonical form (upper case, no spaces), or None when it is not base32."""
    cleaned = secret.replace(" ", "").upper()
    if len(cleaned) < 16 or len(cleaned) > 64:
        return None
    try:
        pyotp.TOTP(cleaned).now()
    except (ValueError, TypeError):
        return None
    return cleaned


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(secret: str, email: str) -> str:
    """The provisioning URI as an inline SVG QR code (drawn here; no outside service)."""
    code = segno.make(provisioning_uri(secret, email), error="m")
    return str(code.svg_inline(scale=5, title="QR code for your authenticator app",
                               svgclass="qr-code", lineclass=None))


def _normal_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def recovery_hash(code: str) -> str:
    """The stored form of a recovery code (SHA-256; the codes carry 80 random bits)."""
    return hashlib.sha256(_normal_code(code).encode()).hexdigest()


def _totp_step(secret: str, code: str, now: float) -> int | None:
    """The time step the code belongs to (within the window), or None."""
    totp = pyotp.TOTP(secret)
    step = int(now // totp.interval)
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        expected = totp.at((step + offset) * totp.interval)
        if hmac.compare_digest(expected, code):
            return step + offset
    return None


def check_code(user: User, code: str, now: float | None = None) -> bool:
    """True when `code` is the account's current TOTP (never the same one twice) or one of its
    unused recovery codes (used up by this call). The caller commits."""
    if user.totp_secret is None or not code:
        return False
    typed = _normal_code(code)
    if typed.isdigit() and len(typed) == 6:
        step = _totp_step(user.totp_secret, typed, time.time() if now is None else now)
        if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
            return False
        user.totp_last_step = step
        return True
    used = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == recovery_hash(typed),
               RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    return rowcount(used) == 1


def new_recovery_codes(user: User) -> list[str]:
    """Replace the account's recovery codes with new ones; the codes are shown once, only
    their hashes are kept. The caller commits."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(16))
        codes.append("-".join(raw[i:i + 4] for i in range(0, 16, 4)))
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=recovery_hash(code))
                       for code in codes)
    return codes


def unused_recovery_codes(user: User) -> int:
    """How many recovery codes the account has left."""
    query = select(RecoveryCode.id).where(RecoveryCode.user_id == user.id,
                                          RecoveryCode.used_at.is_(None))
    return len(list(db.session.scalars(query)))


def set_second_factor(user: User, secret: str) -> None:
    """Make `secret` the account's TOTP secret (the caller commits)."""
    user.totp_secret = secret
    user.totp_last_step = None
    user.mfa_enrolled_at = utcnow()


def remove_second_factor(user: User) -> None:
    """Remove the account's TOTP secret and its recovery codes (the caller commits)."""
    user.totp_secret = None
    user.totp_last_step = None
    user.mfa_enrolled_at = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
