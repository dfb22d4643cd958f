"""`planbook new`: start a plan from the template, in the repository's `projects/` from any folder."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from planbook import schema
from planbook.cli.common import EXIT_OK, UsageError, shown
from planbook.escape import one_line
from planbook.paths import PROJECTS_DIR, case_collisions, inside_repository, name_problem, projects_dir
from planbook.schema import is_plan_id


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "new",
        help="start a plan from the template",
        description="Write projects/ID.md with every field holding its template placeholder.",
    )
    parser.add_argument("id", metavar="ID", help="the project ID, e.g. ACME-042")
    parser.add_argument(
        "--type",
        dest="types",
        action="append",
        metavar="TYPE",
        default=[],
        help="one of the template's integration types (accounting, marketing, fulfillment in the default); repeat for several",
    )
    parser.add_argument("--migration", action="store_true", help="the project migrates existing data")
    parser.add_argument(
        "--with-docs",
        action="store_true",
        help="also write the plan's companion documents (its SOW and technical specs) into projects/ID/, from "
        "the template's; for a plan that exists already, only those it lacks",
    )
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="where plans live (default: the repository's projects/, from any folder in it)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from planbook.files import write_atomic
    from planbook.scaffold import scaffold

    unknown = [kind for kind in args.types if kind not in schema.INTEGRATION_TYPES]
    if unknown:
        choices = ", ".join(schema.INTEGRATION_TYPES)
        raise UsageError(f"{unknown[0]!r} is not an integration type of the template; choose from {choices}")
    if not is_plan_id(args.id):
        raise UsageError(f"{args.id!r} is not a project ID: use letters, digits, '.', '_' and '-', like ACME-042")
    if args.with_docs and args.id.casefold().endswith(".md"):
        raise UsageError(
            f"{args.id!r} ends in .md: its documents' folder, {PROJECTS_DIR}/{args.id}/, would be read as a plan"
        )
    reserved = name_problem(args.id)
    if reserved is not None:
        raise UsageError(reserved.message)
    folder = args.dir if args.dir is not None else projects_dir()
    target = folder / f"{args.id}.md"
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is not a folder; plans live in a folder named {PROJECTS_DIR}/")
    if not inside_repository(target):
        raise UsageError(
            f"{folder} leads out of the repository or nowhere (a loop of links); a plan must be written inside it"
        )
    clash = case_collisions([target]).get(target)
    if clash:
        raise UsageError(f"{clash[0]} differs from {target.name} only by case; on macOS and Windows they are one file")
    wrote = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(
            target, scaffold(args.id, types=args.types, migration=args.migration, path=shown(target)), overwrite=False
        )
        wrote.append(target)
    except FileExistsError:
        if not args.with_docs:
            raise UsageError(f"{target} already exists; planbook new never overwrites a plan") from None
    except OSError as e:
        raise UsageError(f"cannot write {target}: {e.strerror or e}") from None
    if args.with_docs:
        wrote += _companions(target)
    if not wrote:
        raise UsageError(f"{target} and its companion documents exist already; planbook new never overwrites them")
    for path in wrote:
        print(one_line(f"wrote {shown(path)}"))
    print(one_line(f"next: fill in their placeholders; `planbook check {shown(target)}` lists those left"))
    return EXIT_OK


def _companions(target: Path) -> list[Path]:
    """Write the companion documents `target` lacks, each from its template; the paths written."""
    from planbook.companion_scaffold import scaffold_companion
    from planbook.companions import companions_of
    from planbook.files import write_atomic
    from planbook.loader import LoadError, load_plan

    plan = load_plan(target)
    if isinstance(plan, LoadError):
        raise UsageError(f"{shown(target)} cannot be read ({plan.findings[0]}); `planbook check` says why")
    wrote = []
    for companion in companions_of(plan, target):
        if companion.path is None or not companion.missing:
            continue  # an https address, a place check refuses, or a document written already
        if not inside_repository(companion.path):
            raise UsageError(
                f"{shown(companion.path)} leads out of the repository; a companion document is written inside it"
            )
        try:
            companion.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(companion.path, scaffold_companion(plan, companion.name), overwrite=False)
        except FileExistsError:
            if not companion.path.parent.is_dir():  # `projects/<ID>` is a file: nothing can go in it
                raise UsageError(f"{shown(companion.path.parent)} is not a folder; move it away to make room") from None
            continue
        except OSError as e:
            raise UsageError(f"cannot write {shown(companion.path)}: {e.strerror or e}") from None
        wrote.append(companion.path)
    return wrote
