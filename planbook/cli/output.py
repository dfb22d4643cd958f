"""Output for a terminal or a log: guarded against a reader that goes away, and escaped line by line."""

from __future__ import annotations

import os
from typing import TextIO

from planbook.escape import one_line


def terminal_lines(text: str) -> str:
    """Many lines for a terminal or a log, each through `one_line`: no line of plan text can hold a
    character that drives the terminal."""
    return "\n".join(one_line(line) for line in text.split("\n"))


class PipeGuard:
    """Standard output that a reader going away cannot turn into success or a traceback.

    `planbook check | head -1` closes the pipe after one line. The command goes on to its own exit
    code (1 when a plan fails), with the rest of its output dropped: a broken pipe is not a verdict,
    and a CI step with `pipefail` must still see the failure.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.broken = False
        self.buffer = _BinaryGuard(self)

    def write(self, text: str) -> int:
        if not self.broken:
            try:
                self._stream.write(text)
            except BrokenPipeError:
                self.drop()
        return len(text)

    def flush(self) -> None:
        if not self.broken:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self.drop()

    def drop(self) -> None:
        """From now on, output goes nowhere; Python's own flush at exit finds /dev/null, not the pipe."""
        self.broken = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):  # not a real file (a test's capture): nothing to redirect
            pass

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


class _BinaryGuard:
    def __init__(self, guard: PipeGuard) -> None:
        self._guard = guard

    def write(self, data: bytes) -> int:
        if not self._guard.broken:
            try:
                self._guard._stream.buffer.write(data)
                self._guard._stream.buffer.flush()
            except BrokenPipeError:
                self._guard.drop()
        return len(data)

    def flush(self) -> None:
        self._guard.flush()
