"""One module a command, each with `add_parser(subparsers)` and `run(args) -> exit code`."""

from __future__ import annotations

from types import ModuleType

from planbook.cli.commands import (
    check,
    diff,
    export,
    history,
    import_,
    init,
    new,
    placeholders,
    render,
    report,
    sites,
    status,
    upgrade,
)

#: In the order `planbook --help` lists them.
COMMANDS: tuple[ModuleType, ...] = (
    check,
    init,
    new,
    import_,
    upgrade,
    render,
    status,
    export,
    diff,
    report,
    history,
    sites,
    placeholders,
)
