"""The migrations a template declares in `template.yml`, read and checked before any plan is touched.

Each migration brings plans from one version to the next (`to: 2`, then `to: 3` …) through steps:

- `add: a.b.c` (with an optional `value`): a field, holding `value` or its template placeholder;
- `rename: a.b` with `to: c.d`: a field renamed, or moved anywhere else;
- `split: a.b` with `into: [c, d]` and `separator: ";"`: a text split into several fields, in order;
- `drop: a.b`: a field removed, its value kept in the plan's notes.

A mistake in them is a `MigrationError` naming `template.yml`'s line and column: a template that
cannot say how plans move is refused whole, and no plan is changed.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import yaml

from planbook import escape, plan_template, schema
from planbook.frontmatter import Builder, Refused

Path = tuple[str, ...]

#: Each step's kind, and the other keys it takes: (required, optional).
STEP_KEYS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "add": (frozenset(), frozenset({"value"})),
    "rename": (frozenset({"to"}), frozenset()),
    "split": (frozenset({"into", "separator"}), frozenset()),
    "drop": (frozenset(), frozenset()),
}
MIGRATION_KEYS = frozenset({"to", "says", "steps"})
_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*")


class MigrationError(ValueError):
    """A migration that cannot be used; the message starts with `template.yml`'s `path:line:col`."""


@dataclasses.dataclass(frozen=True)
class Step:
    """One step. `path` is the field the step adds (add) or reads (rename, split, drop); `targets` the
    fields it writes (rename: one, split: several); `where` is its place in template.yml."""

    kind: str
    path: Path
    where: str
    targets: tuple[Path, ...] = ()
    value: Any = None
    has_value: bool = False
    separator: str = ""


@dataclasses.dataclass(frozen=True)
class Migration:
    to: int
    says: str
    steps: tuple[Step, ...]


def settings_path(template: plan_template.PlanTemplate) -> str:
    """template.yml as a message names it: the project's `template/template.yml`, or the default's."""
    folder = plan_template.TEMPLATE_DIR if template.folder is not None else "planbook/default_template"
    return f"{folder}/{plan_template.SETTINGS_FILE}"


def read_migrations(template: plan_template.PlanTemplate | None = None) -> tuple[Migration, ...]:
    """The template's migrations, every one checked; MigrationError on the first mistake."""
    template = template or plan_template.active()
    values, keys = _positions(template.settings_text)
    shown = settings_path(template)

    def fail(at: tuple[Any, ...], message: str, *, key: bool = False) -> MigrationError:
        at = ("migrations", *at)
        positions = {**values, **keys} if key else {**keys, **values}  # a value where it has one, else its key
        while at and at not in positions:
            at = at[:-1]
        line, column = positions.get(at, (1, 1))
        return MigrationError(f"{shown}:{line}:{column}: {message}")

    migrations = []
    for index, raw in enumerate(template.migrations):
        migrations.append(_migration(raw, index, fail))
    for index, migration in enumerate(migrations):
        if migration.to != index + 2 or migration.to > template.version:
            raise fail(
                (index, "to"),
                f"`to: {migration.to}` is out of order: migrations bring plans to versions 2, 3 … up to the "
                f"template's version ({template.version}), one each, in order; this one should say {index + 2}",
            )
    if len(migrations) < template.version - 1:
        missing = len(migrations) + 2
        raise fail(
            (len(migrations) - 1,), f"no migration brings plans to version {missing}: add one with `to: {missing}`"
        )
    _check_targets(migrations, fail)
    return tuple(migrations)


def _migration(raw: dict[str, Any], index: int, fail: Any) -> Migration:
    unknown = sorted(set(raw) - MIGRATION_KEYS)
    if unknown:
        raise fail(
            (index, unknown[0]),
            key=True,
            message=f"a migration has no key `{escape.one_line(unknown[0])}`: it takes to, says and steps",
        )
    to = raw.get("to")
    if "to" not in raw:
        raise fail((index,), "this migration has no `to`: the version it brings plans to")
    if type(to) is not int:
        raise fail((index, "to"), "`to` must be a whole number: the version the migration brings plans to")
    says = raw.get("says", "")
    if not isinstance(says, str):
        raise fail((index, "says"), "`says` must be text: what changes, in a sentence")
    steps = raw.get("steps", [])
    if not isinstance(steps, list):
        raise fail((index, "steps"), "`steps` must be a list of steps: add, rename, split or drop")
    return Migration(to, says, tuple(_step(step, (index, "steps", number), fail) for number, step in enumerate(steps)))


