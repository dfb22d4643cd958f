"""PB109: notes that would hold Python-Markdown too long, or too deep, get a finding that says what to change.

Python-Markdown's time grows with the square of some shapes of text, and its recursion with the depth of
nesting (its issue 798 and the reviews in SECURITY.md): 2,000 `[` in one paragraph take 0.4 s and 8,000
take 6 s; 20,000 `<a ` in 60 KB take 25 s; 500 nested lists or `<div markdown>` blocks raise
RecursionError. These bounds keep a plan page's build under about a second whatever the notes hold
(test_resource_limits.py). Every scan here is linear in the notes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from planbook import placeholders
from planbook.findings import Finding, positions_of
from planbook.loader import Plan

MAX_NOTES_CHARS = 64 * 1024
MAX_NOTES_BRACKETS = 2_000
MAX_PARAGRAPH_COST = 4_000_000  # `[` in a paragraph, times its length: the quadratic term of links
MAX_HTML_COST = 40_000_000  # `<` in the notes, times their length: raw HTML is looked for across paragraphs
MAX_HEADINGS = 300
MAX_NESTING = 20  # list and quote markers, and four-space indents, at the start of a line
MAX_MARKDOWN_HTML = 50  # HTML blocks whose content is Markdown (`<div markdown>`), which nest
MAX_EMPHASIS_RUN = 32  # `*` or `_` in a row
MAX_HTML_NESTING = 100  # raw HTML elements open at once: the search index walks the open ones at every tag
NOTES_WORTH_MEASURING = 100  # shorter notes cannot nest, repeat or multiply deep enough to matter

_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)|^ {0,3}(?:=+|-+)[ \t]*$", re.M)
_NESTING = re.compile(r"^((?:[ \t]*(?:[-*+>]|\d{1,9}[.)])(?=[ \t]|$))+)", re.M)
_NESTING_MARK = re.compile(r"[-*+>]|\d{1,9}[.)]")
_MARKDOWN_HTML = re.compile(r"<[A-Za-z][^<>\n]*\smarkdown\b", re.I)  # `[^<` keeps it linear on `<a <a <a …`
_EMPHASIS_RUN = re.compile(rf"[*_]{{{MAX_EMPHASIS_RUN + 1},}}")
_PARAGRAPH = re.compile(r"(?:[^\n]+\n?)+")
_WHOLE_TAG = re.compile(r"<[/!]?[A-Za-z][^<>\n]*>")
_TAG_START = re.compile(r"<[/!?A-Za-z]")
_HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?:[\s/][^<>]*)?>")
# Elements that never hold others (void), or that the next of their kind closes (optional end tags).
_NOT_NESTING = frozenset(
    "area base br col embed hr img input link meta param source track wbr "
    "p li dt dd tr td th thead tbody tfoot option optgroup rb rt rtc rp colgroup caption html head body".split()
)


def notes_size_findings(plan: Plan) -> Iterator[Finding]:
    """PB109 where the notes would take Markdown too long, or too deep: each bound says what to change."""

    def finding(offset: int, message: str) -> Finding:
        line, column = next(positions_of(plan.notes, [offset], plan.notes_line))
        return Finding(plan.path, line, column, "PB109", message)

    if len(plan.notes) > MAX_NOTES_CHARS:
        yield finding(
            0,
            f"the notes are {len(plan.notes):,} characters; at most {MAX_NOTES_CHARS:,} build in bounded time: "
            "move long material to a linked document",
        )
        return
    scanned = placeholders.mask_markdown(plan.notes, code_only=True)
    yield from _bracket_findings(scanned, finding)
    angles = len(_TAG_START.findall(_WHOLE_TAG.sub("", scanned)))  # a tag closed on its line costs nothing much
    if angles * len(scanned) > MAX_HTML_COST:
        yield finding(
            0,
            f"the notes hold {angles:,} `<` that open no tag closed on its line, in {len(scanned):,} characters; "
            "Markdown's time grows with their product: write `&lt;`, or put them in a code block",
        )
    headings = sum(1 for _ in _HEADING.finditer(scanned))
    if headings > MAX_HEADINGS:
        yield finding(0, f"the notes hold {headings:,} headings; at most {MAX_HEADINGS} build in bounded time")
    for match in _NESTING.finditer(scanned):
        depth = len(_NESTING_MARK.findall(match.group(1))) + match.group(1).expandtabs(4).count("    ")
        if depth > MAX_NESTING:
            yield finding(match.start(), f"lists or quotes nested {depth} deep; at most {MAX_NESTING} levels build")
            break
    blocks = len(_MARKDOWN_HTML.findall(scanned))
    if blocks > MAX_MARKDOWN_HTML:
        yield finding(0, f"the notes hold {blocks} HTML blocks with Markdown inside; at most {MAX_MARKDOWN_HTML} build")
    yield from _html_nesting_findings(scanned, finding)
    run = _EMPHASIS_RUN.search(scanned)
    if run is not None:
        yield finding(
            run.start(),
            f"{len(run.group()):,} `{run.group()[0]}` in a row; at most {MAX_EMPHASIS_RUN} build: put the text in a code block",
        )


def _bracket_findings(scanned: str, finding: Callable[[int, str], Finding]) -> Iterator[Finding]:
    brackets = scanned.count("[")
    if brackets > MAX_NOTES_BRACKETS:
        yield finding(
            0,
            f"the notes hold {brackets:,} `[` outside code; at most {MAX_NOTES_BRACKETS:,} build in bounded time: "
            "put bracket-heavy text in a code block",
        )
        return
    for paragraph in _PARAGRAPH.finditer(scanned):
        text = paragraph.group()
        if text.count("[") * len(text) > MAX_PARAGRAPH_COST:
            yield finding(
                paragraph.start(),
                f"this paragraph of {len(text):,} characters holds {text.count('['):,} `[`; "
                "Markdown's time grows with their product: split it, or put it in a code block",
            )
            return


def _html_nesting_findings(scanned: str, finding: Callable[[int, str], Finding]) -> Iterator[Finding]:
    """Raw HTML nested deeper than MAX_HTML_NESTING: the cleaner closes what the notes leave open, so
    21,500 `<q>` become a page 21,500 elements deep, and the theme's search plugin, which looks at every
    open element at every tag, took 26 s over it. Counts an upper bound: a close tag closes one."""
    depth = 0
    for match in _HTML_TAG.finditer(scanned):
        if match.group(2).lower() in _NOT_NESTING:
            continue
        if match.group(1):
            depth = max(depth - 1, 0)
            continue
        depth += 1
        if depth > MAX_HTML_NESTING:
            yield finding(
                match.start(),
                f"HTML elements nested more than {MAX_HTML_NESTING} deep; at most {MAX_HTML_NESTING} build in "
                "bounded time: close each element you open",
            )
            return
