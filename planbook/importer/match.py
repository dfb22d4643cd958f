"""One line of a document against one line of the template: does it fit, and with which values.

A line of the template becomes regexes (`pattern`); a line matches one whole, or a run of its
labelled parts. A line of the template's own words matches a line whose words are close enough and
whose numbers are the same: `> 10%` is not the template's `> 5%`.
"""

from __future__ import annotations

import dataclasses
import re

from planbook.importer.lines import Line, similarity
from planbook.importer.pattern import PatternLine


@dataclasses.dataclass
class Placed:
    line: Line
    pattern: PatternLine
    values: dict[int, str]  # slot index in `pattern.slots` → the text that fills it
    partial: bool = False  # only a run of the line's labelled parts matched


def fits(line: Line, candidate: PatternLine) -> bool:
    if candidate.kind == "row" or line.kind == "row":
        return candidate.kind == line.kind and len(candidate.line.cells) == len(line.cells)
    if candidate.kind == "item" and candidate.line.ticked is not None and candidate.catch_all:
        return line.kind == "item" and line.ticked is not None  # a phase's own task is a checkbox
    if candidate.kind == "item" and candidate.catch_all:
        return line.kind == "item" and line.ticked is None
    if candidate.kind in ("paragraph", "item") and line.kind in ("paragraph", "item"):
        return True  # a label written as a list item, or a list item without its bullet
    return candidate.kind == line.kind


def scored(line: Line, candidate: PatternLine) -> tuple[float, Placed] | None:
    found = match_line(line, candidate)
    if found is not None:
        values, partial = found
        score = 0.95 if partial else 1.01 if candidate.default else 1.0
        return score, Placed(line, candidate, values, partial)
    if candidate.slots or candidate.kind == "row":
        return None
    if re.findall(r"\d+", line.key) != re.findall(r"\d+", candidate.literal):
        return None  # a line of the template's with other numbers says something else: `> 10%`, not `> 5%`
    return similarity(line.key, candidate.literal), Placed(line, candidate, {})


def match_line(line: Line, candidate: PatternLine) -> tuple[dict[int, str], bool] | None:
    """The values a line gives a template line, and whether only part of it matched; None if it does not."""
    if candidate.kind != "row":
        found = match(line.text, candidate.regexes[0])
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
            found = match(cell, alternatives[:1])
            if found is None:
                return None
            values.update({offset + slot: text for slot, text in found.items()})
        offset += count
    return values, False


def match(text: str, alternatives: list[tuple[re.Pattern[str], list[int]]]) -> dict[int, str] | None:
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
