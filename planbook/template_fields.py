"""What planbook's code reads from a template's fields (`plan.schema.json`), checked when the template is
read: a template editor's slip is an error at its line, never a traceback from the first command that
reads the field.

- the file is a JSON Schema (every `pattern` a regular expression, every `type` a type);
- the status field lists its statuses (`enum`), and every member of `statuses` in `template.yml` is
  one of them (the lifecycle's own members are in the lifecycle, not outside it);
- the types field lists its types, the phases field its phases, the first phase's duration its
  pattern, and the ID field its pattern.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

from planbook.dates import is_plan_date

#: The formats the fields use, each one function that both validators call: they cannot disagree.
FORMATS: dict[str, Callable[[Any], bool]] = {"date": is_plan_date}
#: The `statuses` members that name a step of the lifecycle, not a status outside it.
LIFECYCLE_MEMBERS = ("first", "fields_filled_after", "agreed_from")
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]')


def check_fields(
    fields: dict[str, Any],
    text: str,
    shown: str,
    roles: Any,
    statuses: Any,
    fail_settings: Callable[[tuple[Any, ...], str], Exception],
    error: Callable[[str], Exception],
) -> Callable[[Any], Any]:
    """The fields' compiled validator. Raise `error("path:line:col: sentence")` for the first thing in
    `fields` planbook cannot read, and `fail_settings` for a member of `statuses` the status field does
    not list."""

    def fail(path: tuple[str, ...], message: str) -> Exception:
        line, column = json_position(text, path)
        return error(f"{shown}:{line}:{column}: {message}")

    try:
        validate = compile_fields(fields)
    except Exception as e:  # noqa: BLE001 - fastjsonschema refuses in several ways; jsonschema says where
        from jsonschema import Draft7Validator
        from jsonschema.exceptions import SchemaError

        try:
            Draft7Validator.check_schema(fields)
        except SchemaError as found:
            where = tuple(str(part) for part in found.absolute_path)
            message = f"not a valid JSON Schema at `{'/'.join(where) or '/'}`: {_short(found.message)}"
            raise fail(where, message) from None
        raise fail((), f"the fields cannot be compiled: {_short(str(e))}") from None
    properties = fields.get("properties", {})
    definitions = fields.get("definitions", {})

    def spec(*path: str) -> dict[str, Any]:
        node: Any = {"properties": properties}
        for key in path:
            node = _resolved(node, definitions).get(key) if isinstance(node, dict) else None
        return _resolved(node, definitions) if isinstance(node, dict) else {}

    status = spec("properties", roles.status)
    enum = status.get("enum")
    if not isinstance(enum, list) or not enum or not all(isinstance(s, str) for s in enum):
        raise fail(("properties", roles.status), f"the `{roles.status}` field must list its statuses in `enum`")
    outside = status.get("x-outside-lifecycle", [])
    for member, value in vars(statuses).items():
        allowed = [s for s in enum if s not in outside] if member in LIFECYCLE_MEMBERS else enum
        if value not in allowed:
            raise fail_settings(
                ("statuses", member),
                f"`statuses.{member}` is `{value}`, which is not one of the `{roles.status}` field's "
                + ("statuses in the lifecycle" if member in LIFECYCLE_MEMBERS else "statuses")
                + f" ({', '.join(allowed)})",
            )
    items = spec("properties", roles.types, "items")
    if not isinstance(items.get("enum"), list):
        raise fail(("properties", roles.types), f"the `{roles.types}` field's `items` must list its types in `enum`")
    phases = spec("properties", roles.phases).get("properties")
    if not isinstance(phases, dict) or not phases:
        raise fail(("properties", roles.phases), f"the `{roles.phases}` field must list its phases in `properties`")
    first = next(iter(phases))
    duration = spec("properties", roles.phases, "properties", first, "properties", roles.phase_duration)
    for path, named in (
        (("properties", roles.phases, "properties", first, "properties", roles.phase_duration), duration),
        (("properties", roles.id), spec("properties", roles.id)),
    ):
        if not isinstance(named.get("pattern"), str):
            raise fail(path, f"the `{path[-1]}` field needs a `pattern`, which planbook reads")
    return validate


def compile_fields(fields: dict[str, Any]) -> Callable[[Any], Any]:
    """The fast validator of a plan: its verdict is the one definition of a valid plan. Compiled once, as
    the template is read; and only when fastjsonschema refuses the fields is jsonschema imported to say
    where (its check of a schema takes longer than `planbook check FILE` may)."""
    import fastjsonschema

    schema = copy.deepcopy(fields)  # fastjsonschema rewrites `$ref`s in place
    validate: Callable[[Any], Any] = fastjsonschema.compile(schema, use_default=False, formats=FORMATS)
    return validate


def json_position(text: str, path: tuple[str, ...]) -> tuple[int, int]:
    """Where the key deepest along `path` stands in the JSON text (array items by their index), read from
    its tokens: the file's start when not even the first key is there."""
    tokens = list(_JSON_TOKEN.finditer(text))
    keys: list[str] = []  # the key (or index) of each open container, the root's ""
    items: list[int | None] = []  # each open container's item count, None for an object
    current, found, depth = "", 0, 0
    for number, token in enumerate(tokens):
        value = token.group()
        if value in "{[":
            keys.append(current)
            items.append(0 if value == "[" else None)
            current = "0" if value == "[" else ""
        elif value in "}]" and keys:
            items.pop()
            current = keys.pop()
        elif value == "," and items and items[-1] is not None:
            items[-1] = (items[-1] or 0) + 1
            current = str(items[-1])
        elif value.startswith('"') and number + 1 < len(tokens) and tokens[number + 1].group() == ":":
            current = json.loads(value)
            here = (*keys[1:], current)
            if len(here) > depth and here == path[: len(here)]:
                found, depth = token.start(), len(here)
    line = text.count("\n", 0, found) + 1
    return line, found - (text.rfind("\n", 0, found) + 1) + 1


def _resolved(node: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and isinstance(definitions.get(ref.removeprefix("#/definitions/")), dict):
        return {**definitions[ref.removeprefix("#/definitions/")], **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _short(message: str) -> str:
    return re.sub(r"\s+", " ", message)[:200]
