"""Load a plan file: front matter as typed values with source positions, and the Markdown notes below it.

Loading never raises on bad input. A file that cannot be read as a plan comes back as a `LoadError`
holding findings, so one bad file never stops the others from being checked.

The YAML is composed with libyaml where it is available and turned into values here, not by PyYAML's
constructor, because that is where the invariants live: only standard tags, no anchors or aliases, no
duplicate keys, bounded depth and size, dates kept as text, and YAML 1.1 surprises (`no` read as False)
remembered so that the schema check can say "quote it".

Most plans are clean, so loading takes a fast path: libyaml with PyYAML's safe constructor, told to
refuse duplicate keys and keep dates as text. Positions are worked out only when something asks for
them (a finding), by composing the text again. Anything the fast path is unsure of falls back to the
careful path, which either produces the same values or the finding that says what is wrong.
"""

from __future__ import annotations

import bisect
import dataclasses
import math
import os
import re
from pathlib import Path
from typing import Any, Iterable, Iterator, Union

import yaml

from planbook.escape import clean, one_line
from planbook.files import NotARegularFile, TooLarge, read_bounded
from planbook.findings import Finding
from planbook.paths import plan_file_problem, repository_root

try:  # libyaml is about 9x faster; pure Python is the fallback.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 32
MAX_VALUES = 20_000
# Above this many opening brackets and dashes the front matter is walked as events first, so that
# deep nesting is refused before libyaml's recursive composer could overflow the C stack.
_STRUCTURE_SCAN_THRESHOLD = 800

Position = tuple[int, int]
FieldPath = tuple[Union[str, int], ...]

# An anchor or alias starts a node: after a line start, white space or a flow indicator, and a name
# follows it at once. "Q&A" and "P & L" cannot be one; what might be goes through the event scan.
_MAY_HOLD_ANCHOR = re.compile(r"(?:^|[\s\[{,:])[&*][^\s\[\]{},]")
_FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")
_UNICODE_BREAKS = re.compile("[\x85\u2028\u2029]")
# What YAML refuses to read raw (its reader's error gives no line, and libyaml counts its offset in bytes).
_NOT_YAML_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_YAML_TAG_PREFIX = "tag:yaml.org,2002:"
_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_SCALAR_TAGS = {_STR, _NULL, _BOOL, _INT, _FLOAT, _TIMESTAMP}
_constructor = yaml.constructor.SafeConstructor()
# Scalars the fast path and the careful path read alike; anything else is judged by the careful path.
_YAML11_BOOLS = dict(yaml.constructor.SafeConstructor.bool_values)
_PLAIN_BOOLS = {"true": True, "false": False, "True": True, "False": False, "TRUE": True, "FALSE": False}
_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_PLAIN_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
# Python refuses to read integers longer than this (sys.get_int_max_str_digits); no plan needs one.
_MAX_DIGITS = 4_300
_MAX_BITS = 1_000  # about 300 decimal digits: larger numbers are refused, however they are written


