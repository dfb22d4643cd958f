"""What changed in one plan, field by field: the walk follows the schema, so a new field is diffed
without a change here. Each change is data (`Change`); each output escapes its plan text for where it
lands, and internal content (`x-internal`) shows as changed, never with its values."""

from __future__ import annotations

import collections
import dataclasses
import json
from collections.abc import Callable, Iterator
from typing import Any

from planbook import escape, plan_template, schema
from planbook.model import task_label

_VALUE_WIDTH = 80
Path_ = tuple[str | int, ...]  # a data path, as the walk goes


def dotted(path: tuple[str | int, ...]) -> str:
    return escape.one_line(schema.dotted(path))


class _Missing:
    def __repr__(self) -> str:
        return "(not set)"


MISSING: Any = _Missing()


# -- what changed ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Change:
    """One change, in words. `what` and `where` are ours; `subject`, `before` and `after` are plan
    text, which each output escapes for where it lands.

    It reads `what: where "subject"` for an event (`task done: Phase 1 "Build the API client"`), and
    `what "subject" detail: before → after` for a value (`risk "Rate limits" impact: Low → High`).
    """

    what: str
    subject: str | None = None
    where: str | None = None
    detail: str | None = None
    before: str | None = None
    after: str | None = None

    def text(self) -> str:
        return self._compose(escape.one_line, lambda s: f'"{escape.one_line(s)}"')

    def markdown(self) -> str:
        return self._compose(escape.inline, lambda s: f'"{escape.inline(s)}"')

    def _compose(self, value: Callable[[str], str], quoted: Callable[[str], str]) -> str:
        head = value(self.what)
        if self.before is None and self.after is None:
            tail = " ".join(
                part
                for part in (self.where and value(self.where), self.subject is not None and quoted(self.subject))
                if part
            )
            return f"{head}: {tail}" if tail else head
        if self.subject is not None:
            head += f" {quoted(self.subject)}"
        if self.detail:
            head += f" {value(self.detail)}"
        after = value(self.after or "")
        if self.before is None:
            return f"{head}: {after}"
        return f"{head}: {value(self.before)} → {after}"


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """The changes from one plan's values to another's, in schema order, then fields the schema does
    not know. Task labels are filled in from `after`, where the new values are."""
    return list(_mapping(before, after, schema.expanded_schema(), (), after))


def notes_change(before: str, after: str) -> Change | None:
    """How many lines of the notes came and went, counted as multisets: linear in the notes' length,
    where a line-by-line diff takes time that grows with the square of the lines changed."""
    if before.strip() == after.strip():
        return None
    old, new = collections.Counter(before.strip().splitlines()), collections.Counter(after.strip().splitlines())
    added, removed = sum((new - old).values()), sum((old - new).values())
    return Change("notes changed", where=f"{counted(added, 'line')} added, {removed} removed")


def _mapping(
    old: dict[str, Any], new: dict[str, Any], spec: dict[str, Any], path: Path_, data: dict[str, Any]
) -> Iterator[Change]:
    known = spec.get("properties", {})
    for key in _keys(known, new, old):
        before, after = old.get(key, MISSING), new.get(key, MISSING)
        if _same(before, after):
            continue
        if key not in known and known:  # a misspelled `internal:` must not publish its day rates either
            yield Change(f"{dotted((*path, key))} changed", where="a field the schema does not know, values not shown")
        else:
            yield from _value(before, after, known.get(key, {}), (*path, key), data)


def _value(old: Any, new: Any, spec: dict[str, Any], path: Path_, data: dict[str, Any]) -> Iterator[Change]:
    if schema.is_internal(path):  # day rates and budgets must not reach a pull request's public summary
        yield Change(f"{dotted(path)} changed", where="internal content, values not shown")
        return
    kind = spec.get("type")
    if kind == "object" and _fits(old, dict) and _fits(new, dict):
        old, new = _or(old, {}), _or(new, {})
        if _is_checklist(spec):
            yield from _checklist(old, new, spec, path, data)
        else:
            yield from _mapping(old, new, spec, path, data)
    elif kind == "array" and _fits(old, list) and _fits(new, list):
        if spec.get("items", {}).get("type") == "object":
            yield from _records(_or(old, []), _or(new, []), spec["items"], path)
        else:
            yield from _items(_or(old, []), _or(new, []), path)
    else:
        yield Change(dotted(path), before=show(old), after=show(new))


def _checklist(
    old: dict[str, Any], new: dict[str, Any], spec: dict[str, Any], path: Path_, data: dict[str, Any]
) -> Iterator[Change]:
    """Task booleans: `task done` or `task reopened`, with the task's text as the template shows it."""
    tasks = spec["properties"]
    where = (
        schema.phase_title(str(path[1])).partition(":")[0]
        if path[0] == plan_template.roles().phases and len(path) == 3
        else dotted(path)
    )
    for key in _keys(tasks, new, old):
        before, after = old.get(key, MISSING), new.get(key, MISSING)
        if _same(before, after):
            continue
        if key in tasks and _is_flag(before) and _is_flag(after):
            if (before is True) != (after is True):  # a task left out is not done, as is `false`
                yield Change(
                    "task done" if after is True else "task reopened",
                    subject=_task_label(data, tuple(map(str, path)), key),
                    where=where,
                )
        else:
            yield Change(dotted((*path, key)), before=show(before), after=show(after))


