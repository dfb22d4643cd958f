"""The lifecycle: where a status stands, and which checklists each status needs done (the schema's
`x-gates`)."""

from __future__ import annotations

from planbook import schema


def lifecycle_index(status: object) -> int:
    """Where a status stands in the lifecycle; -1 for on-hold and cancelled, which have no gates."""
    return schema.LIFECYCLE.index(status) if isinstance(status, str) and status in schema.LIFECYCLE else -1


def previous_status(status: str) -> str:
    """The status before `status` in the lifecycle: where a plan goes back to when a gate fails."""
    index = lifecycle_index(status)
    return schema.LIFECYCLE[index - 1] if index > 0 else schema.LIFECYCLE[0]


def gate_checklists(status: object) -> list[tuple[str, tuple[str, ...]]]:
    """(the status whose gate asks for it, checklist path) for every checklist a plan at `status` must
    have done: the gates of its status and of every status before it."""
    stage = lifecycle_index(status)
    found = []
    for gate_status, containers in schema.GATES.items():
        if 0 <= lifecycle_index(gate_status) <= stage:
            found += [(gate_status, container) for container in containers]
    return found
