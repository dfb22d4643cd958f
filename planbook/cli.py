"""The `planbook` command line. Parsing fills an `argparse.Namespace`; each `cmd_*` function runs it.

Imports are kept inside the commands so that `planbook check FILE` from a pre-commit hook starts fast.
Exit codes: 0 clean, 1 findings, 2 a usage or I/O error.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO, Sequence

from planbook.escape import one_line
from planbook.paths import PROJECTS_DIR, plan_files_in, projects_dir, resolved

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
MAX_DOCUMENT_BYTES = 8 * 1024 * 1024  # a README or a docs page `planbook placeholders` reads
HISTORY_LIMIT = 50  # rows by default: a plan with years of commits answers at once, and --all has them all


class UsageError(ValueError):
    """A problem with the command line or the files it names; reported as `planbook: error: …`."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return EXIT_USAGE
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = guards = PipeGuard(stdout), PipeGuard(stderr)
    try:
        return args.run(args)
    except UsageError as e:
        print(f"planbook: error: {one_line(e)}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        for guard in guards:
            guard.flush()
        sys.stdout, sys.stderr = stdout, stderr


class PipeGuard:
    """Standard output that a reader going away cannot turn into success or a traceback.

    `planbook check | head -1` closes the pipe after one line. The command goes on to its own exit
    code (1 when a plan fails), with the rest of its output dropped: a broken pipe is not a verdict,
    and a CI step with `pipefail` must still see the failure.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.broken = False
        self.buffer = _BinaryGuard(self)

    def write(self, text: str) -> int:
        if not self.broken:
            try:
                self._stream.write(text)
            except BrokenPipeError:
                self.drop()
        return len(text)

    def flush(self) -> None:
        if not self.broken:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self.drop()

    def drop(self) -> None:
        """From now on, output goes nowhere; Python's own flush at exit finds /dev/null, not the pipe."""
        self.broken = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):  # not a real file (a test's capture): nothing to redirect
            pass

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


