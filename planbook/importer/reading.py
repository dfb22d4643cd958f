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
from planbook.importer.pattern import Pattern, PatternLine

HEADING_MATCH = 0.6  # how close a reworded heading must read to the template's
TASK_MATCH = 0.75  # how close a reworded task must read to the template's
LINE_MATCH = 0.9  # how close any other line of the template's own words must read
_EMPTY = frozenset({"none", "n a", "na", "nil", "nothing", "no", "none yet", "none so far", "none at present"})
_PLACEHOLDER = re.compile(r"^\[[A-Z][A-Z0-9_]*\]$")


@dataclasses.dataclass
class Placed:
    line: Line
    pattern: PatternLine
    values: dict[int, str]  # slot index in `pattern.slots` → the text that fills it
    partial: bool = False  # only a run of the line's labelled parts matched


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


def read_document(lines: list[Line], pattern: Pattern) -> Reading:
    reading = Reading()
    section: int | None = -1  # None: under a heading the template does not have
    heading_text = ""
    used: set[int] = set()
    last: Placed | None = None  # the line just above, when it was placed and its value ends it
    in_notes = False
    paragraphs: dict[int, Placed] = {}  # a value of paragraphs (a summary) so far, by its template line
    for line in lines:
        if in_notes:
            reading.notes.append(line)
            continue
        if line.kind in ("blank", "rule", "separator"):
            last = None if line.kind != "blank" or last is None or last.line.kind != "item" else last
            if line.kind == "blank":
                last = None
            continue
        if line.kind == "marker":
            reading.markers.append((line, line.marker or ""))
            continue
        if line.kind == "heading":
            heading_text = line.text
            found = _heading(line, pattern, section, used)
            last = None
            if found is None:
                section = None
                reading.unplaced.append(Unplaced(line, "a heading the template does not have", heading_text))
                continue
            section = found.pattern.section
            used.add(found.pattern.index)
            if section == pattern.notes_section:
                in_notes = True
                continue
            reading.placed.append(found)
            continue
        if line.kind == "fence":
            reading.unplaced.append(Unplaced(line, "a code block matches no field", heading_text))
            continue
        placed = _in_section(line, pattern, section, used, reading) if section is not None else None
        if placed is None:
            placed = _anywhere(line, pattern, used)
        if placed is not None:
            earlier = paragraphs.get(placed.pattern.index)
            if earlier is not None and placed.pattern.catch_all and placed.pattern.repeat is None:
                # The value's next line (a paragraph wrapped by hand), or its next paragraph.
                joint = " " if last is earlier else "\n\n"
                earlier.values[0] = f"{earlier.values[0]}{joint}{placed.values[0]}"
                last = earlier
                continue
            if not placed.pattern.catch_all and placed.pattern.repeat is None:
                used.add(placed.pattern.index)
            if placed.pattern.catch_all and placed.pattern.repeat is None:
                paragraphs[placed.pattern.index] = placed
            reading.placed.append(placed)
            last = placed if _ends_in_value(placed) else None
            continue
        if _handled_as_list_word(line, pattern, section, reading):
            continue
        if last is not None and _continues(line, last):
            slot = max(last.values)
            last.values[slot] = f"{last.values[slot]} {line.text}"
            continue
        reading.unplaced.append(Unplaced(line, _why(line, section), heading_text))
        last = None
    return reading


def _heading(line: Line, pattern: Pattern, section: int | None, used: set[int]) -> Placed | None:
    best: tuple[float, Placed] | None = None
    for candidate in pattern.headings:
        if candidate.catch_all:
            continue
        score, values = _heading_score(line, candidate)
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


def _heading_score(line: Line, candidate: PatternLine) -> tuple[float, dict[int, str]]:
    values = _match(line.text, candidate.regexes[0])
    if values is not None and len(values) == len(candidate.slots):
        return 1.0, values
    text = line.text
    loose: dict[int, str] = {}
    if candidate.slots and text.endswith(")") and "(" in text:
        text, _, inside = text[:-1].rpartition("(")
        loose = {0: inside.strip()}
    return similarity(key_of(text), candidate.literal), loose


def _in_section(line: Line, pattern: Pattern, section: int, used: set[int], reading: Reading) -> Placed | None:
    candidates = [p for p in pattern.section_lines(section) if _fits(line, p)]
    best: tuple[float, Placed] | None = None
    for candidate in candidates:
        if candidate.catch_all:
            continue
        found = _score(line, candidate)
        if found is None:
            continue
        score, placed = found
        score -= 0.3 if candidate.index in used and candidate.repeat is None else 0
        if best is None or score > best[0]:
            best = (score, placed)
    threshold = TASK_MATCH if best is not None and best[1].pattern.task is not None else LINE_MATCH
    if best is not None and (best[1].values or best[0] >= threshold):
        return best[1]
    for candidate in candidates:
        if candidate.catch_all and (candidate.repeat is not None or candidate.kind != "heading"):
            values = _match_line(line, candidate)
            if values is not None:
                return Placed(line, candidate, values[0])
    return None


