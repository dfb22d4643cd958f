"""Tasks: which of a checklist's tasks apply to a plan, which are open, its progress, and each task's
text with the plan's values in it.

A phase's checklist is the template's tasks (booleans under the phase's `phase_tasks` field, named by
their keys) followed by the plan's own (a list under the phase's `phase_own_tasks` field, beside them,
each a text and a done flag, named by its place in the list). Both count in progress and in the gates.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

from planbook import escape, plan_template, schema
from planbook.frontmatter.limits import FieldPath

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


def task_lists() -> tuple[tuple[str, ...], ...]:
    """The five phases' task lists, in order, as the active template names them."""
    roles = plan_template.roles()
    return tuple((roles.phases, phase, roles.phase_tasks) for phase in schema.PHASES)


def plan_types(data: dict[str, Any]) -> list[str]:
    """The plan's integration types that the schema knows, in the schema's order."""
    given = data.get(plan_template.roles().types)
    return [t for t in schema.INTEGRATION_TYPES if isinstance(given, list) and t in given]


def applicable_tasks(data: dict[str, Any], container: tuple[str, ...]) -> list[str]:
    """The task keys under `container` that apply to this plan: every plan's, and its types' own."""
    types = set(plan_types(data)) | {None}
    return [key for key, spec in schema.task_specs(container).items() if spec.get("x-requires-type") in types]


@dataclasses.dataclass(frozen=True)
class OwnTask:
    """One of the plan's own tasks: `path` is where it stands in the plan, `("phases", "development",
    "own_tasks", 0)` in the default template's names."""

    path: FieldPath
    text: str
    done: bool


@dataclasses.dataclass(frozen=True)
class OpenTask:
    """A task that is not done: `flag` is the key to set `true` once it is, at `path` (the template's
    task's own key in its checklist, or the `done` of one of the plan's own tasks); `label` is its text
    on one line, not escaped."""

    path: FieldPath
    flag: str
    label: str
    own: bool


def own_tasks_path(container: tuple[str, ...]) -> tuple[str, ...]:
    """Where the plan's own tasks of the checklist `container` stand: beside it, in its phase."""
    return (*container[:-1], plan_template.roles().phase_own_tasks)


def own_tasks(data: dict[str, Any], container: tuple[str, ...]) -> list[OwnTask]:
    """The plan's own tasks beside the checklist `container`, in the plan's order; none where the
    template has no place for them (a checklist outside the phases). A draft may hold anything in the
    list: only mappings are tasks, and only `true` is done."""
    path = own_tasks_path(container)
    listed = value_at(data, *path)
    if path not in schema.field_by_path() or not isinstance(listed, list):
        return []
    roles = plan_template.roles()
    found = []
    for index, item in enumerate(listed):
        if isinstance(item, dict):
            text = item.get(roles.own_task_text)
            found.append(
                OwnTask((*path, index), text if isinstance(text, str) else "", item.get(roles.own_task_done) is True)
            )
    return found


def open_tasks(data: dict[str, Any], container: tuple[str, ...]) -> list[OpenTask]:
    """The tasks of the checklist `container` that are not done, skipping other integration types'
    tasks: the template's, then the plan's own."""
    found = [
        OpenTask((*container, key), key, task_label(data, container, key, escaped=False), own=False)
        for key in _open_keys(data, container)
    ]
    flag = plan_template.roles().own_task_done
    return found + [
        OpenTask((*task.path, flag), flag, " ".join(task.text.split()), own=True)
        for task in own_tasks(data, container)
        if not task.done
    ]


def _open_keys(data: dict[str, Any], container: tuple[str, ...]) -> list[str]:
    done = mapping_at(data, *container)
    return [key for key in applicable_tasks(data, container) if done.get(key) is not True]


def progress_of(data: dict[str, Any], container: tuple[str, ...]) -> tuple[int, int]:
    """(done, total) for the tasks of the checklist `container` that apply to this plan, its own
    tasks beside the checklist included."""
    keys = applicable_tasks(data, container)
    own = own_tasks(data, container)
    done = len(keys) - len(_open_keys(data, container)) + sum(task.done for task in own)
    return done, len(keys) + len(own)


def overall_progress(data: dict[str, Any]) -> tuple[int, int]:
    """(done, total) for the tasks of all five phases that apply to this plan, their own included."""
    counts = [progress_of(data, container) for container in task_lists()]
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
