"""URL converters."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter, Map

# The largest value of a 32-bit INTEGER column (PostgreSQL `integer`; SQLite takes 64 bits).
MAX_DATABASE_INT = 2**31 - 1


class DatabaseIntConverter(IntegerConverter):
    """`<int:...>` bounded to what an INTEGER column holds: a larger number is a 404 from the
    router, before any query (PostgreSQL and SQLite would fail on it with an error, not None)."""

    def __init__(
        self, map: Map, fixed_digits: int = 0, min: int | None = None,
        max: int | None = MAX_DATABASE_INT, signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
