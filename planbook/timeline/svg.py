"""A plan's phase timeline as one server-side SVG, for the site's plan page and for the export alike.

It draws what `planbook.model.tracking` worked out, so the picture and `planbook status` never
disagree: per phase the planned, actual and baseline bars, late marked in words and red, and today.

The SVG is drawn at its own size (`WIDTH` px) and never scaled to its box: a scaled SVG scales its
text, which is what made the Mermaid Gantt unreadable. A narrow window scrolls the figure's own box.
Every plan value in it is escaped for XML (`escape.html_text`); the rest is our own markup.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from planbook import plan_template
from planbook.escape import xml_text
from planbook.model import ScheduledPhase, phase_schedule, progress_of
from planbook.model.tasks import mapping_at
from planbook.model.tracking import PhaseTracking, PlanTracking
from planbook.timeline.words import date_words, days_text

WIDTH = 680
LABEL_WIDTH = 216  # the phase's title, dates and owner, left of the bars
RIGHT_PAD = 12
AXIS_HEIGHT = 46  # month labels, then the today label under them
ROW_HEIGHT = 58
LEGEND_HEIGHT = 34
CHART = WIDTH - LABEL_WIDTH - RIGHT_PAD
COLORS = ("#2f6db5", "#7a4fb0", "#b5541c", "#2b8a6e", "#7d6c1f")
LATE = "#b3261e"
TODAY = "#8a1c7c"
TITLE_CHARACTERS = 200  # a plan's name may be long; the picture's title need not be
LINE_CHARACTERS = 30  # of a 12 px label in the label column, about 7 px a character


@dataclasses.dataclass(frozen=True)
class PhaseRow:
    """One phase as the timeline shows it: where its bars go (days from the chart's first day) and its words."""

    key: str
    title: str
    owner: str
    planned: tuple[int, int]  # first day, day after the last, from the chart's start
    actual: tuple[int, int] | None
    baseline: tuple[int, int] | None
    dates: str  # "Sep 7 – Sep 20, 2026" or "days 1–14"
    done: int
    total: int
    late: bool
    words: str  # the phase in a sentence, for the <desc>


def timeline_svg(data: Mapping[str, Any], tracking: PlanTracking | None, *, title: str) -> str:
    """The plan's timeline as an inline `<svg>`, or "" when no phase has a duration. `tracking` gives the
    dates beyond the plan (actual, baseline, late, today); without it only the planned bars are drawn."""
    schedule = phase_schedule(dict(data))
    if not schedule:
        return ""
    dated = schedule[0].start is not None
    phases = tracking.phase if tracking is not None and dated else {}
    origin = schedule[0].start or dt.date(2001, 1, 1)  # undated: day 0 is the plan's first day
    rows = [_row(data, phase, phases.get(phase.key), origin, tracking) for phase in schedule]
    bars = [bar for row in rows for bar in (row.planned, row.actual, row.baseline) if bar is not None]
    first, span = min(0, *(bar[0] for bar in bars)), max(1, *(bar[1] for bar in bars))
    today = (tracking.today - origin).days if dated and tracking is not None else None
    if today is not None and today >= first:
        span = max(span, today + 1)  # today after the schedule: the chart reaches it
    else:
        today = None  # before the plan begins, or no dates: no today line
    scale = CHART / max(span - first, 1)

    def x(day: int) -> float:
        return LABEL_WIDTH + (day - first) * scale

    height = AXIS_HEIGHT + ROW_HEIGHT * len(rows) + LEGEND_HEIGHT
    parts = [
        # Named by its own <title> and <desc>, with no ids: the picture sits in the plan's content, where an
        # id is either the theme's or the plan's (planbook.html_policy), and none may be the picture's.
        f'<svg class="pb-timeline" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" font-size="12" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{xml_text(_clipped(title, TITLE_CHARACTERS))}</title>",
        f"<desc>{xml_text(_description(rows, tracking, dated))}</desc>",
    ]
    parts += _axis(origin if dated else None, first, span, x, height)
    for index, row in enumerate(rows):
        parts += _phase(index, row, x)
    if today is not None and tracking is not None:
        parts += _today_line(x(today) + scale / 2, tracking.today, height)
    parts += _legend(height, baseline=any(r.baseline for r in rows), actual=any(r.actual for r in rows))
    parts.append("</svg>")
    return "\n".join(parts)


def timeline_figure(data: Mapping[str, Any], tracking: PlanTracking | None, *, title: str) -> str:
    """The SVG in a figure whose own box scrolls sideways on a narrow screen, with a caption; "" when
    there is nothing to draw. Both the site's plan page and the export show this."""
    svg = timeline_svg(data, tracking, title=title)
    if not svg:
        return ""
    caption = "Phase timeline: each phase's planned dates"
    if tracking is not None and any(phase.actual_start for phase in tracking.phases):
        caption += ", its actual dates"
    if tracking is not None and tracking.baseline is not None:
        caption += f", and the baseline agreed with the client ({tracking.baseline.source})"
    caption += "."
    if phase_schedule(dict(data))[0].start is None:
        caption += " No start date is set: the chart counts days from the start of Phase 1."
    return (
        '<figure class="pb-figure pb-timeline-figure">'
        '<div class="pb-timeline-scroll" role="region" tabindex="0" aria-label="Phase timeline">'
        f"{svg}</div><figcaption>{xml_text(caption)}</figcaption></figure>"
    )


# -- the parts-----------------------------------------------------------------------------------


def _row(
    data: Mapping[str, Any],
    phase: ScheduledPhase,
    tracked: PhaseTracking | None,
    origin: dt.date,
    tracking: PlanTracking | None,
) -> PhaseRow:
    def days(start: dt.date | None, last: dt.date | None) -> tuple[int, int] | None:
        if start is None or last is None or last < start:
            return None
        return (start - origin).days, (last - origin).days + 1

    roles = plan_template.roles()
    owner = mapping_at(dict(data), roles.phases, phase.key).get(roles.phase_owner)
    done, total = progress_of(dict(data), (roles.phases, phase.key, roles.phase_tasks))
    planned = (phase.start_day, phase.start_day + phase.days)
    words = f"{phase.title}: planned for days {planned[0] + 1} to {planned[1]}"
    if phase.start is not None:
        words = f"{phase.title}: planned from {date_words(phase.start)} to {date_words(phase.last_day)}"
    actual = baseline = None
    late = False
    if tracked is not None and tracking is not None:
        finish = tracked.actual_finish or (tracking.today if not tracked.done else None)
        actual = days(tracked.actual_start, finish)
        baseline = days(tracked.baseline_start, tracked.baseline_end)
        late = tracked.late
        if tracked.actual_start is not None:
            words += f"; actually began {date_words(tracked.actual_start)}"
            words += f" and finished {date_words(tracked.actual_finish)}" if tracked.actual_finish else ", not finished"
        if tracked.baseline_start and tracked.baseline_end:
            words += f"; baseline {date_words(tracked.baseline_start)} to {date_words(tracked.baseline_end)}"
    words += f"; {done} of {total} tasks done" + ("; late" if late else "")
    return PhaseRow(
        key=phase.key,
        title=phase.title,
        owner=owner.strip() if isinstance(owner, str) else "",
        planned=planned,
        actual=actual,
        baseline=baseline,
        dates=days_text(*planned, phase.start),
        done=done,
        total=total,
        late=late,
        words=words,
    )


def _description(rows: Sequence[PhaseRow], tracking: PlanTracking | None, dated: bool) -> str:
    start = "" if dated else "No start date is set; days count from the start of Phase 1. "
    today = f"Today is {date_words(tracking.today)}. " if tracking is not None and dated else ""
    return start + today + ". ".join(row.words for row in rows) + "."


def _axis(origin: dt.date | None, first: int, span: int, x: Any, height: int) -> list[str]:
    """A line and a label at the first of each month (fewer labels on a long plan); weeks when undated."""
    marks: list[tuple[int, str]] = []
    if origin is None:
        weeks = (span - first) // 7
        step = max(1, -(-weeks // 10))  # at most 11 labels, however long the plan: each needs some 45 px
        marks = [(week * 7, f"Week {week + 1}") for week in range(0, weeks + 1, step)]
    else:
        month = dt.date((origin + dt.timedelta(days=first)).year, (origin + dt.timedelta(days=first)).month, 1)
        months = []
        while (month - origin).days < span:
            if (month - origin).days >= first:
                months.append(month)
            month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        step = max(1, -(-len(months) // 8))  # at most about 8 labels: each needs some 60 px
        if step > 12:  # years apart: a label a whole number of years, named by its year alone
            step = -(-step // 12) * 12
        year = None
        for m in months[::step]:
            # A label says its year whenever the year changed since the label before: "Oct 2026, Apr,
            # Oct, Apr" on a long plan left the reader guessing which year each month is in.
            label = f"{m:%Y}" if step >= 12 else f"{m:%b %Y}" if m.year != year else f"{m:%b}"
            marks.append(((m - origin).days, label))
            year = m.year
        if not marks or (marks[0][0] - first) * CHART / max(span - first, 1) > 70:
            start = origin + dt.timedelta(days=first)
            marks.insert(0, (first, f"{start:%b} {start.day}, {start.year}"))
    parts = []
    for day, label in marks:
        left = x(day)
        parts.append(
            f'<line class="pb-tl-grid" x1="{left:.1f}" y1="6" x2="{left:.1f}" y2="{height - LEGEND_HEIGHT}" '
            'stroke="#d0d4da" stroke-width="1"/>'
        )
        if WIDTH - left >= 56:  # room for the label before the picture ends
            parts.append(f'<text class="pb-tl-muted" x="{left + 4:.1f}" y="18" fill="#4a5260">{label}</text>')
    return parts


def _phase(index: int, row: PhaseRow, x: Any) -> list[str]:
    top = AXIS_HEIGHT + index * ROW_HEIGHT
    color = COLORS[index % len(COLORS)]
    dates = xml_text(row.dates)
    late = ' <tspan class="pb-tl-late-text" fill="#b3261e" font-weight="700">· late</tspan>' if row.late else ""
    tasks = f"{row.done} of {row.total} done"
    owner = _clipped(row.owner, LINE_CHARACTERS - len(tasks) - 3)
    who = f"{owner} · {tasks}" if owner else tasks
    parts = [
        # pb-tl-hue-N names the colour, so that the site's dark scheme can draw it in a lighter tint.
        f'<g class="pb-tl-phase pb-tl-hue-{index % len(COLORS)}{" pb-tl-phase--late" if row.late else ""}">',
        f"<title>{xml_text(row.words)}</title>",
        f'<text class="pb-tl-text" x="0" y="{top + 16}" font-size="13" font-weight="600" fill="#1d2330">'
        f"{xml_text(row.title)}</text>",
        f'<text class="pb-tl-muted" x="0" y="{top + 33}" fill="#4a5260">{dates}{late}</text>',
        f'<text class="pb-tl-muted" x="0" y="{top + 49}" fill="#4a5260">{xml_text(who)}</text>',
    ]
    left, right = x(row.planned[0]), x(row.planned[1])
    stroke = f'stroke="{LATE}" stroke-width="2.5"' if row.late else f'stroke="{color}"'
    parts.append(
        f'<rect class="pb-tl-planned" x="{left:.1f}" y="{top + 8}" width="{max(right - left, 2):.1f}" height="18" '
        f'rx="3" fill="{color}" fill-opacity="0.25" {stroke}/>'
    )
    if row.total and row.done:
        share = (right - left) * row.done / row.total
        parts.append(
            f'<rect class="pb-tl-progress" x="{left:.1f}" y="{top + 8}" width="{max(share, 1):.1f}" height="18" '
            f'rx="3" fill="{color}" fill-opacity="0.45"/>'
        )
    if row.actual is not None:
        a, b = x(row.actual[0]), x(row.actual[1])
        parts.append(
            f'<rect class="pb-tl-actual" x="{a:.1f}" y="{top + 30}" width="{max(b - a, 2):.1f}" height="8" '
            f'rx="2" fill="{color}"/>'
        )
    if row.baseline is not None:
        a, b = x(row.baseline[0]), x(row.baseline[1])
        y = top + 45
        parts.append(
            f'<path class="pb-tl-baseline" d="M{a:.1f} {y - 4}v8M{a:.1f} {y}H{b:.1f}M{b:.1f} {y - 4}v8" '
            'stroke="#3d4350" stroke-width="2" fill="none"/>'
        )
    if row.late:
        parts.append(
            f'<text class="pb-tl-late-text" x="{min(right + 6, WIDTH - 40):.1f}" y="{top + 22}" '
            f'fill="{LATE}" font-weight="700">late</text>'
        )
    parts.append("</g>")
    return parts


def _today_line(left: float, today: dt.date, height: int) -> list[str]:
    label = f"Today, {today:%b} {today.day}"
    anchor = "end" if left > WIDTH - 90 else "start"
    shift = -4 if anchor == "end" else 4
    return [
        f'<g class="pb-tl-today"><line class="pb-tl-today-line" x1="{left:.1f}" y1="24" x2="{left:.1f}" y2="{height - LEGEND_HEIGHT}" '
        f'stroke="{TODAY}" stroke-width="2" stroke-dasharray="5 3"/>',
        f'<text class="pb-tl-today-text" x="{left + shift:.1f}" y="36" text-anchor="{anchor}" fill="{TODAY}" '
        f'font-weight="700">{label}</text></g>',
    ]


def _legend(height: int, *, baseline: bool, actual: bool) -> list[str]:
    y = height - LEGEND_HEIGHT + 22
    items = [("planned", "Planned"), *([("actual", "Actual")] if actual else [])]
    items += [*([("baseline", "Baseline")] if baseline else []), ("late", "Late (red outline)")]
    parts, left = ['<g class="pb-tl-legend pb-tl-hue-0">'], 0  # its swatches are in the first phase's colour
    looks = {"planned": 'fill="#2f6db5" fill-opacity="0.25" stroke="#2f6db5"', "actual": 'fill="#2f6db5"'}
    for kind, label in items:
        key = f'class="pb-tl-key pb-tl-key--{kind}"'
        if kind == "baseline":
            shape = f'd="M{left} {y - 8}v8M{left} {y - 4}H{left + 18}M{left + 18} {y - 8}v8" stroke="#3d4350"'
            parts.append(f'<path {key} {shape} stroke-width="2" fill="none"/>')
        else:
            look = looks.get(kind, f'fill="none" stroke="{LATE}" stroke-width="2.5"')
            parts.append(f'<rect {key} x="{left}" y="{y - 11}" width="18" height="10" rx="2" {look}/>')
        parts.append(f'<text class="pb-tl-muted" x="{left + 24}" y="{y}" fill="#4a5260">{label}</text>')
        left += 24 + len(label) * 7 + 18
    parts.append("</g>")
    return parts


def _clipped(text: str, limit: int) -> str:
    """`text` on one line, cut to `limit` characters with an ellipsis: SVG text never wraps."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "…"
