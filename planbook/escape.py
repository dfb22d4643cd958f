"""Escape plan values for where they land: inline Markdown, a block of Markdown, a table cell, a code
span, a Mermaid label, a link, HTML.

Plan text is data. Escaping makes Markdown show it as written: no emphasis, no links, no raw HTML, no
attribute lists (`{: onclick=…}`), no admonitions or headings from a value that starts a line. The
functions return `Markdown`, a `str` that the renderer passes through without escaping it again.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit


class Markdown(str):
    """Text that is already safe Markdown: escaped values, or markup the renderer wrote itself."""


# Control characters other than tab and newline have no business in a plan; \x02 and \x03 would
# even collide with Python-Markdown's internal placeholders, and \x9b is a terminal's CSI.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_INLINE = str.maketrans(
    {
        "\\": "\\\\",
        "`": "\\`",
        "*": "\\*",
        "_": "\\_",
        "[": "\\[",
        "]": "\\]",
        "{": "\\{",
        "}": "\\}",
        "#": "\\#",
        "!": "\\!",
        "<": "&lt;",
        ">": "&gt;",
        "&": "&amp;",
    }
)
# What a line must not start with: list markers, headings and setext underlines, block quotes,
# admonitions and collapsible blocks (`!!!`, `???`), definition and footnote markers, tables.
_LINE_START = re.compile(r"^([ \t]*)([-+=:|~?]|\d+(?=[.)]))")
_NOT_XML = re.compile("[\ufffe\uffff\ud800-\udfff]")
_MERMAID_UNSAFE = re.compile(r"[^\w \-.,/()+'’&]", re.UNICODE)


def clean(text: str) -> str:
    return _CONTROL.sub("\ufffd", text)


def one_line(value: object) -> str:
    """Plan text quoted in a finding: on one line, with line breaks, control and format characters
    written as escapes (`\\n`, `\\x1b`, `\\u202e`).

    A finding is a line in a terminal or a CI log. There a raw line break would start a line of the
    plan author's choosing (on GitHub Actions, a `::workflow command`), and an escape sequence would
    drive the terminal.
    """
    text = str(value)
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A value for a CSV cell. Numbers stay numbers; text a spreadsheet would run as a formula
    (`=HYPERLINK(…)`, `+`, `-`, `@`) starts with an apostrophe, and control characters show as U+FFFD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    text = clean(str(value))
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def inline(value: object) -> Markdown:
    """A value on one line of Markdown: newlines fold into spaces."""
    text = " ".join(clean(str(value)).split())
    return Markdown(_guard_line_start(text.translate(_INLINE)))


def block(value: object) -> Markdown:
    """A multi-line value as paragraphs: line breaks and blank lines kept, nothing else interpreted."""
    lines = []
    for line in clean(str(value)).strip("\n").split("\n"):
        # Leading spaces would make an indented code block; the text, not its indentation, matters.
        lines.append(_guard_line_start(line.strip().translate(_INLINE)))
    return Markdown("\n".join(lines))


def cell(value: object) -> Markdown:
    """A value in a Markdown table cell: `|` escaped, line breaks as `<br>`."""
    parts = [inline(line).replace("|", "\\|") for line in clean(str(value)).splitlines() or [""]]
    return Markdown("<br>".join(part for part in parts if part) or " ")


def code(value: object) -> Markdown:
    """A value as an inline code span, fenced with more backticks than it contains."""
    text = " ".join(clean(str(value)).split())
    if not text:  # "``" is no code span: Markdown would show the two backticks
        return Markdown("")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return Markdown(f"{fence}{pad}{text}{pad}{fence}")


def mermaid_label(value: object, limit: int = 60) -> Markdown:
    """A value as a Mermaid label: only letters, digits, spaces and harmless punctuation survive.

    Mermaid gives `:`, `;`, `#`, quotes and brackets meaning, and its labels can carry HTML, so the
    safe set is a whitelist rather than an escape.
    """
    text = " ".join(_MERMAID_UNSAFE.sub(" ", clean(str(value))).split())
    return Markdown(text[:limit].strip() or "untitled")


def html_text(value: object) -> Markdown:
    """A value inside HTML that the renderer writes itself (a badge, an attribute)."""
    return Markdown(html.escape(clean(str(value)), quote=True))


def xml_text(value: object) -> Markdown:
    """A value inside SVG (or other XML) that planbook writes: HTML-escaped, and without the characters
    XML forbids even as references (U+FFFE, U+FFFF, lone surrogates), which would leave it unparsable."""
    return Markdown(_NOT_XML.sub("\ufffd", html_text(value)))


def safe_url(value: str) -> str | None:
    """`value` as an http(s) URL or a relative path to link to, or None when it is not safe to link."""
    text = clean(value).strip()
    if not text or any(c.isspace() for c in text):
        return None
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - reading it is how a bad port shows
    except ValueError:  # `https://[docs`, a fullwidth `＠` in the host: no address to link to
        return None
    if parts.scheme:
        return text if parts.scheme in ("http", "https") and parts.netloc else None
    if text.startswith("//") or ":" in text.split("/", 1)[0]:
        return None
    return text


def is_web_address(value: str) -> bool:
    """Whether `value` is a safe, full http(s) address (a host and all)."""
    target = safe_url(value)
    return target is not None and urlsplit(target).scheme in ("http", "https")


def link(label: object, url: str) -> Markdown:
    """A Markdown link to a safe URL; anything else shows as code, never as a link."""
    target = safe_url(url)
    if target is None:
        return code(url)
    return Markdown(f"[{inline(label)}]({quote(target, safe=':/?#@!$&*+,;=%-._~')})")


def _guard_line_start(line: str) -> str:
    match = _LINE_START.match(line)
    if match is None:
        return line
    indent, marker = match.groups()
    rest = line[match.end() :]
    if marker[0].isdigit():  # "1." starts an ordered list; "1\." does not
        return f"{indent}{marker}\\{rest}"
    return f"{indent}&#{ord(marker)};{rest}"
