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
from typing import Any

from planbook import plan_template
from planbook.check import CheckResult, check_result
from planbook.git import GitError, TooLarge, raw_log_at_head, read_blobs, repo_root, working_tree_state
from planbook.loader import load_plan
from planbook.model import GitFacts
from planbook.paths import resolved, resolved_each

__all__ = [
    "GitFacts",
    "HistoryRow",
    "VersionFacts",
    "blob_id",
    "git_facts",
    "last_changes",
    "plan_commits",
    "plan_histories",
    "plan_history",
]


def git_facts(path: Path | str) -> GitFacts | None:
    """What git knows of one plan: what a render or an export outside the site names as its version."""
    return last_changes([Path(path)]).get(Path(path))


def last_changes(paths: Iterable[Path]) -> dict[Path, GitFacts]:
    """The commit that put each plan's content in place, for the plans git has committed, keyed by
    the paths as given.

    One `git log` along the first parents, where a merge counts as the commit that changed what it
    merged (so the version named is one whose tree holds this content), and one `git status`, which
    says which plans hold uncommitted changes. Plans git does not know, and plans deleted in their last
    commit and made again since, are left out: their content is in no commit.
    """
    given = resolved_each(paths)  # a link names the file it points to
    repo = _in_repository(set(given.values()))
    if repo is None:
        return {}
    root, by_name = repo
    try:
        log = raw_log_at_head(root, "--first-parent", "--no-renames", "--", *_folders(by_name))
    except GitError:
        return {}
    facts: dict[Path, GitFacts] = {}
    deleted: set[Path] = set()
    counts: dict[Path, int] = {}
    for commit, date, entries in log:
        for status, _, _, name in entries:
            path = by_name.get(name)
            if path is None:
                continue
            counts[path] = counts.get(path, 0) + 1
            if path not in facts and path not in deleted:
                if status == "D":
                    deleted.add(path)
                else:
                    facts[path] = GitFacts(commit, date, 0)
    changed, untracked = working_tree_state(root, _folders(by_name))
    found = {
        path: dataclasses.replace(fact, commits=counts[path], modified=name in changed)
        for name, path in by_name.items()
        if (fact := facts.get(path)) is not None and name not in untracked
    }
    return {path: found[real] for path, real in given.items() if real in found}


def _in_repository(plans: set[Path]) -> tuple[Path, dict[str, Path]] | None:
    """The repository the (resolved) plans are in, and each plan by its name in git, relative to the
    root: what `git log` calls it. Plans outside that repository are left out."""
    if not plans:
        return None
    root = repo_root(next(iter(plans)).parent)
    if root is None:
        return None
    root = resolved(root)
    by_name = {}
    for path in plans:
        try:
            by_name[path.relative_to(root).as_posix()] = path
        except ValueError:
            continue
    return root, by_name


def _folders(by_name: Mapping[str, Path]) -> list[str]:
    """The folders that hold the plans, relative to the root: what `git log` and `git status` look in."""
    return sorted({name.rpartition("/")[0] or "." for name in by_name})


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
    return plan_histories([path], limit=limit).get(Path(path), [])


@dataclasses.dataclass(frozen=True)
class VersionFacts:
    """What one version of a plan says, for its history row and its baseline."""

    status: str | None = None  # None when that version did not load
    confidence: int | None = None
    completeness: int | None = None  # None when it did not pass the schema
    schedule: Mapping[str, Any] = dataclasses.field(default_factory=dict)  # start_date and phases, as written


def facts_of(result: CheckResult) -> VersionFacts:
    """The facts of a version that has been through the one gate, `check_result`."""
    if result.plan is None:
        return VersionFacts()
    data = result.plan.data
    roles = plan_template.roles()
    status, confidence = data.get(roles.status), data.get(roles.confidence)
    return VersionFacts(
        status if isinstance(status, str) else None,
        confidence if isinstance(confidence, int) and not isinstance(confidence, bool) else None,
        result.completeness,
        {roles.start_date: data.get(roles.start_date), roles.phases: data.get(roles.phases)},
    )


VERSIONS_KEPT = 100_000


def _known_versions() -> dict[tuple[str, str], VersionFacts]:
    """The facts of the versions already read in this process under the active template, by (blob id as
    `git log` abbreviates it, path in that commit): a blob never changes, so `mkdocs serve` reads and
    checks each old version once, not on every rebuild; another template checks it again."""
    known: dict[tuple[str, str], VersionFacts] = plan_template.active().cache.setdefault("versions", {})
    return known


def blob_id(content: bytes) -> str:
    """The id git gives a file holding `content`: `git hash-object`, without running git."""
    return hashlib.sha1(b"blob %d\x00" % len(content) + content).hexdigest()


