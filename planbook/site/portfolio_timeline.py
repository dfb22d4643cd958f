"""The portfolio's timeline chart (timeline_chart.html), as the data it draws: a bar for each plan with a
start date, split into its phases, on an axis of months."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, NamedTuple

from planbook.model import ScheduledPhase, phase_schedule
from planbook.portfolio import PortfolioRow

TIMELINE_LABEL_LENGTH = 15  # characters of an ID that the timeline's left margin (122 px of 12 px type) holds


class TimelineBar(NamedTuple):
    row: PortfolioRow
    start: dt.date
    end: dt.date
    phases: list[tuple[str, dt.date, dt.date]]  # title, start, end


def timeline_view(
    rows: list[PortfolioRow],
    limit: int,
    *,
    schedule_of: Callable[[PortfolioRow], list[ScheduledPhase]] | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Bars for the plans with a start date: the `limit` that start last, in start order. Each bar
    is split into the plan's phases; the axis is marked at the start of each month, and `today` with a
    line once the first bar has begun (the axis reaches it when every bar has ended)."""
    bars = []
    for row in rows:
        plan = row.result.plan
        if plan is None or not row.start_date:
            schedule = []
        else:
            schedule = schedule_of(row) if schedule_of is not None else phase_schedule(plan.data)
        if not schedule or schedule[0].start is None:
            continue
        phases = [(p.title, p.start, p.end) for p in schedule if p.start is not None and p.end is not None]
        bars.append(TimelineBar(row, phases[0][1], phases[-1][2], phases))
    dated = len(bars)
    bars.sort(key=lambda b: (b.start, b.row.id))
    bars = bars[-limit:] if limit > 0 else []
    left, width, row_height, top = 130, 640, 22, 32  # top: the month labels, then today's
    if not bars:
        return {
            "bars": [],
            "dated": dated,
            "ticks": [],
            "height": 0,
            "left": left,
            "right": left + width,
            "row_height": row_height,
            "today": None,
        }

    first = min(b.start for b in bars).replace(day=1)
    last = max(b.end for b in bars)
    if today is not None and today >= first:
        last = max(last, today + dt.timedelta(days=1))
    end = _next_month(last) if last != last.replace(day=1) else last
    span = max((end - first).days, 1)

    def x(day: dt.date) -> float:
        return round(left + width * (day - first).days / span, 1)

    months, tick = [], first
    while tick <= end:
        months.append(tick)
        tick = _next_month(tick)
    step = max(1, (len(months) + 11) // 12)  # at most about 12 labels
    if step > 12:  # years apart: a label a whole number of years, named by its year alone
        step = -(-step // 12) * 12
    ticks, year = [], None
    for i, m in enumerate(months):
        # A label names its year whenever the year changed since the label before: labels a year or
        # more apart read "Jan 1900, May, Sep" otherwise, with no year after the first.
        label = f"{m:%Y}" if step >= 12 else f"{m:%b %Y}" if m.year != year else f"{m:%b}"
        ticks.append({"x": x(m), "label": label, "labelled": i % step == 0})
        year = m.year if i % step == 0 else year
    drawn = []
    for index, bar in enumerate(bars):
        drawn.append(
            {
                "row": bar.row,
                "label": timeline_label(bar.row.id),
                "y": top + index * row_height,
                "start": bar.start.isoformat(),
                "end": bar.end.isoformat(),
                "segments": [
                    {
                        "title": title,
                        "x": x(s),
                        "width": max(round(x(e) - x(s), 1), 1.0),
                        "n": n,
                        "start": s.isoformat(),
                        "end": e.isoformat(),
                    }
                    for n, (title, s, e) in enumerate(bar.phases, start=1)
                ],
            }
        )
    return {
        "bars": drawn,
        "dated": dated,
        "ticks": ticks,
        "height": top + len(bars) * row_height + 8,
        "left": left,
        "right": left + width,
        "row_height": row_height,
        "today": None
        if today is None or today < first
        else {"x": x(today), "label": f"Today, {today:%b} {today.day}", "date": today.isoformat()},
    }


def timeline_label(plan_id: str) -> str:
    """A plan's ID as the timeline labels its bar: whole up to `TIMELINE_LABEL_LENGTH` characters, then
    cut with an ellipsis. The labels stand in the chart's left margin; a longer ID (the schema allows
    64 characters) ran off the chart's left edge, cut at its start."""
    return plan_id if len(plan_id) <= TIMELINE_LABEL_LENGTH else plan_id[: TIMELINE_LABEL_LENGTH - 1] + "…"


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
