"""Integration arithmetic from the plan's own numbers: each system's rate limit read as data, and how long a
migration's backfill takes at the tighter of the two.

A rate limit is written the way people write it (`2 requests/second`, `500 requests/minute per realm`,
`100 requests per 10 seconds`, `100,000 requests per day`, `10 rps`, `leaky bucket of 40`,
`10 simultaneous connections`). Every rate the text gives is read, and the long-run one is the slowest:
`25 requests/second, 50,000 per day` allows 50,000 a day. A burst lets a client go faster for a moment, and
concurrency bounds how many requests are in flight, so neither lengthens or shortens a backfill of hours:
they are read, shown, and left out of the sum.
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import Any

from planbook import plan_template
from planbook.findings import counted
from planbook.model.completeness import is_empty
from planbook.model.schedule import duration_days
from planbook.model.tasks import mapping_at

_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_SHORTHAND = {"rps": "s", "qps": "s", "rpm": "m", "rph": "h", "rpd": "d"}
_NUMBER = r"(?<![\w.])(\d+(?:\.\d+)?)"
_UNIT = r"(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d)\b"
_NOUN = r"(?:(?:api\s+)?(?:requests?|reqs?|calls?|queries|query|hits?|points?)\s*)?"
_RATE = re.compile(
    rf"{_NUMBER}\s*(k\b)?\s*{_NOUN}(?:/|\bper\b|\bevery\b|\ban?\b|\beach\b)\s*(?:(\d+(?:\.\d+)?)\s*)?{_UNIT}",
    re.IGNORECASE,
)
_SHORT_RATE = re.compile(rf"{_NUMBER}\s*(rps|qps|rpm|rph|rpd)\b", re.IGNORECASE)
_BURST = re.compile(r"\b(?:burst|bucket)(?:\s+(?:size|capacity))?(?:\s+of)?\s*:?\s*(\d+)", re.IGNORECASE)
_CONCURRENCY = re.compile(
    rf"{_NUMBER}\s*(?:simultaneous|concurrent|parallel)\b|\bconcurrency(?:\s+limit)?(?:\s+of)?\s*:?\s*(\d+)",
    re.IGNORECASE,
)
_NO_LIMIT = re.compile(r"^\s*(?:none|no\s+limits?|unlimited|not\s+limited)\b", re.IGNORECASE)
_LONGEST = 1_000  # characters of a rate limit read; the field holds 200
_THOUSANDS = re.compile(r"(?<=\d)[,\u00a0\u202f](?=\d{3}(?!\d))")


@dataclasses.dataclass(frozen=True)
class RateLimit:
    """What a rate limit allows. `per_second` is None where the text gives no rate (only a burst,
    only concurrency, or no limit at all)."""

    per_second: float | None
    rate: str | None  # the slowest rate as written: `100,000 requests per day`
    burst: int | None = None
    concurrency: int | None = None


def read_rate_limit(text: str) -> RateLimit | None:
    """The limit `text` states, or None when nothing in it reads as a rate, a burst, concurrency or no
    limit: the check reports those, so a limit nobody can compute with is seen."""
    if len(text) > _LONGEST:
        return None
    plain = _THOUSANDS.sub("", " ".join(text.split()))  # one space between words: no run to backtrack over
    rates = [(_per_second(m), m.group(0).strip()) for m in _RATE.finditer(plain)]
    rates += [
        (float(m.group(1)) / _SECONDS[_SHORTHAND[m.group(2).lower()]], m.group(0)) for m in _SHORT_RATE.finditer(plain)
    ]
    rates = [(value, written) for value, written in rates if value > 0]
    burst = _BURST.search(plain)
    concurrency = _CONCURRENCY.search(plain)
    if not rates and burst is None and concurrency is None:
        return RateLimit(None, None) if _NO_LIMIT.match(plain) else None
    slowest = min(rates, default=(None, None))
    return RateLimit(
        slowest[0],
        _written(text, slowest[1]) if slowest[1] else None,
        int(burst.group(1)) if burst else None,
        int(concurrency.group(1) or concurrency.group(2)) if concurrency else None,
    )


def _per_second(match: re.Match[str]) -> float:
    count = float(match.group(1)) * (1000 if match.group(2) else 1)
    every = float(match.group(3)) if match.group(3) else 1.0
    seconds = _SECONDS[match.group(4)[0].lower()] * every
    return count / seconds if seconds else 0.0


def _written(text: str, plain_rate: str) -> str:
    """The rate as the plan wrote it, thousands separators and all, where it can be found again."""
    pattern = r"[,\u00a0\u202f]?".join(re.escape(part) for part in plain_rate)
    found = re.search(pattern, text)
    return found.group(0) if found else plain_rate


@dataclasses.dataclass(frozen=True)
class Backfill:
    """A migration's backfill at the API limit: `requests` made at the tighter system's rate."""

    records: int
    per_request: int
    requests: int
    seconds: float
    system: str  # the field that names the system whose limit sets the pace, and keys its rate limit
    limit: RateLimit
    phase: str | None  # the phase it must finish within, and that phase's length in days
    phase_days: int | None

    @property
    def too_long(self) -> bool:
        return self.phase_days is not None and self.seconds > self.phase_days * _SECONDS["d"]


def backfill(data: dict[str, Any]) -> Backfill | None:
    """The backfill of the plan's migration, when the template has the roles for it and the plan gives
    a record count and at least one rate limit with a rate."""
    roles = plan_template.roles()
    if roles.migration_records is None or roles.rate_limits is None:
        return None
    migration = mapping_at(data, roles.migration)
    records = migration.get(roles.migration_records)
    per_request = migration.get(roles.migration_per_request, 1) if roles.migration_per_request else 1
    if type(records) is not int or type(per_request) is not int or records < 1 or per_request < 1:
        return None
    paces = []
    for system in (roles.system_a, roles.system_b):
        written = mapping_at(data, roles.rate_limits).get(system)
        limit = read_rate_limit(written) if isinstance(written, str) and not is_empty(written) else None
        if limit is not None and limit.per_second:
            paces.append((limit.per_second, system, limit))
    if not paces:
        return None
    per_second, system, limit = min(paces, key=lambda pace: pace[0])
    requests = math.ceil(records / per_request)
    phase, days = _phase_days(data)
    return Backfill(records, per_request, requests, requests / per_second, system, limit, phase, days)


def _phase_days(data: dict[str, Any]) -> tuple[str | None, int | None]:
    roles = plan_template.roles()
    if roles.backfill_phase is None:
        return None, None
    phase = mapping_at(data, roles.phases, roles.backfill_phase)
    return roles.backfill_phase, duration_days(phase.get(roles.phase_duration))


def how_long(seconds: float) -> str:
    """`about 3.9 hours`, `about 1.4 days`: a backfill's length as a person plans with it."""
    if seconds < 60:
        return "under a minute"
    if seconds < 3600:
        minutes = round(seconds / 60)
        return f"about {minutes} minute{'s' if minutes != 1 else ''}"
    if seconds < _SECONDS["d"]:
        return f"about {seconds / 3600:.1f} hours"
    return f"about {seconds / _SECONDS['d']:,.1f} days"


def backfill_words(found: Backfill, data: dict[str, Any]) -> str:
    """`about 3.9 hours: 140,000 records, one per request, at 10 requests/second, Shopify's limit`, as
    plain text for the caller to escape where it lands."""
    system = data.get(found.system)
    whose = f"{system}'s limit" if isinstance(system, str) and system.strip() else "the tighter limit"
    carried = (
        "one per request"
        if found.per_request == 1
        else f"{found.per_request:,} per request, {counted(found.requests, 'request')}"
    )
    words = f"{how_long(found.seconds)}: {counted(found.records, 'record')}, {carried}, at {found.limit.rate}, {whose}"
    if found.too_long:
        days = found.phase_days or 0
        words += f"; longer than the {found.phase} phase's {days:,} day{'s' if days != 1 else ''}"
    return words