@dataclasses.dataclass
class Plan:
    """A plan as loaded: its values, where each came from, and its notes.

    `positions` maps a field path such as `("risks", 0, "impact")` to the 1-based line and column of
    its value, and `key_positions` to those of its key; `spans` gives each value's character range
    in `yaml_text`, for pointing inside a long value. `yaml11` maps paths whose value YAML 1.1 read
    as something other than text (`no`, `on`, `1:20`, `012`) to the text as written. All four are
    worked out on first use.

    `odd_numbers` maps the paths of numbers not written as plain decimals (`012` is octal 10, `1:30`
    is 90, `.nan`) to the text as written, so that check can say so instead of keeping a value the
    author did not mean. The fast path takes no such number, so it is known without a second parse.
    """

    path: str
    data: dict[str, Any]
    yaml_text: str
    notes: str
    notes_line: int
    source: str
    yaml_first_line: int = 2
    odd_numbers: dict[FieldPath, str] = dataclasses.field(default_factory=dict)
    _details: "_Builder | None" = dataclasses.field(default=None, repr=False, compare=False)

    def _built(self) -> "_Builder":
        if self._details is None:
            builder = _Builder(_Lines(self.yaml_text))
            try:
                builder.build(yaml.compose(self.yaml_text, Loader=_Loader), (), 0)
            except (yaml.YAMLError, _Refused):  # pragma: no cover - the text loaded once already
                pass
            self._details = builder
        return self._details

    @property
    def positions(self) -> dict[FieldPath, Position]:
        return self._built().positions

    @property
    def key_positions(self) -> dict[FieldPath, Position]:
        return self._built().key_positions

    @property
    def spans(self) -> dict[FieldPath, tuple[int, int]]:
        return self._built().spans

    @property
    def yaml11(self) -> dict[FieldPath, str]:
        return self._built().yaml11

    @property
    def id(self) -> str:
        value = self.data.get("id")
        return value if isinstance(value, str) else Path(self.path).stem

    def position(self, field_path: FieldPath) -> Position:
        """The position of a value, or of the nearest enclosing value that has one."""
        while field_path:
            if field_path in self.positions:
                return self.positions[field_path]
            field_path = field_path[:-1]
        return (self.yaml_first_line, 1)

    def locate_all(self, field_path: FieldPath, needles: Iterable[str]) -> list[Position]:
        """The positions of `needles` inside the value at `field_path`, as written in the file.

        Each is looked for after the one before, as they follow one another in the value. One that is
        not written as it reads (spelled with escapes, say) gets the position of the value itself.
        """
        span = self.spans.get(field_path)
        indices = []
        search = span[0] if span else 0
        for needle in needles:
            index = self.yaml_text.find(needle, search, span[1]) if span else -1
            indices.append(index)
            search = index + len(needle) if index >= 0 else search
        found = positions_of(self.yaml_text, [index for index in indices if index >= 0], self.yaml_first_line)
        return [next(found) if index >= 0 else self.position(field_path) for index in indices]


def positions_of(text: str, offsets: Iterable[int], first_line: int) -> Iterator[Position]:
    """The line and column of each offset in `text`, whose first line is `first_line`.

    The offsets must not decrease: the text is counted once, front to back, so that a file holding
    tens of thousands of findings costs no more than one holding a few.
    """
    line, line_start, counted = first_line, 0, 0
    for offset in offsets:
        newlines = text.count("\n", counted, offset)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", counted, offset) + 1
        counted = offset
        yield line, offset - line_start + 1


@dataclasses.dataclass
class LoadError:
    """A file that is not a loadable plan, with the findings that say why."""

    path: str
    findings: list[Finding]


LoadResult = Union[Plan, LoadError]


class _Refused(ValueError):
    def __init__(self, code: str, message: str, position: Position) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.position = position


def display_path(path: Path | str) -> str:
    """The path as findings show it: as given when relative, else relative to the working directory
    when it is below it."""
    p = Path(path)
    if not p.is_absolute():
        return p.as_posix()
    here = Path.cwd()
    try:
        return p.relative_to(here).as_posix()
    except ValueError:
        pass
    top = repository_root(here)  # run from a subfolder: `../projects/X.md`, as the shell would take it
    if top is not None and p.is_relative_to(top):
        return Path(os.path.relpath(p, here)).as_posix()
    return p.as_posix()


def load_plan(path: Path | str, *, text: str | bytes | None = None) -> LoadResult:
    """Load `path`, or `text` given for it (bytes from git, say). Never raises on bad content.

    A file on disk must pass `planbook.paths.plan_file_problem` (a regular file, or a link that stays
    inside the repository), and is read no further than the size limit.
    """
    shown = display_path(path)
    try:
        raw = _read_bounded(Path(path)) if text is None else text
        return _load(shown, raw)
    except _Refused as e:
        line, column = e.position
        return LoadError(shown, [Finding(shown, line, column, e.code, e.message)])


