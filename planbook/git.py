"""Running git, and reading what it says robustly: one process for many answers, NUL-separated output
read token by token so that no file name can pass for anything else, and old versions read no further
than a plan may be large."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from planbook.loader import MAX_FILE_BYTES

RawEntry = tuple[str, str, str, str]  # status, blob, old path, new path


def repo_root(start: Path) -> Path | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=start, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return Path(out) if out else None


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
        process = subprocess.Popen(
            ["git", "cat-file", "--batch"],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
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


LogCommit = tuple[str, str, list[tuple[str, str, str, str]]]  # commit, date, [(status, blob, old, new)]

#: `git log --raw` answers already read, by (root, HEAD, arguments): the history up to a commit never
#: changes, so `mkdocs serve` reads it once a commit, not once a rebuild.
_LOGS: dict[tuple[Path, str, tuple[str, ...]], list[LogCommit]] = {}
_LOGS_KEPT = 8


def head_commit(root: Path) -> str:
    """The commit HEAD names, in full; "" where there is none (no commit yet, or no repository)."""
    try:
        return run_git(root, "rev-parse", "--verify", "--quiet", "HEAD").decode("ascii", "replace").strip()
    except GitError:
        return ""


def raw_log_at_head(root: Path, *args: str) -> list[LogCommit]:
    """`raw_log(git log --raw -z --format=%x01%h%x09%as ARGS)`, kept for as long as HEAD stays the
    same commit. GitError as `run_git` raises it."""
    head = head_commit(root)  # "" before the first commit: nothing to keep
    key = (root, head, args)
    if head and key in _LOGS:
        return _LOGS[key]
    commits = list(raw_log(run_git(root, "log", "--raw", "-z", "--format=%x01%h%x09%as", *args)))
    if head:
        if len(_LOGS) >= _LOGS_KEPT:
            _LOGS.clear()
        _LOGS[key] = commits
    return commits


def raw_log(out: bytes) -> Iterator[tuple[str, str, list[tuple[str, str, str, str]]]]:
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


def working_tree_state(root: Path, dirs: Iterable[str]) -> tuple[set[str], set[str]]:
    """(modified, untracked): the files under `dirs` whose content differs from HEAD, staged or not,
    and those git does not track, by their names relative to `root` (as `git log` names them, so an
    untracked link is not mistaken for the file it points to); from one `git status`, which applies
    git's own filters."""
    try:
        out = run_git(
            root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--", *map(str, dirs)
        )
    except GitError:
        return set(), set()
    modified: set[str] = set()
    untracked: set[str] = set()
    for entry in out.split(b"\x00"):
        if len(entry) < 4:
            continue
        name = entry[3:].decode("utf-8", "surrogateescape")
        (untracked if entry[:2] == b"??" else modified).add(name)
    return modified, untracked
