"""MkDocs hook: clean the HTML of plan pages with the engine's one HTML policy
(`planbook.html_policy`), keeping the markup Material and the plan template write and nothing that
runs, and keep the table of contents, which the theme prints outside the content, to text and to ids
that cannot be the theme's.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink

from planbook.html_policy import clean_plan_html, namespaced_id, plain_text

PLAN_META_KEY = "planbook_plan"  # set on plan pages by hooks/plan_pages.py


@event_priority(-100)  # last, so that nothing another plugin adds to a plan page escapes cleaning
def on_page_content(html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    # Generated pages (plan pages are) are cleaned even without the mark: fail closed.
    if not page.meta.get(PLAN_META_KEY) and page.file.generated_by is None:
        return html
    _clean_toc(page.toc)
    cleaned = clean_plan_html(html)
    trusted = getattr(page.file, "trusted_html", None)  # set by plan_pages.py on the page it rendered
    return trusted.restore(cleaned) if trusted is not None else cleaned


def _clean_toc(items: list[AnchorLink]) -> None:
    for item in items:
        if "<" in item.title or ">" in item.title:  # the toc extension strips tags; make sure
            item.title = plain_text(item.title)
        item.id = namespaced_id(item.id)  # as the heading's own id is renamed in the content
        _clean_toc(item.children)
