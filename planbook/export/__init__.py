"""Hand-over: one plan as a standalone document for a client who never sees the site.

`export_plan(plan, "html" | "pdf" | "md")` returns the file's bytes. Every format holds a cover, the
whole plan through the one template (`planbook.render`), the phase timeline and a sign-off block, and
needs no network: the HTML inlines its styles and draws the timeline as SVG, the PDF is that HTML
printed by Chromium with every request refused. Internal-only content (`planbook.internal`) is left
out unless `internal=True`.

The site calls `export_html` / `export_pdf` during its build to offer each plan as a download.
"""

from __future__ import annotations

from collections.abc import Callable

from planbook.export.document import build_document
from planbook.export.errors import ExportError
from planbook.export.to_html import export_html
from planbook.export.to_markdown import export_markdown
from planbook.loader import Plan
from planbook.render import RenderContext

__all__ = ["FORMATS", "ExportError", "build_document", "export_html", "export_markdown", "export_pdf", "export_plan"]


def export_pdf(
    plan: Plan,
    context: RenderContext | None = None,
    *,
    internal: bool = False,
    draft: bool = False,
    printer: object = None,
) -> bytes:
    """The plan as a PDF (imports the browser machinery only when a PDF is asked for)."""
    from planbook.export.to_pdf import export_pdf as print_pdf

    return print_pdf(plan, context, internal=internal, draft=draft, printer=printer)  # type: ignore[arg-type]


def _encoded(render: Callable[..., str]) -> Callable[..., bytes]:
    return lambda plan, context, **options: render(plan, context, **options).encode("utf-8")


#: Format name → (file suffix, exporter returning the file's bytes; it takes `internal` and `draft`).
FORMATS: dict[str, tuple[str, Callable[..., bytes]]] = {
    "html": (".html", _encoded(export_html)),
    "pdf": (".pdf", export_pdf),
    "md": (".md", _encoded(export_markdown)),
}


def export_plan(
    plan: Plan, fmt: str, *, context: RenderContext | None = None, internal: bool = False, draft: bool = False
) -> bytes:
    """The plan as a file of format `fmt` (a key of FORMATS); `draft` marks every page DRAFT."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    return FORMATS[fmt][1](plan, context, internal=internal, draft=draft)
