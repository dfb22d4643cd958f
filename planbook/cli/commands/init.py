"""`planbook init`: copy the default plan template into the project's `template/`, to make it its own."""

from __future__ import annotations

import argparse
from typing import Any

from planbook.cli.common import EXIT_OK, UsageError, shown
from planbook.escape import one_line


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "init",
        help="install the default plan template into template/",
        description="Copy planbook's default plan template (template.yml, plan.schema.json, plan.md.j2) into "
        "template/ at the project's root, where the consultancy changes it and `planbook upgrade` brings "
        "plans along. Refused when template/ exists.",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from planbook import paths, plan_template
    from planbook.files import read_bounded, write_atomic

    folder = paths.project_root() / plan_template.TEMPLATE_DIR
    if folder.exists() or folder.is_symlink():
        raise UsageError(
            f"{shown(folder)}/ already exists; planbook init never overwrites a template (remove it to start again)"
        )
    source = plan_template.default_folder()
    # The plan's files, then the companion documents' templates (`planbook new --with-docs` writes from them).
    names = [*plan_template.TEMPLATE_FILES, *sorted(path.name for path in source.glob("*.md"))]
    try:
        folder.mkdir()
        for name in names:
            write_atomic(folder / name, read_bounded(source / name, plan_template.MAX_FILE_BYTES), overwrite=False)
    except OSError as e:
        raise UsageError(f"cannot write {shown(folder)}: {e.strerror or e}") from None
    for name in names:
        print(one_line(f"wrote {shown(folder / name)}"))
    print(
        one_line(
            f"next: change the template there; raise `version` in {shown(folder / plan_template.SETTINGS_FILE)} "
            "with each change plans must follow, and `planbook upgrade` brings them along"
        )
    )
    return EXIT_OK
