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

from planbook import plan_template, schema
from planbook.dates import parse_plan_date
from planbook.model.lifecycle import lifecycle_index
from planbook.model.schedule import duration_days, phase_schedule
from planbook.model.tasks import mapping_at, progress_of

Rag = Literal["green", "amber", "red", "none"]


def agreed_statuses() -> tuple[str, ...]:
    """The statuses whose schedule the client has agreed to: the baseline is the plan as it entered one."""
    return schema.LIFECYCLE[schema.LIFECYCLE.index(plan_template.statuses().agreed_from) :]


#: Days late (forecast past the baseline, or a late phase's planned end passed) that make a plan red.
RED_AFTER_DAYS = 14
#: Confidence under which a plan is amber, and under which it is red.
AMBER_BELOW_CONFIDENCE = 70
RED_BELOW_CONFIDENCE = 50


@dataclasses.dataclass(frozen=True)
class Baseline:
    """The schedule the client agreed to: a start date and each phase's duration as written then."""

    start: dt.date | None
    durations: Mapping[str, object]  # phase key → duration as the plan gave it (`2 weeks`, `1 month`)
    source: str  # where it comes from, for people: "the plan's baseline field", "commit 1a2b3c4 (2026-09-08)"


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
    variance_days: int | None  # forecast end − baseline end (or planned end); > 0 is late
    expected_status: str | None  # where the planned dates put the plan today; None before its start or without dates
    late: bool
    late_reasons: tuple[str, ...]  # plain sentences, plan text kept out: "Development ended 2026-10-18 …"
    rag: Rag
    rag_reasons: tuple[str, ...]

    @property
    def phase(self) -> dict[str, PhaseTracking]:
        return {phase.key: phase for phase in self.phases}


def explicit_baseline(data: Mapping[str, Any]) -> Baseline | None:
    """The plan's own `baseline` field, when it holds one: it wins over git's."""
    roles = plan_template.roles()
    given = data.get(roles.baseline)
    if not isinstance(given, dict):
        return None
    start = parse_plan_date(given.get(roles.baseline_start))
    durations = given.get(roles.baseline_durations)
    if start is None or not isinstance(durations, dict):
        return None
    return Baseline(start, dict(durations), "the plan's baseline field")


def baseline_from(data: Mapping[str, Any], *, source: str) -> Baseline | None:
    """The schedule one version of a plan gives (its start date and durations), as a baseline."""
    roles = plan_template.roles()
    durations = {key: mapping_at(data, roles.phases, key).get(roles.phase_duration) for key in schema.PHASES}
    start = parse_plan_date(data.get(roles.start_date))
    if start is None or all(duration_days(text) is None for text in durations.values()):
        return None
    return Baseline(start, durations, source)


def plan_tracking(data: Mapping[str, Any], *, today: dt.date, baseline: Baseline | None = None) -> PlanTracking:
    """The tracking facts of one plan's data (which may be a draft's: any field may be missing or of
    the wrong type) on `today`. The plan's own `baseline` field wins over the `baseline` given (git's)."""
    plan = dict(data)
    baseline = explicit_baseline(plan) or baseline
    roles = plan_template.roles()
    status = plan.get(roles.status) if isinstance(plan.get(roles.status), str) else None
    stage = lifecycle_index(status)
    planned = {phase.key: phase for phase in phase_schedule(plan)}
    agreed = _laid_out(baseline.start, baseline.durations) if baseline else {}

    phases: list[PhaseTracking] = []
    cursor: dt.date | None = None  # the forecast end of the phase before
    for key in schema.PHASES:
        entry = mapping_at(plan, roles.phases, key)
        scheduled = planned.get(key)
        planned_start = scheduled.start if scheduled else None
        planned_end = scheduled.last_day if scheduled else None
        actual_start = parse_plan_date(entry.get(roles.phase_actual_start))
        actual_finish = parse_plan_date(entry.get(roles.phase_actual_finish))
        if actual_start is not None and actual_start > today:
            actual_start = None  # a start still to come is a plan, not a fact
        if actual_finish is not None and (actual_finish > today or (actual_start and actual_finish < actual_start)):
            actual_finish = None  # a finish still to come is a plan, not a fact; one before the start is a slip (PB105)
        done_tasks, total_tasks = progress_of(plan, (roles.phases, key, roles.phase_tasks))
        phase_stage = schema.LIFECYCLE.index(key)
        done = actual_finish is not None or (stage > phase_stage and status not in off_lifecycle())
        current = status == key
        forecast_start = forecast_end = None
        if scheduled is not None and planned_start is not None:
            follows = cursor + dt.timedelta(days=1) if cursor else planned_start
            forecast_start = actual_start or max(planned_start, follows)
            if not done and not current and actual_start is None:
                forecast_start = max(forecast_start, today)  # not begun: it cannot begin in the past
            forecast_end = actual_finish or forecast_start + dt.timedelta(days=scheduled.days - 1)
            if not done and forecast_end < today:
                forecast_end = today  # not finished: it cannot finish in the past
            cursor = forecast_end
        baseline_start, baseline_end = agreed.get(key, (None, None))
        reference = baseline_end or planned_end
        late = (
            status not in closed()
            and not done
            and planned_end is not None
            and planned_end < today
            and (total_tasks == 0 or done_tasks < total_tasks)
        )
        phases.append(
            PhaseTracking(
                key=key,
                title=schema.phase_title(key),
                planned_start=planned_start,
                planned_end=planned_end,
                actual_start=actual_start,
                actual_finish=actual_finish,
                baseline_start=baseline_start,
                baseline_end=baseline_end,
                forecast_start=forecast_start,
                forecast_end=forecast_end,
                tasks_done=done_tasks,
                tasks_total=total_tasks,
                done=done,
                late=late,
                variance_days=None if forecast_end is None or reference is None else (forecast_end - reference).days,
            )
        )

    planned_start = next((p.planned_start for p in phases if p.planned_start), None)
    planned_end = max((p.planned_end for p in phases if p.planned_end), default=None)
    baseline_end = max((p.baseline_end for p in phases if p.baseline_end), default=None)
    forecast_end = max((p.forecast_end for p in phases if p.forecast_end), default=None)
    reference = baseline_end or planned_end
    variance = None if forecast_end is None or reference is None else (forecast_end - reference).days
    expected = _expected_status(phases, today)

    late_reasons = []
    if status not in closed():
        first_late = next((phase for phase in phases if phase.late), None)
        if first_late is not None:
            open_tasks = first_late.tasks_total - first_late.tasks_done
            late_reasons.append(
                f"{first_late.title} was planned to end on {first_late.planned_end}"
                + (f", and {open_tasks} of {first_late.tasks_total} of its tasks are open" if open_tasks else "")
            )
        if expected is not None and stage >= 0 and schema.LIFECYCLE.index(expected) > stage:
            late_reasons.append(
                f"by its planned dates it would be {_status_words(expected)} by now; its status is {status}"
            )
    measured_from = "the baseline" if baseline_end is not None else "the planned end"
    rag, rag_reasons = _rag(plan, status, phases, variance, tuple(late_reasons), today, measured_from)
    return PlanTracking(
        today=today,
        phases=tuple(phases),
        planned_start=planned_start,
        planned_end=planned_end,
        baseline=baseline,
        baseline_end=baseline_end,
        forecast_end=forecast_end,
        variance_days=variance,
        expected_status=expected,
        late=bool(late_reasons),
        late_reasons=tuple(late_reasons),
        rag=rag,
        rag_reasons=rag_reasons,
    )


