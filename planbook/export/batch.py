"""Export many plans to HTML (and, for a deploy, PDF) files beside a running site build.

Exporting a plan costs about 10 ms (Markdown, cleaning, the page template): 10 s for a thousand plans
if the build did it page by page. Instead the build hands the list to `start_html_exports` when it
knows its plans, worker processes write the files while MkDocs renders pages on the other core, and
the build waits for them (`PendingExports.wait`) only at its end. A handful of exports, as in a dirty
rebuild after one edit, run in this process: starting workers would cost more than they save.

PDFs (`start_pdf_exports`) are printed by one Chromium, in one worker process, always: printing takes
about half a second a plan, which only a deploy should pay (`PDF_DOWNLOADS_ENV`), and a process of its
own keeps Playwright's event loop out of the build's.

Given a `BuildCache`, an export whose inputs an earlier build exported already is copied from it, and
only the others are made; each made export is kept once it is written. The key is everything an
export is made from: the plan file's name and bytes, the cover's git facts and tracking, and the day
(an uncommitted plan's cover shows it), with the cache's fingerprint (planbook's code, the libraries,
`PLANBOOK_*` settings).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from planbook.build_cache import BuildCache
from planbook.escape import one_line
from planbook.export.errors import ExportError
from planbook.export.to_html import export_html
from planbook.export.to_pdf import PdfPrinter, export_pdf
from planbook.files import write_atomic
from planbook.loader import Plan, load_plan
from planbook.render import RenderContext

#: Below this many exports, worker processes cost more than they save.
PARALLEL_THRESHOLD = 40
#: Set to 1 to have a site build write each plan's PDF download too (the deploy workflow does);
#: unset, or 0, it writes HTML only, as `make serve` and `make build` do.
PDF_DOWNLOADS_ENV = "PLANBOOK_PDF_DOWNLOADS"


def pdf_downloads_wanted(environ: Mapping[str, str]) -> bool:
    """Whether `PDF_DOWNLOADS_ENV` asks for PDF downloads; ValueError for a value that is neither."""
    value = environ.get(PDF_DOWNLOADS_ENV, "").strip()
    if value not in ("", "0", "1"):
        raise ValueError(
            f"{PDF_DOWNLOADS_ENV}={value!r}: set it to 1 for PDF downloads, or 0 (or leave it unset) for none"
        )
    return value == "1"


@dataclasses.dataclass(frozen=True)
class PlanExport:
    """One plan file to export, the context its cover shows, and the file to write (.html or .pdf)."""

    source: Path
    context: RenderContext
    target: Path


class PendingExports:
    """Exports under way; `wait()` returns once every file is written, raising the first failure, and
    keeps what was made in the cache."""

    def __init__(
        self,
        pool: ProcessPoolExecutor | None,
        futures: list[Future[None]],
        cache: BuildCache | None = None,
        to_keep: dict[str, Path] | None = None,
        label: str = "HTML downloads",
    ) -> None:
        self.label = label  # what the exports are, for an error
        self._pool = pool
        self._futures = futures
        self.cache = cache
        self._to_keep = to_keep or {}  # key → the file written for it

    def wait(self) -> None:
        """ExportError naming these downloads (`label`) when one could not be written: a worker or
        Chromium that died is one line of the build's error, not a traceback."""
        try:
            for future in self._futures:
                try:
                    future.result()
                except ExportError as error:
                    raise ExportError(f"{self.label}: {error}") from error
                except Exception as error:
                    raise ExportError(
                        f"{self.label}: {type(error).__name__}: {one_line(error)}; build again"
                    ) from error
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None
        if self.cache is not None:
            for key, target in self._to_keep.items():
                try:
                    self.cache.put(key, {"html": target.read_text(encoding="utf-8")})
                except (OSError, UnicodeDecodeError):
                    pass  # not kept: the next build makes it again


def start_html_exports(
    exports: Sequence[PlanExport], *, workers: int | None = None, cache: BuildCache | None = None
) -> PendingExports:
    """Begin writing every export: those the `cache` holds copied from it, few others here and now,
    many in `workers` processes (default: one fewer than the cores, so the build keeps one)."""
    exports, to_keep = _from_cache(exports, cache) if cache is not None else (list(exports), {})
    if workers is None:
        workers = max(1, _cores() - 1)
    if len(exports) < PARALLEL_THRESHOLD:
        write_html_exports(exports)
        return PendingExports(None, [], cache, to_keep)
    import multiprocessing

    # forkserver: the build may run threads (`mkdocs serve`), which fork does not copy safely.
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("forkserver"), initializer=_lower_priority
    )
    size = max(1, len(exports) // (workers * 4))
    futures = [pool.submit(write_html_exports, exports[i : i + size]) for i in range(0, len(exports), size)]
    return PendingExports(pool, futures, cache, to_keep)


def _from_cache(exports: Sequence[PlanExport], cache: BuildCache) -> tuple[list[PlanExport], dict[str, Path]]:
    """Write the exports the cache holds; return the others, and the key each is to be kept under."""
    left: list[PlanExport] = []
    to_keep: dict[str, Path] = {}
    today = dt.date.today().isoformat()
    for export in exports:
        try:
            source = export.source.read_bytes()
        except OSError:
            left.append(export)  # the export says what is wrong with it
            continue
        facts = json.dumps(
            [dataclasses.asdict(export.context.git) if export.context.git else None, export.context.tracking],
            default=_plain,
            sort_keys=True,
        )
        key = cache.key("html export", export.source.name, source, facts, today)
        kept = cache.get(key)
        html = kept.get("html") if kept is not None else None
        if isinstance(html, str):
            export.target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(export.target, html, durable=False)  # site files, as MkDocs writes its own
        else:
            left.append(export)
            to_keep[key] = export.target
    return left, to_keep


def _plain(value: object) -> object:
    """Dates, tuples of dataclasses and enums as JSON: the tracking a cover shows."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return str(value)


def start_pdf_exports(exports: Sequence[PlanExport]) -> PendingExports:
    """Begin printing every export (`target` a .pdf) in one worker process; nothing starts for none."""
    exports = list(exports)
    if not exports:
        return PendingExports(None, [], label="PDF downloads")
    import multiprocessing

    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("forkserver"))
    return PendingExports(pool, [pool.submit(write_pdf_exports, exports)], label="PDF downloads")


def write_pdf_exports(exports: Sequence[PlanExport]) -> None:
    """Print each export with one Chromium, each file written atomically."""
    with PdfPrinter() as printer:
        for export in exports:
            export.target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(export.target, export_pdf(_loaded(export), export.context, printer=printer))


def write_html_exports(exports: Sequence[PlanExport]) -> None:
    for export in exports:
        export.target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(export.target, export_html(_loaded(export), export.context))


def _loaded(export: PlanExport) -> Plan:
    plan = load_plan(export.source)
    if not isinstance(plan, Plan):  # the build checked every plan; one changed under our feet
        raise ValueError(f"{export.source} no longer loads; build again")
    return plan


def _lower_priority() -> None:
    """Workers yield to the build: they fill the idle core, and do not take the build's when it needs it."""
    try:
        os.nice(10)
    except OSError:  # pragma: no cover - not allowed here; run at the same priority
        pass


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
