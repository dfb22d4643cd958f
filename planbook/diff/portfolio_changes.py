"""What `planbook report` finds, as data: each plan's changes between two commits, sorted into
categories, and the report of a whole portfolio. planbook/diff/portfolio_report.py makes them;
report_formats.py writes them; the site's "What changed" page shows a client its own plans' only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

PlanChange = Literal["new", "removed", "modified", "renamed"]
Item = dict[str, str]  # one change, as plain fields: {"from": …, "to": …}, {"task": …, "where": …}

#: The report's categories: the JSON key of each plan's list, and the words for one and for many.
CATEGORIES: dict[str, tuple[str, str]] = {
    "status_changes": ("status change", "status changes"),
    "tasks_done": ("task done", "tasks done"),
    "tasks_undone": ("task undone", "tasks undone"),
    "risks_added": ("risk added", "risks added"),
    "risks_closed": ("risk closed", "risks closed"),
    "blockers_added": ("blocker added", "blockers added"),
    "blockers_closed": ("blocker closed", "blockers closed"),
    "dates_moved": ("date moved", "dates moved"),
}


@dataclasses.dataclass(frozen=True)
class CommitRef:
    commit: str  # the full id
    date: str  # the committer's date, YYYY-MM-DD

    @property
    def short(self) -> str:
        return self.commit[:7]


@dataclasses.dataclass(frozen=True)
class PlanChanges:
    """One plan's changes, a list of plain items a category; `problems`: versions that do not load."""

    id: str
    path: str  # relative to the repository's top: at HEAD, or at the base for a removed plan
    change: PlanChange
    previous_path: str | None  # a renamed plan's path at the base
    name: str | None
    status: str | None  # at HEAD, or at the base for a removed plan
    client: str | None  # at HEAD, or at the base for a removed plan: whose site may show these changes
    previous_client: str | None  # at the base; None for a new plan
    categories: dict[str, list[Item]]
    problems: tuple[str, ...] = ()

    @property
    def shown(self) -> bool:
        """Listed: a field the report follows changed, or a version did not load."""
        return self.change != "modified" or self.problems != () or any(self.categories.values())

    def as_dict(self) -> dict[str, Any]:
        keys = ("id", "path", "previous_path", "change", "name", "status", "client", "previous_client")
        return {**{key: getattr(self, key) for key in keys}, **self.categories, "problems": list(self.problems)}


@dataclasses.dataclass(frozen=True)
class PortfolioReport:
    since: str  # as asked: a date or a revision
    by_date: bool  # `since` is a day: the base is the last commit before it
    base: CommitRef | None  # None: no commit before the date, so every plan is new
    head: CommitRef | None  # None: no commit by the end of the window
    plans: tuple[PlanChanges, ...]
    until: dt.date | None = None  # the window's last day; None: up to HEAD

    def count(self, key: str) -> int:  # a category's items, or the plans "new" or "removed"
        if key in CATEGORIES:
            return sum(len(plan.categories[key]) for plan in self.plans)
        return sum(plan.change == key for plan in self.plans)

    def for_audience(self, includes: Callable[[str | None], bool]) -> PortfolioReport:
        """The report as one audience may see it (`Audience.includes`): the plans of its clients only;
        a plan that was another client's at the base is new to it, with nothing of what it was."""
        plans = []
        for plan in self.plans:
            if not includes(plan.client):
                continue
            if plan.change != "new" and not includes(plan.previous_client):
                empty: dict[str, list[Item]] = {key: [] for key in plan.categories}
                plan = dataclasses.replace(plan, change="new", previous_path=None, categories=empty, problems=())
            plans.append(plan)
        return dataclasses.replace(self, plans=tuple(plans))
