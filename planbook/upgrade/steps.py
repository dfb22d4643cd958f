"""Each migration step applied to one plan's front matter, as ruamel.yaml reads it for a round trip.

The document keeps its comments, key order and quoting: a key is added where the schema puts it,
renamed in place when it stays in its mapping, and the comment lines that belong to the key below an
insertion or a removal stay above that key. A step that cannot apply without losing a value (a rename
onto a field that holds something else) records a conflict; nothing is written then.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from planbook import schema
from planbook.upgrade.migrations import Path, Step, default_value


@dataclasses.dataclass
class PlanEdit:
    """One plan being brought along: its document, its integration types (which tasks apply), and what
    the steps found: values dropped (for the notes) and conflicts (path, sentence)."""

    doc: CommentedMap
    types: frozenset[str]
    indent: int = 2
    dropped: list[tuple[str, Any]] = dataclasses.field(default_factory=list)
    conflicts: list[tuple[Path, str]] = dataclasses.field(default_factory=list)


def apply_step(edit: PlanEdit, step: Step) -> None:
    APPLY[step.kind](edit, step)


def _add(edit: PlanEdit, step: Step) -> None:
    field = schema.field_by_path().get(step.path)
    if field is not None and field.spec.get("x-requires-type") not in (None, *edit.types):
        return  # a task for an integration type the plan does not have
    parent = _parent(edit, step.path, create_optional=False)
    if parent is None or step.path[-1] in parent:
        return
    value = step.value if step.has_value else default_value(field) if field is not None else None
    insert(edit, parent, step.path, node(value))


def _rename(edit: PlanEdit, step: Step) -> None:
    source, target = step.path, step.targets[0]
    found, value = lookup(edit.doc, source)
    if not found or source == target:
        return
    there, existing = lookup(edit.doc, target)
    if there and plain(existing) != plain(value):
        edit.conflicts.append(
            (
                source,
                f"cannot rename `{_dotted(source)}` to `{_dotted(target)}`, which already holds a different value: keep one of the two, then upgrade again",
            )
        )
        return
    holder = _parent(edit, source, create_optional=False)
    assert holder is not None
    if there:
        remove(edit, holder, source[-1])
    elif source[:-1] == target[:-1]:
        _rename_in_place(holder, source[-1], target[-1])
    else:
        remove(edit, holder, source[-1])
        parent = _parent(edit, target, create_optional=True)
        assert parent is not None
        insert(edit, parent, target, value)


def _split(edit: PlanEdit, step: Step) -> None:
    found, value = lookup(edit.doc, step.path)
    if not found:
        return
    if not isinstance(value, str):
        edit.conflicts.append((step.path, f"cannot split `{_dotted(step.path)}`: it is not text"))
        return
    pieces: list[Any] = [piece.strip() for piece in str(value).split(step.separator, len(step.targets) - 1)]
    fields = schema.field_by_path()
    for target in step.targets[len(pieces) :]:
        pieces.append(default_value(fields[target]) if target in fields else "")
    for target, piece in zip(step.targets, pieces):
        there, existing = lookup(edit.doc, target)
        if there and target != step.path and plain(existing) != plain(piece):
            edit.conflicts.append(
                (
                    step.path,
                    f"cannot split `{_dotted(step.path)}` into `{_dotted(target)}`, which already holds a different value: empty one of the two, then upgrade again",
                )
            )
            return
    holder = _parent(edit, step.path, create_optional=False)
    assert holder is not None
    at = list(holder).index(step.path[-1])
    remove(edit, holder, step.path[-1])
    for target, piece in zip(step.targets, pieces):
        parent = _parent(edit, target, create_optional=True)
        assert parent is not None
        if target[-1] not in parent:
            beside = parent is holder and at <= len(parent)  # the pieces take the text's place, in order
            insert(edit, parent, target, node(piece), at=at if beside else None)
            at += 1 if beside else 0


def _drop(edit: PlanEdit, step: Step) -> None:
    found, value = lookup(edit.doc, step.path)
    if not found:
        return
    holder = _parent(edit, step.path, create_optional=False)
    assert holder is not None
    edit.dropped.append((_dotted(step.path), value))
    remove(edit, holder, step.path[-1])


APPLY = {"add": _add, "rename": _rename, "split": _split, "drop": _drop}


# -- the document ---------------------------------------------------------------------------------


def lookup(doc: CommentedMap, path: Path) -> tuple[bool, Any]:
    node_: Any = doc
    for key in path:
        if not isinstance(node_, dict) or key not in node_:
            return False, None
        node_ = node_[key]
    return True, node_


def _parent(edit: PlanEdit, path: Path, *, create_optional: bool) -> CommentedMap | None:
    """The mapping that holds `path`'s last key, with missing mappings on the way created; None when
    one is missing and optional (a plan without a data migration gets no `migration.objects`), or when
    something other than a mapping stands in the way."""
    fields = schema.field_by_path()
    here: Any = edit.doc
    for depth, key in enumerate(path[:-1], start=1):
        if key not in here:
            field = fields.get(path[:depth])
            if field is not None and field.optional and not create_optional:
                return None
            insert(edit, here, path[:depth], CommentedMap())
        here = here[key]
        if not isinstance(here, CommentedMap):
            return None
    return here if isinstance(here, CommentedMap) else None


def insert(
    edit: PlanEdit, parent: CommentedMap, path: Path, value: Any, *, before: str | None = None, at: int | None = None
) -> None:
    """Add `path`'s last key to `parent` at index `at`, or just before the key `before`, or where the
    schema orders it, else last; the comments above the key that follows stay above it."""
    key, keys = path[-1], list(parent)
    if at is not None:
        index = at
    elif before is not None and before in parent:
        index = keys.index(before)
    else:
        container = schema.field_by_path().get(path[:-1]) if len(path) > 1 else None
        spec = container.spec if container is not None else schema.expanded_schema() if len(path) == 1 else {}
        order = list(spec.get("properties", {}))
        index = len(keys)
        if key in order:
            rank = order.index(key)
            earlier = [i for i, k in enumerate(keys) if k in order and order.index(k) < rank]
            later = [i for i, k in enumerate(keys) if k in order and order.index(k) > rank]
            index = earlier[-1] + 1 if earlier else later[0] if later else len(keys)
    parent.insert(index, key, value)
    if index > 0:
        moved = _split_tail(parent, keys[index - 1], column=(len(path) - 1) * edit.indent)
        if moved is not None:
            _set_tail(parent, key, moved)


def remove(edit: PlanEdit, parent: CommentedMap, key: str) -> None:
    """Remove `key`, handing the comment lines below its value (they belong to the next key) to the key
    before it."""
    keys = list(parent)
    index = keys.index(key)
    rest = _split_tail(parent, key, column=None)
    parent.ca.items.pop(key, None)
    del parent[key]
    if rest is not None and index > 0:
        _append_tail(parent, keys[index - 1], rest)


def _rename_in_place(parent: CommentedMap, old: str, new: str) -> None:
    index = list(parent).index(old)
    comments = parent.ca.items.pop(old, None)
    value = parent[old]
    del parent[old]
    parent.insert(index, new, value)
    if comments is not None:
        parent.ca.items[new] = comments


def _tail_slot(container: Any, key: Any) -> tuple[Any, Any, int]:
    """Where the comment after `container[key]`'s value is kept: the deepest last entry of the value."""
    value = container[key]
    if isinstance(value, (CommentedMap, CommentedSeq)) and len(value):
        last = list(value)[-1] if isinstance(value, CommentedMap) else len(value) - 1
        return _tail_slot(value, last)
    return container, key, 0 if isinstance(container, CommentedSeq) else 2