class _BinaryGuard:
    def __init__(self, guard: PipeGuard) -> None:
        self._guard = guard

    def write(self, data: bytes) -> int:
        if not self._guard.broken:
            try:
                self._guard._stream.buffer.write(data)
                self._guard._stream.buffer.flush()
            except BrokenPipeError:
                self._guard.drop()
        return len(data)

    def flush(self) -> None:
        self._guard.flush()


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
    check.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                       help="worker processes for large portfolios (default: one per core; 1 to stay in one process)")
    check.set_defaults(run=cmd_check)

    new = commands.add_parser("new", help="start a plan from the template", description="Write projects/ID.md with every field holding its template placeholder.")
    new.add_argument("id", metavar="ID", help="the project ID, e.g. ACME-042")
    new.add_argument("--type", dest="types", action="append", choices=["accounting", "marketing", "fulfillment"], default=[],
                     help="an integration type; repeat for several")
    new.add_argument("--migration", action="store_true", help="the project migrates existing data")
    new.add_argument("--dir", type=Path, default=None, help="where plans live (default: the repository's projects/, from any folder in it)")
    new.set_defaults(run=cmd_new)

    render = commands.add_parser("render", help="print a plan as Markdown through the template",
                                 description="Print a plan as Markdown, through the implementation-plan template.")
    render.add_argument("plan", metavar="ID|PATH", help="a project ID in projects/, or a plan file")
    render.add_argument("--flavor", choices=["markdown", "site"], default="markdown", help="plain Markdown, or the site's (default: markdown)")
    render.set_defaults(run=cmd_render)

    status = commands.add_parser("status", help="the portfolio as a table", description="Show every plan: ID, client, systems, status, completeness, confidence.")
    status.add_argument("paths", nargs="*", metavar="PATH", help="plan files or folders (default: projects/)")
    status.set_defaults(run=cmd_status)

    export = commands.add_parser(
        "export", help="one plan as a standalone document: HTML, PDF or Markdown",
        description="Write one plan as a self-contained document for a client: a cover, the whole plan, the phase timeline "
                    "and a sign-off block. It needs no network; PDF needs Chromium. Internal-only content is left out "
                    "unless --internal is given. Exit codes: 0 written, 1 the plan cannot be loaded, 2 a usage error.",
    )
    export.add_argument("plan", metavar="ID|PATH", help="a project ID in projects/, or a plan file")
    export.add_argument("--format", choices=["html", "pdf", "md"], default=None,
                        help="the document's format (default: from the -o suffix, else html)")
    export.add_argument("-o", "--output", metavar="FILE", default=None,
                        help="where to write it (default: ID.FORMAT in the current folder; - for standard output)")
    export.add_argument("--internal", action="store_true",
                        help="keep internal-only content (the `internal:` fields, <!-- internal --> notes), marked as internal")
    export.set_defaults(run=cmd_export)

    diff = commands.add_parser(
        "diff", help="what changed in each plan between two git revisions",
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
    diff.add_argument("base", nargs="?", metavar="BASE", help="the revision to compare from (default: HEAD)")
    diff.add_argument("head", nargs="?", metavar="HEAD", help="the revision to compare to (default: the working tree)")
    diff.add_argument("--format", choices=["text", "markdown"], default="text",
                      help="text for a terminal, or Markdown for a job summary or a comment (default: text)")
    diff.set_defaults(run=cmd_diff)

    history = commands.add_parser("history", help="a plan's status, confidence and completeness over time, from git log",
                                  description="List the commits that changed a plan, newest first, following renames, with the status, "
                                              "confidence and completeness each one left it at. Exit codes: 0, or 2 for an unknown plan.")
    history.add_argument("plan", metavar="ID|PATH", help="a project ID in projects/, or a plan file")
    shown = history.add_mutually_exclusive_group()
    shown.add_argument("--limit", type=int, default=HISTORY_LIMIT, metavar="N",
                       help=f"show the N most recent commits (default: {HISTORY_LIMIT})")
    shown.add_argument("--all", dest="limit", action="store_const", const=None, help="show every commit")
    history.add_argument("--format", choices=["text", "json", "markdown"], default="text", help="output format (default: text)")
    history.set_defaults(run=cmd_history)

    leftovers = commands.add_parser("placeholders", help="find template placeholders left in other Markdown (docs, README)",
                                    description="List `[PLACEHOLDER]` tokens and `{{#if}}` block lines left from the template in any "
                                                "Markdown file, as path:line:col. Code and links are ignored. Exit codes: 0 none, 1 some, 2 unreadable.")
    leftovers.add_argument("paths", nargs="+", metavar="FILE", help="Markdown files")
    leftovers.set_defaults(run=cmd_placeholders)
    return parser


def plan_files(paths: Sequence[str | Path]) -> list[Path]:
    """The plan files named, folders expanded to their `*.md`, in a stable order. With none named,
    the project's `projects/`, found from wherever the command runs (`planbook.paths`)."""
    if not paths:
        folder = projects_dir()
        if not folder.is_dir():
            raise UsageError(f"no {PROJECTS_DIR}/ folder in {folder.parent}; run planbook inside the repository of the plans, or name them")
        paths = [folder]
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files += plan_files_in(path)  # links and odd entries too: the loader says what is wrong with each
        elif path.is_file() or path.is_symlink():
            files.append(path)
        elif path.exists():
            raise UsageError(f"{raw} is not a regular file; a plan is a Markdown file")
        else:
            raise UsageError(f"no such file or folder: {raw}")
    return files


def resolve_plan(name: str) -> Path:
    """A plan named by its path, or by its ID in the project's `projects/`."""
    path = Path(name)
    if path.is_file():
        return path
    candidate = projects_dir() / f"{name}.md"
    if "/" not in name and candidate.is_file():
        return candidate
    raise UsageError(f"no plan {name!r}: neither a file nor {PROJECTS_DIR}/{name}.md")


def cmd_check(args: argparse.Namespace) -> int:
    from planbook.check import check_files
    from planbook.reporters import REPORTER_BY_NAME

    results = check_files(plan_files(args.paths), jobs=args.jobs)
    name = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    REPORTER_BY_NAME[name](results, sys.stdout)
    return EXIT_OK if all(r.ok for r in results) else EXIT_FINDINGS


def cmd_new(args: argparse.Namespace) -> int:
    import re

    from planbook.files import write_atomic
    from planbook.paths import case_collisions, inside_repository, name_problem
    from planbook.scaffold import scaffold
    from planbook.schema import plan_schema

    pattern = plan_schema()["properties"]["id"]["pattern"]
    if not re.fullmatch(pattern.removeprefix("^").removesuffix("$"), args.id):
        raise UsageError(f"{args.id!r} is not a project ID: use letters, digits, '.', '_' and '-', like ACME-042")
    reserved = name_problem(args.id)
    if reserved is not None:
        raise UsageError(reserved.message)
    folder = args.dir if args.dir is not None else projects_dir()
    target = folder / f"{args.id}.md"
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is not a folder; plans live in a folder named {PROJECTS_DIR}/")
    if not inside_repository(target):
        raise UsageError(f"{folder} leads out of the repository or nowhere (a loop of links); a plan must be written inside it")
    clash = case_collisions([target]).get(target)
    if clash:
        raise UsageError(f"{clash[0]} differs from {target.name} only by case; on macOS and Windows they are one file")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(target, scaffold(args.id, types=args.types, migration=args.migration, path=_shown(target)), overwrite=False)
    except FileExistsError:
        raise UsageError(f"{target} already exists; planbook new never overwrites a plan") from None
    except OSError as e:
        raise UsageError(f"cannot write {target}: {e.strerror or e}") from None
    print(one_line(f"wrote {_shown(target)}"))
    print(one_line(f"next: fill in its placeholders; `planbook check {_shown(target)}` lists those left"))
    return EXIT_OK


def _shown(path: Path) -> str:
    from planbook.loader import display_path

    return display_path(path)


def load_named_plan(name: str) -> tuple[Path, "Plan | None"]:  # noqa: F821 - imported lazily
    """The plan `name` (an ID or a path), loaded; None after printing its findings when it cannot load."""
    from planbook.loader import LoadError, load_plan

    path = resolve_plan(name)
    loaded = load_plan(path)
    if isinstance(loaded, LoadError):
        for finding in loaded.findings:
            print(finding, file=sys.stderr)
        return path, None
    return path, loaded


def cmd_render(args: argparse.Namespace) -> int:
    from planbook.render import git_context, render_plan

    path, loaded = load_named_plan(args.plan)
    if loaded is None:
        return EXIT_FINDINGS
    sys.stdout.write(terminal_lines(render_plan(loaded, flavor=args.flavor, context=git_context(path))))
    return EXIT_OK


def terminal_lines(text: str) -> str:
    """Many lines for a terminal or a log, each through `one_line`: no line of plan text can hold a
    character that drives the terminal."""
    return "\n".join(one_line(line) for line in text.split("\n"))


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
            *(one_line(value) for value in (row.id, row.client, row.systems, row.status)),
            "invalid" if row.completeness is None else f"{row.completeness}%",
            "" if row.confidence is None else f"{row.confidence}%",
            style=None if row.ok else "red",
        )
    width = None if sys.stdout.isatty() else 160  # a pipe or a CI log is not 80 columns wide
    Console(highlight=False, markup=False, emoji=False, width=width).print(table)
    return EXIT_OK if all(row.ok for row in rows) else EXIT_FINDINGS


