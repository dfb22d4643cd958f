"""A document read against the template's pattern: which line fills which of the template's lines, with
what text, and which lines fill none.

Headings decide the section a line is read in; a heading reworded still finds its section when its
words are close enough. Within a section a line takes the best of the template's lines there: its
labelled lines first, then the lines of nothing but values (a list's items, a paragraph). A line no
section explains is tried against the lines the template writes once, wherever they stand; then, if
it carries on the line above it, it joins that line's value. What is left is unplaced: it goes to
the notes, and the report names its line.
"""

from __future__ import annotations

import dataclasses
import re

from planbook.importer.lines import Line, key_of, similarity
from planbook.importer.match import Placed, fits, match, match_line, scored
from planbook.importer.pattern import Pattern, PatternLine

HEADING_MATCH = 0.6  # how close a reworded heading must read to the template's
TASK_MATCH = 0.75  # how close a reworded task must read to the template's
LINE_MATCH = 0.9  # how close any other line of the template's own words must read
_EMPTY_KEY = frozenset(
    {"none", "n a", "na", "nil", "nothing", "no", "none yet", "none so far", "none at present"}
).__contains__
_PLACEHOLDER = re.compile(r"^\[[A-Z][A-Z0-9_]*\]$")
_BOLD_ONLY = re.compile(r"^\s*(\*\*|__)[^*_].*\1\s*$")


@dataclasses.dataclass
class Unplaced:
    line: Line
    reason: str
    heading: str  # the heading it stood under, as written


@dataclasses.dataclass
class Reading:
    placed: list[Placed] = dataclasses.field(default_factory=list)
    unplaced: list[Unplaced] = dataclasses.field(default_factory=list)
    notes: list[Line] = dataclasses.field(default_factory=list)  # the document's own notes section
    emptied: set[tuple[object, ...]] = dataclasses.field(default_factory=set)  # lists written as "None."
    unfilled_lists: set[tuple[object, ...]] = dataclasses.field(default_factory=set)
    markers: list[tuple[Line, str]] = dataclasses.field(default_factory=list)  # `{{#if x}}` conditions
    known: dict[tuple[object, ...], str] = dataclasses.field(default_factory=dict)  # values read so far, as keys


def read_document(lines: list[Line], pattern: Pattern) -> Reading:
    reading = Reading()
    section: int | None = -1  # None: under a heading the template does not have
    heading_text = ""
    used: set[int] = set()
    paragraphs: dict[int, Placed] = {}  # a value of paragraphs (a summary) so far, by its template line
    for position, line in enumerate(lines):
        if line.kind in ("blank", "rule", "separator"):
            continue
        if line.kind == "marker":
            reading.markers.append((line, line.marker or ""))
            continue
        if line.kind == "paragraph" and _BOLD_ONLY.match(line.raw) and _bold_heading(line, pattern, section, used):
            line.kind = "heading"  # a bold line standing for a heading, as a Word export writes one
        if line.kind == "heading":
            heading_text = line.text
            found = _heading(line, pattern, section, used)
            if found is None:
                section = None
                reading.unplaced.append(Unplaced(line, "a heading the template does not have", heading_text))
                continue
            section = found.pattern.section
            used.add(found.pattern.index)
            if section == pattern.notes_section:
                reading.notes = lines[position + 1 :]
                break
            reading.placed.append(found)
            continue
        if line.kind == "fence":
            reading.unplaced.append(Unplaced(line, "a code block matches no field", heading_text))
            continue
        placed = _in_section(line, pattern, section, used, reading) if section is not None else None
        if placed is None:
            placed = _anywhere(line, pattern, used, reading)
        if placed is None and not _handled_as_list_word(line, pattern, section, reading):
            reading.unplaced.append(Unplaced(line, _why(line, section), heading_text))
        if placed is None:
            continue
        earlier = paragraphs.get(placed.pattern.index)
        if placed.pattern.catch_all and placed.pattern.repeat is None:
            if earlier is not None:  # the value's next paragraph
                earlier.values[0] = f"{earlier.values[0]}\n\n{placed.values[0]}"
                continue
            paragraphs[placed.pattern.index] = placed
        elif placed.pattern.repeat is None:
            used.add(placed.pattern.index)
        _remember(placed, reading)
        reading.placed.append(placed)
    return reading


def _bold_heading(line: Line, pattern: Pattern, section: int | None, used: set[int]) -> bool:
    label = _in_section(line, pattern, section, used, Reading()) if section is not None else None
    if label is not None and not label.pattern.catch_all:
        return False  # a label of the section's own (`**Pre-Deployment Checklist:**`)
    return any(
        not h.catch_all and h.section != section and similarity(line.key, h.literal) >= 0.9 for h in pattern.headings
    )


def _remember(placed: Placed, reading: Reading) -> None:
    """The values of a line the template writes once, so that a later line naming the same field
    (`Obtain Xero API credentials`) is read as the line that agrees with it."""
    if placed.pattern.repeat is None:
        for slot, text in placed.values.items():
            reading.known.setdefault(placed.pattern.slots[slot].path, key_of(text))


