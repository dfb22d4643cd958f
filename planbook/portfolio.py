"""The portfolio: one summary row per plan, for `planbook status` and the site's home page."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from planbook import plan_template, schema
from planbook.baselines import agreed_baselines
from planbook.check import CheckResult, check_result, with_collisions
from planbook.history import VersionFacts, blob_ids_of, current_versions, last_changes
from planbook.loader import load_plan
from planbook.model import GitFacts, overall_progress
from planbook.model.tracking import Baseline, PlanTracking, plan_tracking
from planbook.paths import plan_files_in


@dataclasses.dataclass
class PortfolioRow:
    id: str
    path: str
    name: str
    client: str
    system_a: str
    system_b: str
    types: list[str]
    status: str
    lead: str
    confidence: int | None
    completeness: int | None
    tasks_done: int
    tasks_total: int
    start_date: str | None
    ok: bool
    result: CheckResult
    last_updated: str | None = None  # the date of the plan's last commit, when git knows the file
    tracking: PlanTracking | None = None  # on time or not, on the portfolio's day; None when it did not load

    @property
    def systems(self) -> str:
        return f"{self.system_a} ↔ {self.system_b}"

    @property
    def progress(self) -> int:
        """Tasks done across all five phases, as a whole percentage."""
        return (self.tasks_done * 100) // self.tasks_total if self.tasks_total else 0


def row_for(result: CheckResult, *, today: dt.date, baseline: Baseline | None = None) -> PortfolioRow:
    """The row of one checked plan on `today`, against git's `baseline` (the plan's own field wins)."""
    plan = result.plan
    data: dict[str, Any] = plan.data if plan is not None else {}

    def text(key: str) -> str:
        value = data.get(key)
        return value if isinstance(value, str) else ""

    valid = result.completeness is not None
    done, total = overall_progress(data) if valid else (0, 0)
    roles = plan_template.roles()
    confidence = data.get(roles.confidence)
    return PortfolioRow(
        id=plan.id if plan is not None else Path(result.path).stem,
        path=result.path,
        name=text(roles.title),
        client=text(roles.client),
        system_a=text(roles.system_a),
        system_b=text(roles.system_b),
        types=[t for t in data.get(roles.types) or () if t in schema.INTEGRATION_TYPES] if valid else [],
        status=text(roles.status) or "invalid",
        lead=text(roles.lead),
        confidence=confidence if isinstance(confidence, int) and not isinstance(confidence, bool) else None,
        completeness=result.completeness,
        tasks_done=done,
        tasks_total=total,
        start_date=text(roles.start_date) or None,
        ok=result.ok,
        result=result,
        tracking=None if plan is None else plan_tracking(data, today=today, baseline=baseline),
    )


def portfolio_rows(files: Sequence[Path], *, today: dt.date) -> list[PortfolioRow]:
    """A row for each plan, judged as check judges it (case collisions included), tracked on `today`
    against its baseline; no plan is kept."""
    rows = []
    results = with_collisions(files, [check_result(load_plan(path), companions=True) for path in files])
    baselines = agreed_baselines(files, known=current_versions(blob_ids_of(files, results), files, results))
    for path, result in zip(files, results):
        rows.append(row_for(result, today=today, baseline=baselines.get(path)))
        result.plan = None  # a row holds what it shows: a thousand plans of a megabyte need not stay loaded
    return rows


# -- the portfolio of one site build -----------------------------------------------------------
# `mkdocs serve` rebuilds the site on every edit, and the engine's modules outlive a rebuild (MkDocs
# loads its hooks, and mkdocs-macros its module, afresh). These caches keep what an unchanged plan
# costs to work out, so a rebuild redoes only the changed plans' share: 1,000 plans, one edit.

Stamp = tuple[int, int, int, int]
#: Each plan file (as listed) → its stamp and its companion documents' (a file's, or None where there is
#: none), and its check result, while none of them changes.
CHECKED: dict[Path, tuple[Stamp, dict[Path, Stamp | None], CheckResult]] = {}
#: Each plan file → what its portfolio row was made from (check result, last commit date, the day, the
#: baseline), and the row.
ROWS: dict[Path, tuple[tuple[CheckResult, str | None, dt.date, Baseline | None], PortfolioRow]] = {}


def checked(path: Path) -> CheckResult:
    """`check_result(load_plan(path))`, kept while the file's size and modification time stay the same.

    `mkdocs serve` rebuilds the whole site on every edit; this way it loads again only the plans
    that changed, not all thousand.
    """
    path = Path(path).absolute()  # not resolved: a link is judged as a link (planbook.paths)
    try:
        key = _file_key(path)
    except OSError:
        return check_result(load_plan(path), companions=True)  # gone or unreadable: let the loader say so
    cached = CHECKED.get(path)
    if cached is None or cached[0] != key or any(_stamp_of(file) != stamp for file, stamp in cached[1].items()):
        result = check_result(load_plan(path), companions=True)
        companions = {c.path: _stamp_of(c.path) for c in result.companions or () if c.path is not None}
        cached = CHECKED[path] = (key, companions, result)
    return cached[2]


def _stamp_of(path: Path) -> Stamp | None:
    try:
        return _file_key(path)
    except OSError:
        return None


def _file_key(path: Path) -> Stamp:
    """What changes when the plan does: the file's time and size, and the link's, if it is one."""
    target, link = path.stat(), path.lstat()
    return (target.st_mtime_ns, target.st_size, link.st_mtime_ns, link.st_ino)


@dataclasses.dataclass(frozen=True, eq=False)
class Portfolio:
    """Every plan in a folder, checked, with what git knows of each: what one site build shows."""

    folder: Path
    files: tuple[Path, ...]  # absolute, as listed (links not resolved), in name order
    results: tuple[CheckResult, ...]  # one for each file, in the same order
    facts: dict[Path, GitFacts]  # by listed path; plans git does not track are left out
    stamp: tuple[Stamp, ...]  # each file's stamp when loaded
    today: dt.date  # the day the rows are tracked on

    @functools.cached_property
    def blob_ids(self) -> dict[Path, str]:
        """Each loaded plan's git blob id, as the file is now."""
        return blob_ids_of(self.files, self.results)

    @functools.cached_property
    def current_versions(self) -> dict[str, VersionFacts]:
        """Each plan as it is now, by git blob id: what git's history need not read again."""
        return current_versions(self.blob_ids, self.files, self.results)

    @functools.cached_property
    def baselines(self) -> dict[Path, Baseline]:
        """By listed path: git's baseline of each plan committed in an agreed status."""
        return agreed_baselines(self.files, known=self.current_versions)

    def only(self, keep: list[int]) -> Portfolio:
        """The portfolio of the plans at the indexes `keep`, in order: what one site may show."""
        if len(keep) == len(self.files):
            return self
        files = tuple(self.files[i] for i in keep)
        kept = set(files)
        return dataclasses.replace(
            self,
            files=files,
            results=tuple(self.results[i] for i in keep),
            facts={path: fact for path, fact in self.facts.items() if path in kept},
            stamp=tuple(self.stamp[i] for i in keep) if len(self.stamp) == len(self.files) else (),
        )

    @functools.cached_property
    def rows(self) -> list[PortfolioRow]:
        # A plan's row is reused from the last build while its check result (kept by `checked`
        # while the file is unchanged) and its last commit date are the same.
        rows, fresh = [], {}
        for path, result in zip(self.files, self.results):
            fact = self.facts.get(path)
            date = fact.date if fact else None
            made_from = (result, date, self.today, self.baselines.get(path))
            kept = ROWS.get(path)
            row = kept[1] if kept is not None and _same(kept[0], made_from) else None
            if row is None:
                row = dataclasses.replace(
                    row_for(result, today=self.today, baseline=self.baselines.get(path)), last_updated=date
                )
            fresh[path] = (made_from, row)
            rows.append(row)
        ROWS.clear()
        ROWS.update(fresh)
        return rows


def _same(a: tuple[CheckResult, str | None, dt.date, Baseline | None], b: tuple[Any, ...]) -> bool:
    return a[0] is b[0] and a[1:] == b[1:]


def load_portfolio(folder: Path, *, today: dt.date) -> Portfolio:
    """Every plan in `folder`, checked (unchanged plans from `CHECKED`), with the commit of each from
    one `git log` and its baseline from git, tracked on `today`."""
    folder = Path(folder).absolute()  # not resolved: a `projects` link out of the repository stays one
    files = tuple(plan_files_in(folder))
    try:
        stamp = tuple(_file_key(path) for path in files)
    except OSError:  # a file went away while we looked: nothing to reuse
        stamp = ()
    results = tuple(with_collisions(files, [checked(path) for path in files]))
    return Portfolio(folder, files, results, last_changes(files), stamp, today)
