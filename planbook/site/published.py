"""Which plans a site may show and give a page: a client's own plans only, and of those, the files that
are plans the site may read."""

from __future__ import annotations

from planbook import plan_template
from planbook.audience import Audience
from planbook.check import CheckResult
from planbook.portfolio import Portfolio
from planbook.schema import is_plan_id

#: Findings that keep a file off the site even as a draft: it is not a plan file the site may read.
_UNPUBLISHABLE = frozenset({"PB001", "PB002", "PB003", "PB012", "PB110", "PB111"})


def publishable(portfolio: Portfolio) -> Portfolio:
    """The plans that may have a page. A draft's page is named after its file and titled with its name,
    which the theme prints unescaped: only a name that is a plan ID, of a file the site may read, gets
    one. The strict build fails before any of this matters."""
    return portfolio.only(
        [
            index
            for index, (path, result) in enumerate(zip(portfolio.files, portfolio.results))
            if is_plan_id(path.stem) and not any(finding.code in _UNPUBLISHABLE for finding in result.findings)
        ],
    )


def for_audience(portfolio: Portfolio, audience: Audience) -> Portfolio:
    """The plans `audience` may see: all of them for the team; for a client, the plans that loaded and
    name that client (a plan that did not load names nobody, so it is the team's alone)."""
    if audience.internal:
        return portfolio
    results = portfolio.results
    return portfolio.only([i for i, r in enumerate(results) if r.plan and audience.includes(client_of(r))])


def client_of(result: CheckResult) -> object:
    return result.plan.data.get(plan_template.roles().client) if result.plan else None
