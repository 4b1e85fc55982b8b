"""URL converters."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

# The largest value of a 32-bit INTEGER column (PostgreSQL `integer`; SQLite takes 64 bits).
MAX_DATABASE_INT = 2**31 - 1


class DatabaseIntConverter(IntegerConverter):
    """`<int:...>` bounded to what an INTEGER column holds: a larger number is a 404 from the
    router, before any query (PostgreSQL and SQLite would fail on it with an error, not None)."""

    def __init__(
        self, map, fixed_digits=0, min=None, max=MAX_DATABASE_INT, signed=False  # noqa: A002
    ) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
