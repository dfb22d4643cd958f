"""One plan brought to the template's version, as text: read safely, edited through a ruamel.yaml round
trip that keeps its comments, key order and quoting, and its notes kept byte for byte.

Nothing here writes: `upgrade_plan` returns the text before and after, so `planbook upgrade --check`
shows a diff, and `planbook upgrade` writes only when no plan has a conflict.
"""

from __future__ import annotations

import dataclasses
import difflib
import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from planbook import plan_template
from planbook.escape import one_line
from planbook.files import read_bounded
from planbook.loader import MAX_FILE_BYTES, LoadError, Plan, display_path, load_plan
from planbook.upgrade.migrations import Migration
from planbook.upgrade.steps import PlanEdit, apply_step, insert

_KEY_OPENS_BLOCK = re.compile(r"^( *)(?:- )?[^#\s][^#]*:\s*(?:#.*)?$")
_ITEM = re.compile(r"^( *)- ")
_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")  # as the loader breaks lines


@dataclasses.dataclass
class PlanUpgrade:
    """One plan's upgrade: its text before and after (equal when nothing changes), and the problems
    that kept it as it is, each a line `path:line:col: sentence`. `conflict` marks a problem that
    stops every plan's write."""

    path: str
    file: Path
    before: str
    after: str
    problems: list[str] = dataclasses.field(default_factory=list)
    conflict: bool = False
    from_version: int = 1

    @property
    def changed(self) -> bool:
        return self.after != self.before

    def diff(self) -> str:
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                fromfile=f"a/{self.path}",
                tofile=f"b/{self.path}",
            )
        )


def upgrade_plans(files: Sequence[Path], migrations: Sequence[Migration]) -> list[PlanUpgrade]:
    """Every plan's upgrade worked out, none written."""
    return [upgrade_plan(file, migrations) for file in files]


def upgrade_plan(file: Path, migrations: Sequence[Migration]) -> PlanUpgrade:
    template = plan_template.active()
    roles = plan_template.roles()
    shown = display_path(file)
    loaded = load_plan(file)
    if isinstance(loaded, LoadError):
        return PlanUpgrade(shown, file, "", "", [str(finding) for finding in loaded.findings])
    try:
        raw = read_bounded(file, MAX_FILE_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError) as e:  # pragma: no cover - it loaded a moment ago
        return PlanUpgrade(shown, file, "", "", [one_line(f"{shown}:1:1: cannot read the file again: {e}")])
    result = PlanUpgrade(shown, file, raw, raw)
    if _LINE_BREAK.sub("\n", raw.removeprefix("\ufeff")) != loaded.source:
        result.problems.append(f"{shown}:1:1: the file changed while it was read; upgrade again")
        return result
    version = loaded.data.get(roles.template_version, 1)
    line, column = loaded.position((roles.template_version,))
    if isinstance(version, float) and version.is_integer():  # the schema takes 2.0 as a whole number
        version = int(version)
    if type(version) is not int or version < 1:
        result.problems.append(f"{shown}:{line}:{column}: `{roles.template_version}` must be a whole number, 1 or more")
        return result
    result.from_version = version
    if version > template.version:
        result.problems.append(
            f"{shown}:{line}:{column}: the plan follows template version {version}, newer than the template's "
            f"{template.version}: is this repository's template/ behind the plan's?"
        )
        return result
    if version == template.version:
        return result
    try:
        after = _upgraded(loaded, raw.removeprefix("\ufeff"), version, migrations, result)
    except YAMLError as e:  # the safe loader took it; should ruamel.yaml not, say where
        marked = e if isinstance(e, MarkedYAMLError) else None
        mark = marked.problem_mark if marked is not None else None
        where = f"{mark.line + loaded.yaml_first_line}:{mark.column + 1}" if mark else "1:1"
        reason = marked.problem if marked is not None and marked.problem else e
        result.problems.append(one_line(f"{shown}:{where}: cannot be edited as YAML: {reason}"))
        return result
    if result.conflict or after is None:
        return result
    result.after = "\ufeff" + after if raw.startswith("\ufeff") else after
    return result


