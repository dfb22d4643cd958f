"""`planbook upgrade`: bring plans to the template's version through the migrations in `template.yml`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from planbook.cli.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, plan_files, resolve_plan
from planbook.cli.output import terminal_lines
from planbook.escape import one_line


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "upgrade",
        help="bring plans to the template's version",
        description="Apply the migrations of template/template.yml to plans behind the template's version, "
        "keeping their comments, key order and notes. Nothing is written when a migration is invalid "
        "or any plan has a conflict.",
    )
    parser.add_argument("plans", nargs="*", metavar="ID|PATH", help="plan IDs, files or folders (default: projects/)")
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; print the diff of what would change, and exit 1 if anything would",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from planbook import paths, plan_template
    from planbook.upgrade import MigrationError, read_migrations, upgrade_plans, write_upgrades

    try:
        template = plan_template.activate(paths.project_root())
        migrations = read_migrations(template)
    except (plan_template.TemplateError, MigrationError) as e:
        print(one_line(f"{e}"), file=sys.stderr)
        print("planbook: no plan was changed", file=sys.stderr)
        return EXIT_USAGE
    upgrades = upgrade_plans(_named(args.plans), migrations)
    for upgrade in upgrades:
        for problem in upgrade.problems:
            print(one_line(problem), file=sys.stderr)
    problems = any(upgrade.problems for upgrade in upgrades)
    changed = [upgrade for upgrade in upgrades if upgrade.changed]
    if args.check:
        for upgrade in changed:
            sys.stdout.write(terminal_lines(upgrade.diff().removesuffix("\n")) + "\n")
        print(_summary(len(changed), len(upgrades), template.version, would=True))
        return EXIT_FINDINGS if changed or problems else EXIT_OK
    if any(upgrade.conflict for upgrade in upgrades):
        print("planbook: no plan was changed: mend the conflicts above, then upgrade again", file=sys.stderr)
        return EXIT_FINDINGS
    failures = write_upgrades(upgrades)
    for problem in failures:
        print(one_line(problem), file=sys.stderr)
    for upgrade in changed:
        if not any(problem.startswith(f"{upgrade.path}:") for problem in failures):
            print(one_line(f"upgraded {upgrade.path}: template version {upgrade.from_version} → {template.version}"))
    print(_summary(len(changed) - len(failures), len(upgrades), template.version, would=False))
    return EXIT_FINDINGS if problems or failures else EXIT_OK


def _summary(changed: int, plans: int, version: int, *, would: bool) -> str:
    """One line for the whole run: `2 of 3 plans would change, to template version 2`."""
    noun = f"{plans} plan{'s' if plans != 1 else ''}"
    if not changed:
        return f"{noun} checked: all at template version {version}, nothing to upgrade"
    return f"{changed} of {noun} {'would change' if would else 'upgraded'}, to template version {version}"


def _named(names: list[str]) -> list[Path]:
    """The plans named, by path (files or folders) or by ID; every plan in projects/ when none is."""
    if not names:
        return plan_files([])
    files: list[Path] = []
    for name in names:
        files += plan_files([name]) if Path(name).exists() else [resolve_plan(name)]
    return files
