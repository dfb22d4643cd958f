"""Plan dates: one definition of a valid date, shared by both schema validators and the schedule.

A date is `YYYY-MM-DD`, a day that exists (`2026-02-30` does not), between 1900 and 2999. The bounds
keep date arithmetic safe: five phases of at most 999.9 months each end within five centuries, far from
Python's year 9999, where adding a day raises OverflowError.
"""

from __future__ import annotations

import datetime as dt
import os
import re

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2999, 12, 31)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_plan_date(value: object) -> dt.date | None:
    """The date `value` names, or None when it is not a plan date (wrong form, no such day, out of range)."""
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return day if EARLIEST <= day <= LATEST else None


def is_plan_date(value: object) -> bool:
    """The schema's `format: date`. Like every format, it judges text only; the type is checked apart."""
    return not isinstance(value, str) or parse_plan_date(value) is not None


def describe_date_rule() -> str:
    return f"a real day written YYYY-MM-DD, between {EARLIEST.isoformat()} and {LATEST.isoformat()}"


#: Set to a plan date (YYYY-MM-DD) to fix "today" for every command and the site: a reproducible
#: build, a report as of a given day, a test. Anything else in it is an error, not a silent clock.
TODAY_VARIABLE = "PLANBOOK_TODAY"


class TodayError(ValueError):
    """PLANBOOK_TODAY holds something that is not a plan date."""


def today() -> dt.date:
    """The day that "late", "active" and "the last 30 days" are measured from: PLANBOOK_TODAY when set,
    else the clock's local date. Read once by each command or build, then passed down."""
    fixed = os.environ.get(TODAY_VARIABLE)
    if fixed is None or fixed == "":
        return dt.date.today()
    day = parse_plan_date(fixed)
    if day is None:
        raise TodayError(f"{TODAY_VARIABLE}={fixed!r} is not {describe_date_rule()}")
    return day
