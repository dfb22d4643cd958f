"""`planbook status`: the portfolio as a table."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from planbook.cli.common import EXIT_FINDINGS, EXIT_OK, plan_files
from planbook.dates import today
from planbook.escape import one_line


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "status",
        help="the portfolio as a table",
        description="Show every plan: ID, client, systems, status, tasks done, fields filled, confidence.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="plan files or folders (default: projects/)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from planbook.portfolio import portfolio_rows

    rows = portfolio_rows(plan_files(args.paths), today=today())
    table = Table(title=f"{len(rows)} plan{'s' if len(rows) != 1 else ''}", title_justify="left")
    for heading, justify, wrap in [
        ("ID", "left", False),
        ("Client", "left", True),
        ("Systems", "left", True),
        ("Status", "left", False),
        ("Tasks done", "right", False),
        ("Fields filled", "right", False),
        ("Confidence", "right", False),
    ]:
        table.add_column(heading, justify=justify, no_wrap=not wrap, overflow="fold")  # type: ignore[arg-type]
    for row in rows:
        table.add_row(
            *(one_line(value) for value in (row.id, row.client, row.systems, row.status)),
            "" if row.completeness is None else f"{row.tasks_done} of {row.tasks_total}",
            "invalid" if row.completeness is None else f"{row.completeness}%",
            "" if row.confidence is None else f"{row.confidence}%",
            style=None if row.ok else "red",
        )
    width = None if sys.stdout.isatty() else 160  # a pipe or a CI log is not 80 columns wide
    Console(highlight=False, markup=False, emoji=False, width=width).print(table)
    return EXIT_OK if all(row.ok for row in rows) else EXIT_FINDINGS
