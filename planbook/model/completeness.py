"""Completeness: which fields a plan should fill, and whether each is filled in."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

from planbook import placeholders, schema, visible
from planbook.schema import FieldPath

Content = tuple[FieldPath, dict[str, Any], Any]  # (path, the field's schema, the value or None)

_STAND_INS = frozenset({"tbd", "tba", "tbc", "todo", "tk", "xxx", "fixme"})
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
_BRACKETED_NAME = re.compile(r"\[[A-Za-z0-9_ -]+\]")
# Letters that print as nothing: Hangul fillers, the blank Braille pattern.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def is_empty(value: Any) -> bool:
    """Empty, TBD or still a placeholder: a value that does not count as filled in.

    Text counts as empty when nothing is left of it but punctuation once invisible characters and
    HTML comments are gone and it is read as it looks (`"\u200b"`, `"—"`, `"…"`, `"<!-- -->"`), when
    what is left is a stand-in (`TBD.`, `[TBD]`, `ＴＢＤ`, `T.B.D.`, `todo`), or when it is a bracketed name
    like a placeholder's (`[client_name]`).
    """
    if value is None:
        return True
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 12 and text.isascii() and text[0] != "[":
            return False  # the common case, decided without normalizing: no stand-in is this long
        return _is_stand_in(text) or placeholders.is_placeholder(text)
    return placeholders.is_placeholder(value)


def _is_stand_in(text: str) -> bool:
    """Nothing but punctuation, a stand-in word (`T.B.D.`, `**TBD**`, Cyrillic `ТВD`), or a bracketed
    name, once the text is read as people see it."""
    seen = "".join(
        c for c in visible.folded(_HTML_COMMENT.sub("", text)) if not c.isspace() and c not in _BLANK_LETTERS
    )
    if _BRACKETED_NAME.fullmatch(seen):
        return True
    core = "".join(c for c in seen if unicodedata.category(c)[0] in "LN")
    return not core or core in _STAND_INS


def content_values(data: dict[str, Any]) -> Iterator[Content]:
    """Every content field the plan should fill, with its value (None when missing).

    Optional fields count only when present, list-of-text fields count once per item (and once when
    empty, unless an empty list is a complete answer), lists of mappings count each item's fields
    (and an empty item's once, unless an empty list is a complete answer).
    Each comes with its schema, as (path, schema, value).
    """
    yield from _content(data, schema.expanded_schema(), ())


def _content(data: Any, spec: dict[str, Any], path: FieldPath) -> Iterator[Content]:
    required = spec.get("required", ())
    for name, child in spec.get("properties", {}).items():
        child_path = (*path, name)
        present = isinstance(data, dict) and name in data
        if not present and (name not in required or child.get("x-optional")):
            continue
        value = data.get(name) if isinstance(data, dict) else None
        kind = child.get("type")
        if kind == "object":
            yield from _content(value if isinstance(value, dict) else {}, child, child_path)
        elif kind == "array" and child.get("items", {}).get("type") == "object":
            if value == [] and child.get("x-may-be-empty"):
                continue
            items = value if isinstance(value, list) and value else [{}]
            for index, item in enumerate(items):
                yield from _content(item, child["items"], (*child_path, index))
        elif kind == "array":
            listed = value if isinstance(value, list) else []
            if not listed and not child.get("x-may-be-empty"):
                yield child_path, child, None
            for index, item in enumerate(listed):
                yield (*child_path, index), child, item
        elif kind != "boolean":
            yield child_path, child, value


def completeness_of(data: dict[str, Any]) -> int:
    """The share of content fields filled in, as a whole percentage: 100 only when every one is."""
    return share_filled(content_values(data))


def share_filled(contents: Iterable[Content]) -> int:
    total = filled = 0
    for _, _, value in contents:
        total += 1
        filled += not is_empty(value)
    return 100 if total == 0 else (filled * 100) // total