def cmd_export(args: argparse.Namespace) -> int:
    from planbook.check import check_result, with_collisions
    from planbook.export import FORMATS, ExportError, export_plan, git_context
    from planbook.files import write_atomic

    suffix = Path(args.output).suffix.lower().lstrip(".") if args.output and args.output != "-" else ""
    fmt = args.format or (suffix if suffix in FORMATS else "html")
    path, loaded = load_named_plan(args.plan)
    if loaded is None:
        return EXIT_FINDINGS
    (result,) = with_collisions([path], [check_result(loaded)])  # the one gate: what check refuses, no client receives
    if not result.ok:
        for finding in result.findings:
            print(finding, file=sys.stderr)
        errors = sum(finding.severity == "error" for finding in result.findings)
        print(one_line(f"planbook: {_shown(path)} fails the check ({errors} finding{'s' if errors != 1 else ''}), "
                       "so it is not exported; fix them and export again"), file=sys.stderr)
        return EXIT_FINDINGS
    try:
        document = export_plan(loaded, fmt, context=git_context(path), internal=args.internal)
    except ExportError as e:
        raise UsageError(str(e)) from None
    if args.output == "-":
        sys.stdout.buffer.write(document)
        sys.stdout.flush()
        return EXIT_OK
    target = export_target(args.output, path, FORMATS[fmt][0])
    try:
        write_atomic(target, document)
    except OSError as e:
        raise UsageError(f"cannot write {target}: {e.strerror or e}") from None
    print(one_line(f"wrote {target} ({len(document):,} bytes, {fmt}{', internal edition' if args.internal else ''})"))
    return EXIT_OK


