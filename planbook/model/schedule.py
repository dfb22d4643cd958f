"""The schedule: phases laid end to end from their durations, dated from the plan's start date.

Durations follow the schema's one grammar (`definitions.duration`: days, weeks or calendar months)
and dates `planbook.dates`, so a draft's schedule stays within dates Python can add days to: `99999
weeks` or a start in 9999 is no schedule, not an OverflowError (five phases of 999.9 months from 2999
end before the year 3500).
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import math
import re
from typing import Any

from planbook import plan_template, schema
from planbook.dates import parse_plan_date
from planbook.model.tasks import mapping_at

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(d|days?|w|wks?|weeks?|mo|months?)\s*$", re.I)
DAYS_IN_A_MONTH = 30.4375  # a month of a phase without a start date: the calendar's average


@dataclasses.dataclass(frozen=True)
class ScheduledPhase:
    key: str
    title: str
    start_day: int  # days after the plan's start
    days: int
    start: dt.date | None  # when the plan has a start date

    @property
    def end(self) -> dt.date | None:
        """The day after the phase, where the next one starts."""
        return None if self.start is None else self.start + dt.timedelta(days=self.days)

    @property
    def last_day(self) -> dt.date | None:
        """The phase's own last day, as people count it: a two-week phase from Monday ends on Sunday."""
        return None if self.start is None else self.start + dt.timedelta(days=self.days - 1)


@schema.per_template
def _duration_pattern() -> re.Pattern[str]:
    return re.compile(schema.DURATION_PATTERN)


def duration_days(text: object, start: dt.date | None = None) -> int | None:
    """`2 weeks` → 14, `10 days` → 10, `1 month` from 2026-01-31 → 28 (to 2026-02-28); None for
    anything the schema would refuse (a placeholder, TBD, `99999 weeks`).

    Months are calendar months from `start` (whole months to the same day of the month, or the month's
    last day; a fraction of a month as that share of the next); without a start, 30.4375 days each."""
    match = _DURATION.match(text) if isinstance(text, str) and _duration_pattern().search(text) else None
    if match is None:
        return None
    amount, unit = float(match.group(1)), match.group(2).lower()
    if unit.startswith("m"):
        if start is None:
            return max(1, math.ceil(amount * DAYS_IN_A_MONTH))
        whole = int(amount)
        end = add_months(start, whole)
        if amount > whole:
            end += dt.timedelta(days=math.ceil((amount - whole) * (add_months(end, 1) - end).days))
        return max(1, (end - start).days)
    return max(1, math.ceil(amount * (7 if unit.startswith("w") else 1)))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or that month's last day when it is shorter (Jan 31 + 1 → Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def phase_schedule(data: dict[str, Any]) -> list[ScheduledPhase]:
    """The phases laid end to end from their durations; phases without one are left out."""
    roles = plan_template.roles()
    start = parse_plan_date(data.get(roles.start_date))
    phases = mapping_at(data, roles.phases)
    scheduled, offset = [], 0
    for key in schema.PHASES:
        begins = None if start is None else start + dt.timedelta(days=offset)
        days = duration_days(mapping_at(phases, key).get(roles.phase_duration), begins)
        if days is None:
            continue
        scheduled.append(ScheduledPhase(key, schema.phase_title(key), offset, days, begins))
        offset += days
    return scheduled
