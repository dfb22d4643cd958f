"""The `planbook` command line. Each command is a module of `planbook.cli.commands` with `add_parser`
and `run`; parsing fills an `argparse.Namespace`, and the command's `run` executes it.

Exit codes: 0 clean, 1 findings, 2 a usage or I/O error. A command imports what it needs when it runs,
so that `planbook check FILE` from a pre-commit hook starts fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from planbook import __version__, plan_template
from planbook.cli.commands import COMMANDS
from planbook.cli.common import EXIT_USAGE, UsageError
from planbook.cli.output import PipeGuard
from planbook.dates import TodayError
from planbook.escape import one_line
from planbook.paths import project_root
from planbook.plan_template import TemplateError

__all__ = ["build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()  # reads no template: `--help` and `--version` work beside a broken one
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return EXIT_USAGE
    stdout, stderr = sys.stdout, sys.stderr
    guards = PipeGuard(stdout), PipeGuard(stderr)
    sys.stdout, sys.stderr = guards
    try:
        plan_template.activate(project_root())  # the template of the project the command runs in
        code: int = args.run(args)
        return code
    except (UsageError, TodayError, TemplateError) as e:
        print(f"planbook: error: {one_line(e)}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        for guard in guards:
            guard.flush()
        sys.stdout, sys.stderr = stdout, stderr


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="planbook", description="Implementation plans as code: check, scaffold and render them."
    )
    parser.add_argument("--version", action="version", version=f"planbook {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(subparsers)
    return parser


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
