"""A plan's companion documents: its statement of work and technical specs, one Markdown file each, beside
the plan in `projects/<ID>/` (docs/reference/companions.md).

Which documents a plan has is the template's: one per key of the `references` field, titled by its schema.
The key names the file, `projects/<ID>/<ID>-<key>.md` (`_` written `-`), and its template, `template/<key>.md`;
the plan may point elsewhere instead, to a Markdown file in the repository or an https address.

A document's front matter is optional and planbook's own (`FRONT_MATTER_KEYS`): the SOW's acceptance
criteria and the technical specs' data mapping, as data. Below it, the document's own Markdown, which is
shown like a plan's notes and never parsed as a template.
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path
from typing import Any

from planbook import plan_template, schema
from planbook.companion_places import place_problem
from planbook.escape import is_web_address, one_line
from planbook.files import NotARegularFile, TooLarge, read_bounded
from planbook.findings import Finding, Position
from planbook.loader import MAX_FILE_BYTES, LoadError, Plan, display_path, load_plan
from planbook.model.completeness import is_empty
from planbook.model.tasks import value_at
from planbook.paths import resolved
from planbook.placeholders import is_placeholder
from planbook.schema import FieldPath
from planbook.visible import folded as folded_text

CRITERIA, MAPPING = "acceptance_criteria", "data_mapping"  # the front matter's keys
FRONT_MATTER_KEYS = (CRITERIA, MAPPING)
CRITERION_TEXT, CRITERION_WAIVED = "criterion", "waived"  # a criterion as a mapping: its text, why it is waived
CRITERION_KEYS = (CRITERION_TEXT, CRITERION_WAIVED)
#: A row of the data mapping: the text columns, then whether the field is required.
MAPPING_TEXT_COLUMNS = ("source_object", "source_field", "target_object", "target_field", "transform", "notes")
MAPPING_KEYS = (*MAPPING_TEXT_COLUMNS, MAPPING_REQUIRED := "required")
TARGET_COLUMNS = ("target_object", "target_field")

SHAPE_CODE = "PB602"  # a companion's place or front matter does not read as planbook's


@dataclasses.dataclass(frozen=True)
class Criterion:
    """One acceptance criterion of the SOW; `waived` says why it need not be met, when it need not."""

    text: str
    waived: str | None
    position: Position


@dataclasses.dataclass(frozen=True)
class MappingRow:
    """One row of the data mapping: a field of system A, the field of system B it lands in, and how."""

    source_object: str
    source_field: str
    target_object: str
    target_field: str
    transform: str
    notes: str
    required: bool
    position: Position

    source = property(lambda self: _joined(self.source_object, self.source_field))  # `Order.name`
    target_name = property(lambda self: _joined(self.target_object, self.target_field))

    @property
    def target(self) -> tuple[str, str]:
        """The target as compared: case, spacing, invisible and look-alike letters make no other field."""
        return (" ".join(folded_text(self.target_object).split()), " ".join(folded_text(self.target_field).split()))


def _joined(thing: str, field: str) -> str:  # `Order.name`: an object and its field as people write them
    return f"{thing}.{field}" if thing and field else thing or field


@dataclasses.dataclass
class Companion:
    """One of a plan's companion documents, as the plan names it and as it stands on disk."""

    name: str  # its key in the plan's references: `sow`
    title: str  # what the template calls it: `Statement of work`
    slug: str  # `sow`, `technical-specs`: its file `<ID>-<slug>.md`, its page `projects/<ID>/<slug>/`
    shown: str  # where it is, as findings and the plan's reference line say it
    path: Path | None  # the file; None for a web address or a place that cannot be one
    given_at: FieldPath | None  # where the plan names its place, when it does
    web: str | None = None  # an https address the plan gives instead of a file
    document: Plan | None = None  # the file, loaded; None when there is none to load
    findings: list[Finding] = dataclasses.field(default_factory=list)  # the document's own, and its place's
    criteria: list[Criterion] = dataclasses.field(default_factory=list)
    mapping: list[MappingRow] = dataclasses.field(default_factory=list)
    missing: bool = False  # a file the plan expects, and there is none


def kinds() -> list[tuple[str, str]]:
    """Each companion document the template has, as (key, title): the `references` field's keys."""
    spec = schema.field_by_path().get((plan_template.roles().references,))
    properties = spec.spec.get("properties", {}) if spec is not None else {}
    return [
        (name, str(child.get("title") or name.replace("_", " ").capitalize())) for name, child in properties.items()
    ]


