"""Is the project on time: a plan's schedule against the calendar, worked out once for every reader
(`planbook status`, the site's plan page and portfolio, the export, `planbook report`).

Dates, for each phase:
- planned: the plan's `start_date` and the phases' durations laid end to end (`phase_schedule`);
- actual: the phase's optional `actual_start` and `actual_finish`;
- baseline: the schedule as it stood when the client agreed to it (`Baseline`: from the plan's
  `baseline` field, or from git, the commit where the plan entered an agreed status);
- forecast: actual dates where given; otherwise the plan laid forward from them, and never a finish
  in the past for a phase not done.

`today` is always passed in, never read from the clock here, so one build or one report uses one day.
The rules for late and RAG are documented in docs/reference/schedule.md; this module is their one
implementation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal

Rag = Literal["green", "amber", "red"]


@dataclasses.dataclass(frozen=True)
class Baseline:
    """The schedule the client agreed to: a start date and each phase's duration as written then."""

    start: dt.date | None
    durations: Mapping[str, str]  # phase key → duration text, as the plan gives it (`2 weeks`, `1 month`)
    source: str  # where it comes from, for people: "baseline field", "commit 1a2b3c4 (2026-09-08)"


@dataclasses.dataclass(frozen=True)
class PhaseTracking:
    key: str
    title: str
    planned_start: dt.date | None
    planned_end: dt.date | None  # the last day of the phase, inclusive
    actual_start: dt.date | None
    actual_finish: dt.date | None
    baseline_start: dt.date | None
    baseline_end: dt.date | None
    forecast_start: dt.date | None
    forecast_end: dt.date | None
    tasks_done: int
    tasks_total: int
    done: bool  # finished: an actual finish, or the plan's status is past this phase
    late: bool  # past its planned end, not done, with tasks still open
    variance_days: int | None  # forecast end − baseline end (or planned end, without a baseline); > 0 is late


@dataclasses.dataclass(frozen=True)
class PlanTracking:
    today: dt.date
    phases: tuple[PhaseTracking, ...]
    planned_start: dt.date | None
    planned_end: dt.date | None
    baseline: Baseline | None
    baseline_end: dt.date | None
    forecast_end: dt.date | None
    variance_days: int | None
    expected_phase: str | None  # the phase the planned dates put the plan in today; None before or without dates
    late: bool
    late_reasons: tuple[str, ...]  # plain sentences: "Development ended 2026-10-18 with 5 of 9 tasks open"
    rag: Rag
    rag_reasons: tuple[str, ...]


def plan_tracking(data: Mapping[str, Any], *, today: dt.date, baseline: Baseline | None = None) -> PlanTracking:
    """The tracking facts of one plan's data (which may be a draft's: any field may be missing or of
    the wrong type) on `today`."""
    raise NotImplementedError
