"""The baseline from git: the schedule a plan had when its client agreed to it, that is, in the commit
where its status last entered development or a later one. A plan's own `baseline` field wins over it
(`planbook.model.tracking.explicit_baseline`); docs/reference/schedule.md says so to people.

Walking back through a thousand plans' versions costs one `git log` and a `git cat-file` a round of
versions read; each old version is read once a process, as `planbook.history` reads them.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from planbook.git import TooLarge, read_blobs
from planbook.history import VERSIONS_KEPT, Commit, plan_commits
from planbook.loader import load_plan
from planbook.model.tasks import mapping_at
from planbook.model.tracking import AGREED_STATUSES, Baseline, baseline_from

#: Each old version's status and schedule, by (blob, path), read once a process as `_VERSIONS` are.
_SCHEDULES: dict[tuple[str, str], tuple[str | None, dict[str, Any]]] = {}
_BASELINE_ROUND = 8  # versions a plan read at a time, walking back to where it was agreed


def agreed_baselines(paths: Iterable[Path]) -> dict[Path, Baseline]:
    """For each plan, the schedule the client agreed to, from git: its start date and durations in
    the commit where its status last entered an agreed one (development or later; on-hold neither
    starts nor ends an agreement). Keys are the paths as given; a plan never committed in an agreed
    status has none. One `git log`, and a `git cat-file` a round of versions read."""
    commits = plan_commits(paths, None)
    if commits is None:
        return {}
    given, root, found = commits
    entered: dict[Path, Commit] = {}
    walking = {plan: 0 for plan in found}  # plan → how many of its versions are read
    while walking:
        wanted = {
            (blob, name)
            for plan, seen in walking.items()
            for _, _, name, blob in found[plan][seen : seen + _BASELINE_ROUND]
        }
        missing = {version for version in wanted if version not in _SCHEDULES}
        blobs = read_blobs(root, {blob for blob, _ in missing})
        for blob, name in missing:
            _SCHEDULES[blob, name] = _schedule_of(root / name, blobs.get(blob))
        for plan in list(walking):
            seen = walking[plan]
            for version in found[plan][seen : seen + _BASELINE_ROUND]:
                status = _SCHEDULES[version[3], version[2]][0]
                if status in AGREED_STATUSES:
                    entered[plan] = version
                elif status != "on-hold":
                    del walking[plan]  # the agreement began after this version
                    break
            else:
                walking[plan] = seen + _BASELINE_ROUND
                if walking[plan] >= len(found[plan]):
                    del walking[plan]
    if len(_SCHEDULES) > VERSIONS_KEPT:
        _SCHEDULES.clear()
    baselines = {}
    for plan, (date, commit, name, blob) in entered.items():
        schedule = _SCHEDULES.get((blob, name), (None, {}))[1]
        baseline = baseline_from(schedule, source=f"commit {commit} ({date})")
        if baseline is not None:
            baselines[plan] = baseline
    return {path: baselines[real] for path, real in given.items() if real in baselines}


def _schedule_of(path: Path, text: bytes | TooLarge | None) -> tuple[str | None, dict[str, Any]]:
    """The status and the schedule's fields of one version; (None, {}) when it does not load."""
    if not isinstance(text, bytes):
        return None, {}
    plan = load_plan(path, text=text)
    data = getattr(plan, "data", None)
    if not isinstance(data, dict):
        return None, {}
    status = data.get("status")
    schedule = {"start_date": data.get("start_date"), "phases": mapping_at(data, "phases")}
    return (status if isinstance(status, str) else None), schedule
