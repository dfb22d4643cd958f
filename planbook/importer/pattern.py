"""The template as a pattern to read plans against: each line the template can write, what fills it, and
under which heading it stands.

It comes from rendering the template with the probe (`planbook.importer.probe`), once with every
integration type, once with none and once with each: a line that appears only with a type belongs to
that type's conditional block. Lines that repeat for each item of a list are kept once, as a line that
may repeat; a checkbox line whose text is a task's label is that task.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from planbook import schema
from planbook.importer.lines import Line, inline_text, key_of, read_lines
from planbook.importer.probe import TOKEN, Probe, build_probe, render_probe, task_labels

FieldPath = tuple[Any, ...]
ANY = schema.ITEM  # the index of a list item in a repeating line's paths


@dataclasses.dataclass(frozen=True)
class SlotRef:
    """What one regex group fills: a field's path (`ANY` for the repeating item's index), or a list
    written on one line, its items joined by `joined`."""

    path: FieldPath
    joined: str | None = None
    address: bool = False  # the template writes it as a code span: a file name or address, never a link's label


@dataclasses.dataclass
class PatternLine:
    index: int
    line: Line
    section: int  # the index of the heading it stands under; -1 above the first
    slots: list[SlotRef]
    # A line's regexes, the whole line first, each with the slots its groups fill; a table row has
    # one list per cell.
    regexes: list[list[tuple[re.Pattern[str], list[int]]]]
    literal: str  # the line's own words, as a key, the values left out
    repeat: FieldPath | None = None  # the list a repeating line adds an item to
    task: FieldPath | None = None  # the task a checkbox line ticks
    box: FieldPath | None = None  # in a repeating item, the boolean its checkbox sets
    types: frozenset[str] = frozenset()  # the integration types whose block holds the line
    default: bool = False  # what the template writes where an optional field is left out: no value

    @property
    def kind(self) -> str:
        return self.line.kind

    @property
    def catch_all(self) -> bool:
        """A line of nothing but values: it fits any text, so it is tried last."""
        return not self.literal


@dataclasses.dataclass
class Pattern:
    lines: list[PatternLine]
    headings: list[PatternLine]
    slots: list[FieldPath]  # token number → path
    types_path: FieldPath
    notes_section: int | None

    def section_lines(self, section: int) -> list[PatternLine]:
        return [line for line in self.lines if line.section == section and line.kind != "heading"]


@schema.per_template
def template_pattern() -> Pattern:
    probe = build_probe()
    full = _read(probe, render_probe(probe))
    empty = {(line.kind, line.text) for line in _read(probe, render_probe(build_probe([])))}
    by_type = {
        kind: {(line.kind, line.text) for line in _read(probe, render_probe(build_probe([kind])))} - empty
        for kind in schema.INTEGRATION_TYPES
    }
    labels = {inline_text(label): path for label, path in task_labels(probe).items()}
    lines: list[PatternLine] = []
    headings: list[PatternLine] = []
    section = -1
    seen_repeats: set[tuple[str, str]] = set()
    for line in full:
        if line.kind in ("blank", "rule", "separator"):
            continue
        slots = [probe.slots[int(number)].path for number in TOKEN.findall(line.text)]
        signature = _signature(line, slots)
        if signature is not None and signature[1] > 0:
            continue  # the second item of a list: the first's line repeats for it
        if signature is not None:
            if (line.kind, signature[0]) in seen_repeats:
                continue
            seen_repeats.add((line.kind, signature[0]))
        types = frozenset(kind for kind, found in by_type.items() if (line.kind, line.text) in found)
        pattern = _compile(len(lines), line, section, slots, signature is not None, types)
        if line.kind == "item" and line.ticked is not None:
            pattern.task = labels.get(line.text)
            if pattern.repeat is not None:
                pattern.box = _checkbox_member(pattern.repeat)
        if line.kind == "heading":
            section = len(headings)
            pattern.section = section
            headings.append(pattern)
        lines.append(pattern)
    full_texts = {(line.kind, line.text) for line in full}
    sections = {h.line.text: h.section for h in headings}
    section = -1
    for line in _read(probe, render_probe(build_probe(bare=True))):
        if line.kind == "heading":
            section = sections.get(line.text, section)
        elif line.kind not in ("blank", "rule", "separator") and (line.kind, line.text) not in full_texts:
            slots = [probe.slots[int(number)].path for number in TOKEN.findall(line.text)]
            lines.append(_compile(len(lines), line, section, slots, False, frozenset()))
            lines[-1].default = True
    notes = next(
        (h.section for h in headings if any(_is_notes(p, probe) for p in lines if p.section == h.section)), None
    )
    return Pattern(lines, headings, [slot.path for slot in probe.slots], probe.slots[probe.types_slot].path, notes)


def _read(probe: Probe, text: str) -> list[Line]:
    """The rendered probe's lines, the integration types' label standing as the types' token."""
    return read_lines(text.replace(probe.types_label, probe.token_of(probe.types_slot)))


