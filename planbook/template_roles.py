"""What `template/template.yml` names: the roles (which field holds each thing planbook's code works with)
and the statuses the lifecycle's rules turn on. `planbook.plan_template` reads them."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Roles:
    """Which field holds each thing planbook's code works with. A role is one key at its level: the
    `phase_*` roles are keys inside each phase, `baseline_*` inside the baseline, `own_task_*` inside each of a
    phase's own tasks, `criterion_*` inside each success criterion; `blockers` and `success_criteria` are dotted paths from the top."""

    id: str
    title: str
    client: str
    system_a: str
    system_b: str
    types: str
    lead: str
    status: str
    start_date: str
    confidence: str
    summary: str
    phases: str
    phase_duration: str
    phase_owner: str
    phase_tasks: str
    phase_own_tasks: str
    own_task_text: str
    own_task_done: str
    phase_actual_start: str
    phase_actual_finish: str
    baseline: str
    baseline_start: str
    baseline_durations: str
    blockers: tuple[str, ...]
    success_criteria: tuple[str, ...]
    criterion_text: str
    criterion_done: str
    internal: str
    migration: str
    references: str
    template_version: str
    version: str
    last_updated: str
    # Optional: a template without them has no backfill estimate (`planbook.model.backfill`).
    rate_limits: str | None = None  # a mapping keyed by the `system_a` and `system_b` fields' names
    migration_records: str | None = None  # inside the migration: how many records the backfill writes
    migration_per_request: str | None = None  # inside the migration: how many records one request carries
    backfill_phase: str | None = None  # the phase, a key inside `phases`, the backfill must finish within


@dataclasses.dataclass(frozen=True)
class Statuses:
    """The statuses the lifecycle's rules turn on, named as the template's `status` field spells them."""

    first: str  # a new plan's
    fields_filled_after: str  # past it, every field is filled in and no blocker is open
    agreed_from: str  # from it on, the client has agreed the schedule: the baseline
    complete: str
    on_hold: str
    cancelled: str
