"""The front matter's YAML as plain values, with the invariants of a plan's data: only the standard
tags, no anchors or aliases, no duplicate keys, bounded depth and size, dates kept as text, and YAML 1.1
surprises (`no`, `012`, `1:30`) remembered so that check can say so.

Most plans are clean, so parsing takes a fast path (`frontmatter.fast`): libyaml with a constructor that
builds only what the careful path builds the same way. Anything else goes to the careful path
(`frontmatter.careful`), which composes the nodes, keeps their positions, and either produces the same
values or refuses with the finding that says what is wrong (`Refused`).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from planbook.frontmatter.careful import UNICODE_BREAKS, Builder, Lines, scan_events
from planbook.frontmatter.fast import fast_load
from planbook.frontmatter.limits import MAX_DEPTH, MAX_VALUES, STRUCTURE_SCAN_THRESHOLD, Position, Refused
from planbook.frontmatter.tags import MAP, Loader

__all__ = ["MAX_DEPTH", "MAX_VALUES", "Builder", "Lines", "Position", "Refused", "parse_front_matter"]

# An anchor or alias starts a node: after a line start, white space or a flow indicator, and a name
# follows it at once. "Q&A" and "P & L" cannot be one; what might be goes through the event scan.
MAY_HOLD_ANCHOR = re.compile(r"(?:^|[\s\[{,:])[&*][^\s\[\]{},]")
# What YAML refuses to read raw (its reader's error gives no line, and libyaml counts its offset in bytes).
NOT_YAML_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def parse_front_matter(yaml_text: str) -> tuple[dict[str, Any], Builder | None]:
    """The front matter's values, and the builder that made them when the careful path was taken."""
    if not yaml_text.strip():
        raise Refused("PB010", "the front matter is empty; it must hold the plan's fields", (2, 1))
    lines = Lines(yaml_text)
    # Every indicator that can open a nested collection on one line (`? ? ? a` nests without
    # indenting): many of them, and the nesting is measured before libyaml's recursive composer runs.
    structure = sum(yaml_text.count(indicator) for indicator in ("[", "{", "-", ",", "?"))
    breaks = UNICODE_BREAKS.search(yaml_text) is not None
    try:
        if structure > STRUCTURE_SCAN_THRESHOLD or MAY_HOLD_ANCHOR.search(yaml_text):
            scan_events(yaml_text, lines)
        data = None if breaks else fast_load(yaml_text)
        if data is not None:
            return data, None
        root = yaml.compose(yaml_text, Loader=Loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        position = lines.at(mark) if mark else (2, 1)
        problem = e.problem or "invalid YAML"
        raise Refused(
            "PB006", f"invalid YAML: {problem}{yaml_hint(problem, yaml_text, mark, position)}", position
        ) from e
    except yaml.reader.ReaderError as e:
        raise unreadable_character(yaml_text) from e
    except yaml.YAMLError as e:
        raise Refused("PB006", f"invalid YAML: {e}", (2, 1)) from e
    if root is None:
        raise Refused("PB010", "the front matter is empty; it must hold the plan's fields", (2, 1))
    if not isinstance(root, yaml.MappingNode) or root.tag != MAP:
        kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        raise Refused(
            "PB010",
            f"the front matter is {kind}; it must be a mapping of field names to values",
            lines.at(root.start_mark),
        )
    builder = Builder(lines)
    data = builder.build(root, (), 0)
    if breaks:
        builder.refuse_bare_breaks(yaml_text)
    return data, builder


def unreadable_character(yaml_text: str) -> Refused:
    """PB006 at the first character YAML will not read raw, such as a control character pasted in."""
    found = NOT_YAML_PRINTABLE.search(yaml_text)
    if found is None:  # pragma: no cover - the reader refuses nothing else
        return Refused("PB006", "invalid YAML: a character YAML cannot read", (2, 1))
    index, code = found.start(), ord(found.group())
    line_start = yaml_text.rfind("\n", 0, index) + 1
    escape = f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
    return Refused(
        "PB006",
        f"invalid YAML: the character U+{code:04X} is not allowed in YAML text; delete it, or write it as `{escape}` inside double quotes",
        (yaml_text.count("\n", 0, index) + 2, index - line_start + 1),
    )


def yaml_hint(problem: str, yaml_text: str, mark: Any, position: tuple[int, int]) -> str:
    """A plain next step after libyaml's message, for the mistakes a newcomer makes first."""
    if problem.startswith("mapping values are not allowed"):
        return '; quote a value that holds ": ", as in `name: "Phase 2: go-live"`'
    if problem.startswith("found character that cannot start any token"):
        if mark is not None and yaml_text[mark.index : mark.index + 1] == "\t":
            return "; it is a tab: indent with spaces, YAML allows no tabs there"
        return '; quote the value, as in `client: "@acme"`: YAML keeps `@` and the backtick for itself'
    if problem.startswith(("did not find expected key", "did not find expected '-' indicator")):
        return (
            f"; check the indentation at line {position[0]}: "
            "the keys of one mapping, and the items of one list, start in one column"
        )
    if problem.startswith("found a tab character"):
        return "; indent with spaces: YAML allows no tabs in indentation"
    return ""