def _agreement(placed: Placed, reading: Reading) -> float:
    score = 0.0
    for slot, text in placed.values.items():
        known = reading.known.get(placed.pattern.slots[slot].path)
        if known is not None:
            score += 0.02 if known == key_of(text) else -0.5
    return score


def _heading(line: Line, pattern: Pattern, section: int | None, used: set[int]) -> Placed | None:
    best: tuple[float, Placed] | None = None
    for candidate in pattern.headings:
        if candidate.catch_all:
            continue
        score, values = _headingscore(line, candidate)
        if score < HEADING_MATCH or (candidate.section == pattern.notes_section and score < 1):
            continue  # the notes' heading only as the template writes it: "Meeting notes" is a section of one's own
        score += 0.05 if candidate.line.level == line.level else 0
        score += 0.05 if section is not None and candidate.section > section else 0
        score -= 0.2 if candidate.index in used else 0
        if best is None or score > best[0]:
            best = (score, Placed(line, candidate, values))
    if best is not None:
        return best[1]
    # The plan's own title: the heading of nothing but a value, near the top.
    title = next((h for h in pattern.headings if h.catch_all and h.index not in used), None)
    if title is not None and section is not None and section < title.section + 1 and line.level >= 2:
        return Placed(line, title, {0: line.text})
    return None


def _headingscore(line: Line, candidate: PatternLine) -> tuple[float, dict[int, str]]:
    values = match(line.text, candidate.regexes[0])
    if values is not None and len(values) == len(candidate.slots):
        return 1.0, values
    text = line.text
    loose: dict[int, str] = {}
    if candidate.slots and text.endswith(")") and "(" in text:
        text, _, inside = text[:-1].rpartition("(")
        loose = {0: inside.strip()}
    return similarity(key_of(text), candidate.literal), loose


def _in_section(line: Line, pattern: Pattern, section: int, used: set[int], reading: Reading) -> Placed | None:
    candidates = [p for p in pattern.section_lines(section) if fits(line, p)]
    best: tuple[float, Placed] | None = None
    for candidate in candidates:
        if candidate.catch_all:
            continue
        found = scored(line, candidate)
        if found is None:
            continue
        score, placed = found
        score -= 0.3 if candidate.index in used and candidate.repeat is None else 0
        score += _agreement(placed, reading)
        if best is None or score > best[0]:
            best = (score, placed)
    threshold = TASK_MATCH if best is not None and best[1].pattern.task is not None else LINE_MATCH
    if best is not None and (best[1].values or best[0] >= threshold):
        return best[1]
    for candidate in candidates:
        if candidate.catch_all and (candidate.repeat is not None or candidate.kind != "heading"):
            values = match_line(line, candidate)
            if values is not None:
                return Placed(line, candidate, values[0])
    return _as_item(line, pattern, section)


def _as_item(line: Line, pattern: Pattern, section: int) -> Placed | None:
    """A paragraph where the template has only a list (the seed's `[OPEN_QUESTIONS]` replaced by a
    sentence) is one item of it."""
    lines = [p for p in pattern.section_lines(section) if p.slots and not p.default]
    if line.kind != "paragraph" or len(lines) != 1 or lines[0].repeat is None or lines[0].line.ticked is not None:
        return None
    if len(lines[0].slots) != 1 or _EMPTY_KEY(line.key) or _PLACEHOLDER.match(line.text):
        return None
    return Placed(line, lines[0], {0: line.text})


def _anywhere(line: Line, pattern: Pattern, used: set[int], reading: Reading) -> Placed | None:
    """A labelled line of the template, standing under another heading: only a line the template writes
    once, matched whole, so that no guess is made."""
    literals = [p.literal for p in pattern.lines]
    for candidate in pattern.lines:
        if candidate.catch_all or candidate.kind == "heading" or candidate.index in used:
            continue
        if literals.count(candidate.literal) > 1 or not fits(line, candidate):
            continue
        found = match_line(line, candidate)
        if found is not None and not found[1] and _agreement(Placed(line, candidate, found[0]), reading) >= 0:
            return Placed(line, candidate, found[0])
    return None


def _handled_as_list_word(line: Line, pattern: Pattern, section: int | None, reading: Reading) -> bool:
    """`None.` under a list's heading says the list is empty; `[OPEN_QUESTIONS]` that it is unfilled."""
    if section is None or line.kind not in ("paragraph", "item"):
        return False
    lists = [p.repeat for p in pattern.section_lines(section) if p.repeat is not None and p.catch_all]
    if len(lists) != 1:
        return False
    if _EMPTY_KEY(line.key):
        reading.emptied.add(lists[0])
        return True
    if _PLACEHOLDER.match(line.text):
        reading.unfilled_lists.add(lists[0])
        return True
    return False


def _why(line: Line, section: int | None) -> str:
    if line.kind == "quote":
        return "a quoted note matches no field"
    if section is None:
        return "text under a heading the template does not have"
    if line.kind == "row":
        return "a table row that fits no row of the template"
    return "text that matches no field or line of the template"
