"""Internal-only content: what the team sees and a client never does.

A plan marks content internal in two ways:

- the optional `internal:` mapping in the front matter (day rate, budget, notes for the team);
- a block of its notes between `<!-- internal -->` and `<!-- /internal -->` lines.

The site shows internal content marked as internal; exports leave it out unless asked for it
(`planbook export --internal`). Markers fail closed: an opening marker that is never closed makes the
rest of the notes internal, and a closing marker with no opening one makes everything before it (back
to the previous marker, or the start of the notes) internal, since its opening marker was most likely
misspelled. `check` reports both as PB401, so the author fixes the marker rather than loses text.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterator

from planbook import visible
from planbook.escape import Markdown
from planbook.findings import Finding, positions_of
from planbook.placeholders import mask_markdown

TITLE = "Internal — not in client exports"
# Lenient on purpose: `<!--internal-->`, `<!-- INTERNAL: pricing -->`, `<!--- internal -->`, a marker with an
# invisible character pasted in (`in\u200bternal`, a soft hyphen, U+FFFD where a control character was) or a
# look-alike letter (a dotless `ı`) all open a block, so that a near-miss spelling hides text instead of
# publishing it. A closing marker must say `/internal` and nothing else, so that no near miss ends a block
# early and publishes what follows.
_WORD = re.compile(r"[^\W\d_]+")


def _marker_kind(content: str) -> bool | None:
    """True for an opening marker's content, False for a closing one's, None for another comment."""
    text = visible.folded(content)
    word = _WORD.search(text)
    if word is None or not _like_internal(word.group()):
        return None
    before, after = text[: word.start()], text[word.end() :]
    if "/" in before:  # closing: `/internal` exactly, so that no near miss ends a block early
        exact = word.group() == "internal" and not _WORD.search(after) and not before.replace("/", "").strip(" \t\n-!")
        return False if exact else None
    return True if not _WORD.search(before) else None


def _like_internal(word: str) -> bool:
    return word == "internal" or difflib.SequenceMatcher(None, word, "internal").ratio() >= 0.85


@dataclasses.dataclass(frozen=True)
class Part:
    """A run of the notes: `start` is its character offset in the notes."""

    text: str
    internal: bool
    start: int


@dataclasses.dataclass(frozen=True)
class MarkerProblem:
    offset: int  # of the marker in the notes
    message: str


@dataclasses.dataclass(frozen=True)
class _Marker:
    start: int
    end: int
    opening: bool  # else closing


def _markers(notes: str) -> Iterator[_Marker]:
    """The internal markers among the notes' HTML comments, in one pass: each `<!--` runs to the next
    `-->`, or to the end when there is none, as in HTML. A comment inside another is not a marker."""
    position = 0
    while True:
        start = notes.find("<!--", position)
        if start < 0:
            return
        close = notes.find("-->", start + 4)
        end = len(notes) if close < 0 else close + 3
        kind = _marker_kind(notes[start + 4 : close if close >= 0 else len(notes)])
        if kind is not None:
            yield _Marker(start, end, opening=kind)
        position = end


def holds_marker(text: str) -> bool:
    """Whether `text` holds an internal marker, opening or closing, near misses included."""
    return "<!--" in text and next(_markers(text), None) is not None


def split_notes(notes: str) -> tuple[list[Part], list[MarkerProblem]]:
    """The notes as public and internal runs, in order, with the markers themselves left out."""
    parts: list[Part] = []
    problems: list[MarkerProblem] = []
    position = 0
    opened: _Marker | None = None
    for marker in _markers(notes):
        if opened is None and not marker.opening:
            # A closing marker with no opening one: fail closed.
            parts.append(Part(notes[position : marker.start], True, position))
            problems.append(
                MarkerProblem(
                    marker.start,
                    "`<!-- /internal -->` closes a block that was never opened, "
                    "so everything above it, back to the previous marker, is treated as internal; "
                    "add the `<!-- internal -->` line where the internal text begins",
                )
            )
        elif opened is None:
            parts.append(Part(notes[position : marker.start], False, position))
            opened = marker
        elif not marker.opening:
            parts.append(Part(notes[opened.end : marker.start], True, opened.end))
            opened = None
        else:
            continue  # a second opening marker inside an open block: the block goes on
        position = marker.end
    if opened is not None:
        parts.append(Part(notes[opened.end :], True, opened.end))
        problems.append(
            MarkerProblem(
                opened.start,
                "`<!-- internal -->` is never closed, so the rest of the notes is "
                "treated as internal; add a `<!-- /internal -->` line where the internal text ends",
            )
        )
    elif position <= len(notes):
        parts.append(Part(notes[position:], False, position))
    return [part for part in parts if part.text], problems


def internal_spans(notes: str) -> list[tuple[int, int]]:
    """The character ranges of the notes that are internal, their markers included (a marker's comment
    may hold text too, and an unclosed one holds the rest of the notes): what no finding quotes."""
    if "<!--" not in notes:
        return []
    spans = []
    position = 0
    opened: _Marker | None = None
    for marker in _markers(notes):
        if opened is None and not marker.opening:
            spans.append((position, marker.end))
        elif opened is None:
            opened = marker
            continue
        elif not marker.opening:
            spans.append((opened.start, marker.end))
            opened = None
        else:
            continue
        position = marker.end
    if opened is not None:
        spans.append((opened.start, len(notes)))
    return spans


def notes_markdown(notes: str, *, include: bool, site: bool, box: str = "internal") -> Markdown:
    """The notes as they are shown: internal blocks left out, or kept and marked as internal.

    Left out, the public runs join as they stand, so a marker pair inside a sentence drops only its
    words. Kept, each internal run becomes a block of its own, an admonition on the site and a block
    quote in plain Markdown.
    """
    parts, _ = split_notes(notes)
    pieces: list[str] = []
    for part in parts:
        if not part.internal:
            pieces.append(part.text)
        elif include and part.text.strip():
            # Blank lines around the block, however the markers sat; the user's own spacing elsewhere stays.
            pieces[-1:] = [pieces[-1].rstrip(" \t\n") + "\n\n"] if pieces else []
            pieces.append(f"{mark(Markdown(part.text.strip(chr(10))), site=site, box=box)}\n\n")
    text = "".join(pieces)
    return Markdown(text.strip("\n") if text.strip() else "")


def mark(text: Markdown, *, site: bool, box: str = "internal") -> Markdown:
    """Internal Markdown, marked as such: a Material admonition on the site, a block quote elsewhere.
    `box` is the admonition's type: on a page being built, a class of the render's own
    (`TrustedHtml.internal_class`), so that only planbook can make the internal box."""
    lines = text.strip("\n").split("\n")
    if site:
        body = "\n".join(f"    {line}" if line.strip() else "" for line in lines)
        return Markdown(f'!!! {box} "{TITLE}"\n\n{body}')
    body = "\n".join(f"> {line}" if line.strip() else ">" for line in lines)
    return Markdown(f"> **{TITLE}**\n>\n{body}")


def marker_findings(path: str, notes: str, notes_line: int) -> Iterator[Finding]:
    """PB401 for each marker without its partner, at the marker's line and column in the file."""
    _, problems = split_notes(notes)
    places = positions_of(notes, (problem.offset for problem in problems), notes_line)
    for problem, (line, column) in zip(problems, places):
        yield Finding(path, line, column, "PB401", problem.message)


# `!!! internal` in the notes draws a box that reads "internal" but is plain content: a client gets it.
_LOOK_ALIKE_BOX = re.compile(r"^[ \t>]*(?:!!!|\?\?\?\+?)[ \t]+internal\b", re.M | re.I)


def look_alike_findings(path: str, notes: str, notes_line: int) -> Iterator[Finding]:
    """PB401 for each `!!! internal` box outside code: the author meant it internal, and it is not."""
    if not _LOOK_ALIKE_BOX.search(notes):
        return
    offsets = [match.start() for match in _LOOK_ALIKE_BOX.finditer(mask_markdown(notes, code_only=True))]
    for line, column in positions_of(notes, offsets, notes_line):
        yield Finding(
            path,
            line,
            column,
            "PB401",
            "an `!!! internal` box is not internal content, and a client would "
            "see it: put the text between `<!-- internal -->` and `<!-- /internal -->` lines",
        )
