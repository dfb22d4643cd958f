"""Load a plan file: front matter as typed values with source positions, and the Markdown notes below it.

Loading never raises on bad input. A file that cannot be read as a plan comes back as a `LoadError`
holding findings, so one bad file never stops the others from being checked.

The front matter becomes values in `planbook.frontmatter`, where the invariants of a plan's data live.
A file is read only when the path policy (`planbook.paths`) allows it, and no further than the size
limit. Positions are worked out only when something asks for them (a finding), by composing the text
again.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from planbook import plan_template
from planbook.escape import clean
from planbook.files import NotARegularFile, TooLarge, read_bounded
from planbook.findings import Finding, positions_of
from planbook.frontmatter import MAX_DEPTH, MAX_VALUES, Builder, Lines, Position, Refused, parse_front_matter
from planbook.frontmatter.tags import Loader
from planbook.paths import plan_file_problem, repository_root
from planbook.schema import FieldPath

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_VALUES",
    "LoadError",
    "LoadResult",
    "Plan",
    "display_path",
    "load_plan",
    "positions_of",
]

MAX_FILE_BYTES = 1024 * 1024
_FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")


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
    _details: Builder | None = dataclasses.field(default=None, repr=False, compare=False)

    def _built(self) -> Builder:
        if self._details is None:
            builder = Builder(Lines(self.yaml_text))
            try:
                root = yaml.compose(self.yaml_text, Loader=Loader)
                if root is not None:
                    builder.build(root, (), 0)
            except (yaml.YAMLError, Refused):  # pragma: no cover - the text loaded once already
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
        value = self.data.get(plan_template.roles().id)
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


@dataclasses.dataclass
class LoadError:
    """A file that is not a loadable plan, with the findings that say why."""

    path: str
    findings: list[Finding]


LoadResult = Plan | LoadError


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
    except Refused as e:
        line, column = e.position
        return LoadError(shown, [Finding(shown, line, column, e.code, e.message)])


def _read_bounded(path: Path) -> bytes:
    """The file's bytes, or Refused: not a plan file here (paths policy), unreadable, or too large.

    The size is checked before anything is read, and the read stops one byte past the limit, so a
    400 MB file costs nothing. Non-blocking, so that a FIFO named as a plan cannot hang the check.
    """
    problem = plan_file_problem(path)
    if problem is not None:
        raise Refused(problem.code, problem.message, (1, 1))
    try:
        return read_bounded(path, MAX_FILE_BYTES)
    except TooLarge as e:
        raise Refused("PB002", f"the file is {e.size:,} bytes; a plan may be at most {MAX_FILE_BYTES:,}", (1, 1)) from e
    except NotARegularFile as e:
        raise Refused("PB001", "not a regular file; a plan is a Markdown file", (1, 1)) from e
    except OSError as e:
        raise Refused("PB001", f"cannot read the file: {e.strerror or e}", (1, 1)) from e


def _load(shown: str, raw: str | bytes) -> Plan:
    if isinstance(raw, bytes):
        if len(raw) > MAX_FILE_BYTES:
            raise Refused("PB002", f"the file is {len(raw):,} bytes; a plan may be at most {MAX_FILE_BYTES:,}", (1, 1))
        source = _decode(raw)
    else:
        if len(raw) > MAX_FILE_BYTES:
            raise Refused(
                "PB002", f"the file is {len(raw):,} characters; a plan may be at most {MAX_FILE_BYTES:,}", (1, 1)
            )
        source = raw.removeprefix("\ufeff")
    if "\r" in source:
        source = source.replace("\r\n", "\n").replace("\r", "\n")

    lines = source.split("\n")
    if not source.strip():
        raise Refused("PB004", "the file is empty; a plan starts with a `---` line and its front matter", (1, 1))
    if lines[0].rstrip() != "---":
        raise Refused(
            "PB004", "no front matter: the first line must be `---`, then the plan's fields, then `---`", (1, 1)
        )
    end = next((number for number, line in enumerate(lines[1:], start=1) if _FENCE.match(line)), None)
    if end is None:
        raise Refused(
            "PB005", "the front matter opened here is never closed: add a `---` line after the last field", (1, 1)
        )

    yaml_text = "\n".join(lines[1:end]) + "\n"
    # Control characters become U+FFFD here, one for one, so that check, render and export all read the
    # same notes: a marker spelled `<!--\x0binternal -->` is one to all of them or to none.
    notes = clean("\n".join(lines[end + 1 :]))
    data, builder = parse_front_matter(yaml_text)
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
        raise Refused("PB003", "this is a binary file, not a Markdown plan", (1, 1))
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        before = raw[: e.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise Refused(
            "PB003",
            f"byte 0x{raw[e.start]:02x} is not UTF-8; save the file as UTF-8",
            (line, column),
        ) from e
