"""What git knows about plans: which commit put each plan's content in place (`GitFacts`, for the
version a page or a document names), and how each commit left a plan (`HistoryRow`).

One `git log` answers for every plan at once, and one `git cat-file --batch` reads every old version
needed; a site of a thousand plans must not run a thousand git processes. Old versions go through the
one gate, `check_result`, so a version that never loaded is a row, not a crash.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from planbook.check import check_result
from planbook.git import GitError, TooLarge, raw_log, read_blobs, repo_root, run_git, working_tree_state
from planbook.loader import load_plan
from planbook.model import GitFacts
from planbook.paths import resolved

__all__ = ["GitFacts", "HistoryRow", "blob_id", "git_facts", "last_changes", "plan_histories", "plan_history"]


def git_facts(path: Path | str) -> GitFacts | None:
    """What git knows of one plan: what a render or an export outside the site names as its version."""
    return last_changes([Path(path)]).get(resolved(path))


def last_changes(paths: Iterable[Path]) -> dict[Path, GitFacts]:
    """The commit that put each plan's content in place, for the plans git has committed.

    One `git log` along the first parents, where a merge counts as the commit that changed what it
    merged (so the version named is one whose tree holds this content), and one `git status`, which
    says which plans hold uncommitted changes. Plans git does not know, and plans deleted in their last
    commit and made again since, are left out: their content is in no commit.
    """
    wanted = {resolved(p) for p in paths}
    if not wanted:
        return {}
    root = repo_root(next(iter(wanted)).parent)
    if root is None:
        return {}
    root = resolved(root)
    dirs = sorted({p.parent for p in wanted})
    try:
        out = run_git(
            root,
            "log",
            "--first-parent",
            "--no-renames",
            "--raw",
            "-z",
            "--format=%x01%h%x09%as",
            "--",
            *map(str, dirs),
        )
    except GitError:
        return {}
    facts: dict[Path, GitFacts] = {}
    deleted: set[Path] = set()
    counts: dict[Path, int] = {}
    for commit, date, entries in raw_log(out):
        for status, _, _, name in entries:
            path = resolved(root / name)
            if path not in wanted:
                continue
            counts[path] = counts.get(path, 0) + 1
            if path not in facts and path not in deleted:
                if status == "D":
                    deleted.add(path)
                else:
                    facts[path] = GitFacts(commit, date, 0)
    changed, untracked = working_tree_state(root, dirs)
    return {
        path: dataclasses.replace(fact, commits=counts[path], modified=path in changed)
        for path, fact in facts.items()
        if path not in untracked
    }


# -- a plan over time --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class HistoryRow:
    """A plan as one commit left it. `status` is None when that version did not load, and
    `completeness` is None when it did not pass the schema."""

    date: str  # author date, YYYY-MM-DD
    commit: str  # abbreviated hash
    path: str  # the file's path in that commit (plans can be renamed)
    status: str | None
    confidence: int | None
    completeness: int | None

    def as_dict(self) -> dict[str, str]:
        """The row as the plan page's history table shows it (`RenderContext.history`)."""
        return {
            "date": self.date,
            "commit": self.commit,
            "status": self.status if self.status is not None else "invalid",
            "confidence": "—" if self.confidence is None else f"{self.confidence}%",
            "completeness": "—" if self.completeness is None else f"{self.completeness}%",
        }


def plan_history(path: Path, limit: int | None = 10) -> list[HistoryRow]:
    """The commits that changed one plan, newest first, following renames. See `plan_histories`."""
    return plan_histories([path], limit=limit).get(resolved(path), [])


Facts = tuple[str | None, int | None, int | None]  # status, confidence, completeness of one version


def blob_id(content: bytes) -> str:
    """The id git gives a file holding `content`: `git hash-object`, without running git."""
    return hashlib.sha1(b"blob %d\x00" % len(content) + content).hexdigest()


def plan_histories(
    paths: Iterable[Path], limit: int | None = 10, *, known: Mapping[str, Facts] | None = None
) -> dict[Path, list[HistoryRow]]:
    """For each plan, the commits that changed it, newest first, with status, confidence and
    completeness as each commit left them; at most `limit` rows a plan (None: all).

    One `git log` over the plans' folders and one `git cat-file` for every version they need,
    whatever the number of plans, so a site can show a history on every page. Renames are followed
    within those folders. Keys are resolved paths; plans git does not know are left out. Merge
    commits are skipped, as `git log` shows no changes for them by default.

    `known` maps blob ids (`blob_id`) to facts the caller has already worked out, usually those of the
    plans as they are now: a site build has just checked them, and a plan's newest commit mostly holds
    the same text, so those versions need not be read and loaded again.
    """
    wanted = {resolved(p) for p in paths}
    if not wanted:
        return {}
    root = repo_root(next(iter(wanted)).parent)
    if root is None:
        return {}
    root = resolved(root)
    tracked: dict[str, Path] = {}  # the name a plan had in the commit being read → the plan today
    for path in wanted:
        try:
            tracked[path.relative_to(root).as_posix()] = path
        except ValueError:
            continue
    dirs = sorted({name.rpartition("/")[0] or "." for name in tracked})
    try:
        out = run_git(root, "log", "-M", "--raw", "-z", "--format=%x01%h%x09%as", "--", *dirs)
    except GitError:
        return {}
    found: dict[Path, list[tuple[str, str, str, str]]] = {}  # plan → (date, commit, path, blob)
    for commit, date, entries in raw_log(out):
        for status, blob, old, new in entries:
            plan = tracked.get(new)
            if plan is None or status == "D":
                continue
            rows = found.setdefault(plan, [])
            if limit is None or len(rows) < limit:
                rows.append((date, commit, new, blob))
            if status.startswith("R") and old != new:
                tracked[old] = tracked.pop(new)  # older commits know the plan by its old name
    facts: dict[str, Facts] = {}
    if known:  # `git log --raw` abbreviates blob ids
        lengths = {len(blob) for rows in found.values() for *_, blob in rows}
        by_prefix = {full[:length]: value for full, value in known.items() for length in lengths}
        for rows in found.values():
            for *_, blob in rows:
                if blob in by_prefix:
                    facts[blob] = by_prefix[blob]
    blobs = read_blobs(root, {blob for rows in found.values() for *_, blob in rows if blob not in facts})
    histories: dict[Path, list[HistoryRow]] = {}
    for plan, rows in found.items():
        histories[plan] = []
        for date, commit, name, blob in rows:
            if blob not in facts:
                facts[blob] = _facts(root / name, blobs.get(blob))
            histories[plan].append(HistoryRow(date, commit, name, *facts[blob]))
    return histories


def _facts(path: Path, text: bytes | TooLarge | None) -> Facts:
    """Status, confidence and completeness of one version of a plan, through the one gate
    (`check_result`), so an old version that no longer loads, or never did, is a row, not a crash."""
    if not isinstance(text, bytes):  # gone, or larger than any plan may be
        return None, None, None
    result = check_result(load_plan(path, text=text))
    if result.plan is None:
        return None, None, None
    data = result.plan.data
    status = data.get("status") if isinstance(data.get("status"), str) else None
    confidence = data.get("confidence")
    confidence = confidence if isinstance(confidence, int) and not isinstance(confidence, bool) else None
    return status, confidence, result.completeness
