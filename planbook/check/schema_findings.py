"""Schema findings: what the validators refused, said at the value's line in the author's terms.

The verdict is `planbook.schema.schema_errors`; this module only explains it. Values of internal
content (`x-internal`) are quoted by no message: findings reach public CI logs.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from typing import Any

from planbook import placeholders, plan_template, schema
from planbook.dates import describe_date_rule, parse_plan_date
from planbook.escape import one_line
from planbook.findings import Finding
from planbook.loader import Plan
from planbook.model import value_at
from planbook.schema import FieldPath, dotted

_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of fields",
    "null": "empty",
}


def schema_findings(
    plan: Plan, errors: Iterable[schema.SchemaError] | None = None, skip: Iterable[FieldPath] = ()
) -> list[Finding]:
    """Detailed schema findings, at the line of the offending value. Values in `skip` already hold a
    placeholder finding, which says more than "must be a number" would."""
    skipped = set(skip)
    findings = []
    for error in schema.schema_errors(plan.data) if errors is None else errors:
        if error.path in skipped or (error.detail is not None and placeholders.is_placeholder(error.detail.instance)):
            continue
        if error.detail is None:  # the fast validator's verdict, which the detailed one did not explain
            line, column = plan.position(error.path)
            name = _name(error.path) or "the front matter"
            about = "" if schema.is_internal(error.path) else f": {one_line(error.message)}"
            findings.append(Finding(plan.path, line, column, "PB105", f"`{name}` does not fit the schema{about}"))
            continue
        findings.extend(_explain(plan, error.detail, error.path))
    return findings


def _explain(plan: Plan, error: Any, path: FieldPath) -> Iterator[Finding]:
    name = _name(path) or "the front matter"
    kind = error.validator
    line, column = plan.position(path)
    # Internal content (day rates, budgets) may be quoted by nothing: findings reach public CI logs.
    private = schema.is_internal(path) or (kind == "additionalProperties" and schema.is_internal((*path, "")))
    if kind == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        for key in error.instance:
            if key in allowed:
                continue
            key_line, key_column = plan.key_positions.get((*path, key), (line, column))
            where = f" in `{name}`" if path else ""
            if private:
                message = f"a field{where} that the schema does not know; the fields there are: {', '.join(allowed)}"
            else:
                message = f"unknown field `{one_line(key)}`{where}{_did_you_mean(key, allowed)}"
            yield Finding(plan.path, key_line, key_column, "PB101", message)
        return
    if kind == "required":
        missing = re.match(r"'(.+)' is a required property", error.message)
        key = missing.group(1) if missing else "?"
        field = schema.field_for((*path, key))
        about = f" ({field.description})" if field else ""
        where = f"`{name}` is missing" if path else "missing"
        yield Finding(plan.path, line, column, "PB103", f"{where} field `{key}`{about}")
        return
    if kind == "type":
        expected = error.validator_value
        expected = expected if isinstance(expected, str) else expected[0]
        got = _TYPE_NAMES.get(_json_type(error.instance), "something else")
        message = f"`{name}` must be {_TYPE_NAMES.get(expected, expected)}, not {got}"
        written = plan.yaml11.get(path)
        if written is not None and private:
            message += "; YAML reads it as something other than text, so put it in quotes"
        elif written is not None:
            message += f'; YAML reads `{one_line(written)}` as {error.instance!r}, so quote it: "{one_line(written)}"'
        elif expected == "string" and isinstance(error.instance, list):
            message += "; text that starts with `[` must be quoted"
        yield Finding(plan.path, line, column, "PB102", message)
        return
    if kind == "enum":
        choices = [str(c) for c in error.validator_value]
        shown = "this value" if private else one_line(repr(error.instance))
        hint = "" if private else _did_you_mean(str(error.instance), choices)
        yield Finding(
            plan.path, line, column, "PB104", f"`{name}` cannot be {shown}{hint}; choose one of: {', '.join(choices)}"
        )
        return
    field = schema.field_for(path)
    message = _format_message(error, field) if not private else _private_message(error)
    yield Finding(plan.path, line, column, "PB105", f"`{name}`: {message}")


def _private_message(error: Any) -> str:
    if error.validator == "maxLength":
        return f"is {len(error.instance):,} characters long; at most {error.validator_value} are allowed"
    return f"does not fit the schema's `{error.validator}` rule"


#: How YAML 1.1 reads numbers that are not plain decimals, for PB105.
_ODD_NUMBER = [
    (re.compile(r"[-+]?0[0-7_]+"), "an octal number: drop the leading zero"),
    (re.compile(r"[-+]?0[xX][0-9a-fA-F_]+"), "a hexadecimal number: write it in decimal digits"),
    (re.compile(r"[-+]?0[bB][01_]+"), "a binary number: write it in decimal digits"),
    (
        re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?"),
        "a number in base 60 (minutes and seconds): write the number you mean",
    ),
    (
        re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"),
        "not a number anyone can reach: write a number such as 99.5",
    ),
]


def odd_number_findings(plan: Plan) -> Iterator[Finding]:
    """PB105 for numbers YAML reads another way than they read (`012` is 10, `1:30` is 90, `.nan`). A
    field that wants text already has its PB102, with the same hint."""
    for path, written in plan.odd_numbers.items():
        field = schema.field_for(path)
        if field is None or field.type not in ("integer", "number"):
            continue
        line, column = plan.position(path)
        why = next(
            (why for pattern, why in _ODD_NUMBER if pattern.fullmatch(written)), "write it in plain decimal digits"
        )
        if schema.is_internal(path):
            yield Finding(
                plan.path,
                line,
                column,
                "PB105",
                f"`{_name(path)}`: a number YAML reads another way than it is written; {why}",
            )
            continue
        value = value_at(plan.data, *path)
        yield Finding(
            plan.path, line, column, "PB105", f"`{_name(path)}`: YAML reads `{one_line(written)}` as {value!r}, {why}"
        )


def actual_date_findings(plan: Plan) -> Iterator[Finding]:
    """PB105 for a phase that finished before it started: a slip of the keyboard there makes the
    forecast end before it begins and the variance early, so a late project would read as ahead."""
    roles = plan_template.roles()
    for key in schema.PHASES:
        entry = value_at(plan.data, roles.phases, key)
        if not isinstance(entry, dict):
            continue
        start = parse_plan_date(entry.get(roles.phase_actual_start))
        finish = parse_plan_date(entry.get(roles.phase_actual_finish))
        if start is not None and finish is not None and finish < start:
            line, column = plan.position((roles.phases, key, roles.phase_actual_finish))
            yield Finding(
                plan.path,
                line,
                column,
                "PB105",
                f"`{roles.phases}.{key}.{roles.phase_actual_finish}`: {finish} is before the phase's"
                f" {roles.phase_actual_start}, {start};"
                " a phase finishes on or after the day it starts",
            )


def _format_message(error: Any, field: schema.Field | None) -> str:
    kind, limit = error.validator, error.validator_value
    if kind == "format" and limit == "date":
        return f"{one_line(repr(error.instance))} is not {describe_date_rule()}"
    if kind == "pattern":
        about = field.description if field else f"the pattern {limit}"
        return f"{one_line(repr(error.instance))} is not in the expected form: {about}"
    if kind in ("minimum", "maximum"):
        return f"{error.instance} is {'below' if kind == 'minimum' else 'above'} the {kind} of {limit}"
    if kind == "minItems":
        return f"needs at least {limit} item{'s' if limit != 1 else ''}"
    if kind == "maxItems":
        return f"has {len(error.instance):,} items; at most {limit} are allowed"
    if kind == "maxLength":
        return f"is {len(error.instance):,} characters long; at most {limit} are allowed"
    if kind == "uniqueItems":
        return "lists the same item twice"
    return one_line(error.message)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not close:
        close = [c for c in choices if c.lower() == word.lower().strip()]
    return f"; did you mean `{close[0]}`?" if close else ""


def _name(path: FieldPath) -> str:
    return one_line(dotted(path))
