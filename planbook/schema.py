"""The plan schema: the one source of truth for fields.

Validation, the scaffold written by `planbook new`, the completeness measure and the field reference in
the docs all walk this schema. Besides JSON Schema it uses a few annotations of ours:

- `x-placeholder`: the template placeholder the field fills (`BUSINESS_IMPACT_n` for numbered ones);
- `x-optional`: the field may be left out, and then counts for nothing in completeness;
- `x-may-be-empty`: an empty list is a complete answer (no blockers, say);
- `x-requires-type`: a task that applies only to plans of that integration type;
- `x-template-count`: how many numbered placeholders the template shows for a list (2 if not given);
- `x-internal`: content for the team only. No finding, diff or log line quotes a value from it.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from importlib import resources
from typing import Any, Callable, Iterator

from planbook.dates import is_plan_date

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


#: The formats the schema uses, each one function that both validators call: they cannot disagree.
FORMATS: dict[str, Callable[[Any], bool]] = {"date": is_plan_date}


@functools.cache
def fast_validator() -> Callable[[Any], Any]:
    """A compiled validator. Its verdict is the one definition of a valid plan; its errors carry no
    detail, so `schema_errors` asks the detailed validator why."""
    import fastjsonschema

    # never write defaults into the plan; the formats are ours alone
    return fastjsonschema.compile(plan_schema(), use_default=False, formats=FORMATS)


@functools.cache
def detailed_validator() -> Any:
    """jsonschema's validator, with the same formats: it explains a verdict, it never makes one."""
    from jsonschema import Draft7Validator, FormatChecker

    checker = FormatChecker(formats=())
    for name, check in FORMATS.items():
        checker.checks(name)(check)
    return Draft7Validator(plan_schema(), format_checker=checker)


def is_valid(data: Any) -> bool:
    import fastjsonschema

    try:
        fast_validator()(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


@dataclasses.dataclass(frozen=True)
class SchemaError:
    """Why a plan is not valid: where (a data path), which keyword, and the detailed validator's error
    when it gave one (None when only the fast validator spoke)."""

    path: tuple[str | int, ...]
    keyword: str
    message: str
    detail: Any = None


def schema_errors(data: Any) -> list[SchemaError]:
    """Every reason `data` is not valid; empty exactly when `is_valid(data)`.

    The verdict is the fast validator's. Should the detailed one find nothing where the fast one
    failed (two libraries read one schema), the fast one's own error stands, so no invalid plan can
    pass with no finding and skip its gates.
    """
    import fastjsonschema

    try:
        fast_validator()(data)
    except fastjsonschema.JsonSchemaException as e:
        errors = [SchemaError(tuple(error.absolute_path), str(error.validator), error.message, error)
                  for error in detailed_validator().iter_errors(data)]
        return errors or [SchemaError(_fast_path(e, data), str(e.rule or "schema"), e.message)]
    return []


def _fast_path(error: Any, data: Any) -> tuple[str | int, ...]:
    """fastjsonschema's `path` (`["data", "risks", "0"]`) as a data path (`("risks", 0)`)."""
    path: list[str | int] = []
    node = data
    for part in list(getattr(error, "path", None) or [])[1:]:
        key: str | int = int(part) if isinstance(node, list) and str(part).isdigit() else str(part)
        path.append(key)
        node = node[key] if isinstance(node, (list, dict)) and _has(node, key) else None
    return tuple(path)


def _has(node: list[Any] | dict[str, Any], key: str | int) -> bool:
    return key in node if isinstance(node, dict) else isinstance(key, int) and key < len(node)


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


def is_internal(path: tuple[str | int, ...]) -> bool:
    """Whether a data path lies in internal-only content (`x-internal`), whose values nothing quotes."""
    for end in range(1, len(path) + 1):
        field = field_for(path[:end])
        if field is not None and field.spec.get("x-internal"):
            return True
    return False


@functools.cache
def placeholder_fields() -> dict[str, Field]:
    """Template placeholder → the field that fills it. Numbered placeholders appear once, as `RISK_n`."""
    return {field.placeholder: field for field in iter_fields() if field.placeholder}


def task_specs(container: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """The task booleans under `container`, e.g. `("phases", "discovery", "tasks")`, in template order."""
    return field_by_path()[container].spec["properties"]


def phase_title(phase: str) -> str:
    return field_by_path()[("phases", phase)].spec["title"]