def _is_notes(pattern: PatternLine, probe: Probe) -> bool:
    return pattern.slots == [SlotRef(probe.slots[probe.notes_slot].path)]


def _signature(line: Line, slots: list[FieldPath]) -> tuple[str, int] | None:
    """For a line of list items, its text with the items' index left out, and the index; else None."""
    if not slots:
        return None
    indexes = set()
    for path in slots:
        position = next((i for i, part in enumerate(path) if isinstance(part, int)), None)
        if position is None:
            return None
        indexes.add(path[position])
    if len(indexes) != 1:
        return None  # a list on one line (the edge cases of a task's label) is a value, not a repeat
    text = line.text
    for number in TOKEN.findall(line.text):
        text = text.replace(f"QZ{number}ZQ", "{}", 1)
    shape = str([tuple(ANY if isinstance(p, int) else p for p in path) for path in slots])
    return f"{line.ordered}|{text}|{shape}", indexes.pop()


def _compile(
    index: int, line: Line, section: int, paths: list[FieldPath], repeats: bool, types: frozenset[str]
) -> PatternLine:
    refs = _slot_refs(paths, repeats)
    coded = [f"`QZ{number}ZQ`" in line.text for number in TOKEN.findall(line.text)]
    if len(coded) == len(refs):
        refs = [dataclasses.replace(ref, address=code) for ref, code in zip(refs, coded, strict=True)]
    if line.kind == "row":
        regexes = [_alternatives(cell) for cell in line.cells]
    else:
        # A list on one line is one value: its second item's token, and what joins it, go.
        joined = re.sub(r"(QZ\d+ZQ),\s*QZ\d+ZQ", r"\1", line.text) if any(r.joined for r in refs) else line.text
        regexes = [_alternatives(joined)]
    literal = key_of(TOKEN.sub(" ", line.text))
    repeat = refs[0].path[: refs[0].path.index(ANY)] if repeats and refs and ANY in refs[0].path else None
    return PatternLine(index, line, section, refs, regexes, literal, repeat=repeat, types=types)


def _slot_refs(paths: list[FieldPath], repeats: bool) -> list[SlotRef]:
    """One ref a token, with a repeating line's index as ANY; two items of one list side by side
    (`Edge cases: A, B`) become one ref, joined."""
    refs: list[SlotRef] = []
    for path in paths:
        general = tuple(ANY if isinstance(part, int) else part for part in path)
        if repeats:
            refs.append(SlotRef(general))
        elif isinstance(path[-1], int) and path[-1] > 0 and refs and refs[-1].path == path[:-1]:
            refs[-1] = SlotRef(path[:-1], joined=",")
        elif isinstance(path[-1], int):
            refs.append(SlotRef(path[:-1]))  # the list's first item: a list on one line
        else:
            refs.append(SlotRef(path))
    return refs


# What a person may write instead of the template's punctuation between values.
_ALTERNATIVES = {
    "↔": r"(?:↔|<->|<=>|⇔|⇄|→|->|/|\+|-|–|—|\bto\b|\band\b|&)",
    "-": r"(?:-|–|—)",
    "&": r"(?:&|\band\b)",
    ":": r"(?::|-|–|—|=)",
}


