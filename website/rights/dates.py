"""Calendar arithmetic for rights-request deadlines (GDPR Art. 12(3), as the UK ICO counts)."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(start: date, months: int) -> date:
    """The same day `months` later, or that month's last day when the day does not exist."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last_day))


def one_calendar_month_after(start: date) -> date:
    """The ICO's 'one calendar month': 3 March -> 3 April; 31 January -> 28 (29) February."""
    return add_months(start, 1)