def slug_of(name: str) -> str:
    return name.replace("_", "-")


def default_path(plan_file: Path, plan_id: str, name: str) -> Path:
    """Where a companion lives when the plan names no other place: `projects/<ID>/<ID>-<slug>.md`."""
    return plan_file.parent / plan_id / f"{plan_id}-{slug_of(name)}.md"


def folded(text: str) -> str:
    """An acceptance criterion as compared: case, spacing and a closing full stop make no other one."""
    return " ".join(text.casefold().split()).rstrip(".;:!")


def success_criteria(data: dict[str, Any]) -> list[str]:
    """The texts of the plan's success criteria, which the SOW's acceptance criteria must be among."""
    roles = plan_template.roles()
    items = value_at(data, *roles.success_criteria)
    texts = [item.get(roles.criterion_text) if isinstance(item, dict) else item for item in items or ()]
    return [text for text in texts if isinstance(text, str)]


def companions_of(plan: Plan, plan_file: Path) -> list[Companion]:
    """The plan's companion documents, each loaded and read, with what is wrong with each; the plan's own
    gates (a missing one past discovery, criteria not in the plan) are `planbook.check`'s."""
    given = plan.data.get(plan_template.roles().references)
    given = given if isinstance(given, dict) else {}
    companions = [_companion(plan, Path(plan_file), name, title, given.get(name)) for name, title in kinds()]
    named: dict[Path, Companion] = {}
    for companion in companions:  # one file for two documents: the second is refused, not shown twice
        first = named.setdefault(resolved(companion.path), companion) if companion.path else companion
        if first is not companion and companion.given_at is not None:
            line, column = plan.position(companion.given_at)
            also = f"`{one_line(companion.shown)}` is the {first.title.lower()} already; each document is a file of its own"
            companion.findings, companion.document = [Finding(plan.path, line, column, SHAPE_CODE, also)], None
            companion.criteria, companion.mapping, companion.missing = [], [], False
    return companions


def _companion(plan: Plan, plan_file: Path, name: str, title: str, given: Any) -> Companion:
    at: FieldPath = (plan_template.roles().references, name)
    slug = slug_of(name)
    if not isinstance(given, str) or not given.strip() or is_placeholder(given):
        # From the file's name, never from the `id` the file says (`../../x`): check matches the two (PB106).
        path = default_path(plan_file, plan_file.stem, name)
        companion = Companion(name, title, slug, display_path(path), path, None)
    elif given.strip().casefold().startswith("https://") and is_web_address(given.strip()):
        return Companion(name, title, slug, given.strip(), None, at, web=given.strip())
    else:
        place = place_problem(plan_file, given.strip())
        if place is not None:
            line, column = plan.position(at)
            problem = Finding(plan.path, line, column, SHAPE_CODE, f"`{one_line(given)}` {place}")
            return Companion(name, title, slug, given, None, at, findings=[problem])
        path = Path(os.path.normpath(plan_file.parent / given.strip()))
        companion = Companion(name, title, slug, display_path(path), path, at)
    assert companion.path is not None
    try:
        companion.missing = not companion.path.exists() and not companion.path.is_symlink()
    except (OSError, ValueError):  # a path the system cannot even look up
        companion.missing = True
    if not companion.missing:
        _load(companion)
    return companion


def _load(companion: Companion) -> None:
    assert companion.path is not None
    loaded = load_plan(companion.path)
    if isinstance(loaded, LoadError) and [f.code for f in loaded.findings] in (["PB004"], ["PB010"]):
        loaded = _without_front_matter(companion.path, loaded)
    if isinstance(loaded, LoadError):
        companion.findings += loaded.findings
        return
    companion.document = loaded
    data = loaded.data if isinstance(loaded.data, dict) else {}
    for key in data:
        if key not in FRONT_MATTER_KEYS:
            _shape(
                companion,
                (key,),
                f"`{one_line(key)}` is not a key of a companion's front matter; {_known(FRONT_MATTER_KEYS)}",
            )
    companion.criteria = _criteria(companion, data.get(CRITERIA))
    companion.mapping = _mapping(companion, data.get(MAPPING))


