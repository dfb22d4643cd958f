"""What a build made, kept on disk for the next build: `BuildCache`.

A site build converts and cleans every plan page and exports every plan, though most plans did not
change since the last build. The cache keeps each result under a key that names everything the result
was made from, so an unchanged input finds it and a changed one (a plan, the template, planbook's
code, a library, the site's config, the day, any `PLANBOOK_*` setting) does not.

What it promises:

- A key is a SHA-256 of the `BuildCache.fingerprint` (the code and settings) and the caller's inputs.
  Callers key by the inputs themselves (a page's Markdown, a plan file's bytes), never by a name.
- An entry is written atomically (a temporary file, then a rename): a line of JSON holding its format,
  its own key and a digest of the payload, then the payload, JSON. An entry that is missing, unreadable, not a regular file, too large, not JSON, of
  another key or another digest, or of the wrong shape is a miss: the caller builds afresh and writes
  it again. Nothing read from the cache is executed; JSON is the only format.
- The folder, `.cache/planbook/` under the project, is not part of the repository. A cache committed
  to git (someone forced it in) is not used at all: it would be content no build of this checkout made.

Only the build writes the cache, so it is as trusted as the working tree that holds it. Its checks
stop a torn write, a stale entry or a file put in the wrong place, not someone who can write to the
working tree, who could change the code anyway.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
import stat
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from planbook import plan_template
from planbook.files import write_atomic
from planbook.git import GitError, run_git

#: Where the cache lives, relative to the project's root (the .gitignore lists it).
CACHE_DIR = ".cache/planbook"
#: Bump when the layout of an entry changes.
FORMAT = 1
#: An entry larger than this is not read (a plan is at most a few MB; its page a few times that).
MAX_ENTRY_BYTES = 64 * 1024 * 1024
#: The libraries whose versions change what a build makes.
LIBRARIES = (
    "markdown",
    "pymdown-extensions",
    "mkdocs",
    "mkdocs-material",
    "mkdocs-macros-plugin",
    "properdocs",
    "nh3",
    "jinja2",
    "markupsafe",
    "pyyaml",
)
_ENGINE = Path(__file__).resolve().parent


@functools.cache
def code_fingerprint() -> str:
    """A digest of planbook's own files (code, templates, schema, styles), of the libraries' versions
    and of Python's: anything that changes a render without changing its inputs.

    Once a process: a process renders with the code it imported and the templates it read first, so
    files edited under a running `mkdocs serve` do not change what it makes (and each of its rebuilds
    is spared some 50 ms of looking up versions and reading files).
    """
    digest = hashlib.sha256(f"planbook build cache {FORMAT}\n{sys.version}\n".encode())
    for name in LIBRARIES:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name}=={version}\n".encode())
    for path in sorted(_ENGINE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in {".pyc", ".pyo"}:
            digest.update(f"{path.relative_to(_ENGINE).as_posix()}\0".encode("utf-8", "surrogateescape"))
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def settings_fingerprint(environ: Mapping[str, str] | None = None) -> str:
    """Every `PLANBOOK_*` setting of the environment (the audience of a build, the day, the site's
    address…): a setting that may change a page changes every key."""
    environ = os.environ if environ is None else environ
    settings = sorted((name, value) for name, value in environ.items() if name.startswith("PLANBOOK_"))
    return hashlib.sha256(json.dumps(settings).encode("utf-8", "surrogateescape")).hexdigest()


class BuildCache:
    """Entries of one kind ("pages", "exports") of the cache in `folder`, under `fingerprint`."""

    def __init__(self, folder: Path, kind: str, fingerprint: str) -> None:
        self.folder = Path(folder) / kind
        self.fingerprint = fingerprint
        self.used: set[str] = set()  # the keys this build asked for and found, or wrote
        self.hits = 0
        self.misses = 0

    @classmethod
    def for_project(cls, root: Path, kind: str, *extra: str | bytes) -> BuildCache | None:
        """The cache of the project at `root`, its fingerprint made of the code's, the settings', the
        template's and `extra` (the site's config, the generator's version); None when git tracks the folder."""
        folder = Path(root) / CACHE_DIR
        if _tracked_by_git(Path(root)):
            return None
        template = plan_template.active().fingerprint  # the repository's template shapes every page
        return cls(folder, kind, key_of(code_fingerprint(), settings_fingerprint(), template, *extra))

    def key(self, *parts: str | bytes) -> str:
        return key_of(self.fingerprint, *parts)

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """The payload kept under `key`, or None: not there, or not sound (see the module's docstring)."""
        payload = _read_entry(self._path(key), key)
        if payload is None:
            self.misses += 1
            return None
        self.hits += 1
        self.used.add(key)
        return payload

    def put(self, key: str, payload: dict[str, Any]) -> None:
        """Keep `payload` (JSON values) under `key`. A failure to write is not the build's failure."""
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
        header = json.dumps({"format": FORMAT, "key": key, "digest": _digest(body)}).encode("ascii")
        entry = header + b"\n" + body  # the payload encoded once: its HTML is most of the bytes
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, entry, durable=False)
        except (OSError, ValueError):
            return
        self.used.add(key)

    def prune(self) -> int:
        """Remove every entry this build did not use; call after a full build. Returns how many."""
        removed = 0
        try:
            shards = list(self.folder.iterdir())
        except OSError:
            return 0
        for shard in shards:
            try:
                names = list(shard.iterdir()) if shard.is_dir() and not shard.is_symlink() else []
            except OSError:
                continue
            for entry in names:
                if entry.suffix == ".json" and entry.stem not in self.used:
                    try:
                        entry.unlink()
                        removed += 1
                    except OSError:
                        pass
        return removed


def key_of(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))  # lengths first: no two lists of parts join alike
        digest.update(data)
    return digest.hexdigest()


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _read_entry(path: Path, key: str) -> dict[str, Any] | None:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)  # no link followed; a FIFO does not block the build
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(MAX_ENTRY_BYTES + 1)
        head, newline, body = raw.partition(b"\n")
        header = json.loads(head.decode("ascii")) if newline else None
        if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("key") != key:
            return None
        if header.get("digest") != _digest(body):
            return None
        payload = json.loads(body.decode("utf-8"))
    except (OSError, ValueError, RecursionError, MemoryError):  # UnicodeDecodeError and JSON's are ValueErrors
        return None
    finally:
        os.close(fd)
    return payload if isinstance(payload, dict) else None


def _tracked_by_git(root: Path) -> bool:
    try:
        return bool(run_git(root, "ls-files", "-z", "--", CACHE_DIR).strip(b"\0"))
    except GitError:
        return False  # no repository: nothing can have committed it
