"""A webhook system's signing secret, sealed at rest with WEBHOOK_SECRET_KEY (Fernet:
AES-128-CBC with an HMAC-SHA256 tag). Whoever reads the database but not the environment
cannot sign as the site or as the system."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app

from website.accounts.models import User
from website.audit import record_audit
from website.extensions import db
from website.systems.models import System
from website.webhooks.signing import new_secret


class SecretError(RuntimeError):
    """A sealed secret that cannot be opened (the key changed), or none at all."""


def _fernet() -> Fernet:
    key = str(current_app.config["WEBHOOK_SECRET_KEY"]).encode()
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(key).digest()))


def seal(secret: str) -> str:
    """The secret encrypted for storage."""
    return _fernet().encrypt(secret.encode()).decode()


def secret_of(system: System) -> str:
    """The system's signing secret, opened; SecretError when it has none or the key changed."""
    if not system.secret_sealed:
        raise SecretError(f"{system.name} has no signing secret.")
    try:
        return _fernet().decrypt(system.secret_sealed.encode()).decode()
    except InvalidToken:
        raise SecretError(f"{system.name}'s signing secret cannot be opened with "
                          "WEBHOOK_SECRET_KEY.") from None


def give_secret(system: System) -> str:
    """A new signing secret for the system (sealed on it; the caller commits): returned once,
    to be shown once."""
    secret = new_secret()
    system.secret_sealed = seal(secret)
    return secret


def issue_secret(system: System, actor: User) -> str:
    """Give the system a new signing secret (the old one stops working), audited; commits.
    The secret is returned to be shown once; only its sealed form is kept."""
    secret = give_secret(system)
    record_audit("systems.webhook_secret", f"system:{system.id}", {"name": system.name},
                 actor_id=actor.id, actor=actor.email)
    db.session.commit()
    return secret