def _task_label(data: dict[str, Any], container: tuple[str, ...], key: str) -> str:
    try:
        return task_label(data, container, key, escaped=False)
    except (TypeError, ValueError, AttributeError, KeyError):  # values of the wrong type: the bare title
        title: str = schema.task_specs(container)[key].get("title", key)
        return title


def _items(old: list[Any], new: list[Any], path: Path_) -> Iterator[Change]:
    """A list of text: items added and removed, compared as a multiset; or only reordered."""
    noun = _singular(str(path[-1]))
    unmatched = list(new)
    removed = []
    for item in old:
        index = _index(unmatched, item)
        if index is None:
            removed.append(item)
        else:
            del unmatched[index]
    for item in removed:
        yield Change(f"{noun} removed", subject=show(item, quote=False))
    for item in unmatched:
        yield Change(f"{noun} added", subject=show(item, quote=False))
    if not removed and not unmatched and old and new:
        yield Change(f"{dotted(path)} reordered")


def _records(old: list[Any], new: list[Any], spec: dict[str, Any], path: Path_) -> Iterator[Change]:
    """A list of mappings (risks, success criteria), matched by their first text field."""
    noun = _singular(str(path[-1]))
    fields = spec.get("properties", {})
    key = next((name for name, child in fields.items() if child.get("type") == "string"), None)

    def name(item: Any) -> Any:
        return item.get(key, MISSING) if isinstance(item, dict) and key else item

    unmatched = list(enumerate(new))
    pairs, removed = [], []
    for item in old:
        index = next((i for i, (_, candidate) in enumerate(unmatched) if _same(name(candidate), name(item))), None)
        if index is None:
            removed.append(item)
        else:
            pairs.append((item, unmatched.pop(index)))
    for item in removed:
        yield Change(f"{noun} removed", subject=show(name(item), quote=False))
    for item, (_, match) in pairs:
        if _same(item, match):
            continue
        if not (isinstance(item, dict) and isinstance(match, dict)):
            yield Change(noun, subject=show(name(item), quote=False), before=show(item), after=show(match))
            continue
        for field in _keys(fields, match, item):
            before, after = item.get(field, MISSING), match.get(field, MISSING)
            if _same(before, after):
                continue
            subject = show(name(match), quote=False)
            if fields.get(field, {}).get("type") == "boolean" and _is_flag(before) and _is_flag(after):
                if (before is True) != (after is True):
                    yield Change(f"{noun} {field}" if after is True else f"{noun} not {field}", subject=subject)
            else:
                yield Change(noun, subject=subject, detail=field, before=show(before), after=show(after))
    for _, item in unmatched:
        yield Change(f"{noun} added", subject=show(name(item), quote=False))
    order = [index for _, (index, _) in pairs]
    if not removed and not unmatched and order != sorted(order):
        yield Change(f"{dotted(path)} reordered")


def show(value: Any, *, quote: bool = True) -> str:
    """A value on one line, as a reader would write it, cut at a readable width."""
    if value is MISSING:
        return "(not set)"
    if value is None:
        return "(empty)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, str):
        text = " ".join(value.split())
        if not text:
            return '""' if quote else ""
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=False, default=str)
    text = escape.one_line(text)  # no control character reaches a terminal or a CI log
    return text if len(text) <= _VALUE_WIDTH else text[: _VALUE_WIDTH - 1].rstrip() + "…"


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down: YAML `true` is not `1`, nor `1.0` the same as `1`."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a is b or a == b


def _index(items: list[Any], wanted: Any) -> int | None:
    return next((i for i, item in enumerate(items) if _same(item, wanted)), None)


def _keys(known: dict[str, Any], new: dict[str, Any], old: dict[str, Any]) -> list[str]:
    """The schema's fields in its order, then fields it does not know: the new side's, then the old's."""
    return list(known) + [k for k in new if k not in known] + [k for k in old if k not in known and k not in new]


def _is_flag(value: Any) -> bool:
    return value is MISSING or isinstance(value, bool)


def _fits(value: Any, kind: type) -> bool:
    return value is MISSING or isinstance(value, kind)


def _or(value: Any, default: Any) -> Any:
    return default if value is MISSING else value


def _is_checklist(spec: dict[str, Any]) -> bool:
    tasks = spec.get("properties", {})
    return bool(tasks) and all(child.get("type") == "boolean" and "title" in child for child in tasks.values())


def _singular(name: str) -> str:
    words = name.replace("_", " ")
    if words.endswith("criteria"):
        return words[:-1] + "on"
    if words.endswith("ies"):
        return words[:-3] + "y"
    return words[:-1] if words.endswith("s") and not words.endswith("ss") else words


def counted(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