def _split_tail(parent: CommentedMap, key: str, *, column: int | None) -> CommentToken | None:
    """Detach the comment lines after `key`'s value (its own end-of-line comment stays), from the first
    one at `column` or left of it (None: every one); the detached lines, or None."""
    holder, slot_key, slot = _tail_slot(parent, key)
    entry = holder.ca.items.get(slot_key)
    token = entry[slot] if entry and len(entry) > slot else None
    if not isinstance(token, CommentToken):
        return None
    own, _, rest = token.value.partition("\n")
    lines = rest.split("\n")
    start = next(
        (
            i
            for i, line in enumerate(lines)
            if line.strip() and (column is None or len(line) - len(line.lstrip(" ")) <= column)
        ),
        None,
    )
    if start is None:
        return None
    token.value = own + "\n" + "".join(line + "\n" for line in lines[:start])
    if not token.value.strip() and not lines[:start]:
        entry[slot] = None
    moved = copy.copy(token)
    moved.value = "\n" + "\n".join(lines[start:])
    return moved


def _set_tail(parent: CommentedMap, key: str, token: CommentToken) -> None:
    holder, slot_key, slot = _tail_slot(parent, key)
    entry = holder.ca.items.setdefault(slot_key, [None, None, None, None])
    entry[slot] = token


def _append_tail(parent: CommentedMap, key: str, token: CommentToken) -> None:
    holder, slot_key, slot = _tail_slot(parent, key)
    entry = holder.ca.items.setdefault(slot_key, [None, None, None, None])
    if isinstance(entry[slot], CommentToken):
        entry[slot].value = entry[slot].value.rstrip("\n") + token.value
    else:
        entry[slot] = token


def node(value: Any) -> Any:
    """A plain value as the document holds it: text double-quoted, as the scaffold writes it."""
    if isinstance(value, str):
        return DoubleQuotedScalarString(value)
    if isinstance(value, dict):
        return CommentedMap((key, node(item)) for key, item in value.items())
    if isinstance(value, list):
        return CommentedSeq(node(item) for item in value)
    return value


def plain(value: Any) -> Any:
    """A document's value as plain Python, to compare two of them whatever their order or quoting."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, str):
        return str(value)
    return value


def _dotted(path: Path) -> str:
    return ".".join(path)
