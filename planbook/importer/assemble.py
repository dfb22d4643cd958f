"""A reading becomes a plan: each value typed as its field wants it, the kept conditional blocks
becoming the integration types and the migration, and everything the document does not give holding
the template's placeholder, as `planbook new` writes it. Nothing read is dropped: a value that cannot
be its field's, and every line that fills nothing, goes to the notes, and the report names its line.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from planbook import plan_template, schema
from planbook.importer.lines import Line, key_of
from planbook.importer.notes import notes_text
from planbook.importer.pattern import ANY, FieldPath, Pattern
from planbook.importer.reading import Reading
from planbook.loader import Plan, load_plan
from planbook.model import status_labels, type_labels
from planbook.model.versions import NOT_COMMITTED, UNCOMMITTED
from planbook.scaffold import scaffold

_PLACEHOLDER = re.compile(r"^\[([A-Z][A-Z0-9_]*)\]$")
_LINK = re.compile(r"^\[[^\]]*\]\(<?([^)\s>]+)>?\)$")
_NUMBER = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?")
_TYPE_SEPARATORS = re.compile(r"\s*(?:\+|,|&|/|;|\band\b)\s*", re.IGNORECASE)
_GIT_NOTES = re.compile(rf"(?:,\s*{NOT_COMMITTED}|\s*\(commit [0-9a-f]+\)|\s*{UNCOMMITTED})\s*$")
_COMMIT = re.compile(r"^(?:[0-9a-f]{7,40}|" + NOT_COMMITTED + r"(?: yet)?)$")


@dataclasses.dataclass
class Problem:
    line: int
    message: str


@dataclasses.dataclass
class Imported:
    data: dict[str, Any]
    notes: str
    problems: list[Problem]  # every line placed nowhere, or only in part, with why
    placed: int  # values the document gave their fields: texts, numbers, list items, ticks
    unfilled: list[FieldPath]  # fields the document leaves as a placeholder
    id_line: int | None = None  # the line that gives the project ID


@dataclasses.dataclass
class _Values:
    found: dict[FieldPath, tuple[Any, Line]] = dataclasses.field(default_factory=dict)
    counts: dict[FieldPath, int] = dataclasses.field(default_factory=dict)
    problems: list[Problem] = dataclasses.field(default_factory=list)
    unfilled: list[FieldPath] = dataclasses.field(default_factory=list)
    kept_for_notes: list[Line] = dataclasses.field(default_factory=list)

    def set(self, path: FieldPath, value: Any, line: Line) -> None:
        known = self.found.get(path)
        if known is None:
            self.found[path] = (value, line)
        elif known[0] != value and not isinstance(value, bool):
            self.problems.append(
                Problem(
                    line.number,
                    f"gives {schema.dotted(path)} as “{value}”, where line {known[1].number} "
                    f"gives “{known[0]}”: line {known[1].number} is kept, this line is in the notes",
                )
            )
            self.kept_for_notes.append(line)


def assemble(reading: Reading, pattern: Pattern, plan_id: str | None) -> Imported:
    values = _Values()
    for placed in reading.placed:
        index = None
        if placed.pattern.repeat is not None:
            index = values.counts.get(placed.pattern.repeat, 0)
            values.counts[placed.pattern.repeat] = index + 1
        for slot, text in placed.values.items() if not placed.pattern.default else ():
            ref = placed.pattern.slots[slot]
            path = tuple(index if part == ANY else part for part in ref.path)
            given = [part.strip() for part in text.split(ref.joined) if part.strip()] if ref.joined else text
            link = _LINK.match(text) if ref.address else None
            given = link.group(1) if link else given  # an address written as a link: the address
            values.set(path, given, placed.line)
        if placed.line.ticked is not None or placed.pattern.task is not None:
            ticked = placed.line.ticked is True
            if placed.pattern.task is not None:
                values.set(placed.pattern.task, ticked, placed.line)
            elif placed.pattern.box is not None and placed.pattern.repeat is not None:
                values.set((*placed.pattern.repeat, index, *placed.pattern.box), ticked, placed.line)
    _share_twin_lists(values, pattern)
    types = _types(reading, pattern, values)
    data = _typed(values, pattern)
    roles = plan_template.roles()
    identifier = plan_id or _text(data.get(roles.id)) or ""
    blank = _blank_plan(identifier, types, migration=roles.migration in data)
    for path in reading.emptied:
        _put(data, path, [])
    for path in reading.unfilled_lists:
        values.unfilled.append(path)
    merged = _merge(blank, data)
    merged[roles.types] = types or blank.get(roles.types)
    if plan_id:
        merged[roles.id] = plan_id
    notes = notes_text(reading, values.kept_for_notes)
    problems = [Problem(u.line.number, f"{u.reason}{_span(u.line)}: kept in the notes") for u in reading.unplaced]
    problems += values.problems
    placed_count = sum(
        len(v) if isinstance(v, list) else 1
        for path, (v, _) in values.found.items()
        if path not in values.unfilled and not _PLACEHOLDER.match(str(v))
    )
    id_found = values.found.get((roles.id,))
    return Imported(
        merged,
        notes,
        sorted(problems, key=lambda p: p.line),
        placed_count,
        values.unfilled,
        id_found[1].number if id_found else None,
    )


def _span(line: Line) -> str:
    return f" (lines {line.number}–{line.end})" if line.end > line.number else ""


def _share_twin_lists(values: _Values, pattern: Pattern) -> None:
    """Two lists written as one (the key scenarios: tests, then error tests, numbered on): the later
    list takes as many items from the end as the template gives it, the earlier one the rest."""
    catch_alls = [p for p in pattern.lines if p.repeat is not None and p.catch_all]
    for first, second in zip(catch_alls, catch_alls[1:], strict=False):
        if (first.section, first.kind, first.line.ordered) != (second.section, second.kind, second.line.ordered):
            continue
        assert first.repeat is not None and second.repeat is not None
        total = values.counts.get(first.repeat, 0)
        if values.counts.get(second.repeat, 0) or total < 2:
            continue
        field = schema.field_for(first.repeat) and schema.field_for(second.repeat)
        share = min(int(field.spec.get("x-template-count", 1)) if field else 1, total - 1)
        for moved in range(share):
            old = total - share + moved
            for path in [p for p in values.found if p[: len(first.repeat) + 1] == (*first.repeat, old)]:
                values.found[(*second.repeat, moved, *path[len(first.repeat) + 1 :])] = values.found.pop(path)
        values.counts[first.repeat], values.counts[second.repeat] = total - share, share


def _types(reading: Reading, pattern: Pattern, values: _Values) -> list[str]:
    """The types the document names on its integration line, and those whose blocks it kept."""
    chosen: set[str] = set()
    named = values.found.pop(pattern.types_path, None)
    if named is not None and not _PLACEHOLDER.match(str(named[0])):
        labels = {key_of(label): kind for kind, label in type_labels().items()} | {key_of(k): k for k in type_labels()}
        for word in _TYPE_SEPARATORS.split(str(named[0])):
            kind = labels.get(key_of(word))
            if kind is None and word.strip():
                values.problems.append(
                    Problem(
                        named[1].number,
                        f"“{word}” is not an integration type of the template "
                        f"({', '.join(schema.INTEGRATION_TYPES)}): the line is kept in the notes",
                    )
                )
                values.kept_for_notes.append(named[1])
            elif kind is not None:
                chosen.add(kind)
    for placed in reading.placed:
        chosen |= placed.pattern.types
    chosen |= {key_of(condition) for _, condition in reading.markers} & set(schema.INTEGRATION_TYPES)
    return [kind for kind in schema.INTEGRATION_TYPES if kind in chosen]


def _typed(values: _Values, pattern: Pattern) -> dict[str, Any]:
    data: dict[str, Any] = {}
    del pattern
    roles = plan_template.roles()
    version = values.found.get((roles.version,))
    if version is not None and (_COMMIT.match(_GIT_NOTES.sub("", str(version[0]))) or "(commit " in str(version[0])):
        values.found.pop((roles.last_updated,), None)  # the date beside a commit is the commit's, not the plan's
    for path, (value, line) in values.found.items():
        if not path or path == (roles.id,) and not isinstance(value, str):
            continue
        if path[0] == "":
            continue
        field = schema.field_for(path)
        converted = _convert(path, value, field, line, values)
        if converted is not None:
            _put(data, path, converted)
    return data


def _convert(path: FieldPath, value: Any, field: schema.Field | None, line: Line, values: _Values) -> Any:
    if isinstance(value, (bool, list)):
        return value
    text = str(value)
    roles = plan_template.roles()
    if path == (roles.version,):
        text = _GIT_NOTES.sub("", text)
        return None if _COMMIT.match(text) else text
    if path == (roles.last_updated,) and _COMMIT.match(text):
        return None
    placeholder = _PLACEHOLDER.match(text)
    if placeholder is not None:
        values.unfilled.append(path)
        return _template_placeholder(path, field) or text
    spec = field.spec if field else {}
    if "enum" in spec:
        labels = {key_of(v): v for v in spec["enum"]} | {key_of(label): v for v, label in status_labels().items()}
        if key_of(text) in labels:
            return labels[key_of(text)]
        within = {value for label, value in labels.items() if f" {label} " in f" {key_of(text)} "}
        if len(within) == 1:  # "In development", "Testing phase": the one status it names
            return within.pop()
        return _refuse(path, text, field, line, values, f"is not one of {', '.join(map(str, spec['enum']))}")
    if field is not None and field.type in ("integer", "number"):
        number = _NUMBER.match(text.replace("%", "").strip())
        if number is None or text.replace("%", "").strip()[number.end() :].strip():
            return _refuse(path, text, field, line, values, "is not a number")
        parsed = float(number.group(0).replace(",", ""))
        if field.type == "integer" and not parsed.is_integer():
            return _refuse(path, text, field, line, values, "is not a whole number")
        return int(parsed) if parsed.is_integer() else parsed
    return text


def _refuse(path: FieldPath, text: str, field: schema.Field | None, line: Line, values: _Values, why: str) -> Any:
    values.problems.append(
        Problem(line.number, f"“{text}” {why}, as {schema.dotted(path)} must be: the line is kept in the notes")
    )
    values.kept_for_notes.append(line)
    values.unfilled.append(path)
    return _template_placeholder(path, field)


def _template_placeholder(path: FieldPath, field: schema.Field | None) -> str | None:
    name = field.placeholder if field else None
    if not name:
        return None
    index = next((part for part in path if isinstance(part, int)), 0)
    return f"[{name[:-2]}_{index + 1}]" if name.endswith("_n") else f"[{name}]"


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and not _PLACEHOLDER.match(value) else None


def _put(data: dict[str, Any], path: FieldPath, value: Any) -> None:
    node: Any = data
    for part, following in zip(path, path[1:], strict=False):
        empty: Any = [] if isinstance(following, int) else {}
        if isinstance(node, list):
            while len(node) <= part:
                node.append(None)
            node[part] = node[part] if node[part] is not None else empty
            node = node[part]
        else:
            node = node.setdefault(part, empty)
    if isinstance(node, list):
        while len(node) <= path[-1]:
            node.append(None)
    node[path[-1]] = value


def _blank_plan(plan_id: str, types: list[str], *, migration: bool) -> dict[str, Any]:
    """The plan `planbook new` would write: the template's placeholders, every task not done."""
    loaded = load_plan(f"{plan_id}.md", text=scaffold(plan_id, types=types, migration=migration))
    assert isinstance(loaded, Plan), "the scaffold always loads"
    return loaded.data


def _merge(blank: Any, found: Any) -> Any:
    if isinstance(blank, dict) and isinstance(found, dict):
        merged = dict(blank)
        for key, value in found.items():
            merged[key] = _merge(blank.get(key), value)
        return merged
    if isinstance(found, list):
        return [item for item in found if item is not None]
    return found
