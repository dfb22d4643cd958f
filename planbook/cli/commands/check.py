"""`planbook check`: placeholders, schema errors and the gates of each plan's status."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from planbook.cli.common import EXIT_FINDINGS, EXIT_OK, plan_files
from planbook.reporters import REPORTER_BY_NAME


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check",
        help="check plans for placeholders, schema errors and their status's gates",
        description="Check plans: leftover placeholders, schema violations, and the completeness gates of each plan's status.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="plan files or folders (default: projects/)")
    parser.add_argument(
        "--format",
        choices=list(REPORTER_BY_NAME),
        default=None,
        help="output format (default: github when GITHUB_ACTIONS is set, else text)",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=None,
        metavar="N",
        help="worker processes for large portfolios (default: one per core; 1 to stay in one process)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from planbook.check import check_files

    results = check_files(plan_files(args.paths), jobs=args.jobs)
    name = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    REPORTER_BY_NAME[name](results, sys.stdout)
    return EXIT_OK if all(r.ok for r in results) else EXIT_FINDINGS
