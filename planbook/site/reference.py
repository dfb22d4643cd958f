"""The reference pages, generated: the fields from the schema, the checklists and their tasks, the rule
codes from the rule table, and the command line from its own parser. Text from these sources is ours,
not a plan's, and goes into Markdown tables as it is, `|` escaped."""

from __future__ import annotations

import argparse
import functools
import html
import re

from planbook import schema
from planbook.cli import build_parser
from planbook.findings import RULES
from planbook.model import type_labels

_TYPE_NAMES = {"string": "text", "integer": "whole number", "number": "number", "boolean": "true or false"}
_TITLE_FIELD = re.compile(r"\{([\w.]+)\}")
SHORT_NAME = 14  # characters: a name this short never breaks (`[SYSTEM_A]`, not `[SYSTEM_` and `A]`)


def _name(text: str) -> str:
    """A placeholder or a field's dotted name as code that may break only after `_` or `.`: Material
    breaks code anywhere, which cut `[INTEGRATION_TYPE]` into `[INTEGRATION_T` and `YPE]`. Written as HTML
    (the `pb-names` rules in planbook.css turn the theme's breaking off), its characters as entities so
    that Markdown reads neither the brackets as a link nor the underscores as emphasis."""
    characters = {"[": "&#91;", "]": "&#93;", "_": "&#95;", "|": "&#124;"}
    if len(text) > SHORT_NAME:
        characters.update({"_": "&#95;<wbr>", ".": ".<wbr>"})
    return "<code>" + "".join(characters.get(c, html.escape(c)) for c in text) + "</code>"


def _names_table(lines: list[str]) -> str:
    """A table of names, in a block whose code the stylesheet breaks only where `_name` allows."""
    return '<div class="pb-names" markdown>\n\n' + "\n".join(lines) + "\n\n</div>"


def _cell(text: str) -> str:
    """Trusted text (from the schema or the rules) in a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _field_type(field: schema.Field) -> str:
    spec = field.spec
    if field.type == "array":
        items = spec.get("items", {})
        if items.get("type") == "object":
            return "list of mappings"
        if "enum" in items:
            return "list, each one of: " + ", ".join(f"`{v}`" for v in items["enum"])
        return "list of text"
    if "enum" in spec:
        return "one of: " + ", ".join(f"`{v}`" for v in spec["enum"])
    return _TYPE_NAMES.get(field.type, field.type)


def field_table() -> str:
    """Template placeholder → field → type → meaning, for every field a plan fills in."""
    lines = ["| Placeholder | Field | Type | Meaning |", "|---|---|---|---|"]
    for field in schema.iter_fields():
        if field.type in ("object", "boolean"):
            continue
        placeholder = _name(f"[{field.placeholder}]") if field.placeholder else "—"
        kind = _field_type(field) + (" (optional)" if field.optional else "")
        lines.append(f"| {placeholder} | {_name(field.dotted)} | {_cell(kind)} | {_cell(field.description)} |")
    return _names_table(lines)


def _title_placeholders(title: str) -> str:
    """A task's title as the template shows it: each field it names as that field's placeholder."""

    def placeholder(match: re.Match[str]) -> str:
        field = schema.field_by_path().get(tuple(match.group(1).split(".")))
        name = field.placeholder if field is not None and field.placeholder else match.group(1).upper()
        if name.endswith("_n"):
            count = field.spec.get("x-template-count", 2) if field is not None else 2
            return ", ".join(_name(f"[{name[:-2]}_{n}]") for n in range(1, count + 1))
        return _name(f"[{name}]")

    return _TITLE_FIELD.sub(placeholder, title)


def checklist_table() -> str:
    """Every task and checklist item: the field that ticks it, and the line it is in the plan."""
    lines = ["| Field | Item in the plan | Applies to |", "|---|---|---|"]
    for field in schema.iter_fields():
        if field.type != "boolean" or "title" not in field.spec:  # a task has its line; a criterion's `done` has none
            continue
        text = _title_placeholders(_cell(field.spec.get("title") or field.description))
        applies = field.spec.get("x-requires-type")
        lines.append(
            f"| {_name(field.dotted)} | {text} | {type_labels()[applies] + ' plans' if applies else 'every plan'} |"
        )
    return _names_table(lines)


def rule_table() -> str:
    lines = ["| Code | Name | Severity | What it means |", "|---|---|---|---|"]
    for rule in RULES.values():
        lines.append(f"| `{rule.code}` | `{rule.name}` | {rule.severity} | {_cell(rule.summary)} |")
    return "\n".join(lines)


@functools.cache  # the parser does not change while a process runs; `mkdocs serve` asks on every rebuild
def cli_usage() -> str:
    """`planbook --help` and each command's, as the parser prints them, 100 columns wide."""
    parser = build_parser()
    sections = [("planbook", parser)]
    for action in parser._actions:  # argparse keeps its subcommands here and nowhere public
        if isinstance(action, argparse._SubParsersAction):
            sections += [(f"planbook {name}", sub) for name, sub in action.choices.items()]
    out = []
    for title, command in sections:
        command.formatter_class = functools.partial(argparse.HelpFormatter, width=100)
        out.append(f"## `{title}`\n\n```text\n{command.format_help().rstrip()}\n```")
    return "\n\n".join(out)
