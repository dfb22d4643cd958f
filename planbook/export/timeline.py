"""The phase timeline as a static picture: an inline SVG drawn from the phase data, and a table for
plain Markdown.

The site draws the timeline with Mermaid, which needs JavaScript at reading time; a PDF or an e-mailed
HTML file cannot run it, so the export draws the same schedule (`planbook.model.phase_schedule`)
itself. Each bar shows the phase's share of the plan's days, shaded by the share of its tasks done.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from html import escape as _xml
from typing import Any

from planbook.escape import Markdown, cell
from planbook.model import ScheduledPhase, phase_schedule, progress_of

WIDTH = 720
LABEL_WIDTH = 200
RIGHT_PAD = 16
ROW_HEIGHT = 34
AXIS_HEIGHT = 30
BAR_HEIGHT = 18
COLORS = ("#2f6db5", "#7a4fb0", "#c0652b", "#2b8a6e", "#8a7a2b")


@dataclasses.dataclass(frozen=True)
class TimelineRow:
    phase: ScheduledPhase
    done: int
    total: int

    @property
    def when(self) -> str:
        """`Sep 07 – Sep 20, 2026`, or `days 1–14` when the plan has no start date."""
        if self.phase.start is None:
            return f"days {self.phase.start_day + 1}–{self.phase.start_day + self.phase.days}"
        last = self.phase.start + dt.timedelta(days=self.phase.days - 1)
        return f"{_day(self.phase.start)} – {_day(last)}, {last.year}"

    @property
    def length(self) -> str:
        days = self.phase.days
        if days % 7 == 0:
            weeks = days // 7
            return f"{weeks} week{'s' if weeks != 1 else ''}"
        return f"{days} day{'s' if days != 1 else ''}"


def timeline_rows(data: dict[str, Any]) -> list[TimelineRow]:
    rows = []
    for phase in phase_schedule(data):
        done, total = progress_of(data, ("phases", phase.key, "tasks"))
        rows.append(TimelineRow(phase, done, total))
    return rows


def timeline_svg(data: dict[str, Any], *, title: str) -> str:
    """The timeline as an inline `<svg>`; every plan value in it is escaped. Empty when no phase has a
    duration, since there is nothing to draw."""
    rows = timeline_rows(data)
    if not rows:
        return ""
    total_days = sum(row.phase.days for row in rows)
    chart = WIDTH - LABEL_WIDTH - RIGHT_PAD
    scale = chart / total_days
    height = AXIS_HEIGHT + ROW_HEIGHT * len(rows) + 8
    parts = [
        f'<svg class="pb-timeline" role="img" aria-labelledby="pb-timeline-title pb-timeline-desc" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="pb-timeline-title">{_xml(title)}</title>',
        f'<desc id="pb-timeline-desc">{_xml(_description(rows))}</desc>',
    ]
    parts += _axis(rows, total_days, scale, height)
    for index, row in enumerate(rows):
        parts += _bar(index, row, scale)
    parts.append("</svg>")
    return "\n".join(parts)


def timeline_table(data: dict[str, Any]) -> Markdown:
    """The timeline as a Markdown table, for the Markdown export; empty when there is nothing to show."""
    rows = timeline_rows(data)
    if not rows:
        return Markdown("")
    lines = ["| Phase | When | Length | Tasks done |", "|-------|------|--------|------------|"]
    for row in rows:
        lines.append(f"| {cell(row.phase.title)} | {cell(row.when)} | {cell(row.length)} | {row.done} of {row.total} |")
    return Markdown("\n".join(lines))


def _description(rows: list[TimelineRow]) -> str:
    return "; ".join(
        f"{row.phase.title}: {row.when}, {row.length}, {row.done} of {row.total} tasks done" for row in rows
    )


def _axis(rows: list[TimelineRow], total_days: int, scale: float, height: int) -> list[str]:
    """A tick at the start of each week (every 2nd or 4th on long plans, so labels never overlap)."""
    start = rows[0].phase.start
    weeks = total_days // 7
    step = 1 if weeks <= 12 else 2 if weeks <= 26 else 4
    parts = []
    for week in range(0, weeks + 1, step):
        day = week * 7
        x = LABEL_WIDTH + day * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="{AXIS_HEIGHT - 6}" x2="{x:.1f}" y2="{height - 4}" stroke="#d0d4da" stroke-width="1"/>'
        )
        if (total_days - day) * scale >= 40:  # room for a label before the chart ends
            label = _day(start + dt.timedelta(days=day)) if start else f"Week {week + 1}"
            parts.append(
                f'<text x="{x + 3:.1f}" y="{AXIS_HEIGHT - 12}" font-size="11" fill="#4a5260">{_xml(label)}</text>'
            )
    return parts


def _bar(index: int, row: TimelineRow, scale: float) -> list[str]:
    top = AXIS_HEIGHT + index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2
    x = LABEL_WIDTH + row.phase.start_day * scale
    width = max(row.phase.days * scale, 2.0)
    share = row.done / row.total if row.total else 0.0
    color = COLORS[index % len(COLORS)]
    text_y = top + BAR_HEIGHT - 5
    parts = [
        f'<text x="0" y="{top + 8}" font-size="12" font-weight="600" fill="#1d2330">{_xml(row.phase.title)}</text>',
        f'<text x="0" y="{top + 21}" font-size="10.5" fill="#4a5260">{_xml(row.when)}</text>',
        f'<rect x="{x:.1f}" y="{top}" width="{width:.1f}" height="{BAR_HEIGHT}" rx="3" fill="{color}" fill-opacity="0.28" stroke="{color}"/>',
    ]
    if share:
        parts.append(
            f'<rect x="{x:.1f}" y="{top}" width="{width * share:.1f}" height="{BAR_HEIGHT}" rx="3" fill="{color}"/>'
        )
    label = f"{row.length} · {row.done}/{row.total} done"
    # Each phase has a row of its own, so the label sits beside its bar: after it, or before it when
    # the bar ends near the right edge (about 6.2 px a character at this size).
    needed = len(label) * 6.2 + 6
    if x + width + needed <= WIDTH:
        label_x, anchor = x + width + 5, "start"
    elif x - needed >= LABEL_WIDTH:
        label_x, anchor = x - 5, "end"
    else:
        label_x, anchor = x + 5, "start"
    parts.append(
        f'<text x="{label_x:.1f}" y="{text_y}" font-size="11" text-anchor="{anchor}" fill="#1d2330">{_xml(label)}</text>'
    )
    return parts


def _day(date: dt.date) -> str:
    return date.strftime("%b %d")
