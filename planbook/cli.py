"""The `planbook` command line. Parsing fills an `argparse.Namespace`; each `cmd_*` function runs it.

Imports are kept inside the commands so that `planbook check FILE` from a pre-commit hook starts fast.
Exit codes: 0 clean, 1 findings, 2 a usage or I/O error.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Iterator, Sequence

PROJECTS_DIR = Path("projects")
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(ValueError):
    """A problem with the command line or the files it names; reported as `planbook: error: …`."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.run(args)
    except UsageError as e:
        print(f"planbook: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `planbook render X | head` is not an error
        sys.stderr.close()
        return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    from planbook import __version__

    parser = argparse.ArgumentParser(prog="planbook", description="Implementation plans as code: check, scaffold and render them.")
    parser.add_argument("--version", action="version", version=f"planbook {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    check = commands.add_parser("check", help="check plans for placeholders, schema errors and their status's gates",
                                description="Check plans: leftover placeholders, schema violations, and the completeness gates of each plan's status.")
    check.add_argument("paths", nargs="*", metavar="PATH", help="plan files or folders (default: projects/)")
    check.add_argument("--format", choices=["text", "json", "github", "sarif"], default=None,
                       help="output format (default: github when GITHUB_ACTIONS is set, else text)")
    check.set_defaults(run=cmd_check)

    new = commands.add_parser("new", help="start a plan from the template", description="Write projects/ID.md with every field holding its template placeholder.")
    new.add_argument("id", metavar="ID", help="the project ID, e.g. ACME-042")
    new.add_argument("--type", dest="types", action="append", choices=["accounting", "marketing", "fulfillment"], default=[],
                     help="an integration type; repeat for several")
    new.add_argument("--migration", action="store_true", help="the project migrates existing data")
    new.add_argument("--dir", type=Path, default=PROJECTS_DIR, help="where plans live (default: projects/)")
    new.set_defaults(run=cmd_new)

    render = commands.add_parser("render", help="print a plan as Markdown through the template",
                                 description="Print a plan as Markdown, through the implementation-plan template.")
    render.add_argument("plan", metavar="ID|PATH", help="a project ID in projects/, or a plan file")
    render.add_argument("--flavor", choices=["markdown", "site"], default="markdown", help="plain Markdown, or the site's (default: markdown)")
    render.set_defaults(run=cmd_render)

    status = commands.add_parser("status", help="the portfolio as a table", description="Show every plan: ID, client, systems, status, completeness, confidence.")
    status.add_argument("paths", nargs="*", metavar="PATH", help="plan files or folders (default: projects/)")
    status.set_defaults(run=cmd_status)
    return parser


def plan_files(paths: Sequence[str | Path]) -> list[Path]:
    """The plan files named, folders expanded to their `*.md`, in a stable order."""
    if not paths:
        if not PROJECTS_DIR.is_dir():
            raise UsageError("no projects/ folder here; run planbook from the repository's top, or name the plans")
        paths = [PROJECTS_DIR]
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files += sorted(p for p in path.glob("*.md") if p.is_file())
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"no such file or folder: {raw}")
    return files


def resolve_plan(name: str) -> Path:
    path = Path(name)
    if path.is_file():
        return path
    candidate = PROJECTS_DIR / f"{name}.md"
    if candidate.is_file():
        return candidate
    raise UsageError(f"no plan {name!r}: neither a file nor projects/{name}.md")


def check_files(files: Sequence[Path]) -> Iterator["CheckResult"]:  # noqa: F821 - imported lazily
    from planbook.check import check_result
    from planbook.loader import load_plan

    for path in files:
        yield check_result(load_plan(path))


def cmd_check(args: argparse.Namespace) -> int:
    from planbook.reporters import REPORTER_BY_NAME

    files = plan_files(args.paths)
    results = list(check_files(files))
    name = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    REPORTER_BY_NAME[name](results, sys.stdout)
    return EXIT_OK if all(r.ok for r in results) else EXIT_FINDINGS


def cmd_new(args: argparse.Namespace) -> int:
    import re

    from planbook.files import write_atomic
    from planbook.scaffold import scaffold
    from planbook.schema import plan_schema

    pattern = plan_schema()["properties"]["id"]["pattern"]
    if not re.match(pattern, args.id):
        raise UsageError(f"{args.id!r} is not a project ID: use letters, digits, '.', '_' and '-', like ACME-042")
    target = args.dir / f"{args.id}.md"
    try:
        args.dir.mkdir(parents=True, exist_ok=True)
        write_atomic(target, scaffold(args.id, types=args.types, migration=args.migration, path=target.as_posix()), overwrite=False)
    except FileExistsError:
        raise UsageError(f"{target} already exists; planbook new never overwrites a plan") from None
    except OSError as e:
        raise UsageError(f"cannot write {target}: {e.strerror or e}") from None
    print(f"wrote {target}")
    print(f"next: fill in its placeholders; `planbook check {target}` lists those left")
    return EXIT_OK


def cmd_render(args: argparse.Namespace) -> int:
    from planbook.history import last_changes
    from planbook.loader import LoadError, load_plan
    from planbook.render import RenderContext, render_plan

    path = resolve_plan(args.plan)
    loaded = load_plan(path)
    if isinstance(loaded, LoadError):
        for finding in loaded.findings:
            print(finding, file=sys.stderr)
        return EXIT_FINDINGS
    facts = last_changes([path]).get(path.resolve())
    context = RenderContext(version=facts.commit if facts else None, last_updated=facts.date if facts else None)
    sys.stdout.write(render_plan(loaded, flavor=args.flavor, context=context))
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from planbook.portfolio import portfolio_rows

    rows = portfolio_rows(plan_files(args.paths))
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} plan{'s' if len(rows) != 1 else ''}", title_justify="left")
    for heading, justify, wrap in [("ID", "left", False), ("Client", "left", True), ("Systems", "left", True),
                                   ("Status", "left", False), ("Complete", "right", False), ("Confidence", "right", False)]:
        table.add_column(heading, justify=justify, no_wrap=not wrap, overflow="fold")
    for row in rows:
        table.add_row(
            row.id, row.client, row.systems, row.status,
            "invalid" if row.completeness is None else f"{row.completeness}%",
            "" if row.confidence is None else f"{row.confidence}%",
            style=None if row.ok else "red",
        )
    width = None if sys.stdout.isatty() else 160  # a pipe or a CI log is not 80 columns wide
    Console(highlight=False, markup=False, emoji=False, width=width).print(table)
    return EXIT_OK if all(row.ok for row in rows) else EXIT_FINDINGS


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
