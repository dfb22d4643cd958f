"""The one HTML policy for plan content, on the site and in exports: what survives of the HTML that a
plan's Markdown becomes, so that plan text never runs in a reader's browser.

The engine escapes every value, but the notes are free Markdown, and Markdown passes raw HTML and
attribute lists (`{: #id .class }`) through. So the HTML goes through an allowlist (nh3):

- tags of Markdown, tables, task lists, admonitions, details, Mermaid blocks and progress bars;
- links only to http(s), mailto and addresses in the page; no script, style, event handler or form;
- `id` only on headings (the table of contents links to them), made of letters, digits, `-` and `_`
  (the theme prints the table of contents' ids unescaped), and never one the theme or our scripts look
  up: Material reads its whole configuration from `#__config` and finds `#__search`, `#__drawer` and
  others by id, all starting with `__`, Mermaid makes `d__mermaid_0`, ours start with `pb-`. Such an
  id, and every link to it, is renamed into the plan's namespace (`plan-__config`); `namespaced_id`
  does the same for the table of contents;
- `class` only from an allowlist: the classes Markdown's extensions write. The template's own markup
  (badges, progress bars, downloads) is held aside (`TrustedHtml`) and put back after cleaning, so no
  plan can dress up as it;
- images are never loaded from elsewhere: a remote image would be a request from every reader's
  browser, a tracking pixel. It shows as a link to the image instead; inline `data:` images stay;
- Mermaid diagrams lose `%%{init}%%` directives and front matter, which could re-configure Mermaid for
  the page (`themeCSS` fetches remote style sheets, `securityLevel` lifts its own sanitizing), and
  begin with a comment line of ours, so nothing can stand before it as front matter.

The site's pages also carry a Content-Security-Policy (docs/overrides/main.html): whatever slips past
this policy still fetches nothing from elsewhere.
"""

from __future__ import annotations

import functools
import html
import re
from typing import Any
from urllib.parse import urlsplit

import nh3

# The class our own internal box carries until the page is clean: `pbinternal` and the render's token
# (`TrustedHtml.internal_class`); a plan cannot know the token, so it cannot dress text up as internal.
from planbook.trusted_html import INTERNAL_CLASS as _INTERNAL_CLASS

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
TAGS = _HEADINGS | {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "hr",
    "i",
    "img",
    "input",
    "ins",
    "kbd",
    "label",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "progress",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
    "var",
}
ATTRIBUTES = {
    "*": {"class", "title", "lang", "dir"},
    "a": {"href"},  # no `download`: a plan cannot offer a file under a name it picks
    "img": {"src", "alt"},  # no size: a 10,000,000-pixel-high image would print 10,000 pages
    # Task lists: pymdownx.tasklist writes disabled checkboxes. Every input is made one (below).
    "input": {"checked", "aria-label"},
    "progress": {"max", "value", "aria-label"},
    "details": {"open"},
    "ol": {"start", "type"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "scope", "style"},
    **{heading: {"id"} for heading in _HEADINGS},  # the table of contents links to them
}
# Set on every input, whatever it said: a plan shows ticked boxes, it takes no input.
SET_ATTRIBUTES = {"input": {"type": "checkbox", "disabled": ""}}
# Markdown tables align columns with `style="text-align: …"`; no other property survives.
STYLE_PROPERTIES = {"text-align"}
URL_SCHEMES = {"http", "https", "mailto", "data"}  # `data:` only for images: see `_keep_attribute`

#: Ids with these beginnings belong to the theme (`__config`, `__search`, `__drawer`, `__palette_0`,
#: `__code_1` …), to Material's classes (`md-`) or to planbook's own markup and scripts (`pb-`); and any
#: id holding `__` may be one Mermaid makes (`d__mermaid_0`, `i__mermaid_0`).
RESERVED_ID_PREFIXES = ("_", "md-", "pb-")
ID_NAMESPACE = "plan-"
_NOT_ID = re.compile(r"[^A-Za-z0-9_-]")

