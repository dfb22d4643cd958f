"""The timeline in words: phase dates as people read them, and the plain table the Markdown export
shows where it cannot draw (a Markdown file has no picture of its own)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from planbook import plan_template
from planbook.escape import Markdown, cell
from planbook.model import phase_schedule, progress_of


def timeline_table(data: Mapping[str, Any]) -> Markdown:
    """The timeline as a Markdown table, for the Markdown export; empty when there is nothing to show."""
    schedule = phase_schedule(dict(data))
    if not schedule:
        return Markdown("")
    lines = ["| Phase | When | Length | Tasks done |", "|-------|------|--------|------------|"]
    for phase in schedule:
        done, total = progress_of(
            dict(data), (plan_template.roles().phases, phase.key, plan_template.roles().phase_tasks)
        )
        when = days_text(phase.start_day, phase.start_day + phase.days, None)
        if phase.start is not None and phase.last_day is not None:
            when = dates_text(phase.start, phase.last_day)
        lines.append(f"| {cell(phase.title)} | {cell(when)} | {cell(length_words(phase.days))} | {done} of {total} |")
    return Markdown("\n".join(lines))


def days_text(start: int, end: int, first: dt.date | None) -> str:
    if first is None:
        return f"days {start + 1}–{end}"
    return dates_text(first, first + dt.timedelta(days=end - start - 1))


def dates_text(start: dt.date, last: dt.date) -> str:
    """`Sep 7 – Sep 20, 2026`."""
    return f"{start:%b} {start.day} – {last:%b} {last.day}, {last.year}"


def date_words(day: dt.date | None) -> str:
    return "" if day is None else f"{day.day} {day:%B %Y}"


def length_words(days: int) -> str:
    if days % 7 == 0:
        return f"{days // 7} week{'s' if days != 7 else ''}"
    return f"{days} day{'s' if days != 1 else ''}"
