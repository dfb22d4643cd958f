"""The careful path: libyaml composes the nodes, with their positions, and they become values here, where
every invariant is checked and every refusal says where."""

from __future__ import annotations

import bisect
import math
import re
from typing import Any

import yaml

from planbook.escape import one_line
from planbook.frontmatter.limits import MAX_DEPTH, MAX_VALUES, FieldPath, Position, Refused
from planbook.frontmatter.tags import (
    BOOL,
    CONSTRUCTOR,
    INT,
    MAP,
    MAX_BITS,
    MAX_DIGITS,
    NULL,
    PLAIN_BOOLS,
    PLAIN_FLOAT,
    PLAIN_INT,
    SCALAR_TAGS,
    SEQ,
    STR,
    TIMESTAMP,
    YAML11_BOOLS,
    Loader,
    tag_name,
)

UNICODE_BREAKS = re.compile("[\x85\u2028\u2029]")


class Lines:
    """Where a YAML mark is in the file, as editors, git and GitHub count lines: at `\n` only.

    libyaml also breaks lines at U+0085, U+2028 and U+2029, so after one of those its marks' lines and
    columns are off. Text that holds none (nearly all) uses the marks as they are; other text counts
    from the mark's character index.
    """

    def __init__(self, yaml_text: str) -> None:
        self._starts: list[int] | None = None
        if UNICODE_BREAKS.search(yaml_text):
            self._starts = [0, *(m.end() for m in re.finditer("\n", yaml_text))]

    def at(self, mark: Any) -> Position:
        # Line 1 of the YAML text is line 2 of the file, after the opening `---`.
        if self._starts is None:
            return (mark.line + 2, mark.column + 1)
        line = bisect.bisect_right(self._starts, mark.index) - 1
        return (line + 2, mark.index - self._starts[line] + 1)


