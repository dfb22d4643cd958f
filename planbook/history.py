"""What git knows about plans: when each was last changed, in which commit, and how each commit left it.

One `git log` answers for every plan at once, and one `git cat-file --batch` reads every old version
needed; a site of a thousand plans must not run a thousand git processes.
"""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path
from typing import Iterable, Iterator, Mapping


@dataclasses.dataclass(frozen=True)
class GitFacts:
    commit: str  # abbreviated hash of the last commit that changed the file
    date: str  # its author date, YYYY-MM-DD
    commits: int  # how many commits changed the file
    modified: bool = False  # the file on disk differs from that commit: it holds uncommitted changes


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
    changed = uncommitted(root, dirs)
    return {path: dataclasses.replace(fact, commits=counts[path], modified=path in changed) for path, fact in facts.items()}


def uncommitted(root: Path, dirs: Iterable[Path]) -> set[Path]:
    """The files under `dirs` whose content differs from HEAD (staged or not), resolved: one `git status`."""
    try:
        out = subprocess.run(
            ["git", "status", "--porcelain=v1", "-z", "--untracked-files=no", "--no-renames", "--", *map(str, dirs)],
            cwd=root, capture_output=True, check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return set()
    return {(root / entry[3:].decode("utf-8", "surrogateescape")).resolve() for entry in out.split(b"\x00") if len(entry) > 3}


# -- reading old versions ----------------------------------------------------------------------


class GitError(ValueError):
    """git refused: not a repository, an unknown revision. The message says which, in git's words."""


def run_git(root: Path, *args: str, input: bytes | None = None) -> bytes:
    """git's stdout as bytes; GitError with its first line of stderr when it fails."""
    try:
        done = subprocess.run(["git", *args], cwd=root, input=input, capture_output=True, check=False)
    except OSError as e:
        raise GitError(f"cannot run git: {e.strerror or e}") from e
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[0] if message else f"git {args[0]} failed")
    return done.stdout


def read_blobs(root: Path, names: Iterable[str]) -> dict[str, bytes | None]:
    """The content of each object name (`REV:path`, or a blob id) through one `git cat-file --batch`.

    Names git cannot find map to None. One process for every file keeps a history of a hundred
    versions, or a diff of a hundred plans, from forking git a hundred times.
    """
    wanted = list(dict.fromkeys(names))
    if not wanted or any("\n" in name for name in wanted):
        return {name: None for name in wanted}
    out = run_git(root, "cat-file", "--batch", input="".join(f"{name}\n" for name in wanted).encode("utf-8", "surrogateescape"))
    blobs: dict[str, bytes | None] = {}
    position = 0
    for name in wanted:
        end = out.index(b"\n", position)
        header = out[position:end].split()
        position = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            blobs[name] = out[position : position + size]
            position += size + 1  # the content is followed by a newline
        elif len(header) == 3:  # a tree or a commit: not a file
            position += int(header[2]) + 1
            blobs[name] = None
        else:  # `<name> missing` or `<name> ambiguous`
            blobs[name] = None
    return blobs


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
    return plan_histories([path], limit=limit).get(Path(path).resolve(), [])


Facts = tuple[str | None, int | None, int | None]  # status, confidence, completeness of one version


def blob_id(content: bytes) -> str:
    """The id git gives a file holding `content`: `git hash-object`, without running git."""
    import hashlib

    return hashlib.sha1(b"blob %d\x00" % len(content) + content).hexdigest()


def plan_histories(paths: Iterable[Path], limit: int | None = 10, *, known: Mapping[str, Facts] | None = None) -> dict[Path, list[HistoryRow]]:
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
    wanted = {Path(p).resolve() for p in paths}
    if not wanted:
        return {}
    root = repo_root(next(iter(wanted)).parent)
    if root is None:
        return {}
    root = root.resolve()
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
    for commit, date, entries in _raw_log(out):
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


def _raw_log(out: bytes) -> Iterator[tuple[str, str, list[tuple[str, str, str, str]]]]:
    """Commits of `git log --raw -z --format=%x01%h%x09%as`: (commit, date, [(status, blob, old, new)])."""
    for chunk in out.split(b"\x01")[1:]:
        fields = chunk.split(b"\x00")
        commit, _, date = fields[0].decode().partition("\t")
        entries = []
        i = 1
        while i < len(fields):
            meta = fields[i].lstrip(b"\n")
            if not meta.startswith(b":"):
                i += 1
                continue
            parts = meta.decode().split()  # :old_mode new_mode old_blob new_blob status
            status = parts[4]
            if status[0] in "RC":
                old, new = fields[i + 1].decode("utf-8", "replace"), fields[i + 2].decode("utf-8", "replace")
                i += 3
            else:
                old = new = fields[i + 1].decode("utf-8", "replace")
                i += 2
            entries.append((status, parts[3], old, new))
        yield commit, date, entries


def _facts(path: Path, text: bytes | None) -> Facts:
    """Status, confidence and completeness of one version of a plan, through the one gate
    (`check_result`), so an old version that no longer loads, or never did, is a row, not a crash."""
    from planbook.check import check_result
    from planbook.loader import load_plan

    if text is None:
        return None, None, None
    result = check_result(load_plan(path, text=text))
    if result.plan is None:
        return None, None, None
    data = result.plan.data
    status = data.get("status") if isinstance(data.get("status"), str) else None
    confidence = data.get("confidence")
    confidence = confidence if isinstance(confidence, int) and not isinstance(confidence, bool) else None
    return status, confidence, result.completeness
