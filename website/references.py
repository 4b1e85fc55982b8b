"""Request references: short, readable, and not guessable from one another."""

from __future__ import annotations

import secrets

# No 0/O, 1/I/L: easy to read aloud and to type from an email.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference(prefix: str, length: int = 8) -> str:
    """A random reference such as SR-7K3QX9MA (about 40 bits of randomness for length 8)."""
    return f"{prefix}-" + "".join(secrets.choice(ALPHABET) for _ in range(length))