def _anywhere(line: Line, pattern: Pattern, used: set[int]) -> Placed | None:
    """A labelled line of the template, standing under another heading: only a line the template writes
    once, matched whole, so that no guess is made."""
    literals = [p.literal for p in pattern.lines]
    for candidate in pattern.lines:
        if candidate.catch_all or candidate.kind == "heading" or candidate.index in used:
            continue
        if literals.count(candidate.literal) > 1 or not _fits(line, candidate):
            continue
        found = _match_line(line, candidate)
        if found is not None and not found[1]:
            return Placed(line, candidate, found[0])
    return None


def _fits(line: Line, candidate: PatternLine) -> bool:
    if candidate.kind == "row" or line.kind == "row":
        return candidate.kind == line.kind and len(candidate.line.cells) == len(line.cells)
    if candidate.kind == "item" and candidate.line.ticked is not None and candidate.catch_all:
        return line.kind == "item" and line.ticked is not None  # a phase's own task is a checkbox
    if candidate.kind == "item" and candidate.catch_all:
        return line.kind == "item" and line.ticked is None
    if candidate.kind in ("paragraph", "item") and line.kind in ("paragraph", "item"):
        return True  # a label written as a list item, or a list item without its bullet
    return candidate.kind == line.kind


def _score(line: Line, candidate: PatternLine) -> tuple[float, Placed] | None:
    found = _match_line(line, candidate)
    if found is not None:
        values, partial = found
        score = 0.95 if partial else 1.01 if candidate.default else 1.0
        return score, Placed(line, candidate, values, partial)
    if candidate.slots or candidate.kind == "row":
        return None
    if re.findall(r"\d+", line.key) != re.findall(r"\d+", candidate.literal):
        return None  # a line of the template's with other numbers says something else: `> 10%`, not `> 5%`
    return similarity(line.key, candidate.literal), Placed(line, candidate, {})


def _match_line(line: Line, candidate: PatternLine) -> tuple[dict[int, str], bool] | None:
    """The values a line gives a template line, and whether only part of it matched; None if it does not."""
    if candidate.kind != "row":
        found = _match(line.text, candidate.regexes[0])
        if found is None:
            return None
        return found, len(found) < len(candidate.slots)
    values: dict[int, str] = {}
    offset = 0
    for cell, alternatives in zip(line.cells, candidate.regexes, strict=True):
        count = max((len(slots) for _, slots in alternatives), default=0)
        if not count:
            if not any(regex.match(cell) for regex, _ in alternatives):
                return None
        else:
            found = _match(cell, alternatives[:1])
            if found is None:
                return None
            values.update({offset + slot: text for slot, text in found.items()})
        offset += count
    return values, False


def _match(text: str, alternatives: list[tuple[re.Pattern[str], list[int]]]) -> dict[int, str] | None:
    """The values of the first alternative that matches. A run of a line's parts must not swallow the
    parts after it: its values hold no `|` where the template's line has one."""
    for number, (regex, slots) in enumerate(alternatives):
        match = regex.match(text)
        if match is None:
            continue
        values = {slot: match.group(f"g{i}").strip() for i, slot in enumerate(slots)}
        if number and len(alternatives) > 1 and any("|" in value for value in values.values()):
            continue
        return values
    return None


def _ends_in_value(placed: Placed) -> bool:
    """Whether the line's last words are a value, so that a line right under it may carry it on."""
    if not placed.values or placed.pattern.kind in ("row", "heading"):
        return False
    last_literal = placed.pattern.line.text.rsplit("ZQ", 1)[-1]
    return not re.search(r"\w", last_literal)


def _continues(line: Line, last: Placed) -> bool:
    if line.kind == "paragraph" and last.line.kind in ("paragraph", "quote"):
        return True
    return last.line.kind == "item" and line.kind == "paragraph" and line.raw[:1] in (" ", "\t")


def _handled_as_list_word(line: Line, pattern: Pattern, section: int | None, reading: Reading) -> bool:
    """`None.` under a list's heading says the list is empty; `[OPEN_QUESTIONS]` that it is unfilled."""
    if section is None or line.kind not in ("paragraph", "item"):
        return False
    lists = [p.repeat for p in pattern.section_lines(section) if p.repeat is not None and p.catch_all]
    if len(lists) != 1:
        return False
    if line.key in _EMPTY:
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
