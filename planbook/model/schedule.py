"""The schedule: phases laid end to end from their durations, dated from the plan's start date.

Durations follow the schema's one grammar (`definitions.duration`) and dates `planbook.dates`, so a
draft's schedule stays within dates Python can add days to: `99999 weeks` or a start in 9999 is no
schedule, not an OverflowError.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import re
from typing import Any

from planbook import schema
from planbook.dates import parse_plan_date
from planbook.model.tasks import mapping_at

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(d|days?|w|wks?|weeks?)\s*$", re.I)


@dataclasses.dataclass(frozen=True)
class ScheduledPhase:
    key: str
    title: str
    start_day: int  # days after the plan's start
    days: int
    start: dt.date | None  # when the plan has a start date

    @property
    def end(self) -> dt.date | None:
        return None if self.start is None else self.start + dt.timedelta(days=self.days)


@functools.cache
def _duration_pattern() -> re.Pattern[str]:
    return re.compile(schema.DURATION_PATTERN)


def duration_days(text: object) -> int | None:
    """`2 weeks` → 14, `10 days` → 10; None for anything the schema would refuse (a placeholder, TBD,
    `99999 weeks`)."""
    match = _DURATION.match(text) if isinstance(text, str) and _duration_pattern().search(text) else None
    if match is None:
        return None
    amount = float(match.group(1)) * (7 if match.group(2).lower().startswith("w") else 1)
    return max(1, math.ceil(amount))


def phase_schedule(data: dict[str, Any]) -> list[ScheduledPhase]:
    """The phases laid end to end from their durations; phases without one are left out."""
    start = parse_plan_date(data.get("start_date"))
    phases = mapping_at(data, "phases")
    scheduled, offset = [], 0
    for key in schema.PHASES:
        days = duration_days(mapping_at(phases, key).get("duration"))
        if days is None:
            continue
        begins = None if start is None else start + dt.timedelta(days=offset)
        scheduled.append(ScheduledPhase(key, schema.phase_title(key), offset, days, begins))
        offset += days
    return scheduled
