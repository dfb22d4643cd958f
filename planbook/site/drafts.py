"""The preview's drafts: a plan page built while its plan still has findings (`mkdocs serve` only; a
strict build fails on them). The page opens with the findings, check's own lines, each linking to the
edit, and the placeholders left in it are marked where they stand."""

from __future__ import annotations

import html
import re

from planbook.check import CheckResult
from planbook.findings import tally

# A tag as the cleaner writes it: attributes always in double quotes, which may hold `>` and `<`.
_TAG = re.compile(r'(<(?:[^<>"]|"[^"]*")*>)')  # `[^<` keeps it linear on `<<<…`
_PLACEHOLDER = re.compile(r"\[[A-Z][A-Z0-9_]*\]")


def findings_banner(result: CheckResult, shown_path: str, edit_url: str | None) -> str:
    """The draft's findings as HTML: every value escaped here, since this HTML is held out of the cleaner."""
    items = []
    for finding in result.findings:
        place = f"{shown_path}:{finding.line}:{finding.column}"
        where = (
            f'<a href="{html.escape(edit_url)}" title="Edit the plan">{html.escape(place)}</a>'
            if edit_url
            else html.escape(place)
        )
        kind = " warning:" if finding.severity == "warning" else ""
        items.append(
            f"<li><code>{where}</code> <strong>{finding.code}</strong>{kind} {html.escape(finding.message)}</li>"
        )
    return (
        '<div class="pb-draft-banner" role="status">'
        f"<p><strong>Draft: {tally(result.findings)}.</strong> This page is a preview; the strict build, CI and "
        "<code>planbook export</code> refuse the plan until these are fixed. Placeholders left are "
        '<mark class="pb-placeholder">marked</mark>.</p>'
        f"<ul>{''.join(items)}</ul></div>"
    )


def mark_placeholders(page_html: str) -> str:
    """Each `[PLACEHOLDER]` in the page's text wrapped in `<mark>`; tags and their attributes, even one
    holding `>` in its quotes, are left alone, and so is code, where check reads no placeholder."""
    parts = _TAG.split(page_html)  # text, tag, text, tag, …
    in_code = 0
    for index, part in enumerate(parts):
        if index % 2:
            name = part[1:].split(None, 1)[0].rstrip(">").lower() if len(part) > 2 else ""
            in_code += 1 if name == "code" else -1 if name == "/code" and in_code else 0
        elif not in_code:
            parts[index] = _PLACEHOLDER.sub(lambda found: f'<mark class="pb-placeholder">{found[0]}</mark>', part)
    return "".join(parts)