def plan_histories(
    paths: Iterable[Path], limit: int | None = 10, *, known: Mapping[str, VersionFacts] | None = None
) -> dict[Path, list[HistoryRow]]:
    """For each plan, the commits that changed it, newest first, with status, confidence and
    completeness as each commit left them; at most `limit` rows a plan (None: all).

    One `git log` over the plans' folders and one `git cat-file` for every version they need,
    whatever the number of plans, so a site can show a history on every page. Renames are followed
    within those folders. Keys are the paths as given; plans git does not know are left out. Merge
    commits are skipped, as `git log` shows no changes for them by default.

    `known` maps blob ids (`blob_id`) to facts the caller has already worked out, usually those of the
    plans as they are now: a site build has just checked them, and a plan's newest commit mostly holds
    the same text, so those versions need not be read and loaded again. Nor are versions this process
    has read before.
    """
    commits = plan_commits(paths, limit)
    if commits is None:
        return {}
    given, root, found = commits
    facts = versions_facts(root, {(blob, name) for rows in found.values() for _, _, name, blob in rows}, known)
    histories = {
        plan: [
            HistoryRow(date, commit, name, version.status, version.confidence, version.completeness)
            for date, commit, name, blob in rows
            for version in (facts[blob, name],)
        ]
        for plan, rows in found.items()
    }
    return {path: histories[real] for path, real in given.items() if real in histories}


Version = tuple[str, str]  # a plan's blob as `git log` abbreviates it, and its path in that commit


def versions_facts(
    root: Path, versions: set[Version], known: Mapping[str, VersionFacts] | None = None
) -> dict[Version, VersionFacts]:
    """The facts of each version: from `known` (by full blob id: the plans as they are now, which the
    caller has checked already), from what this process has read before, or read with one
    `git cat-file` and checked."""
    store = _known_versions()
    facts = {version: store[version] for version in versions if version in store}
    if known:  # `git log --raw` abbreviates blob ids
        lengths = {len(blob) for blob, _ in versions}
        by_prefix = {full[:length]: value for full, value in known.items() for length in lengths}
        facts.update({(blob, name): by_prefix[blob] for blob, name in versions if blob in by_prefix})
    blobs = read_blobs(root, {blob for blob, name in versions if (blob, name) not in facts})
    for blob, name in versions - facts.keys():
        facts[blob, name] = _facts(root / name, blobs.get(blob))
    if len(store) > VERSIONS_KEPT:
        store.clear()
    store.update(facts)
    return facts


def blob_ids_of(files: Iterable[Path], results: Iterable[CheckResult]) -> dict[Path, str]:
    """Each loaded plan file's git blob id, read now; a file that did not load may be any size, and
    is not read."""
    ids = {}
    for path, result in zip(files, results):
        if result.plan is None:
            continue
        try:
            ids[path] = blob_id(path.read_bytes())
        except OSError:
            continue
    return ids


def current_versions(
    blob_ids: Mapping[Path, str], files: Iterable[Path], results: Iterable[CheckResult]
) -> dict[str, VersionFacts]:
    """The facts of each plan file as it is now, by its git blob id: a plan's newest commit mostly
    holds the same text, which need not be read from git and checked again."""
    return {blob_ids[path]: facts_of(result) for path, result in zip(files, results) if path in blob_ids}


Commit = tuple[str, str, str, str]  # date, abbreviated commit, the plan's path in it, abbreviated blob


def plan_commits(
    paths: Iterable[Path], limit: int | None
) -> tuple[dict[Path, Path], Path, dict[Path, list[Commit]]] | None:
    """(each path as given → resolved, the repository's root, each resolved plan → its commits, newest
    first, at most `limit`), from one `git log` that follows renames; None outside a repository."""
    given = resolved_each(paths)
    repo = _in_repository(set(given.values()))
    if repo is None:
        return None
    root, tracked = repo  # tracked: the name a plan had in the commit being read → the plan today
    try:
        log = raw_log_at_head(root, "-M", "--", *_folders(tracked))
    except GitError:
        return None
    found: dict[Path, list[Commit]] = {}
    for commit, date, entries in log:
        for status, blob, old, new in entries:
            plan = tracked.get(new)
            if plan is None or status == "D":
                continue
            rows = found.setdefault(plan, [])
            if limit is None or len(rows) < limit:
                rows.append((date, commit, new, blob))
            if status.startswith("R") and old != new:
                tracked[old] = tracked.pop(new)  # older commits know the plan by its old name
    return given, root, found


def _facts(path: Path, text: bytes | TooLarge | None) -> VersionFacts:
    """The facts of one version of a plan, through the one gate (`check_result`), so an old version
    that no longer loads, or never did, is a row, not a crash."""
    if not isinstance(text, bytes):  # gone, or larger than any plan may be
        return VersionFacts()
    return facts_of(check_result(load_plan(path, text=text)))
