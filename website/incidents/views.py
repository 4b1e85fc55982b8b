"""/notices/<reference>: a breach notice published for everyone (GDPR Art. 34(3)(c))."""

from __future__ import annotations

from flask import abort, render_template

from website.i18n import current_locale
from website.incidents import bp
from website.incidents.notices import notice_text, public_notice


@bp.get("/notices/<reference>")
def public_notice_page(reference: str) -> str:
    """The published notice, in the page's language where it was written in it; else 404."""
    notice = public_notice(reference)
    if notice is None:
        abort(404)
    subject, body = notice_text(notice).in_language(current_locale())
    return render_template("incidents/public_notice.html", notice=notice, subject=subject,
                           body=body, contact=notice.incident.contact)
