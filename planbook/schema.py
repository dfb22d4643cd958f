"""The plan schema: the one source of truth for fields.

Validation, the scaffold written by `planbook new`, the completeness measure and the field reference in
the docs all walk this schema. Besides JSON Schema it uses a few annotations of ours:

- `x-placeholder`: the template placeholder the field fills (`BUSINESS_IMPACT_n` for numbered ones);
- `x-optional`: the field may be left out, and then counts for nothing in completeness;
- `x-may-be-empty`: an empty list is a complete answer (no blockers, say);
- `x-requires-type`: a task that applies only to plans of that integration type;
- `x-template-count`: how many numbered placeholders the template shows for a list (2 if not given).
"""

from __future__ import annotations

import dataclasses
import functools
import json
from importlib import resources
from typing import Any, Callable, Iterator

STATUSES: tuple[str, ...] = (
    "draft", "discovery", "development", "testing", "deployment", "support", "complete", "on-hold", "cancelled",
)
#: The statuses that follow one another; on-hold and cancelled sit outside the line.
LIFECYCLE: tuple[str, ...] = STATUSES[:7]
INTEGRATION_TYPES: tuple[str, ...] = ("accounting", "marketing", "fulfillment")
PHASES: tuple[str, ...] = ("discovery", "development", "testing", "deployment", "support")
ITEM = "*"  # stands for "every item" in a field path of the schema


@functools.cache
def plan_schema() -> dict[str, Any]:
    text = resources.files("planbook").joinpath("plan.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


@functools.cache
def fast_validator() -> Callable[[Any], Any]:
    """A compiled validator for the clean case; its errors carry no detail, so callers re-check slowly."""
    import fastjsonschema

    return fastjsonschema.compile(plan_schema(), use_default=False)  # never write defaults into the plan


def is_valid(data: Any) -> bool:
    import fastjsonschema

    try:
        fast_validator()(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


@dataclasses.dataclass(frozen=True)
class Field:
    """One field of the schema, with `path` using `ITEM` for list items: `("risks", "*", "impact")`."""

    path: tuple[str, ...]
    spec: dict[str, Any]
    optional: bool  # the field, or a mapping around it, may be left out

    @property
    def dotted(self) -> str:
        return ".".join("[]" if part == ITEM else part for part in self.path).replace(".[]", "[]")

    @property
    def type(self) -> str:
        return self.spec.get("type", "")

    @property
    def placeholder(self) -> str | None:
        return self.spec.get("x-placeholder")

    @property
    def description(self) -> str:
        return self.spec.get("description") or self.spec.get("title", "")

    @property
    def is_content(self) -> bool:
        """Text, numbers and lists of text: what completeness counts. Task booleans are progress."""
        if self.type in ("string", "number", "integer"):
            return True
        return self.type == "array" and self.spec.get("items", {}).get("type") == "string"


def iter_fields(spec: dict[str, Any] | None = None, path: tuple[str, ...] = (), optional: bool = False) -> Iterator[Field]:
    """Every field in schema order, mappings before their members."""
    spec = plan_schema() if spec is None else spec
    for name, child in spec.get("properties", {}).items():
        child_path = (*path, name)
        child_optional = optional or bool(child.get("x-optional")) or name not in spec.get("required", ())
        yield Field(child_path, child, child_optional)
        if child.get("type") == "object":
            yield from iter_fields(child, child_path, child_optional)
        elif child.get("type") == "array" and child.get("items", {}).get("type") == "object":
            yield from iter_fields(child["items"], (*child_path, ITEM), child_optional)


@functools.cache
def field_by_path() -> dict[tuple[str, ...], Field]:
    return {field.path: field for field in iter_fields()}


def field_for(path: tuple[str | int, ...]) -> Field | None:
    """The schema field for a data path such as `("risks", 0, "impact")`."""
    key = tuple(ITEM if isinstance(part, int) else part for part in path)
    return field_by_path().get(key)


@functools.cache
def placeholder_fields() -> dict[str, Field]:
    """Template placeholder → the field that fills it. Numbered placeholders appear once, as `RISK_n`."""
    return {field.placeholder: field for field in iter_fields() if field.placeholder}


def task_specs(container: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """The task booleans under `container`, e.g. `("phases", "discovery", "tasks")`, in template order."""
    return field_by_path()[container].spec["properties"]


def phase_title(phase: str) -> str:
    return field_by_path()[("phases", phase)].spec["title"]