def _step(raw: Any, at: tuple[Any, ...], fail: Any) -> Step:
    if not isinstance(raw, dict):
        raise fail(at, "a step must be a mapping such as `add: a.field`")
    kinds = [key for key in raw if key in STEP_KEYS]
    if len(kinds) != 1:
        names = ", ".join(STEP_KEYS)
        first = next(iter(raw), None)
        shown = f" `{escape.one_line(first)}`" if first is not None and not kinds else ""
        raise fail(
            (*at, *kinds[1:2]), f"a step has exactly one kind ({names}); this one has{shown or ' ' + str(len(kinds))}"
        )
    kind = kinds[0]
    required, optional = STEP_KEYS[kind]
    extra = sorted(set(raw) - {kind} - required - optional)
    if extra:
        raise fail((*at, extra[0]), key=True, message=f"a `{kind}` step takes no `{escape.one_line(extra[0])}`")
    missing = sorted(required - set(raw))
    if missing:
        raise fail((*at, kind), f"a `{kind}` step needs `{missing[0]}`")
    path = _dotted(raw[kind], (*at, kind), fail)
    where_line = str(fail((*at, kind), "")).removesuffix(": ")
    if kind == "rename":
        return Step(kind, path, where_line, targets=(_dotted(raw["to"], (*at, "to"), fail),))
    if kind == "split":
        into = raw["into"]
        if not isinstance(into, list) or len(into) < 2:
            raise fail((*at, "into"), "`into` must list two fields or more, in the order the pieces go")
        separator = raw["separator"]
        if not isinstance(separator, str) or not separator:
            raise fail((*at, "separator"), '`separator` must be text, such as ";"')
        targets = tuple(_dotted(item, (*at, "into", n), fail) for n, item in enumerate(into))
        return Step(kind, path, where_line, targets=targets, separator=separator)
    if kind == "add":
        return Step(kind, path, where_line, targets=(path,), value=raw.get("value"), has_value="value" in raw)
    return Step(kind, path, where_line)


def _dotted(value: Any, at: tuple[Any, ...], fail: Any) -> Path:
    if not isinstance(value, str) or not _DOTTED.fullmatch(value):
        shown = escape.one_line(value)
        raise fail(at, f"`{shown}` is not a dotted field path such as `phases.development.tasks.webhooks`")
    return tuple(value.split("."))


def _check_targets(migrations: list[Migration], fail: Any) -> None:
    """Every field a step writes is one of the template's fields, or one a later migration moves on;
    an added field without a `value` has a placeholder (or is a task, false) to start from."""
    fields = schema.field_by_path()
    for index, migration in enumerate(migrations):
        later = {step.path for after in migrations[index + 1 :] for step in after.steps if step.kind != "add"}
        for number, step in enumerate(migration.steps):
            at = (index, "steps", number, step.kind)
            for target in step.targets:
                if target not in fields and not any(target[: len(p)] == p for p in later):
                    raise fail(at, f"`{'.'.join(target)}` is not a field of the template's plan.schema.json")
            if step.kind == "add" and not step.has_value:
                if step.path not in fields or default_value(fields[step.path]) is None:
                    raise fail(at, f"`{'.'.join(step.path)}` has no placeholder to start from: give the step a `value`")


def default_value(field: schema.Field, number: int = 1) -> Any:
    """What an added field holds when the step gives no value: its placeholder (`"[TOTAL_TIMELINE]"`,
    a list of one `"[RISK_1]"`), false for a task, a mapping of its members' defaults; None when the
    field has none."""
    spec = field.spec
    kind = spec.get("type")
    if kind == "boolean":
        return False
    if kind == "object":
        members = {}
        for name, child in spec.get("properties", {}).items():
            child_field = schema.Field((*field.path, name), child, bool(child.get("x-optional")))
            if child.get("x-optional") or name not in spec.get("required", spec.get("properties", {})):
                continue
            value = default_value(child_field, number)
            if value is None:
                return None
            members[name] = value
        return members
    if kind == "array":
        items = spec.get("items", {})
        if items.get("type") == "object":
            item = default_value(schema.Field((*field.path, schema.ITEM), items, False), 1)
            return None if item is None else [item]
        if field.placeholder:
            return [_placeholder(field.placeholder, 1)]
        return [] if spec.get("x-may-be-empty") else None
    return _placeholder(field.placeholder, number) if field.placeholder else None


def _placeholder(name: str, number: int) -> str:
    return f"[{name[:-2]}_{number}]" if name.endswith("_n") else f"[{name}]"


def _positions(text: str) -> tuple[dict[tuple[Any, ...], tuple[int, int]], dict[tuple[Any, ...], tuple[int, int]]]:
    """Where each key and value of template.yml stands, as `plan_template` read it (safely)."""
    builder = Builder(plan_template.FileLines(text))
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if node is not None:
            builder.build(node, (), 0)
    except (yaml.YAMLError, Refused):  # pragma: no cover - plan_template read it already
        return {}, {}
    return builder.positions, builder.key_positions
