"""The plan as one self-contained HTML file: styles inline, the timeline an inline SVG, no request.

The body is the template's Markdown turned into HTML by Python-Markdown, then cleaned with nh3, which
keeps the author's notes to plain markup: no script, no event handler, no image but a `data:` one, no
style attribute that could fetch a URL. The page around it is a sandboxed Jinja template with
autoescape on, and a Content-Security-Policy that forbids every request is the last line of defence.
"""

from __future__ import annotations

import functools
import xml.etree.ElementTree as etree
from importlib import resources
from typing import Any

from planbook.export.document import Document, build_document
from planbook.export.errors import ExportError
from planbook.html_policy import clean_plan_html
from planbook.internal import TITLE as INTERNAL_TITLE
from planbook.loader import Plan
from planbook.markdown_ext import EXTENSIONS, TaskLabelsExtension
from planbook.render import RenderContext
from planbook.timeline import timeline_figure
from planbook.trusted_html import TrustedHtml

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


def export_html(
    plan: Plan, context: RenderContext | None = None, *, internal: bool = False, draft: bool = False
) -> str:
    """The plan as a standalone HTML document; `internal` keeps internal-only content, marked; `draft`
    marks every page DRAFT."""
    context = context or RenderContext()
    document = build_document(plan, context=context, internal=internal, draft=draft)
    return document_html(document, plan.data, context)


def document_html(document: Document, data: dict[str, Any], context: RenderContext | None = None) -> str:
    """The page of `document`, with the plan's timeline as the site draws it (`planbook.timeline`), on
    the day and against the baseline in `context.tracking`."""
    tracking = context.tracking if context is not None else None
    figure = timeline_figure(data, tracking, title=f"Phase timeline of {document.cover.name}")
    trusted = TrustedHtml()  # the figure is ours: it stands in the Markdown as a marker no plan text can forge
    marker = trusted.hold(figure) if figure else ""
    body = trusted.restore(clean_html(markdown_to_html(document.body_with(marker))))
    page: str = _page_template().render(
        cover=document.cover,
        body=_markup(body),
        internal=document.internal,
        css=_markup(_stylesheet()),
        csp=CSP,
    )
    return page


def markdown_to_html(text: str) -> str:
    # One converter, reset between plans: building one with its extensions costs about 0.8 ms, a
    # tenth of exporting a small plan. A converter is not thread-safe; exports run in processes.
    converter = _converter()
    try:
        html: str = converter.convert(text)
        converter.reset()
        return html
    except BaseException as error:
        # Whatever stopped it midway, a RecursionError above all, leaves the converter broken for
        # every later page (raw HTML escaped, links left as text): the next page gets a new one.
        _converter.cache_clear()
        if isinstance(error, RecursionError):  # the check's PB109 bounds should stop such notes first
            raise ExportError(
                "the notes nest too deeply to convert; `planbook check` names the place (PB109)"
            ) from None
        raise


@functools.cache
def _converter() -> Any:
    import markdown

    return markdown.Markdown(
        extensions=[*EXTENSIONS, TaskLabelsExtension(), _internal_quotes_extension()], output_format="html"
    )


def clean_html(html: str) -> str:
    return clean_plan_html(html)


def _markup(text: str) -> Any:
    from markupsafe import Markup

    return Markup(text)


@functools.cache
def _stylesheet() -> str:
    return resources.files("planbook").joinpath("templates/export.css").read_text(encoding="utf-8")


@functools.cache
def _page_template() -> Any:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True, trim_blocks=True, lstrip_blocks=True)
    source = resources.files("planbook").joinpath("templates/export.html.j2").read_text(encoding="utf-8")
    return env.from_string(source)


def _internal_quotes_extension() -> Any:
    from markdown.extensions import Extension
    from markdown.treeprocessors import Treeprocessor

    class MarkInternal(Treeprocessor):
        """Gives the block quotes that hold internal content (see `planbook.internal.mark`) a class."""

        def run(self, root: etree.Element) -> None:
            for quote in root.iter("blockquote"):
                first = quote[0] if len(quote) else None
                strong = first[0] if first is not None and first.tag == "p" and len(first) == 1 else None
                if (
                    strong is not None
                    and strong.tag == "strong"
                    and strong.text == INTERNAL_TITLE
                    and first is not None
                    and not (first.text or "").strip()
                ):
                    quote.set("class", "pb-internal")

    class InternalQuotes(Extension):
        def extendMarkdown(self, md: Any) -> None:
            md.treeprocessors.register(MarkInternal(md), "pb_internal", 5)

    return InternalQuotes()
