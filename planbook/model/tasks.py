"""Tasks: which of a checklist's tasks apply to a plan, which are open, its progress, and each task's
text with the plan's values in it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from planbook import escape, schema

#: The five phases' task lists, in order.
TASK_LISTS: tuple[tuple[str, ...], ...] = tuple(("phases", phase, "tasks") for phase in schema.PHASES)
_TITLE_FIELD = re.compile(r"\{([\w.]+)\}")


def value_at(data: Any, *path: str | int) -> Any:
    """The value at `path`, or None where the plan has none (or holds something else on the way)."""
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def mapping_at(data: Any, *path: str) -> dict[str, Any]:
    """The mapping at `path`, or an empty one: a draft may hold anything where a mapping belongs."""
    found = value_at(data, *path)
    return found if isinstance(found, dict) else {}


def plan_types(data: dict[str, Any]) -> list[str]:
    """The plan's integration types that the schema knows, in the schema's order."""
    given = data.get("types")
    return [t for t in schema.INTEGRATION_TYPES if isinstance(given, list) and t in given]


def applicable_tasks(data: dict[str, Any], container: tuple[str, ...]) -> list[str]:
    """The task keys under `container` that apply to this plan: every plan's, and its types' own."""
    types = set(plan_types(data)) | {None}
    return [key for key, spec in schema.task_specs(container).items() if spec.get("x-requires-type") in types]


def open_tasks(data: dict[str, Any], container: tuple[str, ...]) -> list[str]:
    """The task keys under `container` that are not done, skipping other integration types' tasks."""
    done = mapping_at(data, *container)
    return [key for key in applicable_tasks(data, container) if done.get(key) is not True]


def progress_of(data: dict[str, Any], container: tuple[str, ...]) -> tuple[int, int]:
    """(done, total) for the tasks under `container` that apply to this plan."""
    total = len(applicable_tasks(data, container))
    return total - len(open_tasks(data, container)), total


def overall_progress(data: dict[str, Any]) -> tuple[int, int]:
    """(done, total) for the tasks of all five phases that apply to this plan."""
    counts = [progress_of(data, container) for container in TASK_LISTS]
    return sum(done for done, _ in counts), sum(total for _, total in counts)


def task_label(data: dict[str, Any], container: tuple[str, ...], key: str, *, escaped: bool = True) -> str:
    """A task's text from the template, with the plan's values filled in (escaped unless told not).

    A title names fields by their dotted path, `Edge cases: {phases.testing.edge_cases}`; a field the
    plan leaves out, or fills with something else than its kind (a draft's `edge_cases: -1`), shows the
    template's placeholder.
    """
    title: str = schema.task_specs(container)[key]["title"]
    wrap: Callable[[object], str] = escape.inline if escaped else (lambda v: " ".join(str(v).split()))
    return _TITLE_FIELD.sub(lambda match: wrap(_title_value(data, match.group(1))), title)


def _title_value(data: dict[str, Any], dotted: str) -> str:
    path = tuple(dotted.split("."))
    value = value_at(data, *path)
    field = schema.field_by_path().get(path)
    placeholder = (field.placeholder or dotted.upper()) if field else dotted.upper()
    if field is not None and field.type == "array":
        items = value if isinstance(value, list) and value else None
        return ", ".join(map(str, items)) if items else f"[{placeholder.replace('_n', '_1')}]"
    if value is None or isinstance(value, (list, dict)):
        return f"[{placeholder}]"
    return str(value)