def off_lifecycle() -> tuple[str, ...]:
    return plan_template.statuses().on_hold, plan_template.statuses().cancelled


def closed() -> tuple[str, ...]:
    """Statuses that stop the clock: nothing in them is late."""
    return plan_template.statuses().complete, *off_lifecycle()


def _rag(
    plan: dict[str, Any],
    status: str | None,
    phases: list[PhaseTracking],
    variance: int | None,
    late_reasons: tuple[str, ...],
    today: dt.date,
    measured_from: str,
) -> tuple[Rag, tuple[str, ...]]:
    """RAG, by the rules of docs/reference/schedule.md, and the reasons for it."""
    named = plan_template.statuses()
    if status == named.cancelled:
        return "none", (f"{named.cancelled}: not tracked",)
    if status == named.complete:
        return "green", (named.complete,)
    confidence = plan.get(plan_template.roles().confidence)
    confidence = confidence if isinstance(confidence, int) and not isinstance(confidence, bool) else None
    overdue = max(((today - p.planned_end).days for p in phases if p.late and p.planned_end), default=0)
    slip = max(variance or 0, overdue)
    red, amber = [], []
    if late_reasons and slip > RED_AFTER_DAYS:
        red.append(f"late by {slip} days")
    elif late_reasons:
        amber.append(f"late by {slip} day{'s' if slip != 1 else ''}" if slip else "late")
    elif variance is not None and variance > 0:
        amber.append(f"forecast to end {variance} day{'s' if variance != 1 else ''} after {measured_from}")
    if confidence is not None and confidence < RED_BELOW_CONFIDENCE:
        red.append(f"confidence {confidence}%")
    elif confidence is not None and confidence < AMBER_BELOW_CONFIDENCE:
        amber.append(f"confidence {confidence}%")
    if status == named.on_hold:
        amber.append(named.on_hold.replace("-", " "))
    if red:
        return "red", tuple(red + amber)
    if amber:
        return "amber", tuple(amber)
    return "green", ("on schedule",)


def _expected_status(phases: list[PhaseTracking], today: dt.date) -> str | None:
    """The status the planned dates give the plan on `today`: the phase whose planned days hold it,
    `complete` after the last, None before the first or without dates."""
    dated = [p for p in phases if p.planned_start and p.planned_end]
    if not dated or today < dated[0].planned_start:  # type: ignore[operator]
        return None
    for phase in dated:
        if today <= phase.planned_end:  # type: ignore[operator]
            return phase.key
    return plan_template.statuses().complete


def _status_words(status: str) -> str:
    complete = plan_template.statuses().complete
    return complete if status == complete else f"in {schema.phase_title(status)}"


def _laid_out(start: dt.date | None, durations: Mapping[str, object]) -> dict[str, tuple[dt.date, dt.date]]:
    """The baseline's phases laid end to end, as the plan's are: phase key → (first day, last day)."""
    roles = plan_template.roles()
    data = {
        roles.start_date: start.isoformat() if start else None,
        roles.phases: {k: {roles.phase_duration: v} for k, v in durations.items()},
    }
    return {
        phase.key: (phase.start, phase.last_day)
        for phase in phase_schedule(data)
        if phase.start is not None and phase.last_day is not None
    }
