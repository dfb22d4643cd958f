"""A Markdown document as lines that say what they are: a heading, a list item (ticked or not), a table
row, a quote, a paragraph line. Both sides of an import are read with it: the template rendered with the
probe, and the plan a person wrote. So whatever it forgives (bold labels, `*` bullets, `[X]`, escapes,
entities, trailing hard breaks) it forgives on both sides alike.

Text is compared in `key` form: lower case, words only. Values keep their words and punctuation:
bold markers go, escapes and entities are undone, runs of spaces become one.
"""

from __future__ import annotations

import dataclasses
import difflib
import html
import re
import unicodedata

_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t#]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_ITEM = re.compile(r"^([ \t]*)([-*+•]|\d{1,9}[.)])[ \t]+(?:\[([ xX✓✔])\][ \t]*)?(.*)$")
_BOX_ONLY = re.compile(r"^([ \t]*)\[([ xX✓✔])\][ \t]+(.*)$")  # a checkbox written without its bullet
_ROW = re.compile(r"^[ \t]*\|.*\|?[ \t]*$")
_SEPARATOR = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}>[ \t]?(.*)$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# The seed's Handlebars-like blocks, `{{#if accounting}}` … `{{/if}}`, left in a plan written from it.
_MARKER = re.compile(r"^[ \t]*\{\{\s*(?:[#^]\s*(?:if|unless)\b\s*([^}]*?)|/\s*(?:if|unless)|else)\s*\}\}[ \t]*$")
# Bold as CommonMark reads it: a pair of `**` around text, or of `__` that stands outside a word
# (`__class__` is a word, not bold).
_BOLD = re.compile(r"(?<!\\)\*\*(?=\S)(.+?)(?<=[^\s\\])\*\*|(?<![\w\\])__(?=\S)(.+?)(?<=[^\s\\])__(?!\w)")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])|&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_HARD_BREAK = re.compile(r"(?:[ \t]{2,}|\\)$")
_LABEL = re.compile(r"^\s*(?:\*\*|__|[^\W\d][\w ()/&'’.-]{0,40}:\s)")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
_NOT_WORD = re.compile(r"[^\w%]+")
_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*[.)]?|[ivx]+[.)])\s+")


@dataclasses.dataclass
class Line:
    """One line of a document. `text` is its content without the markup that says what it is."""

    number: int  # 1-based
    raw: str
    kind: str  # heading, item, row, separator, quote, paragraph, rule, blank, marker, fence
    text: str = ""
    level: int = 0  # a heading's level; a list item's indent
    ticked: bool | None = None  # a checkbox item: ticked or not; None for any other line
    ordered: bool = False
    cells: list[str] = dataclasses.field(default_factory=list)
    marker: str | None = None  # a block marker's condition, `accounting` in `{{#if accounting}}`
    end: int = 0  # the last line it spans: a paragraph or list item wrapped over several lines

    def __post_init__(self) -> None:
        self.end = self.end or self.number

    @property
    def key(self) -> str:
        return key_of(self.text)


def read_lines(text: str) -> list[Line]:
    """The document's lines, read as Markdown. A fenced code block's lines stay `fence`: never a field."""
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines: list[Line] = []
    fence: str | None = None
    for number, raw in enumerate(raw_lines, start=1):
        opened = _FENCE.match(raw)
        if fence is not None or opened:
            if fence is None and opened:
                fence = opened.group(1)[0] * len(opened.group(1))
            elif opened and fence is not None and raw.strip().startswith(fence):
                fence = None
            lines.append(Line(number, raw, "fence", raw))
            continue
        line = read_line(number, raw, lines[-1] if lines else None)
        if lines and _carries_on(lines[-1], line):
            _join(lines[-1], line)
        else:
            lines.append(line)
    return lines


