"""The admin roles: who may open which part of the admin area (one list, one place)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """An admin role; an account holds any number of them (none: not an admin)."""

    POLICY_EDITOR = "policy_editor"  # policy pages and translations
    REQUEST_HANDLER = "request_handler"  # support, rights queues and intake
    ADMINISTRATOR = "administrator"  # admins, roles, systems, incidents, exports, records, audit


ALL_ROLES: frozenset[Role] = frozenset(Role)
# The dashboard, consent and analytics pages: any admin role opens them.
ANY_ROLE: frozenset[Role] = ALL_ROLES


def parse_roles(stored: str) -> frozenset[Role]:
    """The roles in the stored column (space-separated names; unknown names are ignored)."""
    known = {role.value for role in Role}
    return frozenset(Role(name) for name in stored.split() if name in known)


def format_roles(roles: frozenset[Role] | set[Role]) -> str:
    """The column's value for a set of roles: sorted names, space-separated."""
    return " ".join(sorted(role.value for role in roles))


def role_named(name: str) -> Role:
    """The role with this name; ValueError naming the known ones otherwise."""
    try:
        return Role(name.strip().lower())
    except ValueError:
        known = ", ".join(role.value for role in Role)
        raise ValueError(f"Unknown role {name!r}: use one of {known}.") from None
