"""The plan as one Markdown file: a cover table, the plan, the timeline as a table, a sign-off table.

Plain Markdown has no pictures of its own without a file beside it, so the timeline is a table here;
the HTML and PDF exports draw it.
"""

from __future__ import annotations

from planbook.escape import cell, inline
from planbook.export.document import Document, build_document
from planbook.loader import Plan
from planbook.render import RenderContext
from planbook.timeline import timeline_table


def export_markdown(
    plan: Plan, context: RenderContext | None = None, *, internal: bool = False, draft: bool = False
) -> str:
    """The plan as a standalone Markdown document; `internal` keeps internal-only content, marked."""
    document = build_document(plan, context=context, internal=internal, draft=draft)
    table = timeline_table(plan.data)
    timeline = f"**Timeline**:\n\n{table}" if table else ""
    return f"{_cover(document)}\n\n---\n\n{document.body_with(timeline).rstrip()}\n\n---\n\n{_signoff(document)}\n"


def _cover(document: Document) -> str:
    cover = document.cover
    rows = [
        ("Client", cover.client),
        ("Systems", cover.systems),
        ("Status", cover.status),
        ("Lead", cover.lead),
        ("Version", cover.version),
        ("Date", cover.date),
    ]
    lines = ["> **DRAFT: not for signature.** This plan does not pass `planbook check` yet.", ""] if cover.draft else []
    lines += [
        f"**{inline(cover.name)}**  ",
        f"Implementation plan {inline(cover.plan_id)}, prepared for {inline(cover.client)}",
        "",
        "| | |",
        "|---|---|",
    ]
    lines += [f"| {label} | {cell(value)} |" for label, value in rows]
    if document.internal:
        lines += ["", "> **Internal edition: this document holds content that is not for the client.**"]
    return "\n".join(lines)


def _signoff(document: Document) -> str:
    cover = document.cover
    return "\n".join(
        [
            "## SIGN-OFF",
            "",
            f"**Not for signature.** {cover.signoff_notice}"
            if cover.signoff_notice
            else f"By signing, both parties accept this implementation plan, version {inline(cover.version)} of {inline(cover.date)}.",
            "",
            f"| | For the client: {cell(cover.client)} | For the delivery team: {cell(cover.lead)} |",
            "|---|---|---|",
            *(f"| {line} | | |" for line in ("Name", "Title", "Date", "Signature")),
        ]
    )