def scan_events(yaml_text: str, lines: Lines) -> None:
    """Refuse anchors, aliases and deep nesting from the event stream, before anything is composed."""
    depth = 0
    for count, event in enumerate(yaml.parse(yaml_text, Loader=Loader)):
        if isinstance(event, yaml.AliasEvent):
            raise Refused(
                "PB008",
                "a YAML alias (`*name`) is not allowed; write the value out",
                lines.at(event.start_mark),
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise Refused("PB008", "a YAML anchor (`&name`) is not allowed; remove it", lines.at(event.start_mark))
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise Refused(
                    "PB011", f"the front matter nests deeper than {MAX_DEPTH} levels", lines.at(event.start_mark)
                )
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
        if count > 2 * MAX_VALUES + 10:
            raise Refused(
                "PB011", f"the front matter holds more than {MAX_VALUES:,} values", lines.at(event.start_mark)
            )


class Builder:
    """Turns composed nodes into plain values, recording positions and refusing what is not data."""

    def __init__(self, lines: Lines) -> None:
        self._at = lines.at
        self.positions: dict[FieldPath, Position] = {}
        self.key_positions: dict[FieldPath, Position] = {}
        self.yaml11: dict[FieldPath, str] = {}
        self.spans: dict[FieldPath, tuple[int, int]] = {}
        self.odd_numbers: dict[FieldPath, str] = {}
        self._quoted: list[tuple[int, int]] = []  # character ranges of quoted scalars
        self.count = 0
        self._seen: set[int] = set()

    def build(self, node: yaml.Node, path: FieldPath, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise Refused("PB011", f"the front matter holds more than {MAX_VALUES:,} values", self._at(node.start_mark))
        if depth > MAX_DEPTH:
            raise Refused("PB011", f"the front matter nests deeper than {MAX_DEPTH} levels", self._at(node.start_mark))
        if id(node) in self._seen:  # only an alias makes the composer share a node
            raise Refused("PB008", "YAML aliases are not allowed; write the value out", self._at(node.start_mark))
        self._seen.add(id(node))
        self.positions[path] = self._at(node.start_mark)
        self.spans[path] = (node.start_mark.index, node.end_mark.index)
        if isinstance(node, yaml.ScalarNode):
            if node.style in ('"', "'"):
                self._quoted.append((node.start_mark.index, node.end_mark.index))
            return self._scalar(node, path)
        if isinstance(node, yaml.SequenceNode):
            self._require_tag(node, SEQ)
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        self._require_tag(node, MAP)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in SCALAR_TAGS:
                raise Refused(
                    "PB010", "a key must be a plain name, not a list or mapping", self._at(key_node.start_mark)
                )
            key = key_node.value
            if key in result:
                first_line, _ = self.key_positions[(*path, key)]
                raise Refused(
                    "PB007",
                    f"duplicate key `{one_line(key)}` (first at line {first_line}); YAML would silently keep only the last",
                    self._at(key_node.start_mark),
                )
            self.key_positions[(*path, key)] = self._at(key_node.start_mark)
            result[key] = self.build(value_node, (*path, key), depth + 1)
        return result

    def refuse_bare_breaks(self, yaml_text: str) -> None:
        """PB006 at a U+0085, U+2028 or U+2029 outside quotes. YAML breaks lines there and editors,
        git and GitHub do not: `# done later<U+2028>client_uat: true` reads as a comment in review and
        ticks a task in YAML. Inside quotes it is text, as everyone sees it."""
        quoted = sorted(self._quoted)
        starts = [start for start, _ in quoted]
        for found in UNICODE_BREAKS.finditer(yaml_text):
            index = found.start()
            at = bisect.bisect_right(starts, index) - 1
            if at >= 0 and quoted[at][0] <= index < quoted[at][1]:
                continue
            line_start = yaml_text.rfind("\n", 0, index) + 1
            raise Refused(
                "PB006",
                f"U+{ord(found.group()):04X} outside quotes: YAML reads it as a line break where editors "
                f"show none; delete it, or write it as `\\u{ord(found.group()):04x}` inside double quotes",
                (yaml_text.count("\n", 0, index) + 2, index - line_start + 1),
            )

    def _require_tag(self, node: yaml.Node, expected: str) -> None:
        if node.tag != expected:
            raise Refused(
                "PB009",
                f"the YAML tag `{tag_name(node.tag)}` is not allowed; plans hold plain data only",
                self._at(node.start_mark),
            )

    def _scalar(self, node: yaml.ScalarNode, path: FieldPath) -> Any:
        tag = node.tag
        if tag not in SCALAR_TAGS:
            raise Refused(
                "PB009",
                f"the YAML tag `{tag_name(tag)}` is not allowed; plans hold plain data only",
                self._at(node.start_mark),
            )
        text = node.value
        if tag == STR or tag == TIMESTAMP:
            return text  # dates stay as written: `2026-01-05`, not a datetime
        if tag == NULL:
            return None
        if tag == BOOL:
            value = YAML11_BOOLS.get(text.lower())
            if value is None:  # only an explicit tag gets here: `!!bool "maybe"`
                raise self._not_a(node, "true or false")
            if text not in PLAIN_BOOLS:
                self.yaml11[path] = text
            return value
        plain = PLAIN_INT if tag == INT else PLAIN_FLOAT
        if len(text) > MAX_DIGITS:
            raise Refused(
                "PB006",
                f"a number {len(text):,} characters long; no plan field holds a number of more than {MAX_DIGITS:,} digits",
                self._at(node.start_mark),
            )
        try:
            number: int | float = (
                CONSTRUCTOR.construct_yaml_int(node) if tag == INT else CONSTRUCTOR.construct_yaml_float(node)
            )
        except (ValueError, IndexError, OverflowError) as e:  # only an explicit tag gets here: `!!int "abc"`
            raise self._not_a(node, "a whole number" if tag == INT else "a number") from e
        if isinstance(number, int) and number.bit_length() > MAX_BITS:  # `0x` and 3,600 `f`s: 4,335 decimal digits
            raise Refused(
                "PB006",
                f"a number of {len(str(number)) if number.bit_length() < 14_000 else 'over 4,300'} digits; "
                "no plan field holds a number that large",
                self._at(node.start_mark),
            )
        if not plain.fullmatch(text) or not math.isfinite(number):
            self.yaml11[path] = text  # sexagesimal `1:20` is 80; `012` is octal 10; `.nan`
            self.odd_numbers[path] = text
        return number

    def _not_a(self, node: yaml.ScalarNode, what: str) -> Refused:
        # The value is not quoted: it may be internal content, and findings reach public CI logs.
        return Refused(
            "PB009",
            f"the YAML tag `{tag_name(node.tag)}` says this value is {what}, and it is not; remove the tag",
            self._at(node.start_mark),
        )