def _read_bounded(path: Path) -> bytes:
    """The file's bytes, or _Refused: not a plan file here (paths policy), unreadable, or too large.

    The size is checked before anything is read, and the read stops one byte past the limit, so a
    400 MB file costs nothing. Non-blocking, so that a FIFO named as a plan cannot hang the check.
    """
    problem = plan_file_problem(path)
    if problem is not None:
        raise _Refused(problem.code, problem.message, (1, 1))
    try:
        return read_bounded(path, MAX_FILE_BYTES)
    except TooLarge as e:
        raise _Refused("PB002", f"the file is {e.size:,} bytes; a plan may be at most {MAX_FILE_BYTES:,}", (1, 1)) from e
    except NotARegularFile as e:
        raise _Refused("PB001", "not a regular file; a plan is a Markdown file", (1, 1)) from e
    except OSError as e:
        raise _Refused("PB001", f"cannot read the file: {e.strerror or e}", (1, 1)) from e


def _load(shown: str, raw: str | bytes) -> Plan:
    if isinstance(raw, bytes):
        if len(raw) > MAX_FILE_BYTES:
            raise _Refused("PB002", f"the file is {len(raw):,} bytes; a plan may be at most {MAX_FILE_BYTES:,}", (1, 1))
        source = _decode(raw)
    else:
        if len(raw) > MAX_FILE_BYTES:
            raise _Refused("PB002", f"the file is {len(raw):,} characters; a plan may be at most {MAX_FILE_BYTES:,}", (1, 1))
        source = raw.removeprefix("\ufeff")
    if "\r" in source:
        source = source.replace("\r\n", "\n").replace("\r", "\n")

    lines = source.split("\n")
    if not source.strip():
        raise _Refused("PB004", "the file is empty; a plan starts with a `---` line and its front matter", (1, 1))
    if lines[0].rstrip() != "---":
        raise _Refused("PB004", "no front matter: the first line must be `---`, then the plan's fields, then `---`", (1, 1))
    for end, line in enumerate(lines[1:], start=1):
        if _FENCE.match(line):
            break
    else:
        raise _Refused("PB005", "the front matter opened here is never closed: add a `---` line after the last field", (1, 1))

    yaml_text = "\n".join(lines[1:end]) + "\n"
    # Control characters become U+FFFD here, one for one, so that check, render and export all read the
    # same notes: a marker spelled `<!--\x0binternal -->` is one to all of them or to none.
    notes = clean("\n".join(lines[end + 1 :]))
    data, builder = _parse_front_matter(yaml_text)
    return Plan(
        path=shown,
        data=data,
        odd_numbers=dict(builder.odd_numbers) if builder is not None else {},
        _details=builder,
        yaml_text=yaml_text,
        notes=notes,
        notes_line=end + 2,
        source=source,
    )


