"""`planbook placeholders`: template placeholders left in other Markdown (docs, the README)."""

from __future__ import annotations

import argparse
from typing import Any

from planbook.cli.common import EXIT_FINDINGS, EXIT_OK, UsageError, shown
from planbook.escape import one_line
from planbook.findings import Finding

MAX_DOCUMENT_BYTES = 8 * 1024 * 1024  # a README or a docs page


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "placeholders",
        help="find template placeholders left in other Markdown (docs, README)",
        description="List `[PLACEHOLDER]` tokens and `{{#if}}` block lines left from the template in any Markdown file, "
        "as path:line:col. Code and links are ignored. Exit codes: 0 none, 1 some, 2 unreadable.",
    )
    parser.add_argument("paths", nargs="+", metavar="FILE", help="Markdown files")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from planbook.files import read_bounded
    from planbook.loader import positions_of
    from planbook.placeholders import find_leftovers

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
            print(Finding(shown(Path(raw)), line, column, leftover.code, message))
            found += 1
    return EXIT_FINDINGS if found else EXIT_OK
