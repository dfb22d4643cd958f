"""The site's "What changed" page: `planbook report`'s HTML for the days up to the build's today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path

from planbook.diff.portfolio_changes import PortfolioReport
from planbook.diff.portfolio_report import portfolio_report
from planbook.diff.report_formats import no_history_html, report_html
from planbook.git import GitError, head_commit
from planbook.loader import Plan
from planbook.paths import PROJECTS_DIR

#: The report of the current HEAD and day: it covers commits only, and `mkdocs serve` rebuilds this
#: page on every edit of the working tree.
_REPORTS: dict[tuple[Path, str, dt.date, dt.date], PortfolioReport] = {}


def what_changed_html(
    root: Path,
    today: dt.date,
    days: int,
    url_for: Callable[[str], str | None],
    known: Mapping[str, Plan],
    for_client: Callable[[str | None], bool] = lambda client: True,
) -> str:
    """The last commit before the window against the last commit by its end, so that a build for a
    past day (PLANBOOK_TODAY) shows that day's page. Outside git, or before the first commit, it says so.
    Only the plans whose client `for_client` accepts are listed: a client's site shows its own."""
    since = today - dt.timedelta(days=days)
    key = (root, head_commit(root), since, today)
    report = _REPORTS.get(key) if key[1] else None
    if report is None:
        try:
            report = portfolio_report(root / PROJECTS_DIR, since, until=today, known=known)
        except GitError as e:
            return no_history_html(f"No git history to report from: {e}")
        if key[1]:
            _REPORTS.clear()  # one day and one HEAD at a time
            _REPORTS[key] = report
    report = report.for_audience(for_client)
    return report_html(report, url_for=url_for, empty=f"Nothing changed in the last {days} days.")
