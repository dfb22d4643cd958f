"""What the commands share: exit codes, the usage error, and finding the plans a command names."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from planbook.loader import LoadError, Plan, display_path, load_plan
from planbook.paths import PROJECTS_DIR, plan_files_in, projects_dir

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(ValueError):
    """A problem with the command line or the files it names; reported as `planbook: error: …`."""


def plan_files(paths: Sequence[str | Path]) -> list[Path]:
    """The plan files named, folders expanded to their plans, in a stable order. With none named, the
    project's `projects/`, found from wherever the command runs (`planbook.paths`)."""
    if not paths:
        folder = projects_dir()
        if not folder.is_dir():
            raise UsageError(
                f"no {PROJECTS_DIR}/ folder in {folder.parent}; run planbook inside the repository of the plans, or name them"
            )
        paths = [folder]
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files += plan_files_in(path)  # links and odd entries too: the loader says what is wrong with each
        elif path.is_file() or path.is_symlink():
            files.append(plan_of_companion(path) or path)
        elif path.exists():
            raise UsageError(f"{raw} is not a regular file; a plan is a Markdown file")
        else:
            raise UsageError(f"no such file or folder: {raw}")
    return list(dict.fromkeys(files))  # a plan and its SOW named together (pre-commit does): the plan once


def plan_of_companion(path: Path) -> Path | None:
    """The plan whose companion folder holds `path` (`projects/<ID>/<ID>-sow.md` → `projects/<ID>.md`), or
    None: pre-commit names the document that changed, and it is its plan that is checked. A document
    left behind by its plan names the plan all the same, which check then says is missing."""
    folder = path.parent
    plan = folder.parent / f"{folder.name}.md"
    if folder.parent.name != PROJECTS_DIR or path.suffix.casefold() != ".md":
        return None
    if plan.is_file() or (path.name.startswith(f"{folder.name}-") and not plan.exists()):
        return plan
    return None


def resolve_plan(name: str) -> Path:
    """A plan named by its path, or by its ID in the project's `projects/`."""
    path = Path(name)
    if path.is_file():
        return path
    candidate = projects_dir() / f"{name}.md"
    if "/" not in name and candidate.is_file():
        return candidate
    raise UsageError(f"no plan {name!r}: neither a file nor {PROJECTS_DIR}/{name}.md")


def load_named_plan(name: str) -> tuple[Path, Plan | None]:
    """The plan `name` (an ID or a path), loaded; None after printing its findings when it cannot load."""
    path = resolve_plan(name)
    loaded = load_plan(path)
    if isinstance(loaded, LoadError):
        for finding in loaded.findings:
            print(finding, file=sys.stderr)
        return path, None
    return path, loaded


def shown(path: Path) -> str:
    """A path as the user would type it from where they stand."""
    return display_path(path)
