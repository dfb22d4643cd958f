"""A companion document as Markdown, for its page on the site and its part of an export: a heading, the
acceptance criteria with where the plan carries each, the data mapping as a table, then the document's
own Markdown, shown as a plan's notes are (internal blocks marked on the site, left out of an export).
Every value is escaped where it lands; the document's text is never parsed as a template."""

from __future__ import annotations

from planbook import escape, internal, plan_template
from planbook.companions import Companion, folded, success_criteria
from planbook.escape import Markdown
from planbook.loader import Plan


def companion_markdown(
    plan: Plan, companion: Companion, *, site: bool, internal_shown: bool, level: int = 1, box: str = "internal"
) -> str:
    """`companion` of `plan`: its title at heading `level`, its front matter's tables, its own Markdown."""
    mark = "#" * level
    parts = [f"{mark} {escape.inline(plan.id)}: {escape.inline(companion.title)}"]
    if companion.criteria:
        parts.append(f"{mark}# Acceptance criteria\n\n{criteria_table(plan, companion)}")
    if companion.mapping:
        parts.append(f"{mark}# Data mapping\n\n{mapping_table(plan, companion)}")
    document = companion.document
    if document is not None and document.notes.strip():
        notes = internal.notes_markdown(document.notes, include=internal_shown, site=site, box=box)
        parts.append(_below(notes, level))
    return "\n\n".join(parts) + "\n"


def criteria_table(plan: Plan, companion: Companion) -> Markdown:
    """Each acceptance criterion, and whether the plan's success criteria carry it or it is waived."""
    carried = {folded(text) for text in success_criteria(plan.data)}
    rows = ["| # | Criterion | In the plan |", "|---|---|---|"]
    for number, criterion in enumerate(companion.criteria, start=1):
        if criterion.waived is not None:
            state = f"Waived: {escape.cell(criterion.waived)}"
        elif folded(criterion.text) in carried:
            state = "Yes, a success criterion"
        else:
            state = "**No**: not among the success criteria"
        rows.append(f"| {number} | {escape.cell(criterion.text)} | {state} |")
    return Markdown("\n".join(rows))


def mapping_table(plan: Plan, companion: Companion) -> Markdown:
    """The data mapping, a row per field: system A's `object.field`, system B's, and how it is carried."""
    roles = plan_template.roles()
    system_a, system_b = (
        escape.cell(plan.data.get(role) or name)
        for role, name in ((roles.system_a, "System A"), (roles.system_b, "System B"))
    )
    rows = [f"| {system_a} field | {system_b} field | Transform | Required | Notes |", "|---|---|---|---|---|"]
    for row in companion.mapping:
        cells = (row.source, row.target_name, row.transform, "yes" if row.required else "no", row.notes)
        rows.append("| " + " | ".join(escape.cell(cell) for cell in cells) + " |")
    return Markdown("\n".join(rows))


def _below(notes: str, level: int) -> str:
    """The document's own headings, moved below its title: `#` becomes a second level and so on."""
    if level <= 1:
        return notes
    lines = []
    fence = None
    for line in notes.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith(("```", "~~~")):
            fence = None if fence == stripped[:3] else (fence or stripped[:3])
        if fence is None and stripped.startswith("#") and line == stripped:
            line = "#" * (level - 1) + line
        lines.append(line)
    return "\n".join(lines)
