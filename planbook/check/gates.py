"""The gates of a plan's status: past discovery every field filled in and no blocker open, and the
checklists of every earlier phase done (the schema's `x-gates`, read through `planbook.model`)."""

from __future__ import annotations

from collections.abc import Iterable

from planbook import placeholders, schema
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
    task_label,
)
from planbook.model.completeness import Content

DISCOVERY = lifecycle_index("discovery")


def gate_findings(plan: Plan, contents: Iterable[Content] | None = None) -> list[Finding]:
    """The findings of a valid plan's status gates; none for a plan in draft, discovery, on hold or
    cancelled."""
    data = plan.data
    status = data["status"]
    findings: list[Finding] = []
    if lifecycle_index(status) <= DISCOVERY:
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
    for index, _ in enumerate(data["open_items"]["blockers"]):
        line, column = plan.position(("open_items", "blockers", index))
        findings.append(
            Finding(
                plan.path,
                line,
                column,
                "PB303",
                f"open blocker, and the status is {status}: resolve it and remove it from the list, or set `status: on-hold`",
            )
        )
    for gate_status, container in gate_checklists(status):
        for key in open_tasks(data, container):
            title = task_label(data, container, key, escaped=False)
            path = (*container, key)
            line, column = plan.position(path) if path in plan.positions else plan.position(container)
            findings.append(
                Finding(
                    plan.path,
                    line,
                    column,
                    "PB302",
                    f'the status is {status}, but "{one_line(title)}" is not done; set `{key}: true` once it is, '
                    f"or set the status back to {previous_status(gate_status)}",
                )
            )
    if lifecycle_index(status) >= lifecycle_index("complete"):
        for index, criterion in enumerate(data["success"]["criteria"]):
            if criterion.get("done") is not True:
                line, column = plan.position(("success", "criteria", index, "done"))
                findings.append(
                    Finding(
                        plan.path,
                        line,
                        column,
                        "PB302",
                        f"the status is complete, but success criterion {index + 1} is not met; set `done: true` once it is",
                    )
                )
    return findings