#: Material's admonition types and their aliases (not `internal`: only our own box is internal).
ADMONITION_TYPES = frozenset(
    "note abstract summary tldr info todo tip hint important success check done question help faq warning "
    "caution attention failure fail missing danger error bug example quote cite inline end".split()
)
#: The classes a page's content may carry, by tag: those Markdown's extensions write. The plan
#: template's own markup (badges, progress bars, download links) is not cleaned but held aside
#: (`TrustedHtml`), so its `pb-` classes are not here and no plan can dress up as them.
CLASSES: dict[str, frozenset[str]] = {
    "a": frozenset({"headerlink"}),
    "blockquote": frozenset({"pb-internal"}),  # the export's mark on internal content: styling only
    "details": ADMONITION_TYPES,
    "div": ADMONITION_TYPES | {"admonition"},
    "label": frozenset({"task-list-control"}),
    "li": frozenset({"task-list-item"}),
    "p": frozenset({"admonition-title"}),
    "pre": frozenset({"mermaid"}),
    "span": frozenset({"task-list-indicator"}),
    "ul": frozenset({"task-list"}),
}


def is_reserved_id(value: str) -> bool:
    return value.startswith(RESERVED_ID_PREFIXES) or "__" in value


def namespaced_id(value: str) -> str:
    """An id from plan content as it may stand in the page: letters, digits, `-` and `_` only (the
    theme prints the table of contents' ids unescaped), and renamed out of the theme's way."""
    text = _NOT_ID.sub("-", value)
    if not text or not text[0].isalnum() or is_reserved_id(text):
        return f"{ID_NAMESPACE}{text}"
    return text


def _keep_attribute(tag: str, name: str, value: str) -> str | None:
    if name == "id":
        return namespaced_id(value)
    if name == "class":
        allowed = CLASSES.get(tag, frozenset())
        kept = [
            token
            for token in dict.fromkeys(value.split())
            if token in allowed or (tag == "div" and _INTERNAL_CLASS.fullmatch(token))
        ]
        return " ".join(kept) or None
    if name in ("href", "src"):
        return _kept_address(tag, name, value)
    return value


def browser_address(value: str) -> str:
    """An address as a browser reads it: leading and trailing control characters and spaces gone, and
    every tab and line break inside it gone (`d&#9;ata:` is `data:` to a browser)."""
    return _TAB_OR_NEWLINE.sub("", value).strip(
        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13"
        "\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "
    )


def _kept_address(tag: str, name: str, value: str) -> str | None:
    """A link's or an image's address as the browser reads it, if its scheme may stand; a fragment in the
    page, or on another page of the site, renamed as the ids are."""
    address = browser_address(value)
    scheme = _SCHEME.match(address)
    if scheme is not None:
        kind = scheme.group(1).lower()
        if tag == "img" and name == "src":
            return address if kind in ("http", "https") or _RASTER_DATA.match(address) else None
        return address if kind in ("http", "https", "mailto") else None
    if tag == "img":
        return None  # a relative image has nothing to show on the site, and a request is not ours to make
    before, hash_, fragment = address.partition("#")
    return f"{before}#{namespaced_id(fragment)}" if hash_ and fragment else address


