"""What happens when a material revision is published (filled in by the admin area)."""

from __future__ import annotations

from website.policy.models import PolicyVersion


def announce_material_change(version: PolicyVersion) -> None:
    """Queue the announcement of a material change (emails to every registered user)."""
