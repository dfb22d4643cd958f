"""What git knows about plans: when each was last changed, and in which commit.

One `git log` answers for every plan at once; a site of a thousand plans must not run a thousand.
"""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path
from typing import Iterable


@dataclasses.dataclass(frozen=True)
class GitFacts:
    commit: str  # abbreviated hash of the last commit that changed the file
    date: str  # its author date, YYYY-MM-DD
    commits: int  # how many commits changed the file


def repo_root(start: Path) -> Path | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=start, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return Path(out) if out else None


def last_changes(paths: Iterable[Path]) -> dict[Path, GitFacts]:
    """The last commit of each path that git tracks. Paths git does not know are left out."""
    wanted = {p.resolve() for p in paths}
    if not wanted:
        return {}
    root = repo_root(next(iter(wanted)).parent)
    if root is None:
        return {}
    dirs = sorted({p.parent for p in wanted})
    try:
        out = subprocess.run(
            ["git", "log", "--format=%x00%h%x09%as", "--name-only", "--no-renames", "--", *map(str, dirs)],
            cwd=root, capture_output=True, text=True, check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    facts: dict[Path, GitFacts] = {}
    counts: dict[Path, int] = {}
    for entry in out.split("\x00")[1:]:
        header, _, names = entry.partition("\n")
        commit, _, date = header.partition("\t")
        for name in names.split("\n"):
            if not name:
                continue
            path = (root / name).resolve()
            if path not in wanted:
                continue
            counts[path] = counts.get(path, 0) + 1
            if path not in facts:
                facts[path] = GitFacts(commit, date, 0)
    return {path: dataclasses.replace(fact, commits=counts[path]) for path, fact in facts.items()}
