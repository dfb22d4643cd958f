"""`planbook import`: plans written by hand from the template become plan files in `projects/`."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Any

from planbook.cli.common import EXIT_FINDINGS, EXIT_OK, UsageError, shown
from planbook.cli.output import terminal_lines
from planbook.escape import one_line

_SUFFIXES = (".md", ".markdown", ".txt")


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import",
        help="turn plans written by hand from the template into plan files",
        description="Read plans written in Markdown from the template (by hand, or exported from Google Docs "
        "or Word) and write each as projects/ID.md: every value in its field, each task ticked or not, "
        "table rows as list items, kept conditional blocks as the integration types and the migration. "
        "Text that matches no field goes to the plan's notes, and is reported as FILE:line: message. "
        "Exit codes: 0 every document imported, 1 some could not be, 2 a usage error.",
    )
    parser.add_argument(
        "documents", nargs="+", metavar="FILE", help="a plan in Markdown, or a folder of them (.md, .markdown, .txt)"
    )
    parser.add_argument("--id", dest="plan_id", metavar="ID", help="the project ID, when one document is imported")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="PATH",
        help="where to write: a file for one document (- for standard output), else a folder (default: projects/)",
    )
    parser.add_argument("--force", action="store_true", help="replace a plan file that exists already")
    parser.set_defaults(run=run)


@dataclasses.dataclass
class _Result:
    source: str
    written: str | None = None
    placed: int = 0
    reported: int = 0
    unfilled: int = 0
    wrong: int = 0  # values check refuses: a date that is no date, a status it does not know


def run(args: argparse.Namespace) -> int:
    from planbook import paths, plan_template

    plan_template.activate(paths.project_root())
    documents = _documents(args.documents)
    single = len(documents) == 1 and not any(Path(name).is_dir() for name in args.documents)
    if args.plan_id is not None and not args.plan_id.strip():
        raise UsageError("--id is empty: give the project ID, or leave --id out to read it from the document")
    if args.plan_id is not None and not single:
        raise UsageError("--id names one plan: import one document with it")
    if args.output is not None and not single and args.output.exists() and not args.output.is_dir():
        raise UsageError(f"{args.output} is not a folder; several documents are written to a folder")
    results: list[_Result] = []
    taken: dict[str, str] = {}
    for document in documents:
        results.append(_import_one(document, args, single, taken))
    if not single or len(results) > 1:
        print(_summary(results))
    return EXIT_OK if all(result.written for result in results) else EXIT_FINDINGS


def _documents(names: list[str]) -> list[Path]:
    found: list[Path] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() in _SUFFIXES and not p.is_dir())
        elif path.exists() or path.is_symlink():
            found.append(path)
        else:
            raise UsageError(f"no such file or folder: {name}")
    if not found:
        raise UsageError(f"no Markdown documents in {', '.join(names)}")
    return found


def _import_one(document: Path, args: argparse.Namespace, single: bool, taken: dict[str, str]) -> _Result:
    from planbook.files import NotARegularFile, TooLarge, read_bounded
    from planbook.importer import MAX_DOCUMENT_BYTES, DocumentError, WriteError, import_document, plan_text

    source = shown(document)
    result = _Result(source)
    try:
        text = read_bounded(document, MAX_DOCUMENT_BYTES).decode("utf-8")
        plan_id, imported = import_document(text, plan_id=args.plan_id)
    except TooLarge as e:
        return _failed(result, 1, f"is {e.size:,} bytes; a plan is read up to {MAX_DOCUMENT_BYTES:,}")
    except NotARegularFile:
        return _failed(result, 1, "is not a regular file")
    except UnicodeDecodeError as e:
        return _failed(result, 1, f"is not UTF-8 text (byte {e.start + 1}); save it as UTF-8 and import again")
    except OSError as e:
        return _failed(result, 1, f"cannot be read: {e.strerror or e}")
    except DocumentError as e:
        return _failed(result, e.line, e.message)
    for problem in imported.problems:
        print(one_line(f"{source}:{problem.line}: {problem.message}"))
    result.placed, result.reported, result.unfilled = imported.placed, len(imported.problems), len(imported.unfilled)
    if plan_id in taken:
        return _failed(result, imported.id_line or 1, f"names project {plan_id}, which {taken[plan_id]} named already")
    taken[plan_id] = source
    target = _target(plan_id, args.output, single)
    if target is not None and target.stem != plan_id:  # check would refuse the file (PB106)
        return _failed(
            result,
            imported.id_line or 1,
            f"names project {plan_id}, so its plan file is {plan_id}.md, not {target.name}",
        )
    try:
        text = plan_text(
            imported.data,
            imported.notes,
            plan_id=plan_id,
            source=source,
            path=f"{plan_id}.md" if target is None else shown(target),
        )
    except WriteError as e:
        return _failed(result, 1, str(e))
    if target is None:  # standard output: a terminal or a log, so escaped as `render` escapes its plan
        sys.stdout.write(terminal_lines(text))
        result.written = "-"
        return result
    refused = _write(target, text, args.force)
    if refused is not None:
        return _failed(result, 1, refused)
    result.written = shown(target)
    result.wrong = _wrong_values(target, text)
    print(one_line(f"wrote {result.written} from {source}: {_counts(result)}"))
    return result


def _target(plan_id: str, output: Path | None, single: bool) -> Path | None:
    from planbook.paths import projects_dir

    if output is not None and str(output) == "-" and single:
        return None
    if output is not None and single and not output.is_dir():
        return output
    return (output or projects_dir()) / f"{plan_id}.md"


def _write(target: Path, text: str, force: bool) -> str | None:
    from planbook.files import write_atomic
    from planbook.paths import case_collisions, inside_repository, name_problem

    reserved = name_problem(target.stem)
    if reserved is not None:
        return reserved.message
    if not inside_repository(target):
        return f"{shown(target)} leads out of the repository or nowhere; a plan must be written inside it"
    clash = case_collisions([target]).get(target)
    if clash:
        return f"{clash[0]} differs from {target.name} only by case; on macOS and Windows they are one file"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, text, overwrite=force)
    except FileExistsError:
        return f"{shown(target)} exists already; import it again with --force to replace it"
    except OSError as e:
        return f"cannot write {shown(target)}: {e.strerror or e}"
    return None


def _failed(result: _Result, line: int, message: str) -> _Result:
    print(one_line(f"{result.source}:{line}: {message}; nothing was written"), file=sys.stderr)
    result.written = None
    return result


def _counts(result: _Result) -> str:
    from planbook.findings import counted

    return (
        f"{counted(result.placed, 'value')} placed, {counted(result.reported, 'line')} reported (kept in the notes), "
        f"{counted(result.unfilled, 'placeholder')} left"
    ) + (f", {counted(result.wrong, 'value')} to correct (planbook check lists them)" if result.wrong else "")


def _wrong_values(target: Path, text: str) -> int:
    """How many values, kept as the document wrote them, check refuses (PB0xx, PB1xx): the gates and
    the placeholders are the plan's state, not the import's."""
    from planbook.check import check_result
    from planbook.loader import load_plan

    findings = check_result(load_plan(target, text=text)).findings  # the text just written: no second read
    return len({(f.line, f.column) for f in findings if f.severity == "error" and f.code[2] in "01"})


def _summary(results: list[_Result]) -> str:
    done = [result for result in results if result.written]
    total = _Result("", placed=sum(r.placed for r in done), reported=sum(r.reported for r in done))
    total.unfilled, total.wrong = sum(r.unfilled for r in done), sum(r.wrong for r in done)
    failed = len(results) - len(done)
    tail = f"; {failed} could not be imported (see above)" if failed else ""
    return f"imported {len(done)} of {len(results)} documents: {_counts(total)}{tail}"
