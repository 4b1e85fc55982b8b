"""Fixtures shared with the rights tests."""

from tests.rights.conftest import rights  # noqa: F401  (the public rights flow)
