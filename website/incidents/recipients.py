"""Who a breach notice is for: the admin's pick, resolved to accounts with a confirmed address.

An address counts only once its owner followed a link sent to it: the site's one rule,
`owned_email` (website/accounts/service.py). Whatever was typed but will not be told is listed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, func, select

from website.accounts.fanout import confirmed_address
from website.accounts.models import User
from website.accounts.service import comparable_email, owned_email
from website.extensions import db
from website.forms import email_problem

MAX_LISTED = 50_000
_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass
class Recipients:
    """Who a notice would reach: account ids to tell, and what was typed but will not be told."""

    user_ids: list[int] = field(default_factory=list)
    everyone: bool = False
    not_told: list[str] = field(default_factory=list)
    count: int = 0


class RecipientsError(ValueError):
    """The typed list cannot be read; the message says what to fix."""


def split_list(text: str) -> list[str]:
    """Entries of a pasted list (one a line, or separated by commas, semicolons or spaces)."""
    return [item for item in _SEPARATORS.split(text.strip()) if item]


def pick_recipients(audience: str, accounts: str = "", addresses: str = "") -> Recipients:
    """Resolve the admin's choice to accounts with a confirmed address; RecipientsError when
    the list cannot be read."""
    if audience == "everyone":
        count = db.session.scalar(select(func.count()).select_from(User)
                                  .where(confirmed_address())) or 0
        return Recipients(everyone=True, count=count)
    if audience == "accounts":
        return _by_account_number(split_list(accounts))
    if audience == "addresses":
        return _by_address(split_list(addresses))
    return Recipients()


def _check_size(items: list[str], what: str) -> None:
    if not items:
        raise RecipientsError(f"List at least one {what}.")
    if len(items) > MAX_LISTED:
        raise RecipientsError(f"List at most {MAX_LISTED:,} {what}es; for more, pick everyone.")


def _by_account_number(items: list[str]) -> Recipients:
    _check_size(items, "account number")
    bad = [item for item in items if not (item.isascii() and item.isdigit() and len(item) < 10)]
    if bad:
        raise RecipientsError("Not an account number: " + ", ".join(bad[:5]) + ".")
    wanted = sorted({int(item) for item in items})
    found = _users_where(User.id.in_, wanted)
    result = Recipients()
    for number in wanted:
        user = found.get(number)
        if user is None:
            result.not_told.append(f"account {number}: no such account")
        elif owned_email(user) is None:
            result.not_told.append(f"account {number}: its address is not confirmed")
        else:
            result.user_ids.append(user.id)
    result.count = len(result.user_ids)
    return result


def _by_address(items: list[str]) -> Recipients:
    _check_size(items, "address")
    bad = [item for item in items if email_problem(item)]
    if bad:
        raise RecipientsError("Not an email address: " + ", ".join(bad[:5]) + ".")
    wanted = sorted({comparable_email(item) for item in items})
    owners: dict[str, User] = {}
    for user in _users_where(func.lower(User.email).in_, wanted).values():
        address = owned_email(user)  # the site's one rule: confirmed by a followed link
        if address is not None:
            owners[comparable_email(address)] = user
    result = Recipients()
    for address in wanted:
        if address in owners:
            result.user_ids.append(owners[address].id)
        else:
            result.not_told.append(f"{address}: no account has confirmed this address")
    result.count = len(result.user_ids)
    return result


def _users_where(condition: Callable[[list[Any]], ColumnElement[bool]], values: list[Any]
                 ) -> dict[int, User]:
    """Users matching `condition(chunk)` for chunks of `values`, by id."""
    found: dict[int, User] = {}
    for start in range(0, len(values), 1000):
        query = select(User).where(condition(values[start:start + 1000]))
        for user in db.session.scalars(query):
            found[user.id] = user
    return found
