"""What the portfolio table shows of a plan's tracking: RAG, late and variance, as words and as the keys
docs/assets/javascripts/portfolio.js sorts and filters by.

A row's cells are a small hashable value, so the row's cached HTML (`portfolio_view.ROW_HTML_CACHE`)
can be keyed by what it shows: a new day or a new baseline that changes a plan's RAG makes its row anew.
"""

from __future__ import annotations

from typing import NamedTuple

from planbook.model.labels import variance_text
from planbook.model.tracking import PlanTracking

#: RAG → (word, sort order: the worst last, so a descending sort puts red first).
RAG_WORDS: dict[str, tuple[str, int]] = {"red": ("Red", 3), "amber": ("Amber", 2), "green": ("Green", 1)}
NOT_TRACKED = ("Not tracked", 0)


class TrackingCells(NamedTuple):
    rag: str  # red, amber, green, or none
    rag_label: str
    rag_order: int
    rag_reasons: str
    late: bool
    late_reasons: str
    variance: int | None  # days: forecast end − baseline end (or planned end); > 0 is late
    variance_text: str  # "+12 d", "−3 d", "0 d", or "" when unknown


def tracking_cells(tracking: PlanTracking | None) -> TrackingCells:
    if tracking is None:
        return TrackingCells("none", *NOT_TRACKED, "the plan did not load", False, "", None, "")
    label, order = RAG_WORDS.get(tracking.rag, NOT_TRACKED)
    return TrackingCells(
        rag=tracking.rag if tracking.rag in RAG_WORDS else "none",
        rag_label=label,
        rag_order=order,
        rag_reasons="; ".join(tracking.rag_reasons),
        late=tracking.late,
        late_reasons="; ".join(tracking.late_reasons),
        variance=tracking.variance_days,
        variance_text=variance_text(tracking.variance_days),
    )
