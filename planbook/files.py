"""Safe writes: a reader, or a crash, sees the old file or the new one, never half of one; and a write
lands only on a regular file.

Every file planbook writes (a new plan, an export, the site's HTML downloads) goes through
`write_atomic`.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path


class NotARegularFile(OSError):
    """The target exists and is a link, a folder, a device, a FIFO or a socket: writing would replace
    or follow it, so it is refused."""


class TooLarge(OSError):
    """The file is larger than the reader's limit; `size` says how large."""

    def __init__(self, size: int) -> None:
        super().__init__(f"{size:,} bytes")
        self.size = size


def read_bounded(path: Path | str, limit: int) -> bytes:
    """The bytes of the regular file at `path`, read no further than `limit`.

    The size is checked before anything is read, so a 400 MB file costs nothing, and the open does not
    block, so a FIFO cannot hang the reader: NotARegularFile for a FIFO, folder or device, TooLarge past
    the limit, OSError otherwise.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFile(f"{path} is not a regular file")
        if info.st_size > limit:
            raise TooLarge(info.st_size)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # it grew while we read
            raise TooLarge(size)
        return b"".join(chunks)
    finally:
        os.close(fd)


def write_atomic(path: Path | str, text: str | bytes, *, overwrite: bool = True, durable: bool = True) -> None:
    """Write `text` (UTF-8, newlines as given) or bytes to a temporary file beside `path`, flush it to
    disk, then move it into place. `durable=False` skips the flushes to disk, for files that may be
    lost in a crash but must never be seen half written (the build cache: a thousand fsyncs would
    cost more than the cache saves).

    A new file gets the mode the umask gives (0644 under the usual 022); a file replaced keeps its
    mode. A target that exists and is not a regular file, a symbolic link included, raises
    NotARegularFile and is left as it was. With `overwrite=False` the move is a hard link, which fails
    if `path` exists, so two writers can never both create the same plan: FileExistsError then.
    Other failures raise OSError.
    """
    path = Path(path)
    mode = _existing_mode(path)
    if mode is not None and not overwrite:
        raise FileExistsError(f"{path} exists")
    if mode is not None and not mode & stat.S_IWUSR:  # its owner made it read-only: a choice to respect
        raise PermissionError(errno.EACCES, "the file is read-only; make it writable to replace it", str(path))
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    # 0o666 with O_CREAT: the kernel applies the umask, as it does for any program's new file.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(tmp, flags, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
            handle.flush()
            if mode is not None:
                os.fchmod(handle.fileno(), mode)
            if durable:
                os.fsync(handle.fileno())
        if overwrite:
            _existing_mode(path)  # again, just before: it may have become a link meanwhile
            os.replace(tmp, path)
        else:
            os.link(tmp, path)
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)
    if durable:
        _fsync_directory(path.parent)


def _existing_mode(path: Path) -> int | None:
    """The permission bits of the regular file at `path`; None when nothing is there."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(info.st_mode):
        kind = (
            "a symbolic link"
            if stat.S_ISLNK(info.st_mode)
            else "a folder"
            if stat.S_ISDIR(info.st_mode)
            else "not a regular file"
        )
        raise NotARegularFile(f"{path} is {kind}; planbook writes only regular files, and would replace it")
    return stat.S_IMODE(info.st_mode)


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - some platforms cannot open directories
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)