def _carries_on(before: Line, line: Line) -> bool:
    """Whether `line` wraps the paragraph or list item above it: no blank line and no hard break
    between, and it does not start a label of its own (`**Client**: …`, `Window: …`)."""
    if line.kind != "paragraph" or before.kind not in ("paragraph", "item"):
        return False
    if _HARD_BREAK.search(before.raw.split("\n")[-1].rstrip("\n")):
        return False
    if before.kind == "item":
        return line.raw[:1] in (" ", "\t")
    return not _LABEL.match(line.raw)


def _join(before: Line, line: Line) -> None:
    before.raw = f"{before.raw}\n{line.raw}"
    before.text = f"{before.text} {line.text}".strip()
    before.end = line.number


def read_line(number: int, raw: str, before: Line | None = None) -> Line:
    stripped = raw.strip()
    if not stripped:
        return Line(number, raw, "blank")
    if _MARKER.match(raw):
        condition = _MARKER.match(raw).group(1)  # type: ignore[union-attr]
        return Line(number, raw, "marker", stripped, marker=(condition or "").strip() or None)
    heading = _HEADING.match(raw)
    if heading:
        return Line(number, raw, "heading", inline_text(heading.group(2) or ""), level=len(heading.group(1)))
    if before is not None and before.kind == "paragraph" and _SETEXT.match(raw):
        before.kind, before.level = "heading", 1 if stripped.startswith("=") else 2
        return Line(number, raw, "blank")  # the underline itself says nothing more
    if _RULE.match(raw):
        return Line(number, raw, "rule")
    if _SEPARATOR.match(raw) and "|" in raw:
        return Line(number, raw, "separator")
    if _ROW.match(raw):
        cells = [inline_text(cell) for cell in _cells(raw)]
        return Line(number, raw, "row", " | ".join(cells), cells=cells)
    quote = _QUOTE.match(raw)
    if quote:
        text = inline_text(quote.group(1))
        return Line(number, raw, "quote" if text else "blank", text)
    item = _ITEM.match(raw) or _BOX_ONLY.match(raw)
    if item:
        groups = item.groups()
        indent, bullet, box, content = groups if len(groups) == 4 else (groups[0], "-", groups[1], groups[2])
        return Line(
            number,
            raw,
            "item",
            inline_text(content),
            level=len(indent.expandtabs(4)),
            ticked=None if box is None else box != " ",
            ordered=bullet[0].isdigit(),
        )
    return Line(number, raw, "paragraph", inline_text(raw))


def inline_text(markdown: str) -> str:
    """A line's words as they read: bold markers gone, escapes and entities undone, spaces collapsed."""
    text = _HARD_BREAK.sub("", markdown.strip())
    text = _BOLD.sub(lambda match: match.group(1) or match.group(2), text)
    text = _ESCAPED.sub(_unescape, text)
    text = _BREAK_TAG.sub("\n", text)
    return "\n".join(" ".join(part.split()) for part in text.split("\n")).strip()


def key_of(text: str) -> str:
    """Text as compared with the template's: case, accents' forms, `&`/`and` and punctuation aside."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("&", " and ")
    return " ".join(_NOT_WORD.sub(" ", folded).split())


def _cells(raw: str) -> list[str]:
    body = raw.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [cell.strip() for cell in _CELL_SPLIT.split(body)]


def _unescape(match: re.Match[str]) -> str:
    if match.group(1) is not None:
        return match.group(1)
    return html.unescape(f"&{match.group(2)};")


def similarity(one: str, other: str) -> float:
    """How alike two keys read: their letters in order, the words they share, one inside the other,
    and the same leading number (`phase 2`, `3`) counting for more."""
    one, other = _NUMBERING.sub("", one), _NUMBERING.sub("", other)
    if not one or not other:
        return 0.0
    ratio = difflib.SequenceMatcher(None, one, other).ratio()
    words, theirs = set(one.split()), set(other.split())
    shared = len(words & theirs) / len(words | theirs)
    inside = 0.7 if words <= theirs or theirs <= words else 0.0
    numbered = re.match(r"^(\w+ \d+)\b", one)
    same_number = 0.7 if numbered and other.startswith(numbered.group(1)) else 0.0
    return max(ratio, shared, inside, same_number)
