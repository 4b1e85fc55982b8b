"""Due dates: one calendar month as the UK ICO counts it."""

from datetime import date

import pytest

from website.rights.dates import add_months, one_calendar_month_after


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (date(2025, 1, 31), date(2025, 2, 28)),  # 31 February does not exist: last day
        (date(2024, 1, 31), date(2024, 2, 29)),  # leap year
        (date(2024, 2, 29), date(2024, 3, 29)),  # the same date next month
        (date(2025, 2, 28), date(2025, 3, 28)),
        (date(2025, 12, 31), date(2026, 1, 31)),  # across the year end
        (date(2025, 3, 3), date(2025, 4, 3)),
        (date(2025, 3, 31), date(2025, 4, 30)),
    ],
)
def test_one_calendar_month_after(start, due):
    assert one_calendar_month_after(start) == due


def test_add_months_for_extensions():
    assert add_months(date(2025, 1, 31), 3) == date(2025, 4, 30)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