@functools.cache
def _cleaner() -> Any:
    return nh3.Cleaner(
        tags=TAGS,
        attributes=ATTRIBUTES,
        set_tag_attribute_values=SET_ATTRIBUTES,
        filter_style_properties=STYLE_PROPERTIES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_keep_attribute,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


_TEXT_ONLY = nh3.Cleaner(tags=set(), attributes={}, strip_comments=True)
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_RASTER_DATA = re.compile(r"data:image/(?:png|jpeg|gif|webp);", re.I)
_IMG = re.compile(r"<img\b([^>]*)>")
_ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
# Any <pre> Material would draw: nh3 writes attributes double-quoted, in any order.
_MERMAID = re.compile(r'(<pre\b[^>]*\bclass="(?:[^"]*\s)?mermaid(?:\s[^"]*)?"[^>]*>)(.*?)(</pre>)', re.S)
_DIRECTIVE = re.compile(r"%%\s*\{.*?\}\s*%%", re.S)
_OPEN_DIRECTIVE = re.compile(r"%%\s*\{")  # Mermaid reads an unclosed one to the end of the diagram
#: The first line of every diagram: nothing before it can be front matter, which Mermaid reads only
#: at the very start (its own comments go only after the front matter is read).
DIAGRAM_LEAD = "%% planbook: settings written in a diagram are not applied"


def clean_plan_html(markup: str) -> str:
    """`markup` with only the allowlisted tags, attributes, classes and link schemes left, ids out of
    the theme's way, remote images as links, and Mermaid diagrams that cannot re-configure Mermaid."""
    cleaned: str = _cleaner().clean(markup)
    if _SET_IN_ANY_ORDER in cleaned:
        cleaned = cleaned.replace(_SET_IN_ANY_ORDER, _SET_IN_ORDER)
    if "<img" in cleaned:
        cleaned = _IMG.sub(_image_as_link, cleaned)
    if 'class="mermaid"' in cleaned:
        cleaned = _MERMAID.sub(_plain_diagram, cleaned)
    return cleaned


#: nh3 appends SET_ATTRIBUTES' values to a tag in the order of a hash table seeded anew by each process;
#: one order, so that the same plan makes the same bytes in every build (and the build cache can hold
#: them). `="">` cannot occur in text or in a value, where nh3 escapes `"`: only in a tag.
_SET_IN_ANY_ORDER = ' disabled="" type="checkbox">'
_SET_IN_ORDER = ' type="checkbox" disabled="">'


def plain_text(markup: str) -> str:
    """`markup` as text: tags dropped, what is left escaped."""
    return _TEXT_ONLY.clean(markup)


def _image_as_link(match: re.Match[str]) -> str:
    attributes = {name: html.unescape(value) for name, value in _ATTRIBUTE.findall(match.group(1))}
    source = attributes.get("src", "")  # as `_kept_address` left it: a browser's reading, http(s) or raster data
    if _RASTER_DATA.match(source):
        return match.group(0)
    alt = attributes.get("alt", "").strip() or "image"
    if not source:
        return html.escape(f"[{alt}]", quote=False)
    try:
        host = urlsplit(source).hostname or "elsewhere"
    except ValueError:  # no address a browser would read: then it is no image either
        host = "an address that does not parse"
    label = f"{alt} (image at {host}, not loaded)"
    return f'<a class="pb-remote-image" href="{html.escape(source)}" rel="noopener noreferrer">{html.escape(label, quote=False)}</a>'


def _plain_diagram(match: re.Match[str]) -> str:
    """A Mermaid block without its front matter and its `%%{…}%%` directives."""
    opening, body, closing = match.groups()
    inner = re.fullmatch(r"(<code[^>]*>)?(.*?)(</code>)?", body, re.S)
    assert inner is not None  # the pattern matches any text
    code_open, text, code_close = inner.group(1) or "", html.unescape(inner.group(2)), inner.group(3) or ""
    text = _without_front_matter(text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _OPEN_DIRECTIVE.sub("%% (", _DIRECTIVE.sub("", text))
    if not text.startswith(DIAGRAM_LEAD):
        text = f"{DIAGRAM_LEAD}\n{text}"
    return f"{opening}{code_open}{html.escape(text, quote=False)}{code_close}{closing}"


def _without_front_matter(text: str) -> str:
    """`text` without a leading `---` block, however its lines are padded (JavaScript's `\\s`, which
    Mermaid's pattern uses, takes U+00A0 and the other Unicode spaces, as Python's does)."""
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or not lines[first].strip().startswith("---"):
        return text
    for end in range(first + 1, len(lines)):
        if lines[end].strip().startswith("---"):
            return "\n".join(lines[end + 1 :])
    return ""
