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
from collections.abc import Iterable
from pathlib import Path

#: The folder of plans, relative to the project's root.
PROJECTS_DIR = "projects"
#: Names MkDocs turns into the folder's index page, and names Windows keeps for devices (a checkout
#: there cannot make `CON.md`), compared without case.
INDEX_STEMS = frozenset({"index", "readme"})
DEVICE_STEMS = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))})
RESERVED_STEMS = INDEX_STEMS | DEVICE_STEMS
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
def _boundary(folder: Path) -> tuple[Path, Path | None]:
    """What a plan in `folder` may resolve into: its repository (but not its `.git`), else the folder
    above it."""
    top = repository_root(folder)
    if top is None:
        return folder.parent.resolve(), None
    return top.resolve(), (top / ".git").resolve()


def resolved(path: Path | str) -> Path:
    """`path` with its links followed, or as it stands (made absolute, `..` folded) where they loop:
    `Path.resolve` raises RuntimeError on a loop, and no caller should meet that as a traceback."""
    try:
        return Path(path).resolve(strict=False)
    except (OSError, RuntimeError):
        return Path(os.path.normpath(Path(path).absolute()))


def resolved_each(paths: Iterable[Path | str]) -> dict[Path, Path]:
    """`resolved` for many paths, by each path as given: a folder is resolved once for all the files
    in it, and a file that is no link only costs an `lstat`. A thousand plans in one folder would
    otherwise walk the same folders a thousand times, on every rebuild of the preview."""
    folders: dict[Path, Path] = {}
    out: dict[Path, Path] = {}
    for given in paths:
        path = given if isinstance(given, Path) else Path(given)  # Path(a Path) parses it again
        name = path.name
        if name in ("", ".", "..") or os.path.islink(path):
            out[path] = resolved(path)
            continue
        parent = path.parent
        folder = folders.get(parent)
        if folder is None:
            folder = folders[parent] = resolved(parent)
        out[path] = folder / name
    return out


def _named(path: Path | str) -> Path:
    """`path` as it is named: absolute, `..` folded as the shell folds it, links not followed."""
    return Path(os.path.normpath(Path(path).absolute()))


def inside_repository(path: Path) -> bool:
    """Whether `path`, links resolved, stays in the repository of the folder it is named in, and out
    of its `.git` (where a CI checkout keeps its credentials). A loop of links is not inside."""
    path = _named(path)
    boundary, git_dir = _boundary(path.parent)
    try:
        target = path.resolve(strict=False)
    except (OSError, RuntimeError):
        return False
    return target.is_relative_to(boundary) and not (git_dir is not None and target.is_relative_to(git_dir))


def plan_file_problem(path: Path | str) -> PathProblem | None:
    """Why the file at `path` must not be read as a plan, or None. A file that does not exist is not
    a problem here: reading it says so."""
    path = _named(path)
    if not os.path.lexists(path):
        return None
    try:
        path.resolve(strict=False)
    except (OSError, RuntimeError):
        return PathProblem(
            "PB012", "a symbolic link that leads nowhere (a loop); a plan must be a file in the repository"
        )
    inside = inside_repository(path)
    if not inside:
        return PathProblem(
            "PB012",
            "a symbolic link to a file outside the repository (or in its .git); a plan must be a file "
            "in the repository, so copy its text here instead",
        )
    return None


def name_problem(stem: str) -> PathProblem | None:
    """Why `stem` cannot name a plan's file, or None."""
    if stem.casefold() in INDEX_STEMS:
        return PathProblem(
            "PB110",
            f"`{stem}` is the name of the folder's own page on the site, so no plan can have it; "
            "rename the file and its `id`",
        )
    if stem.split(".")[0].casefold() in DEVICE_STEMS:  # Windows keeps `CON.x` too
        return PathProblem(
            "PB110",
            f"`{stem}` names a device on Windows, where no checkout can make the file; rename the file and its `id`",
        )
    return None


def plan_files_in(folder: Path) -> list[Path]:
    """Every entry of `folder` that claims to be a plan (`*.md`, any case): files, links (even broken
    ones) and anything else so named, which the loader then refuses with a finding. The one listing of
    a folder of plans, for the command line and the site alike, so neither skips what the other reads."""
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    return [entry for entry in entries if entry.suffix.casefold() == ".md"]


def case_collisions(paths: Iterable[Path]) -> dict[Path, list[Path]]:
    """Each plan whose name equals another's but for case (`ACME-1.md`, `acme-1.md`, `ACME-1.MD`), with
    the others: one file on macOS and Windows. The plans' folders are listed, so a single file named by
    pre-commit meets its siblings; and a folder beside the plans' whose name differs only by case
    (`Projects/` and `projects/`) collides for every plan in it."""
    wanted = [p if isinstance(p, Path) else Path(p) for p in paths]  # Path(a Path) parses it again
    by_folded_name: dict[Path, dict[str, list[str]]] = {}  # each folder's entry names by their case-folded name
    for path in wanted:
        if path.parent not in by_folded_name:
            names: dict[str, list[str]] = {}
            try:
                for entry in sorted(os.listdir(path.parent)):
                    names.setdefault(entry.casefold(), []).append(entry)
            except OSError:
                pass
            by_folded_name[path.parent] = names
    folder_twins: dict[Path, list[Path]] = {}
    for folder in by_folded_name:
        name = folder.absolute().name
        try:
            folder_twins[folder] = [
                entry
                for entry in folder.absolute().parent.iterdir()
                if entry.name != name and entry.name.casefold() == name.casefold()
            ]
        except OSError:
            folder_twins[folder] = []
    found: dict[Path, list[Path]] = {}
    for path in wanted:
        same = by_folded_name[path.parent].get(path.name.casefold(), [])
        others = [path.parent / entry for entry in same if entry != path.name] + folder_twins[path.parent]
        if others:
            found[path] = others
    return found
