"""The template, rendered with a probe plan: every value a token that names its field, so that the
lines of the rendered Markdown say where each field lands. Import reads documents against them.

The probe holds every field (optional ones too), every integration type and two items in each list,
so that every line the template can write is in it. Nothing about the template's fields is written in
code: what the probe holds comes from the schema, and the roles say which fields are special.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from planbook import plan_template, schema
from planbook.loader import Plan
from planbook.model import integration_label
from planbook.model.tasks import task_label
from planbook.render import render_plan

# A token no escape changes and no real text holds: letters and digits only.
_TOKEN = "QZ{}ZQ"
TOKEN = re.compile(r"QZ(\d+)ZQ")
ITEMS = 2  # items in each list of the probe: two show how a list repeats


@dataclasses.dataclass(frozen=True)
class Slot:
    """Where a token stands in the plan: `path` is its data path, list indexes as ints."""

    path: tuple[str | int, ...]


NOTES: tuple[str, ...] = ("",)  # the notes' path: no field, the text below the front matter


@dataclasses.dataclass
class Probe:
    data: dict[str, Any]
    slots: list[Slot]  # by token number
    notes_slot: int = -1
    types_slot: int = -1
    types_label: str = ""  # how the template writes the probe's types, which the types' token replaces

    def token(self, path: tuple[str | int, ...]) -> str:
        self.slots.append(Slot(path))
        return self.token_of(len(self.slots) - 1)

    @staticmethod
    def token_of(number: int) -> str:
        return _TOKEN.format(number)


def build_probe(types: list[str] | None = None, *, bare: bool = False) -> Probe:
    """The probe plan's data, with the given integration types (all the template's by default).
    The tokens are numbered alike whatever the types, so lines of two probes compare. A `bare` probe
    leaves out every optional field, to show what the template writes in their place."""
    roles = plan_template.roles()
    probe = Probe({}, [])
    probe.data = _mapping(probe, schema.expanded_schema(), (), skip=roles.types)
    probe.data[roles.types] = list(schema.INTEGRATION_TYPES if types is None else types)
    probe.types_slot = len(probe.slots)
    probe.token((roles.types,))
    probe.types_label = integration_label(probe.data)
    probe.notes_slot = len(probe.slots)
    probe.token(NOTES)
    if bare:
        _drop_optional(probe.data, schema.expanded_schema())
    return probe


def render_probe(probe: Probe) -> str:
    """The probe through the template, as plain Markdown with internal content: every line it can write."""
    plan_id = probe.data[plan_template.roles().id]
    plan = Plan(
        path=f"{plan_id}.md",
        data=probe.data,
        yaml_text="",
        notes=probe.token_of(probe.notes_slot),
        notes_line=1,
        source="",
    )
    return render_plan(plan, flavor="markdown", internal=True)


def task_labels(probe: Probe) -> dict[str, tuple[str, ...]]:
    """Each task's label as the probe renders it → the task's path."""
    found = {}
    for container in task_containers():
        for key in schema.task_specs(container):
            found[task_label(probe.data, container, key)] = (*container, key)
    return found


def task_containers() -> list[tuple[str, ...]]:
    """Every checklist of the schema: a mapping whose members are all booleans."""
    found = []
    for field in schema.iter_fields():
        members = field.spec.get("properties", {})
        if field.type == "object" and members and all(m.get("type") == "boolean" for m in members.values()):
            found.append(field.path)
    return found


def _mapping(probe: Probe, spec: dict[str, Any], path: tuple[str | int, ...], skip: str = "") -> dict[str, Any]:
    out = {}
    for name, child in spec.get("properties", {}).items():
        if name != skip:
            out[name] = _value(probe, child, (*path, name))
    return out


def _value(probe: Probe, spec: dict[str, Any], path: tuple[str | int, ...]) -> Any:
    kind = spec.get("type")
    if kind == "object" or (kind is None and "properties" in spec):
        return _mapping(probe, spec, path)
    if kind == "boolean":
        return False
    if kind == "array" or (kind is None and "items" in spec):
        items = spec.get("items", {})
        return [_value(probe, items, (*path, index)) for index in range(ITEMS)]
    return probe.token(path)


def _drop_optional(data: dict[str, Any], spec: dict[str, Any]) -> None:
    for name, child in spec.get("properties", {}).items():
        if child.get("x-optional"):
            data.pop(name, None)
        elif isinstance(data.get(name), dict):
            _drop_optional(data[name], child)
