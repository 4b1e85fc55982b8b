"""The export of an access or portability request: one JSON document, this site's data (the
export of website/rights/personal_data.py) plus every system's part with its Art. 15 facts.

One JSON rather than a ZIP: the requester already gets one JSON from the same expiring link,
Art. 20 asks for a structured, machine-readable format and one parser reads all of it; a
system's CSV becomes a list of rows keyed by its header, so nothing needs unpacking, and the
uploads are size-limited (SYSTEM_EXPORT_MAX_BYTES), so the document stays small.
"""

from __future__ import annotations

from typing import Any

from website.i18n import language
from website.i18n import lazy_gettext as _l
from website.records.service import entry_data, entry_purposes, entry_retention
from website.rights.models import RightsRequest
from website.rights.personal_data import export_personal_data
from website.rights.tasks import tasks_of
from website.systems.exports import export_part
from website.systems.models import RequestTask
from website.systems.service import system_entry

SYSTEMS_KEY = _l("Our other systems that hold data about you: for each, what it holds, why, on "
                 "which legal basis, who receives it, how long it is kept, and what it sent us.")


def system_part(task: RequestTask) -> dict[str, Any]:
    """One system's part: its Art. 15 facts from the register, its answer and its data."""
    entry = system_entry(task.system)
    return {
        "system": task.system.name,
        "data_held": entry_data(entry),
        "purposes": entry_purposes(entry),
        "legal_basis": str(entry.legal_basis),
        "recipients": [str(r) for r in entry.recipients],
        "retention": "; ".join(entry_retention(entry)),
        "state": task.state,
        "answer": task.note,
        "data": export_part(task),
    }


def request_export(item: RightsRequest) -> dict[str, Any]:
    """Everything held about the requester, this site's and every system's, in their language."""
    data = export_personal_data(item.email, locale=item.locale)
    with language(item.locale):
        data["systems"] = [system_part(task) for task in tasks_of(item)]
        data["keys"]["systems"] = str(SYSTEMS_KEY)
    return data
