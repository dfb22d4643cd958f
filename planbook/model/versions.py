"""Which version of a plan a page or a document shows, from what git knows of it (`GitFacts`, which
`planbook.history` works out) and what the plan says of itself."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from planbook import plan_template

UNCOMMITTED = "with uncommitted changes"
NOT_COMMITTED = "not committed"


@dataclasses.dataclass(frozen=True)
class GitFacts:
    """What git knows of one plan file."""

    commit: str  # abbreviated hash of the commit that put the file's content in place
    date: str  # its author date, YYYY-MM-DD
    commits: int  # how many commits changed the file
    modified: bool = False  # the file on disk differs from that commit: it holds uncommitted changes


def version_label(data: dict[str, Any], git: GitFacts | None) -> str:
    """Which version the values are, plainly: `a1b2c3d`, `1.2 (commit a1b2c3d)`, either `with
    uncommitted changes`, or `not committed` (`1.2, not committed`) for content in no commit. A plan's
    own `version:` is the author's name for it; the commit is what finds it again, so both are said."""
    given = data.get(plan_template.roles().version)
    name = given if isinstance(given, str) and given.strip() else None
    if git is None:
        return f"{name}, {NOT_COMMITTED}" if name else NOT_COMMITTED
    label = f"{name} (commit {git.commit})" if name else git.commit
    return f"{label} {UNCOMMITTED}" if git.modified else label


def is_committed_version(git: GitFacts | None) -> bool:
    """Whether the values shown are those of a commit: what a signature can refer to."""
    return git is not None and not git.modified


def date_label(data: dict[str, Any], git: GitFacts | None) -> str | None:
    """The day the values are from: the plan's `last_updated`, else today for uncommitted changes,
    else the commit's date; None for a plan never committed that gives no date."""
    given = data.get(plan_template.roles().last_updated)
    if isinstance(given, str) and given.strip():
        return given
    if git is None:
        return None
    return dt.date.today().isoformat() if git.modified else git.date
