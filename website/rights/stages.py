"""Where a rights request stands, as the admin pages show it: the stage stepper, the days left
and the one primary action."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from website.extensions import utcnow
from website.rights.models import RightsRequest
from website.rights.terms import CLOSED, OPEN

# The path every request takes; the last stage is "completed" or "rejected".
PATH = (("received", "Received"), ("verified", "Verified"), ("in_progress", "In progress"))
ENDS = {"completed": "Completed", "rejected": "Rejected"}
# The next step of the workflow, first one possible wins: the page's single primary button.
PRIMARY_ORDER = ("resume", "start", "complete", "approve_deletion")


@dataclass(frozen=True)
class Stage:
    """One step of the stepper: its label and whether it is done, current or still to come."""

    key: str
    label: str
    state: str  # "done", "current" or "todo"


def stages(item: RightsRequest) -> list[Stage]:
    """The four stages of the request, each done, current or to come."""
    end = item.status if item.status in ENDS else "completed"
    path = [*PATH, (end, ENDS[end] if item.status in ENDS else "Completed or rejected")]
    keys = [key for key, _ in path]
    current = keys.index(item.status) if item.status in keys else 0
    return [Stage(key, label, "done" if index < current else
                  "current" if index == current else "todo")
            for index, (key, label) in enumerate(path)]


def days_left(item: RightsRequest, today: date | None = None) -> str:
    """The time left, said plainly: "12 days left", "Due today", "3 days overdue", or why the
    clock is not running."""
    if item.status in CLOSED:
        return "Closed"
    if item.status not in OPEN or item.due_in_force is None:
        return "Clock not started (waiting for confirmation)"
    if item.paused_at is not None:
        return "Clock paused"
    days = (item.due_in_force - (today or utcnow().date())).days
    if days == 0:
        return "Due today"
    if days > 0:
        return f"{days} day{'' if days == 1 else 's'} left"
    return f"{-days} day{'' if days == -1 else 's'} overdue"


def primary_action(actions: list[str]) -> str:
    """The one action the page offers as its primary button ("" when none)."""
    return next((action for action in PRIMARY_ORDER if action in actions), "")