def _upgraded(
    loaded: Plan, text: str, version: int, migrations: Sequence[Migration], result: PlanUpgrade
) -> str | None:
    """The plan's new text: its front matter written again, with the file's line breaks (CRLF if it has
    any), and the closing `---` and the notes taken from `text` as they are, whatever their line breaks."""
    roles = plan_template.roles()
    parts = _LINE_BREAK.split(text)  # each line, then the break after it: the loader's lines, one for one
    newline = "\r\n" if "\r\n" in text else "\n"
    end = loaded.notes_line - 2  # the closing `---`
    mapping_indent, offset = guess_indent(loaded.yaml_text)
    yaml = round_trip_yaml(mapping_indent, offset)
    doc = yaml.load(loaded.yaml_text)
    if not isinstance(doc, CommentedMap):  # pragma: no cover - the loader refuses it first
        return None
    types = loaded.data.get(roles.types)
    edit = PlanEdit(doc, frozenset(t for t in types if isinstance(t, str)) if isinstance(types, list) else frozenset())
    edit.indent = mapping_indent
    dropped: list[tuple[Migration, list[tuple[str, Any]]]] = []
    for migration in migrations:
        if migration.to <= version:
            continue
        for step in migration.steps:
            apply_step(edit, step)
        if edit.dropped:
            dropped.append((migration, edit.dropped))
            edit.dropped = []
    if edit.conflicts:
        result.conflict = True
        for path, message in edit.conflicts:
            line, column = loaded.position(path)
            result.problems.append(one_line(f"{result.path}:{line}:{column}: {message}"))
        return None
    if roles.template_version in doc:
        doc[roles.template_version] = plan_template.active().version
    else:
        insert(edit, doc, (roles.template_version,), plan_template.active().version, before=roles.version)
    out = io.StringIO()
    yaml.dump(doc, out)
    tail = "".join(parts[2 * end :])  # the closing `---` and the notes, byte for byte
    for migration, values in dropped:
        tail = _with_dropped(tail, migration, values, yaml, newline)
    return parts[0] + newline + out.getvalue().replace("\n", newline) + tail


def round_trip_yaml(mapping_indent: int = 2, offset: int = 2) -> YAML:
    """ruamel.yaml set to write a plan back as it was: quotes kept, no line folded, the plan's indents.
    It loads only plain YAML (no tags of ours), and the plan passed planbook's own safe loader first."""
    yaml = YAML(typ="rt", pure=True)
    yaml.preserve_quotes = True
    yaml.width = 1 << 30
    yaml.indent(mapping=mapping_indent, sequence=offset + 2, offset=offset)
    return yaml


def guess_indent(text: str) -> tuple[int, int]:
    """The plan's mapping indent and the offset of a list's `-` under its key: (2, 2) in the samples
    and the scaffold, (2, 2) when the plan has no nesting to tell."""
    mapping, offset = None, None
    previous: re.Match[str] | None = None
    for line in text.split("\n"):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        if previous is not None:
            base = len(previous.group(1)) + (2 if previous.group(0).lstrip().startswith("- ") else 0)
            if _ITEM.match(line) and offset is None and indent >= base:
                offset = indent - base
            elif not _ITEM.match(line) and mapping is None and indent > base:
                mapping = indent - base
        previous = _KEY_OPENS_BLOCK.match(line)
    return mapping or 2, offset if offset is not None else 2


def _with_dropped(tail: str, migration: Migration, values: list[tuple[str, Any]], yaml: YAML, newline: str) -> str:
    """The closing `---` and the notes, with a section holding the values a migration dropped, as YAML in a fenced block: no
    value is lost, and none is read as Markdown."""
    internal = plan_template.roles().internal
    block = io.StringIO()
    yaml.dump(CommentedMap(values), block)
    text = block.getvalue()
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", text)), default=0))
    section = (
        f"## Values dropped by template version {migration.to}\n\n"
        f"`planbook upgrade` took these fields out of the front matter; their values as they stood:\n\n"
        f"{fence}yaml\n{text}{fence}\n"
    )
    if any(dotted.split(".")[0] == internal for dotted, _ in values):  # the team's content stays the team's
        section = f"<!-- internal -->\n{section}<!-- /internal -->\n"
    if not tail.endswith(("\n", "\r")):
        tail += newline
    lines = _LINE_BREAK.sub("\n", tail)
    blank = "" if lines.endswith("\n\n") or lines.count("\n") == 1 else newline
    return tail + blank + section.replace("\n", newline)
