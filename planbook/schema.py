"""The plan schema (the active template's `plan.schema.json`): the one source of truth for fields.

Validation, the scaffold, completeness, the gates, the diff and the field reference all read it,
with a few annotations of ours besides JSON Schema:

- `x-placeholder`: the template placeholder the field fills (`BUSINESS_IMPACT_n` for numbered ones);
- `x-optional`: the field may be left out, and then counts for nothing in completeness;
- `x-may-be-empty`: an empty list is a complete answer (no blockers, say);
- `x-requires-type`: a task that applies only to plans of that integration type;
- `x-template-count`: how many numbered placeholders the template shows for a list (2 if not given);
- `x-internal`: content for the team only. No finding, diff or log line quotes a value from it;
- `x-person`: the field names one person, in the role its value says (`team: QA`): the People page;
- on `status`, `x-outside-lifecycle` (statuses with no gates) and `x-gates` (each status's checklists).

Task titles name other fields in braces, by their dotted path: `Edge cases: {phases.testing.edge_cases}`.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from planbook import plan_template, template_fields
from planbook.frontmatter.limits import FieldPath as FieldPath  # re-exported: the modules above name it from here

ITEM = "*"  # stands for "every item" in a field path of the schema
_T = TypeVar("_T")


def per_template(make: Callable[[], _T]) -> Callable[[], _T]:
    """`make()` worked out once per template: kept on the active template, so that a process that
    activates another (a test, `mkdocs serve` after an edit) never reads the last one's."""

    @functools.wraps(make)
    def cached() -> _T:
        cache = plan_template.active().cache
        if make.__qualname__ not in cache:
            cache[make.__qualname__] = make()
        value: _T = cache[make.__qualname__]
        return value

    return cached


def plan_schema() -> dict[str, Any]:
    """The schema as written, `$ref`s and all: what the validators compile."""
    return plan_template.active().fields


