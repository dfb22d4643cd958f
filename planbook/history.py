"""What git knows about plans: when each was last changed, in which commit, and how each commit left it.

One `git log` answers for every plan at once, and one `git cat-file --batch` reads every old version
needed; a site of a thousand plans must not run a thousand git processes.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
import threading
from pathlib import Path
from typing import IO, Iterable, Iterator, Mapping

from planbook.paths import resolved
from planbook.loader import MAX_FILE_BYTES


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
        out = run_git(root, "log", "--first-parent", "--no-renames", "--raw", "-z", "--format=%x01%h%x09%as", "--",
                      *map(str, dirs))
    except GitError:
        return {}
    facts: dict[Path, GitFacts] = {}
    deleted: set[Path] = set()
    counts: dict[Path, int] = {}
    for commit, date, entries in _raw_log(out):
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


def working_tree_state(root: Path, dirs: Iterable[Path]) -> tuple[set[Path], set[Path]]:
    """(modified, untracked): the files under `dirs` whose content differs from HEAD, staged or not,
    and those git does not track, resolved; from one `git status`, which applies git's own filters."""
    try:
        out = run_git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--", *map(str, dirs))
    except GitError:
        return set(), set()
    modified: set[Path] = set()
    untracked: set[Path] = set()
    for entry in out.split(b"\x00"):
        if len(entry) < 4:
            continue
        path = resolved(root / entry[3:].decode("utf-8", "surrogateescape"))
        (untracked if entry[:2] == b"??" else modified).add(path)
    return modified, untracked


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


@dataclasses.dataclass(frozen=True)
class TooLarge:
    """A version larger than a plan may be: its size, and nothing of its content."""

    size: int


def read_blobs(root: Path, names: Iterable[str], *, limit: int = MAX_FILE_BYTES) -> dict[str, bytes | TooLarge | None]:
    """The content of each object name (`REV:path`, or a blob id) through one `git cat-file --batch`.

    Names git cannot find map to None, and so does a name holding a line break, which the batch
    protocol cannot carry (the others are read all the same). A blob over `limit` bytes is TooLarge,
    read past, not kept: a 95 MB old version costs no memory. One process for every file keeps a
    history of a hundred versions, or a diff of a hundred plans, from forking git a hundred times.
    """
    wanted = list(dict.fromkeys(names))
    blobs: dict[str, bytes | TooLarge | None] = {name: None for name in wanted}
    asked = [name for name in wanted if "\n" not in name and "\r" not in name]
    if not asked:
        return blobs
    try:
        process = subprocess.Popen(["git", "cat-file", "--batch"], cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL)
    except OSError as e:
        raise GitError(f"cannot run git: {e.strerror or e}") from e
    assert process.stdin is not None and process.stdout is not None
    request = "".join(f"{name}\n" for name in asked).encode("utf-8", "surrogateescape")
    # Written from a thread: git answers while it reads, and a long list would fill both pipes.
    writer = threading.Thread(target=_write_and_close, args=(process.stdin, request), daemon=True)
    writer.start()
    try:
        for name in asked:
            header = process.stdout.readline().rstrip(b"\n")
            if not header:
                break
            fields = header.split(b" ")
            if len(fields) != 3 or not _OBJECT_ID.fullmatch(fields[0]) or not fields[2].isdigit():
                continue  # `<name> missing`, `<name> ambiguous`: a name may hold spaces, so no more is read
            kind, size = fields[1], int(fields[2])
            if kind == b"blob" and size <= limit:
                blobs[name] = process.stdout.read(size)
            else:
                _skip(process.stdout, size)
                blobs[name] = TooLarge(size) if kind == b"blob" else None
            process.stdout.read(1)  # the newline after the content
    finally:
        process.stdout.close()
        process.wait()
        writer.join()
    return blobs


_OBJECT_ID = re.compile(rb"[0-9a-f]{40}|[0-9a-f]{64}")


def _write_and_close(stream: IO[bytes], data: bytes) -> None:
    try:
        stream.write(data)
        stream.close()
    except (BrokenPipeError, ValueError):  # git stopped reading: its answers say what it did
        pass


def _skip(stream: IO[bytes], size: int) -> None:
    while size > 0:
        chunk = stream.read(min(size, 1 << 20))
        if not chunk:
            return
        size -= len(chunk)


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
    """Commits of `git log --raw -z --format=%x01%h%x09%as`: (commit, date, [(status, blob, old, new)]).

    Read token by token, NUL-separated: after an entry's header come its one or two paths, taken as
    paths whatever bytes they hold, so a file name cannot forge a commit or an entry.
    """
    tokens = out.split(b"\x00")
    commit: tuple[str, str, list[tuple[str, str, str, str]]] | None = None
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip(b"\n")
        i += 1
        if token.startswith(b"\x01"):
            if commit is not None:
                yield commit
            hash_, _, date = token[1:].decode("ascii", "replace").partition("\t")
            commit = (hash_, date.strip(), [])
        elif token.startswith(b":") and commit is not None:
            parts = token.decode("ascii", "replace").split()  # :old_mode new_mode old_blob new_blob status
            if len(parts) < 5:
                continue
            status = parts[4]
            count = 2 if status[0] in "RC" else 1
            names = [name.decode("utf-8", "surrogateescape") for name in tokens[i : i + count]]
            i += count
            old, new = (names[0], names[-1]) if names else ("", "")
            commit[2].append((status, parts[3], old, new))
    if commit is not None:
        yield commit


def _facts(path: Path, text: bytes | TooLarge | None) -> Facts:
    """Status, confidence and completeness of one version of a plan, through the one gate
    (`check_result`), so an old version that no longer loads, or never did, is a row, not a crash."""
    from planbook.check import check_result
    from planbook.loader import load_plan

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
