"""PB5xx: the integration's own numbers. A rate limit no one can compute with, and a backfill that
cannot finish within its phase at the API limit (`planbook.model.backfill`)."""

from __future__ import annotations

from collections.abc import Iterator

from planbook import plan_template
from planbook.escape import one_line
from planbook.findings import Finding
from planbook.loader import Plan
from planbook.model import is_empty
from planbook.model.backfill import backfill, backfill_words, read_rate_limit
from planbook.model.tasks import mapping_at

FORMS = "`10 requests/second`, `500 requests/minute`, `100,000 requests/day`, `leaky bucket of 40` or `4 concurrent requests`"


def integration_findings(plan: Plan) -> Iterator[Finding]:
    roles = plan_template.roles()
    if roles.rate_limits is None:
        return
    for system in (roles.system_a, roles.system_b):
        written = mapping_at(plan.data, roles.rate_limits).get(system)
        if isinstance(written, str) and not is_empty(written) and read_rate_limit(written) is None:
            line, column = plan.position((roles.rate_limits, system))
            yield Finding(
                plan.path,
                line,
                column,
                "PB501",
                f"`{roles.rate_limits}.{system}`: cannot read “{one_line(written)}” as a rate limit, so the"
                f" backfill cannot be estimated; write it as {FORMS}",
            )
    found = backfill(plan.data)
    if found is not None and found.too_long and roles.migration_records is not None:
        line, column = plan.position((roles.migration, roles.migration_records))
        yield Finding(
            plan.path,
            line,
            column,
            "PB502",
            f"`{roles.migration}.{roles.migration_records}`: the backfill takes {one_line(backfill_words(found, plan.data))}:"
            " send more records per request, ask for a higher limit, or give the phase more time",
        )
