"""Where plans live, and which files may be plans: one path policy for every command and the site.

- Plans are `projects/<ID>.md` under the project's root: the folder that holds `projects/` (or
  `mkdocs.yml`), found from wherever a command runs, up to the top of the git repository.
- A plan file is a regular file, or a link to one, inside the repository. A link that leads out of it
  would publish whatever it points at (`~/.ssh/id_rsa`, `/proc/self/environ` on a CI runner): PB012.
- MkDocs gives `index.md` and `README.md` the same page, the folder's own; neither is a plan name (PB110).
- Two plans whose names differ only by case are one file on macOS and Windows checkouts (PB111).
"""

from __future__ import annotations

import dataclasses
import functools
import os
from pathlib import Path
from typing import Iterable

#: The folder of plans, relative to the project's root.
PROJECTS_DIR = "projects"
#: Names MkDocs turns into the folder's index page, compared without case.
RESERVED_STEMS = frozenset({"index", "readme"})
_ROOT_MARKERS = (PROJECTS_DIR, "mkdocs.yml")


@dataclasses.dataclass(frozen=True)
class PathProblem:
    """Why a file cannot be a plan, as a rule code and a sentence; the caller places it."""

    code: str
    message: str


def repository_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` that holds `.git` (a folder, or a worktree's file)."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def project_root(start: Path | None = None) -> Path:
    """The folder whose `projects/` a command works on, found from `start` (default: the working
    folder): the nearest folder up to the repository's top that holds `projects/` or `mkdocs.yml`,
    else the repository's top, else `start` itself. So `planbook new` run in `docs/` writes to the
    repository's `projects/`, not to a stray `docs/projects/`."""
    here = (start or Path.cwd()).absolute()
    top = repository_root(here)
    for folder in (here, *here.parents):
        if any((folder / marker).exists() for marker in _ROOT_MARKERS):
            return folder
        if folder == top:
            return folder
    return here


def projects_dir(start: Path | None = None) -> Path:
    return project_root(start) / PROJECTS_DIR


@functools.lru_cache(maxsize=256)
def _boundary(folder: Path) -> Path:
    """What a plan in `folder` may resolve into: its repository, else the folder above it."""
    top = repository_root(folder)
    return (top if top is not None else folder.parent).resolve()


def plan_file_problem(path: Path | str) -> PathProblem | None:
    """Why the file at `path` must not be read as a plan, or None. A file that does not exist is not
    a problem here: reading it says so."""
    path = Path(path).absolute()
    if not os.path.lexists(path):
        return None
    boundary = _boundary(path.parent)
    try:
        target = path.resolve(strict=False)
    except (OSError, RuntimeError):  # a loop of links
        return PathProblem("PB012", "a symbolic link that leads nowhere (a loop); a plan must be a file in the repository")
    if not target.is_relative_to(boundary):
        return PathProblem("PB012", "a symbolic link to a file outside the repository; a plan must be a file in the repository, "
                                    "so copy its text here instead")
    return None


def name_problem(stem: str) -> PathProblem | None:
    """Why `stem` cannot name a plan's file, or None."""
    if stem.casefold() in RESERVED_STEMS:
        return PathProblem("PB110", f"`{stem}` is the name of the folder's own page on the site, so no plan can have it; "
                                    "rename the file and its `id`")
    return None


def case_collisions(paths: Iterable[Path]) -> dict[Path, list[Path]]:
    """Each plan whose name equals another's but for case, with the others: one file on macOS and
    Windows. The plans' folders are listed, so a single file named by pre-commit meets its siblings."""
    wanted = [Path(p) for p in paths]
    by_folder: dict[Path, list[Path]] = {}
    for path in wanted:
        by_folder.setdefault(path.parent, [])
    for folder in by_folder:
        try:
            by_folder[folder] = sorted(p for p in folder.glob("*.md"))
        except OSError:
            by_folder[folder] = []
    found: dict[Path, list[Path]] = {}
    for path in wanted:
        key = path.name.casefold()
        others = [p for p in by_folder[path.parent] if p.name != path.name and p.name.casefold() == key]
        if others:
            found[path] = others
    return found
