"""The plan as a PDF: the HTML export printed by headless Chromium (Debian's), with every request refused.

Chromium rather than WeasyPrint: it is already what the browser tests use, so it adds no dependency,
it lays out the same CSS (grid, `appearance: none` checkboxes, inline SVG) the HTML export shows on
screen, and it writes a tagged PDF with an outline from the headings. One browser can print many
documents (`PdfPrinter`), which is what a site build exporting every plan needs.
"""

from __future__ import annotations

import html
import os
import shutil
from pathlib import Path
from typing import Any

from planbook.export.document import build_document
from planbook.export.errors import ExportError
from planbook.export.to_html import document_html
from planbook.loader import Plan
from planbook.render import RenderContext

CHROMIUM_ENV = "PLANBOOK_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MARGINS = {"top": "16mm", "bottom": "18mm", "left": "16mm", "right": "16mm"}


def chromium_executable() -> str:
    """`$PLANBOOK_CHROMIUM`, else Debian's Chromium; ExportError when it is not there."""
    configured = os.environ.get(CHROMIUM_ENV)
    candidate = configured or (DEFAULT_CHROMIUM if Path(DEFAULT_CHROMIUM).exists() else shutil.which("chromium"))
    if not candidate or not Path(candidate).is_file() or not os.access(candidate, os.X_OK):
        where = f"{CHROMIUM_ENV}={configured}" if configured else DEFAULT_CHROMIUM
        raise ExportError(
            f"PDF export needs Chromium, and there is none at {where}; install it "
            f"(apt-get install chromium) or point {CHROMIUM_ENV} at it. HTML and Markdown exports work without it"
        )
    return candidate


class PdfPrinter:
    """One headless Chromium that prints HTML documents to PDF, refusing every request they make.

    `refused` lists the URLs documents asked for; an export is self-contained when it stays empty.
    Give it a Playwright `browser` that is already running to print with that one: Playwright's sync
    API runs one instance per thread.
    """

    def __init__(self, browser: Any = None) -> None:
        self.refused: list[str] = []
        self._playwright: Any = None
        self._browser: Any = browser
        self._own = browser is None

    def __enter__(self) -> PdfPrinter:
        if not self._own:
            return self
        executable = chromium_executable()
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as e:
            raise ExportError(
                "PDF export needs the Python package playwright (pip install playwright); no browser download is needed"
            ) from e
        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        except Exception as e:
            self._playwright.stop()
            raise ExportError(f"cannot start Chromium at {executable}: {str(e).splitlines()[0]}") from e
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._own:
            return
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()

    def print_html(self, document: str, *, footer: str) -> bytes:
        """`document` as A4 pages, with `footer` (plain text) and the page number at the foot of each."""
        context = self._browser.new_context(java_script_enabled=False, offline=True)
        try:
            page = context.new_page()
            page.route("**/*", self._refuse)
            page.set_content(document, wait_until="load")
            pdf: bytes = page.pdf(
                format="A4",
                margin=MARGINS,
                print_background=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=_footer_template(footer),
                tagged=True,
                outline=True,
            )
            return pdf
        finally:
            context.close()

    def _refuse(self, route: Any) -> None:
        self.refused.append(route.request.url)
        route.abort("blockedbyclient")


def export_pdf(
    plan: Plan,
    context: RenderContext | None = None,
    *,
    internal: bool = False,
    draft: bool = False,
    printer: PdfPrinter | None = None,
) -> bytes:
    """The plan as a PDF; pass a `printer` to reuse one browser for many plans."""
    document = build_document(plan, context=context, internal=internal, draft=draft)
    page = document_html(document, plan.data, context)
    cover = document.cover
    footer = f"{cover.name} · version {cover.version}" + (" · INTERNAL — not for the client" if internal else "")
    footer = f"DRAFT — not for signature · {footer}" if draft else footer
    if printer is not None:
        return printer.print_html(page, footer=footer)
    with PdfPrinter() as own:
        return own.print_html(page, footer=footer)


def _footer_template(text: str) -> str:
    # Chromium renders the footer apart from the page, at a default font size of zero: style it inline.
    return (
        "<div style=\"font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 7.5pt; color: #4a5260; "
        'width: 100%; padding: 0 16mm; display: flex; justify-content: space-between;">'
        f"<span>{html.escape(text)}</span>"
        '<span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>'
    )