def _decode(raw: bytes) -> str:
    if b"\x00" in raw[:8192]:
        raise _Refused("PB003", "this is a binary file, not a Markdown plan", (1, 1))
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        before = raw[: e.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise _Refused(
            "PB003",
            f"byte 0x{raw[e.start]:02x} is not UTF-8; save the file as UTF-8",
            (line, column),
        ) from e


class _Lines:
    """Where a YAML mark is in the file, as editors, git and GitHub count lines: at `\n` only.

    libyaml also breaks lines at U+0085, U+2028 and U+2029, so after one of those its marks' lines and
    columns are off. Text that holds none (nearly all) uses the marks as they are; other text counts
    from the mark's character index.
    """

    def __init__(self, yaml_text: str) -> None:
        self._starts: list[int] | None = None
        if _UNICODE_BREAKS.search(yaml_text):
            self._starts = [0, *(m.end() for m in re.finditer("\n", yaml_text))]

    def at(self, mark: yaml.Mark) -> Position:
        # Line 1 of the YAML text is line 2 of the file, after the opening `---`.
        if self._starts is None:
            return (mark.line + 2, mark.column + 1)
        line = bisect.bisect_right(self._starts, mark.index) - 1
        return (line + 2, mark.index - self._starts[line] + 1)


def _parse_front_matter(yaml_text: str) -> tuple[dict[str, Any], "_Builder | None"]:
    """The front matter's values, and the builder that made them when the careful path was taken."""
    if not yaml_text.strip():
        raise _Refused("PB010", "the front matter is empty; it must hold the plan's fields", (2, 1))
    lines = _Lines(yaml_text)
    # Every indicator that can open a nested collection on one line (`? ? ? a` nests without
    # indenting): many of them, and the nesting is measured before libyaml's recursive composer runs.
    structure = sum(yaml_text.count(indicator) for indicator in ("[", "{", "-", ",", "?"))
    breaks = _UNICODE_BREAKS.search(yaml_text) is not None
    try:
        if structure > _STRUCTURE_SCAN_THRESHOLD or _MAY_HOLD_ANCHOR.search(yaml_text):
            _scan_events(yaml_text, lines)
        data = None if breaks else _fast_load(yaml_text)
        if data is not None:
            return data, None
        root = yaml.compose(yaml_text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        position = lines.at(mark) if mark else (2, 1)
        problem = e.problem or "invalid YAML"
        raise _Refused("PB006", f"invalid YAML: {problem}", position) from e
    except yaml.reader.ReaderError as e:
        raise _unreadable_character(yaml_text) from e
    except yaml.YAMLError as e:
        raise _Refused("PB006", f"invalid YAML: {e}", (2, 1)) from e
    if root is None:
        raise _Refused("PB010", "the front matter is empty; it must hold the plan's fields", (2, 1))
    if not isinstance(root, yaml.MappingNode) or root.tag != _MAP:
        kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        raise _Refused("PB010", f"the front matter is {kind}; it must be a mapping of field names to values", lines.at(root.start_mark))
    builder = _Builder(lines)
    data = builder.build(root, (), 0)
    if breaks:
        builder.refuse_bare_breaks(yaml_text)
    return data, builder


def _unreadable_character(yaml_text: str) -> _Refused:
    """PB006 at the first character YAML will not read raw, such as a control character pasted in."""
    found = _NOT_YAML_PRINTABLE.search(yaml_text)
    if found is None:  # pragma: no cover - the reader refuses nothing else
        return _Refused("PB006", "invalid YAML: a character YAML cannot read", (2, 1))
    index, code = found.start(), ord(found.group())
    line_start = yaml_text.rfind("\n", 0, index) + 1
    escape = f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
    return _Refused(
        "PB006",
        f"invalid YAML: the character U+{code:04X} is not allowed in YAML text; delete it, or write it as `{escape}` inside double quotes",
        (yaml_text.count("\n", 0, index) + 2, index - line_start + 1),
    )


class _NotSimple(Exception):
    """The fast path met something the careful path must judge: a duplicate or non-text key, say."""


class _FastLoader(_Loader):  # type: ignore[misc, valid-type]
    """libyaml and the safe constructor, refusing duplicate keys and keeping dates as text.

    It takes only what the careful path would build the same way: the standard tags, text as
    written, `true`/`false`, and numbers in plain decimals. Anything else (`!!binary`, `!!set`, an
    explicit `!!int "abc"`, `012`, `yes`, `.nan`) goes to the careful path, which says what is wrong.
    """

    yaml_constructors: dict[Any, Any] = {}
    yaml_multi_constructors: dict[Any, Any] = {}

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects:  # only an alias makes the composer share a node
            raise _NotSimple
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[str, Any]:
        if not isinstance(node, yaml.MappingNode) or node.tag != _MAP:
            raise _NotSimple
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag != _STR or key_node.value in mapping:
                raise _NotSimple
            mapping[key_node.value] = self.construct_object(value_node, deep=deep)
        return mapping

    def construct_sequence(self, node: yaml.Node, deep: bool = False) -> list[Any]:
        if not isinstance(node, yaml.SequenceNode) or node.tag != _SEQ:
            raise _NotSimple
        return [self.construct_object(child, deep=deep) for child in node.value]

    def construct_plain_scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise _NotSimple
        tag, text = node.tag, node.value
        if tag in (_STR, _TIMESTAMP):
            return text  # dates stay as written: `2026-01-05`, not a datetime
        if tag == _NULL:
            return None
        if tag == _BOOL and text in _PLAIN_BOOLS:
            return _PLAIN_BOOLS[text]
        if tag == _INT and _PLAIN_INT.fullmatch(text) and len(text) <= 300:
            return int(text)
        if tag == _FLOAT and _PLAIN_FLOAT.fullmatch(text) and len(text) <= _MAX_DIGITS:
            value = float(text)
            if math.isfinite(value):
                return value
        raise _NotSimple


def _refuse_other(loader: _FastLoader, node: yaml.Node) -> Any:
    raise _NotSimple


for _tag in _SCALAR_TAGS:
    _FastLoader.add_constructor(_tag, _FastLoader.construct_plain_scalar)
_FastLoader.add_constructor(_SEQ, _FastLoader.construct_sequence)
_FastLoader.add_constructor(_MAP, _FastLoader.construct_mapping)
_FastLoader.add_constructor(None, _refuse_other)


def _fast_load(yaml_text: str) -> dict[str, Any] | None:
    """The values by the fast path, or None when the careful path must decide."""
    try:
        data = yaml.load(yaml_text, Loader=_FastLoader)
    except (yaml.YAMLError, _NotSimple, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not _within_limits(data):
        return None
    return data


def _within_limits(data: dict[str, Any]) -> bool:
    count = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH or count > MAX_VALUES:
            return False
        if isinstance(value, dict):
            stack.extend((child, depth + 1) for child in value.values())
        elif isinstance(value, list):
            stack.extend((child, depth + 1) for child in value)
    return True


def _scan_events(yaml_text: str, lines: _Lines) -> None:
    """Refuse anchors, aliases and deep nesting from the event stream, before anything is composed."""
    depth = 0
    for count, event in enumerate(yaml.parse(yaml_text, Loader=_Loader)):
        if isinstance(event, yaml.AliasEvent):
            raise _Refused("PB008", "a YAML alias (`*name`) is not allowed; write the value out", lines.at(event.start_mark))
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _Refused("PB008", "a YAML anchor (`&name`) is not allowed; remove it", lines.at(event.start_mark))
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise _Refused("PB011", f"the front matter nests deeper than {MAX_DEPTH} levels", lines.at(event.start_mark))
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
        if count > 2 * MAX_VALUES + 10:
            raise _Refused("PB011", f"the front matter holds more than {MAX_VALUES:,} values", lines.at(event.start_mark))


class _Builder:
    """Turns composed nodes into plain values, recording positions and refusing what is not data."""

    def __init__(self, lines: _Lines) -> None:
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
            raise _Refused("PB011", f"the front matter holds more than {MAX_VALUES:,} values", self._at(node.start_mark))
        if depth > MAX_DEPTH:
            raise _Refused("PB011", f"the front matter nests deeper than {MAX_DEPTH} levels", self._at(node.start_mark))
        if id(node) in self._seen:  # only an alias makes the composer share a node
            raise _Refused("PB008", "YAML aliases are not allowed; write the value out", self._at(node.start_mark))
        self._seen.add(id(node))
        self.positions[path] = self._at(node.start_mark)
        self.spans[path] = (node.start_mark.index, node.end_mark.index)
        if isinstance(node, yaml.ScalarNode):
            if node.style in ('"', "'"):
                self._quoted.append((node.start_mark.index, node.end_mark.index))
            return self._scalar(node, path)
        if isinstance(node, yaml.SequenceNode):
            self._require_tag(node, _SEQ)
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        self._require_tag(node, _MAP)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _SCALAR_TAGS:
                raise _Refused("PB010", "a key must be a plain name, not a list or mapping", self._at(key_node.start_mark))
            key = key_node.value
            if key in result:
                first_line, _ = self.key_positions[(*path, key)]
                raise _Refused(
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
        for found in _UNICODE_BREAKS.finditer(yaml_text):
            index = found.start()
            at = bisect.bisect_right(starts, index) - 1
            if at >= 0 and quoted[at][0] <= index < quoted[at][1]:
                continue
            line_start = yaml_text.rfind("\n", 0, index) + 1
            raise _Refused("PB006", f"U+{ord(found.group()):04X} outside quotes: YAML reads it as a line break where editors "
                                    f"show none; delete it, or write it as `\\u{ord(found.group()):04x}` inside double quotes",
                           (yaml_text.count("\n", 0, index) + 2, index - line_start + 1))

    def _require_tag(self, node: yaml.Node, expected: str) -> None:
        if node.tag != expected:
            raise _Refused("PB009", f"the YAML tag `{tag_name(node.tag)}` is not allowed; plans hold plain data only", self._at(node.start_mark))

    def _scalar(self, node: yaml.ScalarNode, path: FieldPath) -> Any:
        tag = node.tag
        if tag not in _SCALAR_TAGS:
            raise _Refused("PB009", f"the YAML tag `{tag_name(tag)}` is not allowed; plans hold plain data only", self._at(node.start_mark))
        text = node.value
        if tag == _STR or tag == _TIMESTAMP:
            return text  # dates stay as written: `2026-01-05`, not a datetime
        if tag == _NULL:
            return None
        if tag == _BOOL:
            value = _YAML11_BOOLS.get(text.lower())
            if value is None:  # only an explicit tag gets here: `!!bool "maybe"`
                raise self._not_a(node, "true or false")
            if text not in _PLAIN_BOOLS:
                self.yaml11[path] = text
            return value
        plain = _PLAIN_INT if tag == _INT else _PLAIN_FLOAT
        if len(text) > _MAX_DIGITS:
            raise _Refused("PB006", f"a number {len(text):,} characters long; no plan field holds a number of more than {_MAX_DIGITS:,} digits",
                           self._at(node.start_mark))
        try:
            value = _constructor.construct_yaml_int(node) if tag == _INT else _constructor.construct_yaml_float(node)
        except (ValueError, IndexError, OverflowError) as e:  # only an explicit tag gets here: `!!int "abc"`
            raise self._not_a(node, "a whole number" if tag == _INT else "a number") from e
        if isinstance(value, int) and value.bit_length() > _MAX_BITS:  # `0x` and 3,600 `f`s: 4,335 decimal digits
            raise _Refused("PB006", f"a number of {len(str(value)) if value.bit_length() < 14_000 else 'over 4,300'} digits; "
                                    "no plan field holds a number that large", self._at(node.start_mark))
        if not plain.fullmatch(text) or not math.isfinite(value):
            self.yaml11[path] = text  # sexagesimal `1:20` is 80; `012` is octal 10; `.nan`
            self.odd_numbers[path] = text
        return value

    def _not_a(self, node: yaml.ScalarNode, what: str) -> _Refused:
        # The value is not quoted: it may be internal content, and findings reach public CI logs.
        return _Refused("PB009", f"the YAML tag `{tag_name(node.tag)}` says this value is {what}, and it is not; remove the tag",
                        self._at(node.start_mark))


def tag_name(tag: str) -> str:
    """A tag as a plan's author writes it: `!!int` for `tag:yaml.org,2002:int`; escaped for one line.
    A tag of the author's own naming is not quoted: a finding reaches public CI logs, and the name
    might be anything (anchor names are left out for the same reason)."""
    if tag.startswith(_YAML_TAG_PREFIX) and len(tag) <= 120:
        return one_line("!!" + tag.removeprefix(_YAML_TAG_PREFIX))
    return "!…"
