"""The gates of a plan's status: past discovery every field filled in and no blocker open, and the
checklists of every earlier phase done (the schema's `x-gates`, read through `planbook.model`)."""

from __future__ import annotations

from collections.abc import Iterable

from planbook import placeholders, plan_template, schema
from planbook.escape import one_line
from planbook.findings import Finding
from planbook.loader import Plan
from planbook.model import (
    content_values,
    gate_checklists,
    is_empty,
    lifecycle_index,
    open_tasks,
    previous_status,
    value_at,
)
from planbook.model.completeness import Content


def gate_findings(plan: Plan, contents: Iterable[Content] | None = None) -> list[Finding]:
    """The findings of a valid plan's status gates; none for a plan in draft, discovery, on hold or
    cancelled."""
    data = plan.data
    roles, statuses = plan_template.roles(), plan_template.statuses()
    status = data[roles.status]
    findings: list[Finding] = []
    if lifecycle_index(status) <= lifecycle_index(statuses.fields_filled_after):
        return findings
    for path, spec, value in content_values(data) if contents is None else contents:
        if is_empty(value) and not placeholders.is_placeholder(value):  # placeholders have their own finding
            line, column = plan.position(path)
            about = spec.get("description") or spec.get("title", "")
            findings.append(
                Finding(
                    plan.path,
                    line,
                    column,
                    "PB301",
                    f"`{one_line(schema.dotted(path))}` is empty or TBD, and a plan in {status} must have every field filled in ({about})",
                )
            )
    for index, _ in enumerate(value_at(data, *roles.blockers) or []):
        line, column = plan.position((*roles.blockers, index))
        findings.append(
            Finding(
                plan.path,
                line,
                column,
                "PB303",
                f"open blocker, and the status is {status}: resolve it and remove it from the list, or set `{roles.status}: {statuses.on_hold}`",
            )
        )
    for gate_status, container in gate_checklists(status):
        for task in open_tasks(data, container):
            line, column = plan.position(task.path) if task.path in plan.positions else plan.position(container)
            mend = f"set `{task.flag}: true` on it" if task.own else f"set `{task.flag}: true`"
            findings.append(
                Finding(
                    plan.path,
                    line,
                    column,
                    "PB302",
                    f'the status is {status}, but "{one_line(task.label)}" is not done; {mend} once it is, '
                    f"or set the status back to {previous_status(gate_status)}",
                )
            )
    if lifecycle_index(status) >= lifecycle_index(statuses.complete):
        for index, criterion in enumerate(value_at(data, *roles.success_criteria) or []):
            if criterion.get(roles.criterion_done) is not True:
                line, column = plan.position((*roles.success_criteria, index, roles.criterion_done))
                findings.append(
                    Finding(
                        plan.path,
                        line,
                        column,
                        "PB302",
                        f"the status is {status}, but success criterion {index + 1} is not met; set `{roles.criterion_done}: true` once it is",
                    )
                )
    return findings
