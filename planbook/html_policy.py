"""The one HTML policy for plan content, on the site and in exports: what survives of the HTML that a
plan's Markdown becomes, so that plan text never runs in a reader's browser.

The engine escapes every value, but the notes are free Markdown, and Markdown passes raw HTML and
attribute lists (`{: #id .class }`) through. So the HTML goes through an allowlist (nh3):

- tags of Markdown, tables, task lists, admonitions, details, Mermaid blocks, progress bars and badges;
- links only to http(s), mailto and addresses in the page; no script, style, event handler or form;
- `id` only on headings (the table of contents links to them), and never one the theme or our scripts
  look up: Material reads its whole configuration from `#__config` and finds `#__search`, `#__drawer`
  and others by id, all starting with `__`, and ours start with `pb-`. Such an id, and every link to
  it, is renamed into the plan's namespace (`plan-__config`); `namespaced_id` does the same for the
  table of contents the theme prints outside the content;
- `class` only from an allowlist: the classes Markdown's extensions and the plan template write;
- images are never loaded from elsewhere: a remote image would be a request from every reader's
  browser, a tracking pixel. It shows as a link to the image instead; inline `data:` images stay;
- Mermaid diagrams lose `%%{init}%%` directives and front matter, which could re-configure Mermaid for
  the page (`themeCSS` fetches remote style sheets, `securityLevel` lifts its own sanitizing).
"""

from __future__ import annotations

import functools
import html
import re
from typing import Any
from urllib.parse import urlsplit

import nh3

from planbook.schema import STATUSES

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
TAGS = _HEADINGS | {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "figcaption", "figure", "hr", "i", "img", "input", "ins", "kbd", "label", "li", "mark", "ol",
    "p", "pre", "progress", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var",
}
ATTRIBUTES = {
    "*": {"class", "title", "lang", "dir"},
    "a": {"href", "download"},
    "img": {"src", "alt", "width", "height"},
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
#: `__code_1` …), to Material's classes (`md-`) or to planbook's own markup and scripts (`pb-`).
RESERVED_ID_PREFIXES = ("_", "md-", "pb-")
ID_NAMESPACE = "plan-"

#: Material's admonition types and their aliases, and our own `internal`.
ADMONITION_TYPES = frozenset({
    "note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important", "success", "check",
    "done", "question", "help", "faq", "warning", "caution", "attention", "failure", "fail", "missing",
    "danger", "error", "bug", "example", "quote", "cite", "inline", "end", "internal",
})
#: The classes a plan page's content may carry, by tag: those Markdown's extensions and the plan
#: template write. The template's own are `pb-`; a plan cannot reach them, as it cannot write a tag's
#: class without going through this list.
CLASSES: dict[str, frozenset[str]] = {
    "a": frozenset({"headerlink", "pb-download", "pb-remote-image"}),
    "blockquote": frozenset({"pb-internal"}),
    "details": ADMONITION_TYPES,
    "div": ADMONITION_TYPES | {"admonition", "pb-badges", "pb-downloads"},
    "label": frozenset({"task-list-control"}),
    "li": frozenset({"task-list-item"}),
    "p": frozenset({"admonition-title"}),
    "pre": frozenset({"mermaid"}),
    "span": frozenset({"pb-badge", "pb-completeness", "pb-confidence", "pb-progress", "pb-status", "task-list-indicator",
                       *(f"pb-status--{status}" for status in STATUSES)}),
    "ul": frozenset({"task-list"}),
}


def is_reserved_id(value: str) -> bool:
    return value.startswith(RESERVED_ID_PREFIXES)


def namespaced_id(value: str) -> str:
    """An id from plan content as it may stand in the page: itself, or renamed out of the theme's way."""
    return f"{ID_NAMESPACE}{value}" if is_reserved_id(value) else value


def _keep_attribute(tag: str, name: str, value: str) -> str | None:
    if name == "id":
        return namespaced_id(value)
    if name == "class":
        allowed = CLASSES.get(tag, frozenset())
        kept = [token for token in value.split() if token in allowed]
        return " ".join(kept) or None
    if name == "href" and value.startswith("#"):
        return "#" + namespaced_id(value[1:])
    lowered = value.strip().lower()
    if tag == "img" and name == "src":
        return value if lowered.startswith(("data:image/", "http://", "https://")) else None
    if lowered.startswith("data:"):  # a link to a `data:` document could hold a page of its own
        return None
    return value


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
_IMG = re.compile(r"<img\b([^>]*)>")
_ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
_MERMAID = re.compile(r'(<pre class="mermaid">)(.*?)(</pre>)', re.S)
_DIRECTIVE = re.compile(r"%%\s*\{.*?\}\s*%%", re.S)
_OPEN_DIRECTIVE = re.compile(r"%%\s*\{")  # Mermaid reads an unclosed one to the end of the diagram
_FRONT_MATTER = re.compile(r"\A\s*---[ \t]*\n.*?^---[ \t]*$\n?", re.S | re.M)


def clean_plan_html(markup: str) -> str:
    """`markup` with only the allowlisted tags, attributes, classes and link schemes left, ids out of
    the theme's way, remote images as links, and Mermaid diagrams that cannot re-configure Mermaid."""
    cleaned = _cleaner().clean(markup)
    if "<img" in cleaned:
        cleaned = _IMG.sub(_image_as_link, cleaned)
    if 'class="mermaid"' in cleaned:
        cleaned = _MERMAID.sub(_plain_diagram, cleaned)
    return cleaned


def plain_text(markup: str) -> str:
    """`markup` as text: tags dropped, what is left escaped."""
    return _TEXT_ONLY.clean(markup)


def _image_as_link(match: re.Match[str]) -> str:
    attributes = {name: html.unescape(value) for name, value in _ATTRIBUTE.findall(match.group(1))}
    source = attributes.get("src", "")
    if source.lower().startswith("data:image/"):
        return match.group(0)
    alt = attributes.get("alt", "").strip() or "image"
    if not source:
        return html.escape(f"[{alt}]", quote=False)
    host = urlsplit(source).hostname or "elsewhere"
    label = f"{alt} (image at {host}, not loaded)"
    return f'<a class="pb-remote-image" href="{html.escape(source)}" rel="noopener noreferrer">{html.escape(label, quote=False)}</a>'


def _plain_diagram(match: re.Match[str]) -> str:
    """A Mermaid block without its front matter and its `%%{…}%%` directives."""
    opening, body, closing = match.groups()
    inner = re.fullmatch(r"(<code[^>]*>)?(.*?)(</code>)?", body, re.S)
    assert inner is not None  # the pattern matches any text
    code_open, text, code_close = inner.group(1) or "", html.unescape(inner.group(2)), inner.group(3) or ""
    text = _FRONT_MATTER.sub("", text, count=1)
    text = _OPEN_DIRECTIVE.sub("%% (", _DIRECTIVE.sub("", text))
    return f"{opening}{code_open}{html.escape(text, quote=False)}{code_close}{closing}"
