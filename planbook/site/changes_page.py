"""The site's "What changed" page: `planbook report`'s HTML for the days up to the build's today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path

from planbook.diff.portfolio_report import portfolio_report
from planbook.diff.report_formats import no_history_html, report_html
from planbook.git import GitError
from planbook.loader import Plan
from planbook.paths import PROJECTS_DIR


def what_changed_html(
    root: Path, today: dt.date, days: int, url_for: Callable[[str], str | None], known: Mapping[str, Plan]
) -> str:
    """The last commit before the window against the last commit by its end, so that a build for a
    past day (PLANBOOK_TODAY) shows that day's page. Outside git, or before the first commit, it says so."""
    since = today - dt.timedelta(days=days)
    try:
        report = portfolio_report(root / PROJECTS_DIR, since, until=today, known=known)
    except GitError as e:
        return no_history_html(f"No git history to report from: {e}")
    return report_html(report, url_for=url_for, empty=f"Nothing changed in the last {days} days.")
