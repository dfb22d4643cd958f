"""`planbook report`: what changed across the whole portfolio since a date or a revision."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from planbook.cli.common import EXIT_OK, UsageError
from planbook.cli.output import terminal_lines
from planbook.escape import one_line

#: The names of `planbook.diff.report_formats.REPORT_FORMATS`, kept here so that building the parser
#: imports no engine; tests/test_architecture.py holds the two together.
FORMAT_NAMES = ("markdown", "html", "json")


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "report",
        help="what changed across the portfolio since a date or a revision",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="What changed in every plan between a base and HEAD, from git: status changes, tasks done and\n"
        "undone, risks and blockers added and closed, dates moved, new and removed plans.\n\n"
        "  planbook report --since 2026-11-24          the plans at the start of that day → HEAD\n"
        "  planbook report --since v1.4 --format json  a revision → HEAD, for tools\n\n"
        "A date means the last first-parent commit before that day (by the committer's date); with none,\n"
        "every plan counts as new. Exit codes: 0 whatever changed, 2 for a malformed date, an unknown\n"
        "revision, or outside a git repository.",
    )
    parser.add_argument(
        "--since", required=True, metavar="DATE|REV", help="a day (YYYY-MM-DD) or a revision to report from"
    )
    parser.add_argument(
        "--format",
        choices=FORMAT_NAMES,
        default="markdown",
        help="markdown for a meeting, an HTML fragment for a page, or JSON for tools (default: markdown)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from planbook.diff.portfolio_report import SinceError, portfolio_report
    from planbook.diff.report_formats import REPORT_FORMATS
    from planbook.git import GitError
    from planbook.paths import projects_dir

    try:
        report = portfolio_report(projects_dir(), args.since)
    except SinceError as e:
        raise UsageError(f"--since: {e}") from None
    except GitError as e:
        raise UsageError(f"--since {one_line(args.since)}: {e}") from None
    sys.stdout.write(terminal_lines(REPORT_FORMATS[args.format](report)))
    return EXIT_OK