@per_template
def expanded_schema() -> dict[str, Any]:
    """The schema with every `$ref` replaced by what it names (its own keys winning): what walkers read."""
    definitions: dict[str, Any] = plan_schema().get("definitions", {})

    def expand(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                name = node["$ref"].removeprefix("#/definitions/")
                merged = {**definitions[name], **{k: v for k, v in node.items() if k != "$ref"}}
                return expand(merged)
            return {key: expand(value) for key, value in node.items()}
        if isinstance(node, list):
            return [expand(item) for item in node]
        return node

    expanded: dict[str, Any] = expand(plan_schema())
    return expanded


def _status_spec() -> dict[str, Any]:
    spec: dict[str, Any] = expanded_schema()["properties"][plan_template.roles().status]
    return spec


@per_template
def _facts() -> dict[str, Any]:
    """The facts every module reads as `schema.STATUSES` and the like, worked out from the template."""
    roles = plan_template.roles()
    properties = expanded_schema()["properties"]
    statuses = tuple(_status_spec()["enum"])
    return {
        # Every status, in the schema's order: the lifecycle first, then the statuses outside it.
        "STATUSES": statuses,
        # The statuses that follow one another; on-hold and cancelled sit outside the line.
        "LIFECYCLE": tuple(s for s in statuses if s not in _status_spec().get("x-outside-lifecycle", ())),
        "INTEGRATION_TYPES": tuple(properties[roles.types]["items"]["enum"]),
        "PHASES": tuple(properties[roles.phases]["properties"]),
        # Status → the checklists (field paths) that must be done before a plan may stand at it.
        "GATES": {
            status: tuple(tuple(path.split(".")) for path in paths)
            for status, paths in _status_spec().get("x-gates", {}).items()
        },
        "DURATION_PATTERN": next(iter(properties[roles.phases]["properties"].values()))["properties"][
            roles.phase_duration
        ]["pattern"],
        "ID_PATTERN": plan_schema()["properties"][roles.id]["pattern"],
    }


STATUSES: tuple[str, ...]
LIFECYCLE: tuple[str, ...]
INTEGRATION_TYPES: tuple[str, ...]
PHASES: tuple[str, ...]
GATES: dict[str, tuple[tuple[str, ...], ...]]
DURATION_PATTERN: str
ID_PATTERN: str


def __getattr__(name: str) -> Any:
    """`schema.STATUSES` and the rest, from the active template; no other name (`__path__`) reads it."""
    facts = _facts() if name in __annotations__ else {}
    if name in facts:
        return facts[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


FORMATS = template_fields.FORMATS


def fast_validator() -> Callable[[Any], Any]:
    """The compiled validator, made as the template was read. Its verdict is the one definition of a
    valid plan; its errors carry no detail, so `schema_errors` asks the detailed validator why."""
    return plan_template.active().validate


@per_template
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

    path: FieldPath
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
        errors = [
            SchemaError(tuple(error.absolute_path), str(error.validator), error.message, error)
            for error in detailed_validator().iter_errors(data)
        ]
        return errors or [SchemaError(_fast_path(e, data), str(getattr(e, "rule", None) or "schema"), str(e))]
    return []


def _fast_path(error: Any, data: Any) -> FieldPath:
    """fastjsonschema's `path` (`["data", "risks", "0"]`) as a data path (`("risks", 0)`)."""
    path: list[str | int] = []
    node = data
    for part in list(getattr(error, "path", None) or [])[1:]:
        if isinstance(node, list) and str(part).isdigit() and int(part) < len(node):
            path.append(int(part))
            node = node[int(part)]
        else:
            path.append(str(part))
            node = node.get(str(part)) if isinstance(node, dict) else None
    return tuple(path)


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
        kind: str = self.spec.get("type", "")
        return kind

    @property
    def placeholder(self) -> str | None:
        name: str | None = self.spec.get("x-placeholder")
        return name

    @property
    def description(self) -> str:
        text: str = self.spec.get("description") or self.spec.get("title", "")
        return text

    @property
    def is_content(self) -> bool:
        """Text, numbers and lists of text: what completeness counts. Task booleans are progress."""
        if self.type in ("string", "number", "integer"):
            return True
        return self.type == "array" and self.spec.get("items", {}).get("type") == "string"


def iter_fields(
    spec: dict[str, Any] | None = None, path: tuple[str, ...] = (), optional: bool = False
) -> Iterator[Field]:
    """Every field in schema order, mappings before their members."""
    spec = expanded_schema() if spec is None else spec
    for name, child in spec.get("properties", {}).items():
        child_path = (*path, name)
        child_optional = optional or bool(child.get("x-optional")) or name not in spec.get("required", ())
        yield Field(child_path, child, child_optional)
        if child.get("type") == "object":
            yield from iter_fields(child, child_path, child_optional)
        elif child.get("type") == "array" and child.get("items", {}).get("type") == "object":
            yield from iter_fields(child["items"], (*child_path, ITEM), child_optional)


@per_template
def field_by_path() -> dict[tuple[str, ...], Field]:
    return {field.path: field for field in iter_fields()}


def field_for(path: FieldPath) -> Field | None:
    """The schema field for a data path such as `("risks", 0, "impact")`."""
    key = tuple(ITEM if isinstance(part, int) else part for part in path)
    return field_by_path().get(key)


def is_internal(path: FieldPath) -> bool:
    """Whether a data path lies in internal-only content (`x-internal`), whose values nothing quotes."""
    for end in range(1, len(path) + 1):
        field = field_for(path[:end])
        if field is not None and field.spec.get("x-internal"):
            return True
    return False


@per_template
def placeholder_fields() -> dict[str, Field]:
    """Template placeholder → the field that fills it. Numbered placeholders appear once, as `RISK_n`."""
    return {field.placeholder: field for field in iter_fields() if field.placeholder}


def task_specs(container: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """The task booleans under `container`, a phase's task list, in template order."""
    specs: dict[str, dict[str, Any]] = field_by_path()[container].spec["properties"]
    return specs


def phase_title(phase: str) -> str:
    title: str = field_by_path()[(plan_template.roles().phases, phase)].spec["title"]
    return title


def dotted(path: FieldPath) -> str:
    """A data path as findings and diffs write it: `risks[0].impact`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def is_plan_id(text: str) -> bool:
    """Whether `text` is a project ID (`ACME-042`), whole: the schema's `id` pattern, read to the end."""
    return re.fullmatch(_facts()["ID_PATTERN"].removeprefix("^").removesuffix("$"), text) is not None
