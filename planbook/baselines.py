"""The baseline from git: the schedule a plan had when its client agreed to it, that is, in the commit
where its status last entered development or a later one. A plan's own `baseline` field wins over it
(`planbook.model.tracking.explicit_baseline`); docs/reference/schedule.md says so to people.

Walking back through a thousand plans' versions costs one `git log` and a `git cat-file` a round of
versions read; each old version is read once a process, and shared with the plans' histories.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from planbook import plan_template
from planbook.git import GitError, run_git
from planbook.history import Commit, VersionFacts, plan_commits, versions_facts
from planbook.model.tracking import Baseline, agreed_statuses, baseline_from

_BASELINE_ROUND = 8  # versions a plan read at a time, walking back to where it was agreed


def agreed_baselines(paths: Iterable[Path], *, known: Mapping[str, VersionFacts] | None = None) -> dict[Path, Baseline]:
    """For each plan, the schedule the client agreed to, from git: its start date and durations in
    the commit where its status last entered an agreed one (development or later; on-hold neither
    starts nor ends an agreement, nor does a version that did not load). Keys are the paths as given; a plan never committed in an agreed
    status has none. `known` is as for `planbook.history.plan_histories`. One `git log` (kept while
    HEAD stays), and a `git cat-file` a round of versions not read before."""
    commits = plan_commits(paths, None)
    if commits is None:
        return {}
    given, root, found = commits
    if _is_shallow(root):  # the oldest commit there holds a plan as it is now, not as it was agreed
        return {}
    entered: dict[Path, Commit] = {}
    facts: dict[tuple[str, str], VersionFacts] = {}
    walking = {plan: 0 for plan in found}  # plan → how many of its versions are read
    while walking:
        wanted = {
            (blob, name)
            for plan, seen in walking.items()
            for _, _, name, blob in found[plan][seen : seen + _BASELINE_ROUND]
        }
        facts.update(versions_facts(root, wanted - facts.keys(), known))
        for plan in list(walking):
            seen = walking[plan]
            for version in found[plan][seen : seen + _BASELINE_ROUND]:
                status = facts[version[3], version[2]].status
                if status in agreed_statuses():
                    entered[plan] = version
                elif status is not None and status != plan_template.statuses().on_hold:
                    del walking[plan]  # replanned (draft, discovery) or cancelled: the agreement began after this
                    break
                # on hold, or a version that did not load (status None): neither starts nor ends an
                # agreement. A broken commit is no replanning, and must not reset the baseline.
            else:
                walking[plan] = seen + _BASELINE_ROUND
                if walking[plan] >= len(found[plan]):
                    del walking[plan]
    baselines = {}
    for plan, (date, commit, name, blob) in entered.items():
        baseline = baseline_from(facts[blob, name].schedule, source=f"commit {commit} ({date})")
        if baseline is not None:
            baselines[plan] = baseline
    return {path: baselines[real] for path, real in given.items() if real in baselines}


def _is_shallow(root: Path) -> bool:
    """A shallow clone (`git clone --depth 1`, CI's default checkout): its history is cut, and where
    an agreement was made may be cut off with it. No baseline is better than a wrong one."""
    try:
        return run_git(root, "rev-parse", "--is-shallow-repository").strip() == b"true"
    except GitError:
        return False
