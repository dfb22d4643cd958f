"""`planbook export`: one plan as a standalone document for a client, only when it passes check."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planbook.cli.common import EXIT_FINDINGS, EXIT_OK, UsageError, load_named_plan, shown
from planbook.dates import TodayError, today
from planbook.escape import one_line
from planbook.paths import PROJECTS_DIR, resolved
from planbook.schema import is_plan_id

if TYPE_CHECKING:
    from planbook.check import CheckResult
    from planbook.render import RenderContext

FORMAT_NAMES = ("html", "pdf", "md")  # the keys of planbook.export.FORMATS, held by a drift test
NEVER_IN_A_DRAFT = frozenset({"PB401"})  # a draft may be unfinished, never leak what is internal


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "export",
        help="one plan as a standalone document: HTML, PDF or Markdown",
        description="Write one plan as a self-contained document for a client: a cover, the whole plan, the phase timeline "
        "and a sign-off block. It needs no network; PDF needs Chromium. Internal-only content is left out "
        "unless --internal is given. A plan that fails check is exported only with --draft, marked DRAFT on every page. "
        "Exit codes: 0 written, 1 the plan fails check, 2 a usage error.",
    )
    parser.add_argument("plan", metavar="ID|PATH", help="a project ID in projects/, or a plan file")
    parser.add_argument(
        "--format",
        choices=list(FORMAT_NAMES),
        default=None,
        help="the document's format (default: from the -o suffix, else html)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        default=None,
        help="where to write it (default: ID.FORMAT in the current folder; - for standard output)",
    )
    parser.add_argument(
        "--draft",
        action="store_true",
        help="export even a plan that fails check: every page says DRAFT, and the sign-off is not for signature",
    )
    parser.add_argument(
        "--with-references",
        action="store_true",
        help="append the plan's companion documents (its SOW and technical specs) after the plan, linked from its reference lines",
    )
    parser.add_argument(
        "--internal",
        action="store_true",
        help="keep internal-only content (the `internal:` fields, <!-- internal --> notes), marked as internal",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # Here, not at the top: every command's module is imported when `planbook` starts, and these
    # would add a tenth of a second to each run of the pre-commit hook, which never exports.
    from planbook.baselines import agreed_baselines
    from planbook.check import check_result, with_collisions
    from planbook.export import FORMATS, ExportError, export_plan
    from planbook.files import write_atomic
    from planbook.history import git_facts
    from planbook.model.tracking import plan_tracking
    from planbook.render import RenderContext

    suffix = Path(args.output).suffix.lower().lstrip(".") if args.output and args.output != "-" else ""
    fmt = args.format or (suffix if suffix in FORMATS else "html")
    path, loaded = load_named_plan(args.plan)
    if loaded is None:
        return EXIT_FINDINGS
    (result,) = with_collisions(
        [path], [check_result(loaded, companions=True)]
    )  # the one gate: what check refuses, no client receives
    if not result.ok:
        for finding in result.findings:
            print(finding, file=sys.stderr)
        errors = sum(finding.severity == "error" for finding in result.findings)
        found = f"{shown(path)} fails the check ({errors} finding{'s' if errors != 1 else ''})"
        if args.draft and any(finding.code in NEVER_IN_A_DRAFT for finding in result.findings):
            print(
                one_line(
                    f"planbook: {found}, and content meant to be internal may reach the client (PB401): "
                    "not exported, not even as a draft; fix the internal markers first"
                ),
                file=sys.stderr,
            )
            return EXIT_FINDINGS
        if not args.draft:
            print(
                one_line(f"planbook: {found}, so it is not exported; fix them, or export a draft with --draft"),
                file=sys.stderr,
            )
            return EXIT_FINDINGS
        print(one_line(f"planbook: {found}; exported as a DRAFT, not for signature"), file=sys.stderr)
    try:
        day = today()  # once for this command: the timeline's today line and late marks
    except TodayError as e:
        raise UsageError(str(e)) from None
    tracking = plan_tracking(loaded.data, today=day, baseline=agreed_baselines([path]).get(path))
    context = RenderContext(git=git_facts(path), tracking=tracking)
    if args.with_references:
        context = _with_references(context, result)
    try:
        document = export_plan(loaded, fmt, context=context, internal=args.internal, draft=args.draft)
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
    edition = (", internal edition" if args.internal else "") + (", DRAFT" if args.draft else "")
    print(one_line(f"wrote {target} ({len(document):,} bytes, {fmt}{edition})"))
    return EXIT_OK


def _with_references(context: RenderContext, result: CheckResult) -> RenderContext:
    """`context` with the plan's companion documents, each to follow the plan at an anchor of its own. A
    document that does not exist is not appended: past discovery, check has refused the plan for it."""
    companions = result.companions or []
    anchors = {c.name: f"#reference-{c.slug}" for c in companions if c.document is not None}
    for companion in companions:
        if companion.document is None and companion.web is None:
            why = "does not exist" if companion.missing else "cannot be read (planbook check says why)"
            print(one_line(f"planbook: {companion.shown} {why}, so it is not appended"), file=sys.stderr)
    return dataclasses.replace(context, companions=companions, reference_urls=anchors)


def export_target(output: str | None, plan: Path, suffix: str) -> Path:
    """Where an export goes: `-o FILE`, or `ID.SUFFIX` in the folder `-o` names or the working folder.

    The name comes from the plan's file, which check has matched to its `id`, and is checked again
    here: nothing a plan says can lead the write elsewhere, nor onto a plan.
    """
    stem = plan.stem
    if not is_plan_id(stem):
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
    among_plans = folder == resolved(plan.absolute().parent) or folder.name.casefold() == PROJECTS_DIR
    if target.suffix.casefold() == ".md" and among_plans:
        raise UsageError(f"{target} would sit among plans and be read as one; write the export somewhere else with -o")
    return target