def _alternatives(text: str) -> list[tuple[re.Pattern[str], list[int]]]:
    """The line as regexes over its `inline_text`, each with the slots its groups fill: the whole line
    first, then each run of its labelled parts (`Timeline: …` of `Timeline: … | Confidence: …%`), for
    a person who wrote them on lines of their own or left one out. Words match in any case;
    punctuation is optional unless it is all that stands between two values."""
    pieces = TOKEN.split(text)
    literals, count = pieces[0::2], len(pieces) // 2
    runs = [(0, count - 1)] if count else []
    if count > 1:
        runs += sorted(
            ((i, j) for i in range(count) for j in range(i, count) if (i, j) != (0, count - 1)),
            key=lambda run: run[0] - run[1],
        )
    found: list[tuple[re.Pattern[str], list[int]]] = [] if count else [(_compiled([literals[0]]), [])]
    for first, last in runs:
        head = literals[first] if first == 0 else literals[first].rsplit("|", 1)[-1]
        if first > 0 and not re.search(r"\w", head):
            continue  # a run must start at a label, or at the line's start
        tail = literals[last + 1] if last + 1 == count else literals[last + 1].split("|", 1)[0]
        if last + 1 < count and "|" not in literals[last + 1]:
            tail = ""
        found.append((_compiled([head, *literals[first + 1 : last + 1], tail]), list(range(first, last + 1))))
    return found


def _compiled(literals: list[str]) -> re.Pattern[str]:
    """A value cannot hold the words that follow it in the template (`; Phase 2:`): a line can then be
    split one way only, and a long line costs time in proportion to its length, not to a power of it."""
    pieces = [_piece(position, piece, len(literals)) for position, piece in enumerate(literals)]
    out = [r"^\s*", pieces[0]]
    for number, after in enumerate(pieces[1:], start=1):
        free = number == len(pieces) - 1 or re.fullmatch(after, " ", re.IGNORECASE)  # the last value ends at `$`
        value = ".+?" if free else f"(?:(?!{after}).)+?"
        out += [f"(?P<g{number - 1}>{value})", after]
    out.append(r"\s*$")
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


def _piece(position: int, piece: str, count: int) -> str:
    last = position == count - 1
    between = 0 < position < count - 1
    # An aside after a value (`, not committed`) that a person would not write is optional.
    aside, _, rest = piece.partition("|") if position and "|" in piece else (piece, "", "")
    if position and aside.lstrip()[:1] in (",", "(") and (last or rest):
        return f"(?:{_literal(aside, between=False)})?" + (_literal(f"|{rest}", between) if rest else "")
    return _literal(piece, between)


def _literal(piece: str, between: bool) -> str:
    tokens = re.findall(r"\w+|[^\w\s]", piece)
    required = between and not any(token[0].isalnum() or token[0] == "_" for token in tokens)
    parts = []
    for token in tokens:
        if token[0].isalnum() or token[0] == "_":
            parts.append(re.escape(token))
        else:
            choice = _ALTERNATIVES.get(token, re.escape(token))
            parts.append(choice if required else f"(?:{choice})?")
    if not parts:
        return r"\s+" if between else r"\s*"
    # ` - ` between two values: spaced, so that a value's own hyphen (`one-off`) does not split it.
    space = r"\s+" if required and piece.startswith(" ") and piece.endswith(" ") else r"\s*"
    return space + r"\s*".join(parts) + space


def _checkbox_member(list_path: FieldPath) -> FieldPath | None:
    """In a list of mappings, the one boolean member a checkbox stands for (`done`), if there is one."""
    field = schema.field_by_path().get(tuple(schema.ITEM if p == ANY else p for p in list_path))
    members = field.spec.get("items", {}).get("properties", {}) if field else {}
    booleans = [name for name, spec in members.items() if spec.get("type") == "boolean"]
    return (booleans[0],) if len(booleans) == 1 else None
