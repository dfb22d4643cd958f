"""An imported plan as a plan file: front matter in the schema's order, every text double-quoted, then
the notes. The text is loaded back before it is returned, and must give the same values: an import
never writes a plan that reads otherwise than it was read."""

from __future__ import annotations

import json
from typing import Any

import yaml

from planbook import schema
from planbook.escape import one_line
from planbook.frontmatter.tags import Loader
from planbook.loader import Plan, load_plan

HEADER = """\
# Implementation plan {id}, imported by `planbook import` from {source}.
# A value the document left unfilled holds the template's "[PLACEHOLDER]": `planbook check {path}` lists them.
# Text of the document that matched no field is in the notes, under "Imported text that matched no field".
"""


class WriteError(ValueError):
    """The text would not read back as the values imported: it passes a plan file's limits (its size,
    its number of values), or, a bug, it reads otherwise."""


def plan_text(data: dict[str, Any], notes: str, *, plan_id: str, source: str, path: str) -> str:
    header = HEADER.format(id=plan_id, source=one_line(source), path=one_line(path))
    lines = ["---", *header.splitlines()]
    _mapping(_ordered(data, schema.expanded_schema()), lines, 0)
    text = "\n".join([*lines, "---", ""]) + (f"\n{notes.strip(chr(10))}\n" if notes.strip() else "")
    loaded = load_plan(path or f"{plan_id}.md", text=text)
    if not isinstance(loaded, Plan):
        why = "; ".join(finding.message for finding in loaded.findings)
        raise WriteError(f"would make a plan file planbook cannot load ({why})")
    if loaded.data != data:
        raise WriteError(f"the imported plan {plan_id} would not read back as imported")
    return text


def _ordered(value: Any, spec: dict[str, Any]) -> Any:
    """Mappings in the schema's order, keys it does not know after them."""
    if isinstance(value, dict):
        members = spec.get("properties", {})
        order = {name: index for index, name in enumerate(members)}
        keys = sorted(value, key=lambda key: (order.get(key, len(order)), str(key)))
        return {key: _ordered(value[key], members.get(key, {})) for key in keys}
    if isinstance(value, list):
        return [_ordered(item, spec.get("items", {})) for item in value]
    return value


def _mapping(data: dict[str, Any], lines: list[str], depth: int) -> None:
    indent = "  " * depth
    for key, value in data.items():
        if isinstance(value, dict) and value:
            lines.append(f"{indent}{key}:")
            _mapping(value, lines, depth + 1)
        elif isinstance(value, list) and value and not all(_is_word(item) for item in value):
            lines.append(f"{indent}{key}:")
            _items(value, lines, depth + 1)
        else:
            lines.append(f"{indent}{key}: {_scalar(value)}")


def _items(values: list[Any], lines: list[str], depth: int) -> None:
    indent = "  " * depth
    for value in values:
        if isinstance(value, dict) and value:
            inner: list[str] = []
            _mapping(value, inner, 0)
            lines.append(f"{indent}- {inner[0]}")
            lines.extend(f"{indent}  {line}" for line in inner[1:])
        else:
            lines.append(f"{indent}- {_scalar(value)}")


def _is_word(value: Any) -> bool:
    """A list of such values is written on one line, `[accounting, fulfillment]`: a word YAML reads as
    text. `yes`, `off` or `null` unquoted would read as true, false or nothing."""
    if not (isinstance(value, str) and value.isidentifier() and value.isascii()):
        return False
    return bool(yaml.load(value, Loader=Loader) == value)


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(str(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{}"
    return _quoted(str(value))


def _quoted(text: str) -> str:
    """A YAML double-quoted string: JSON's escapes, and every character YAML would not keep as it is
    (line and paragraph separators, the BOM, other format characters) escaped too."""
    quoted = json.dumps(text, ensure_ascii=False)
    return "".join(c if c.isprintable() or c == " " else _escaped(c) for c in quoted)


def _escaped(character: str) -> str:
    code = ord(character)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