def _without_front_matter(path: Path, refused: LoadError) -> Plan | LoadError:
    """A document with no front matter, or an empty one, is all Markdown: read as if `{}` stood above it. The
    file passed the loader's checks up to its front matter, so it is read as the loader reads it."""
    try:
        raw = read_bounded(path, MAX_FILE_BYTES)
    except (OSError, TooLarge, NotARegularFile):
        return refused
    if refused.findings[0].code == "PB004":
        body = raw
    elif "empty" in refused.findings[0].message:  # PB010 of a front matter of blank lines and comments
        fence = re.match(rb"---[ \t]*\r?\n(?:.*\r?\n)*?(?:---|\.\.\.)[ \t]*(?:\r?\n|$)", raw)
        body = raw[fence.end() :] if fence else b""
    else:
        return refused  # front matter that is no mapping: the loader says so
    skipped = raw.count(b"\n") - body.count(b"\n")
    whole = load_plan(path, text=b"---\n{}\n---\n" + body)
    if isinstance(whole, LoadError) or not whole.notes.strip():
        return refused  # an empty file, or a front matter and nothing below it: the loader says so
    return dataclasses.replace(whole, notes_line=1 + skipped, source=whole.source.split("\n", 3)[3])


def _known(keys: tuple[str, ...]) -> str:
    return "it may hold " + ", ".join(f"`{key}`" for key in keys)


def _shape(companion: Companion, path: FieldPath, message: str) -> None:
    assert companion.document is not None
    line, column = companion.document.position(path)
    companion.findings.append(Finding(companion.document.path, line, column, SHAPE_CODE, message))


def _criteria(companion: Companion, value: Any) -> list[Criterion]:
    if value is None:
        return []
    if not isinstance(value, list):
        _shape(companion, (CRITERIA,), f"`{CRITERIA}` must be a list: one criterion per item")
        return []
    assert companion.document is not None
    found = []
    for index, item in enumerate(value):
        at: FieldPath = (CRITERIA, index)
        text, waived = item, None
        if isinstance(item, dict):
            for key in item:
                if key not in CRITERION_KEYS:
                    _shape(
                        companion,
                        (*at, key),
                        f"`{one_line(key)}` is not a key of a criterion; {_known(CRITERION_KEYS)}",
                    )
            text, waived = item.get(CRITERION_TEXT), item.get(CRITERION_WAIVED)
            if waived is not None and (not isinstance(waived, str) or is_empty(waived)):
                _shape(
                    companion,
                    (*at, CRITERION_WAIVED),
                    f"`{CRITERION_WAIVED}` says why the criterion is waived, as text",
                )
                waived = None
        if not isinstance(text, str) or not text.strip():
            _shape(
                companion,
                at,
                f"a criterion is a line of text, or a mapping with `{CRITERION_TEXT}` (and `{CRITERION_WAIVED}`, why it is waived)",
            )
            continue
        found.append(
            Criterion(
                text.strip(), waived.strip() if isinstance(waived, str) else None, companion.document.position(at)
            )
        )
    return found


def _mapping(companion: Companion, value: Any) -> list[MappingRow]:
    if value is None:
        return []
    if not isinstance(value, list):
        _shape(companion, (MAPPING,), f"`{MAPPING}` must be a list: one row per mapped field")
        return []
    assert companion.document is not None
    rows = []
    for index, item in enumerate(value):
        at: FieldPath = (MAPPING, index)
        if not isinstance(item, dict):
            _shape(companion, at, f"a row of the data mapping is a mapping; {_known(MAPPING_KEYS)}")
            continue
        texts: dict[str, str] = {}
        for key, cell in item.items():
            if key not in MAPPING_KEYS:
                _shape(
                    companion,
                    (*at, key),
                    f"`{one_line(key)}` is not a column of the data mapping; {_known(MAPPING_KEYS)}",
                )
            elif key == MAPPING_REQUIRED:
                if cell is not None and not isinstance(cell, bool):
                    _shape(companion, (*at, key), f"`{MAPPING_REQUIRED}` is `true` or `false`")
            elif isinstance(cell, (dict, list)) or isinstance(cell, bool):
                _shape(companion, (*at, key), f"`{key}` is text")
            elif cell is not None:
                texts[key] = str(cell).strip()
        columns = {column: texts.get(column, "") for column in MAPPING_TEXT_COLUMNS}
        rows.append(
            MappingRow(**columns, required=item.get(MAPPING_REQUIRED) is True, position=companion.document.position(at))
        )
    return rows