def export_target(output: str | None, plan: Path, suffix: str) -> Path:
    """Where an export goes: `-o FILE`, or `ID.SUFFIX` in the folder `-o` names or the working folder.

    The name comes from the plan's file, which check has matched to its `id`, and is checked again
    here: nothing a plan says can lead the write elsewhere.
    """
    import re

    from planbook.schema import plan_schema

    stem = plan.stem
    if not re.fullmatch(plan_schema()["properties"]["id"]["pattern"].removeprefix("^").removesuffix("$"), stem):
        raise UsageError(f"{plan.name!r} is not a plan file name to name an export after; give the file with -o")
    target = Path(f"{stem}{suffix}") if output is None else Path(output)
    if output is not None and (output.endswith(("/", os.sep)) or (target.is_dir() and not target.is_symlink())):
        target = target / f"{stem}{suffix}"
    try:
        same = target.exists() and os.path.samefile(target, plan)
    except OSError:  # a loop of links, say: the write refuses what is not a regular file
        same = False
    if same:
        raise UsageError(f"{target} is the plan itself; write the export somewhere else with -o")
    folder = resolved(target.absolute().parent)
    if target.suffix.casefold() == ".md" and (folder == resolved(plan.absolute().parent) or folder.name.casefold() == PROJECTS_DIR):
        raise UsageError(f"{target} would sit among plans and be read as one; write the export somewhere else with -o")
    return target


def cmd_diff(args: argparse.Namespace) -> int:
    from planbook.diff import diff_plans, format_markdown, format_text
    from planbook.history import GitError

    try:
        report = diff_plans(args.base, args.head)
    except GitError as e:
        raise UsageError(str(e)) from None
    sys.stdout.write(terminal_lines(format_markdown(report) if args.format == "markdown" else format_text(report)))
    return EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    import dataclasses
    import json

    from planbook.escape import cell, code
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
    headings = ("Date", "Commit", "Status", "Confidence", "Completeness")
    table = [[one_line(row.as_dict()[key.lower()]) for key in headings] for row in rows]
    if args.format == "markdown":
        print("| " + " | ".join(headings) + " |")
        print("|" + "|".join("---" for _ in headings) + "|")
        for values in table:
            print(one_line(f"| {cell(values[0])} | {code(values[1])} | " + " | ".join(cell(v) for v in values[2:]) + " |"))
        return EXIT_OK
    if not rows:
        print(one_line(f"{_shown(path)}: no commits yet; history starts with the first commit of the plan"))
        return EXIT_OK
    widths = [max(len(h), *(len(values[i]) for values in table)) for i, h in enumerate(headings)]
    for values in [list(headings), *table]:
        print("  ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip())
    if older:
        print(f"(the {args.limit} most recent commits; --all shows every one)")
    return EXIT_OK


def cmd_placeholders(args: argparse.Namespace) -> int:
    from planbook.findings import Finding
    from planbook.loader import display_path, positions_of
    from planbook.placeholders import find_leftovers

    from planbook.files import read_bounded

    found = 0
    for raw in args.paths:
        try:  # bounded, and never from a FIFO or a device: `planbook placeholders /dev/zero` ends at once
            text = read_bounded(raw, MAX_DOCUMENT_BYTES).decode("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise UsageError(f"cannot read {raw}: {getattr(e, 'strerror', None) or e}") from None
        leftovers = list(find_leftovers(text))
        for leftover, (line, column) in zip(leftovers, positions_of(text, (lo.offset for lo in leftovers), 1)):
            if leftover.code == "PB202":
                message = f"template block `{one_line(leftover.token)}` is left in; remove it"
            else:
                message = f"placeholder {leftover.token} is left from the template; fill it in, or put it in backticks if it is meant literally"
            print(Finding(display_path(raw), line, column, leftover.code, message))
            found += 1
    return EXIT_FINDINGS if found else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
