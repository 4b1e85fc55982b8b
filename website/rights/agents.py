"""Authorised agents (CCPA §7063): a request filed on someone's behalf names the agent; the
person confirms from their own address (the confirmation link goes there, never to the agent),
and nothing is shared with the agent: its one email says what happens, with no link and no data.
"""

from __future__ import annotations

from collections.abc import Collection

from website.accounts.models import User
from website.extensions import db
from website.i18n import lazy_gettext as _l
from website.mail.service import queue_email
from website.rights.models import RightsRequest
from website.rights.service import submit_request
from website.rights.terms import TYPES, Agent


def submit(request_type: str, name: str, email: str, details: str, user: User | None,
           agent: Agent | None, mine: Collection[str] = (),
           submission: str | None = None) -> tuple[RightsRequest, str | None]:
    """Store the request as `service.submit_request` does; with an agent, also tell the agent
    that the person has been asked to confirm (no link, nothing of theirs), once: a form sent
    again (token "") tells nobody again."""
    item, token = submit_request(request_type, name, email, details, user=user, agent=agent,
                                 mine=mine, submission=submission)
    if agent is not None and token != "":
        queue_email(agent.email, _l("The person must confirm the request you filed [%(reference)s]",
                                    reference=item.reference),
                    "rights_agent", item.locale, reference=item.reference, agent=agent,
                    person=item.name, type_label=TYPES[item.request_type][0])
        db.session.commit()
    return item, token
