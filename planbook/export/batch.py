"""Export many plans to HTML files beside a running site build.

Exporting a plan costs about 10 ms (Markdown, cleaning, the page template): 10 s for a thousand plans
if the build did it page by page. Instead the build hands the list to `start_html_exports` when it
knows its plans, worker processes write the files while MkDocs renders pages on the other core, and
the build waits for them (`PendingExports.wait`) only at its end. A handful of exports, as in a dirty
rebuild after one edit, run in this process: starting workers would cost more than they save.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from planbook.export.to_html import export_html
from planbook.files import write_atomic
from planbook.loader import Plan, load_plan
from planbook.render import RenderContext

#: Below this many exports, worker processes cost more than they save.
PARALLEL_THRESHOLD = 40


@dataclasses.dataclass(frozen=True)
class HtmlExport:
    """One plan file to export, the context its cover shows, and the file to write."""

    source: Path
    context: RenderContext
    target: Path


class PendingExports:
    """Exports under way; `wait()` returns once every file is written, raising the first failure."""

    def __init__(self, pool: ProcessPoolExecutor | None, futures: list[Future[None]]) -> None:
        self._pool = pool
        self._futures = futures

    def wait(self) -> None:
        try:
            for future in self._futures:
                future.result()
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None


def start_html_exports(exports: Sequence[HtmlExport], *, workers: int | None = None) -> PendingExports:
    """Begin writing every export; few run here and now, many in `workers` processes (default: one
    fewer than the cores, so the build keeps one)."""
    exports = list(exports)
    if workers is None:
        workers = max(1, _cores() - 1)
    if len(exports) < PARALLEL_THRESHOLD:
        write_html_exports(exports)
        return PendingExports(None, [])
    import multiprocessing

    # forkserver: the build may run threads (`mkdocs serve`), which fork does not copy safely.
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("forkserver"), initializer=_lower_priority
    )
    size = max(1, len(exports) // (workers * 4))
    futures = [pool.submit(write_html_exports, exports[i : i + size]) for i in range(0, len(exports), size)]
    return PendingExports(pool, futures)


def write_html_exports(exports: Sequence[HtmlExport]) -> None:
    for export in exports:
        plan = load_plan(export.source)
        if not isinstance(plan, Plan):  # the build checked every plan; one changed under our feet
            raise ValueError(f"{export.source} no longer loads; build again")
        export.target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(export.target, export_html(plan, export.context))


def _lower_priority() -> None:
    """Workers yield to the build: they fill the idle core, and do not take the build's when it needs it."""
    try:
        os.nice(10)
    except OSError:  # pragma: no cover - not allowed here; run at the same priority
        pass


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
