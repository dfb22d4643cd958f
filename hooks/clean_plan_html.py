"""MkDocs hook: clean the HTML of plan pages with nh3, keeping the markup Material and the plan
template write and nothing that runs.

The engine escapes every value, but a plan's notes are free Markdown, and Markdown passes raw HTML
through. So the HTML of a plan page goes through an allowlist: the tags of Markdown, tables, task
lists, admonitions, details, Mermaid blocks, progress bars and badges; the attributes they need; links
only to http(s), mailto and relative addresses. Scripts, styles, event handlers, forms, frames and
`javascript:` links are dropped. The table of contents, which the theme prints outside the content,
is reduced to text.
"""

from __future__ import annotations

import nh3
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink

PLAN_META_KEY = "planbook_plan"  # set on plan pages by hooks/plan_pages.py

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
URL_SCHEMES = {"http", "https", "mailto"}


_PLAN_HTML = nh3.Cleaner(
    tags=TAGS,
    attributes=ATTRIBUTES,
    set_tag_attribute_values=SET_ATTRIBUTES,
    filter_style_properties=STYLE_PROPERTIES,
    url_schemes=URL_SCHEMES,
    strip_comments=True,
)
_TEXT_ONLY = nh3.Cleaner(tags=set(), attributes={}, strip_comments=True)


def clean_plan_html(html: str) -> str:
    """`html` with only allowlisted tags, attributes and link schemes left; scripts and styles
    are removed with their content."""
    return _PLAN_HTML.clean(html)


def plain_text(html: str) -> str:
    """`html` as text: tags dropped, what is left escaped."""
    return _TEXT_ONLY.clean(html)


@event_priority(-100)  # last, so that nothing another plugin adds to a plan page escapes cleaning
def on_page_content(html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    # Generated pages (plan pages are) are cleaned even without the mark: fail closed.
    if not page.meta.get(PLAN_META_KEY) and page.file.generated_by is None:
        return html
    _clean_toc(page.toc)
    return clean_plan_html(html)


def _clean_toc(items: list[AnchorLink]) -> None:
    for item in items:
        if "<" in item.title or ">" in item.title:  # the toc extension strips tags; make sure
            item.title = plain_text(item.title)
        _clean_toc(item.children)
