"""`planbook history`: a plan's status, confidence and completeness at every commit."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from typing import Any

from planbook.cli.common import EXIT_OK, UsageError, resolve_plan, shown
from planbook.escape import cell, code, one_line

COLUMNS = {
    "date": "Date",
    "commit": "Commit",
    "status": "Status",
    "confidence": "Confidence",
    "completeness": "Fields filled",
}
HEADINGS = tuple(COLUMNS.values())
LIMIT = 50  # rows by default: a plan with years of commits answers at once, and --all has them all


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "history",
        help="a plan's status, confidence and completeness over time, from git log",
        description="List the commits that changed a plan, newest first, following renames, with the status, "
        "confidence and completeness each one left it at. Exit codes: 0, or 2 for an unknown plan.",
    )
    parser.add_argument("plan", metavar="ID|PATH", help="a project ID in projects/, or a plan file")
    shown_rows = parser.add_mutually_exclusive_group()
    shown_rows.add_argument(
        "--limit", type=int, default=LIMIT, metavar="N", help=f"show the N most recent commits (default: {LIMIT})"
    )
    shown_rows.add_argument("--all", dest="limit", action="store_const", const=None, help="show every commit")
    parser.add_argument(
        "--format", choices=["text", "json", "markdown"], default="text", help="output format (default: text)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from planbook.history import plan_history

    if args.limit is not None and not 1 <= args.limit <= 1_000_000:
        raise UsageError("--limit must be from 1 to 1,000,000; --all shows every commit")
    path = resolve_plan(args.plan)
    rows = plan_history(path, limit=None if args.limit is None else args.limit + 1)  # one more: are there older ones?
    older = args.limit is not None and len(rows) > args.limit
    rows = rows[: args.limit]
    if args.format == "json":
        # ASCII: a program reads \uXXXX as well, and no raw control or bidi character reaches a terminal
        json.dump([dataclasses.asdict(row) for row in rows], sys.stdout, indent=2, ensure_ascii=True)
        sys.stdout.write("\n")
        return EXIT_OK
    table = [[one_line(row.as_dict()[key]) for key in COLUMNS] for row in rows]
    if args.format == "markdown":
        print("| " + " | ".join(HEADINGS) + " |")
        print("|" + "|".join("---" for _ in HEADINGS) + "|")
        for values in table:
            print(
                one_line(f"| {cell(values[0])} | {code(values[1])} | " + " | ".join(cell(v) for v in values[2:]) + " |")
            )
        return EXIT_OK
    if not rows:
        print(one_line(f"{shown(path)}: no commits yet; history starts with the first commit of the plan"))
        return EXIT_OK
    widths = [max(len(h), *(len(values[i]) for values in table)) for i, h in enumerate(HEADINGS)]
    for values in [list(HEADINGS), *table]:
        print("  ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip())
    if older:
        print(f"(the {args.limit} most recent commits; --all shows every one)")
    return EXIT_OK
