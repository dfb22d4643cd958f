"""The scaffold `planbook new` writes: every field of the schema, holding the template's placeholder,
with a comment above it saying what belongs there."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from planbook import plan_template, schema

HEADER = """\
# Implementation plan {id}.
# Replace every "[PLACEHOLDER]" below; `planbook check {path}` lists those left, with their lines.
# Text that starts with [ or {{ or holds ": " must stay in quotes. Task lists: set `true` when done.
# Below the closing `---`, free Markdown notes are shown after the plan's sections.
# The field reference: docs/reference/fields.md
"""


def scaffold(plan_id: str, *, types: Iterable[str] = (), migration: bool = False, path: str = "") -> str:
    """The text of a new plan. `types` chooses which type-specific task blocks appear."""
    chosen = [t for t in schema.INTEGRATION_TYPES if t in set(types)]
    lines = ["---", *HEADER.format(id=plan_id, path=path or f"projects/{plan_id}.md").splitlines()]
    _emit_mapping(
        schema.plan_schema(), lines, 0, plan_id=plan_id, chosen_types=chosen, with_migration=migration, top=True
    )
    lines += ["---", ""]
    return "\n".join(lines)


def _emit_mapping(spec: dict[str, Any], lines: list[str], depth: int, **options: Any) -> None:
    indent = "  " * depth
    roles = plan_template.roles()
    for name, child in spec.get("properties", {}).items():
        value = _initial_value(name, child, options) if options.get("top") else None
        comment = child.get("description") or child.get("title", "")
        if child.get("x-optional") and value is None and not (name == roles.migration and options["with_migration"]):
            example = {
                roles.start_date: '"2026-01-05"',
                roles.phase_actual_start: '"2026-01-05"',
                roles.phase_actual_finish: '"2026-01-16"',
                roles.version: '"1.0"',
                roles.last_updated: '"2026-01-05"',
            }.get(name)
            if example:
                lines.append(f"{indent}# {name}: {example}  # {comment}")
            else:
                lines.append(f"{indent}# {name}: {comment}")
            continue
        if comment and child.get("type") != "boolean":
            lines.append(f"{indent}# {comment}")
        kind = child.get("type")
        if value is not None:
            lines.append(f"{indent}{name}: {value}")
        elif kind == "object" and _is_task_list(child):
            lines.append(f"{indent}{name}:")
            for key, task in child["properties"].items():
                needs = task.get("x-requires-type")
                if needs and options["chosen_types"] and needs not in options["chosen_types"]:
                    continue
                note = f"{task['title']}" + (f" ({needs} plans only)" if needs else "")
                lines.append(f"{indent}  {key}: false  # {note}")
        elif kind == "object":
            lines.append(f"{indent}{name}:")
            _emit_mapping(child, lines, depth + 1, **{**options, "top": False})
        elif kind == "array":
            _emit_list(name, child, lines, indent)
        else:
            lines.append(f"{indent}{name}: {_placeholder(child)}")


def _is_task_list(spec: dict[str, Any]) -> bool:
    props = spec.get("properties", {})
    return bool(props) and all(p.get("type") == "boolean" for p in props.values())


def _emit_list(name: str, spec: dict[str, Any], lines: list[str], indent: str) -> None:
    items = spec.get("items", {})
    count = 1 if spec.get("uniqueItems") else spec.get("x-template-count", 2)  # one placeholder cannot stand twice
    lines.append(f"{indent}{name}:")
    for number in range(1, count + 1):
        if items.get("type") == "object":
            first = True
            for key, member in items["properties"].items():
                bullet = "- " if first else "  "
                value = "false" if member.get("type") == "boolean" else _placeholder(member, number)
                lines.append(f"{indent}  {bullet}{key}: {value}")
                first = False
        else:
            lines.append(f"{indent}  - {_placeholder(spec, number)}")


def _placeholder(spec: dict[str, Any], number: int = 1) -> str:
    name = spec.get("x-placeholder", "TODO")
    if name.endswith("_n"):
        name = f"{name[:-2]}_{number}"
    return json.dumps(f"[{name}]")


def _initial_value(name: str, spec: dict[str, Any], options: dict[str, Any]) -> str | None:
    roles = plan_template.roles()
    if name == roles.id:
        return json.dumps(options["plan_id"])
    if name == roles.status:
        return json.dumps(plan_template.statuses().first)
    if name == roles.types and options["chosen_types"]:
        return "[" + ", ".join(options["chosen_types"]) + "]"
    if name == roles.template_version:  # a new plan follows the template as it is
        return str(plan_template.active().version)
    return None
