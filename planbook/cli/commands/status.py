"""`planbook status`: the portfolio as a table, as JSON or as CSV: is each project on time, how far
along it is, and who leads it. The facts come from `planbook.model.tracking`, on one day."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from planbook import schema
from planbook.cli.common import EXIT_FINDINGS, EXIT_OK, UsageError, plan_files
from planbook.dates import today
from planbook.escape import csv_cell, one_line
from planbook.model.labels import variance_text
from planbook.model.people import person_key
from planbook.portfolio import PortfolioRow, portfolio_rows

#: The fields of each plan in `--format json` and the columns of `--format csv`, in order.
FIELDS = (
    "id",
    "client",
    "status",
    "rag",
    "late",
    "progress",
    "planned_end",
    "forecast_end",
    "variance_days",
    "lead",
    "fields_filled",
    "confidence",
    "path",
    "ok",
)


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "status",
        help="the portfolio: on time or late, progress, lead",
        description=(
            "Show every plan: ID, client, status, RAG, late, tasks done, planned and forecast end, variance and"
            " lead. Late and RAG follow the rules of the schedule reference, on today's date"
            " (PLANBOOK_TODAY=YYYY-MM-DD sets another). Exits 1 when a plan fails check."
        ),
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="plan files or folders (default: projects/)")
    parser.add_argument("--format", choices=("text", "json", "csv"), default="text", help="output format")
    parser.add_argument(
        "--status", action="append", metavar="STATUS", help="only plans in this status (repeat for more)"
    )
    parser.add_argument("--late", action="store_true", help="only plans that are late")
    parser.add_argument(
        "--lead",
        metavar="NAME",
        help="only plans this person leads (read as on the People page: case, spacing and invisible characters ignored)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    wrong = [s for s in args.status or () if s not in schema.STATUSES]
    if wrong:
        raise UsageError(f"unknown status {wrong[0]!r}; choose from {', '.join(schema.STATUSES)}")
    rows = portfolio_rows(plan_files(args.paths), today=today())
    shown = [row for row in rows if _wanted(row, args)]
    _WRITERS[args.format](shown)
    return EXIT_OK if all(row.ok for row in rows) else EXIT_FINDINGS


def _wanted(row: PortfolioRow, args: argparse.Namespace) -> bool:
    if args.status and row.status not in args.status:
        return False
    if args.late and not (row.tracking and row.tracking.late):
        return False
    # One person is one name as the People page reads it (`person_key`): a lead pasted with an
    # invisible character or a decomposed accent is still that person.
    return not args.lead or person_key(row.lead) == person_key(args.lead)


def record(row: PortfolioRow) -> dict[str, Any]:
    """One plan's facts as plain data: what `--format json` and `--format csv` hold."""
    tracking = row.tracking
    return {
        "id": row.id,
        "client": row.client,
        "status": row.status,
        "rag": tracking.rag if tracking else None,
        "late": bool(tracking and tracking.late),
        "progress": row.progress if row.tasks_total else None,
        "planned_end": _iso(tracking.planned_end) if tracking else None,
        "forecast_end": _iso(tracking.forecast_end) if tracking else None,
        "variance_days": tracking.variance_days if tracking else None,
        "lead": row.lead,
        "fields_filled": row.completeness,
        "confidence": row.confidence,
        "path": row.path,
        "ok": row.ok,
        "late_reasons": list(tracking.late_reasons) if tracking else [],
        "rag_reasons": list(tracking.rag_reasons) if tracking else [],
    }


def _iso(day: Any) -> str | None:
    return day.isoformat() if day is not None else None


def _write_json(rows: Sequence[PortfolioRow]) -> None:
    # ensure_ascii: no plan text reaches the terminal as a raw control or format character
    print(json.dumps([record(row) for row in rows], indent=2, ensure_ascii=True))


def _write_csv(rows: Sequence[PortfolioRow]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(FIELDS)
    for row in rows:
        facts = record(row)
        writer.writerow([csv_cell(facts[field]) for field in FIELDS])


def _write_text(rows: Sequence[PortfolioRow]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} plan{'s' if len(rows) != 1 else ''}", title_justify="left")
    for heading, justify, wrap in [
        ("ID", "left", False),
        ("Client", "left", True),
        ("Status", "left", False),
        ("RAG", "left", False),
        ("Late", "left", False),
        ("Tasks done", "right", False),
        ("Planned end", "left", False),
        ("Forecast end", "left", False),
        ("Variance", "right", False),
        ("Lead", "left", True),
        ("Fields filled", "right", False),
    ]:
        table.add_column(heading, justify=justify, no_wrap=not wrap, overflow="fold")  # type: ignore[arg-type]
    for row in rows:
        facts = record(row)
        table.add_row(
            *(one_line(value) for value in (row.id, row.client, row.status)),
            (facts["rag"] or "").upper(),
            "late" if facts["late"] else "",
            "" if facts["progress"] is None else f"{facts['progress']}% ({row.tasks_done} of {row.tasks_total})",
            facts["planned_end"] or "",
            facts["forecast_end"] or "",
            variance_text(facts["variance_days"]),
            one_line(row.lead),
            "invalid" if row.completeness is None else f"{row.completeness}%",
            style=None if row.ok else "red",
        )
    width = None if sys.stdout.isatty() else 200  # a pipe or a CI log is not 80 columns wide
    Console(highlight=False, markup=False, emoji=False, width=width).print(table)


_WRITERS: dict[str, Callable[[Sequence[PortfolioRow]], None]] = {
    "text": _write_text,
    "json": _write_json,
    "csv": _write_csv,
}
