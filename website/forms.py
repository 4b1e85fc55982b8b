"""The form toolkit every feature shares."""

from __future__ import annotations

from flask_wtf import FlaskForm


class PublicForm(FlaskForm):
    """A form a visitor without cookies sees: no per-visitor CSRF token, so the page that
    carries it is the same for everyone and its first view sets no cookie.

    Cross-site posts are refused before any view runs by the token-less cross-origin check
    (`website.security.refuse_cross_origin`); forms behind a login keep FlaskForm's token too.
    Views that take a PublicForm are exempted from CSRFProtect with `@csrf.exempt`.
    """

    class Meta:
        csrf = False
