"""`planbook diff`, the pull request's summary: for every plan added, deleted, renamed or modified
between BASE and HEAD, `status: draft → development`, `task done: Phase 1 "…"`, `risk added: "…"`,
how complete the plan was and is, and whether it passes `check`. Old versions come from git as bytes
and go through the same loader and gate as files on disk. Plan text is untrusted: the Markdown output
escapes every value, because a pull request's text lands in the job summary.

`changes` says what changed in one plan; `report` compares revisions and writes the report.
"""

from __future__ import annotations

from planbook.diff.changes import MISSING, Change, field_changes, notes_change, show
from planbook.diff.report import DiffReport, PlanDiff, Revision, Side, compare, diff_plans, format_markdown, format_text

__all__ = [
    "MISSING",
    "Change",
    "DiffReport",
    "PlanDiff",
    "Revision",
    "Side",
    "compare",
    "diff_plans",
    "field_changes",
    "format_markdown",
    "format_text",
    "notes_change",
    "show",
]
