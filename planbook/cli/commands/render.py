"""`planbook render`: a plan as Markdown, through the template."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from planbook.cli.common import EXIT_FINDINGS, EXIT_OK, load_named_plan
from planbook.cli.output import terminal_lines


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "render",
        help="print a plan as Markdown through the template",
        description="Print a plan as Markdown, through the implementation-plan template.",
    )
    parser.add_argument("plan", metavar="ID|PATH", help="a project ID in projects/, or a plan file")
    parser.add_argument(
        "--flavor",
        choices=["markdown", "site"],
        default="markdown",
        help="plain Markdown, or the site's (default: markdown)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from planbook.history import git_facts
    from planbook.render import RenderContext, render_plan

    path, loaded = load_named_plan(args.plan)
    if loaded is None:
        return EXIT_FINDINGS
    sys.stdout.write(
        terminal_lines(render_plan(loaded, flavor=args.flavor, context=RenderContext(git=git_facts(path))))
    )
    return EXIT_OK
