"""`planbook diff`: what changed in each plan between two git revisions."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from planbook.cli.common import EXIT_OK, UsageError
from planbook.cli.output import terminal_lines


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "diff",
        help="what changed in each plan between two git revisions",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="For every plan added, deleted, renamed or modified between BASE and HEAD: the changes field by field,\n"
        "completeness before and after, and the check's result.\n\n"
        "  planbook diff                 HEAD → the working tree (what you are about to commit)\n"
        "  planbook diff main            main → the working tree\n"
        "  planbook diff main HEAD       main → HEAD (main..HEAD is the same)\n"
        "  planbook diff main...HEAD     where HEAD left main → HEAD, as a pull request shows it\n\n"
        "Exit codes: 0 whatever changed (it is a report; `planbook check` is the gate), 2 for an unknown\n"
        "revision or outside a git repository.",
    )
    parser.add_argument("base", nargs="?", metavar="BASE", help="the revision to compare from (default: HEAD)")
    parser.add_argument(
        "head", nargs="?", metavar="HEAD", help="the revision to compare to (default: the working tree)"
    )
    parser.add_argument(
        "--format",
        choices=["text", "markdown"],
        default="text",
        help="text for a terminal, or Markdown for a job summary or a comment (default: text)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from planbook.diff import diff_plans, format_markdown, format_text
    from planbook.git import GitError

    try:
        report = diff_plans(args.base, args.head)
    except GitError as e:
        raise UsageError(str(e)) from None
    sys.stdout.write(terminal_lines(format_markdown(report) if args.format == "markdown" else format_text(report)))
    return EXIT_OK
