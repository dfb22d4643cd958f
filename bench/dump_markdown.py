"""MkDocs hook, for the benchmarks only: save each page's final Markdown, with the meta the theme
reads, under $PLANBOOK_BENCH_DUMP, so that the baseline can build the same pages without the pipeline."""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page

_THEME_META = ("title", "hide")


@event_priority(-200)  # after the plan pages' hook (-100) and mkdocs-macros
def on_page_markdown(markdown: str, /, *, page: Page, **_: object) -> str:
    meta = {key: page.meta[key] for key in _THEME_META if key in page.meta}
    front = f"---\n{yaml.safe_dump(meta, allow_unicode=True)}---\n\n" if meta else ""
    target = Path(os.environ["PLANBOOK_BENCH_DUMP"], page.file.src_uri)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(front + markdown, encoding="utf-8")
    return markdown
