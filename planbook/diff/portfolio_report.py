"""What changed across the portfolio between a base and HEAD, from git: status changes, tasks done
and undone, risks and blockers added and closed, dates moved, new and removed plans; for the weekly
client check-in and the status meeting (`planbook report`, the site's "What changed" page).

Each changed plan goes through the pull request's own diff (`compare`), its changes sorted into
categories. One `git log`, one `git diff` and at most one `git cat-file --batch` answer for the whole
portfolio, and a pair of versions is compared once a process (`PLAN_CHANGES`): a blob never changes,
and `mkdocs serve` asks on every edit. A version that does not load is a problem listed, not a crash.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from planbook import escape, plan_template, schema
from planbook.check import CheckResult
from planbook.dates import describe_date_rule, parse_plan_date
from planbook.diff.changes import MISSING, show
from planbook.diff.portfolio_changes import CATEGORIES, CommitRef, Item, PlanChange, PlanChanges, PortfolioReport
from planbook.diff.report import Side, compare, resolve_revisions
from planbook.findings import Finding
from planbook.git import GitError, TooLarge, read_blobs, repo_root, run_git
from planbook.loader import MAX_FILE_BYTES, LoadError, Plan, load_plan
from planbook.model.tasks import mapping_at

#: `Change.what` of the diff → the category it belongs to; the diff's own words for these events.
_CATEGORY_OF_CHANGE = {
    "task done": "tasks_done",
    "task reopened": "tasks_undone",
    "risk added": "risks_added",
    "risk removed": "risks_closed",
    "blocker added": "blockers_added",
    "blocker removed": "blockers_closed",
}


def date_fields() -> tuple[tuple[str, ...], ...]:
    """Dates a plan's schedule hangs on, by name, so a date field shows here as soon as a plan has it,
    whether or not the schema knows it yet (a phase's actual start and finish)."""
    roles = plan_template.roles()
    in_phase = (roles.phase_duration, roles.phase_actual_start, roles.phase_actual_finish)
    return ((roles.start_date,),) + tuple((roles.phases, phase, key) for phase in schema.PHASES for key in in_phase)


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: Every plan file that differs, renames found, with full blob ids; whatever the user's git config.
_RAW_DIFF = ("--literal-pathspecs", "diff", "--raw", "-z", "-M", "--full-index", "--no-color", "--no-ext-diff")


class SinceError(ValueError):
    """The base asked for is neither a plan date nor a revision: a malformed date, or nothing at all."""


# -- the range ---------------------------------------------------------------------------------


def portfolio_report(
    projects: Path, since: str | dt.date, *, until: dt.date | None = None, known: Mapping[str, Plan] | None = None
) -> PortfolioReport:
    """What changed in the plans of `projects` from `since` (a date: the newest first-parent commit
    before that day, by the committer's date; or a revision) to HEAD, or with `until` to the newest
    first-parent commit by the end of that day. SinceError for a malformed date; GitError outside a
    repository, before the first commit, or for an unknown revision. `known`: plans the caller has
    loaded, by blob id (`history.blob_id`): a site build has every plan as it is now."""
    asked = since.isoformat() if isinstance(since, dt.date) else since
    if not asked.strip():
        raise SinceError("give a date (YYYY-MM-DD) or a revision to report from")
    top = repo_root(projects if projects.is_dir() else projects.parent)
    if top is None:
        raise GitError("not in a git repository: there is no history to report from")
    try:
        folder = projects.resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        raise GitError(f"the plans' folder {escape.one_line(projects)} is outside the repository") from None
    by_date = bool(_DATE.fullmatch(asked)) or until is not None
    if by_date:
        day = parse_plan_date(asked)
        if day is None:
            raise SinceError(f"{asked!r} is not a date: give {describe_date_rule()}, or a revision")
        base, head = _window(top, day, until)
    else:
        base, head = _revisions(top, asked)
    if head is None:
        return PortfolioReport(asked, by_date, base, head, (), until)
    plans = _plan_changes(top, folder, base, head, known or {})
    return PortfolioReport(asked, by_date, base, head, tuple(plan for plan in plans if plan.shown), until)


def _window(top: Path, since: dt.date, until: dt.date | None) -> tuple[CommitRef | None, CommitRef | None]:
    """(the newest before `since` starts, the newest by the end of `until` or HEAD): one `git log`."""
    out = run_git(top, "log", "--first-parent", "--format=%H%x09%cs", "HEAD").decode("ascii", "replace")
    commits = [CommitRef(*line.split("\t", 1)) for line in out.splitlines() if "\t" in line]
    if until is not None:
        commits = commits[next((i for i, c in enumerate(commits) if c.date <= until.isoformat()), len(commits)) :]
    head = commits[0] if commits else None
    base = next((commit for commit in commits if commit.date < since.isoformat()), None)
    return base, head


def _revisions(top: Path, since: str) -> tuple[CommitRef, CommitRef]:
    base, head = resolve_revisions(top, since, "HEAD")
    ids = [base.commit or "", head.commit or ""]
    out = run_git(top, "log", "--no-walk=unsorted", "--format=%H%x09%cs", *ids).decode("ascii", "replace")
    dates = dict(line.split("\t", 1) for line in out.splitlines() if "\t" in line)
    return CommitRef(ids[0], dates.get(ids[0], "")), CommitRef(ids[1], dates.get(ids[1], ""))


# -- the plans ---------------------------------------------------------------------------------

#: Each pair of versions already compared in this process, by (kind, old blob, new blob, old path,
#: new path): a blob never changes, so `mkdocs serve` compares each pair once, not on every rebuild.
PLAN_CHANGES: dict[tuple[str, ...], PlanChanges] = {}
_PLAN_CHANGES_KEPT = 20_000


def _plan_changes(
    top: Path, folder: str, base: CommitRef | None, head: CommitRef, known: Mapping[str, Plan]
) -> list[PlanChanges]:
    entries = _changed_plans(top, folder, base.commit if base else _empty_tree(head.commit), head.commit)
    keys = [(kind, old_blob, new_blob, old, new) for kind, old_blob, new_blob, old, new in entries]
    missing = [key for key in keys if key not in PLAN_CHANGES]
    blobs: dict[str, bytes | TooLarge | None | Plan] = dict(known)
    blobs.update(read_blobs(top, {blob for key in missing for blob in key[1:3] if blob and blob not in known}))
    if len(PLAN_CHANGES) > _PLAN_CHANGES_KEPT:
        PLAN_CHANGES.clear()
    for kind, old_blob, new_blob, old, new in missing:
        before = _side(top, old, blobs.get(old_blob)) if old else None
        after = _side(top, new, blobs.get(new_blob)) if new else None
        PLAN_CHANGES[kind, old_blob, new_blob, old, new] = _categorised(kind, before, after, base, head)  # type: ignore[arg-type]
    return [PLAN_CHANGES[key] for key in keys]


def _changed_plans(top: Path, folder: str, base: str, head: str) -> list[tuple[str, str, str, str, str]]:
    """(kind, old blob, new blob, old path, new path) of each plan file that differs, from one `git
    diff --raw -z`, read token by token so that no file name passes for anything else."""
    out = run_git(top, *_RAW_DIFF, base, head, "--", f"{folder}/")
    plan = re.compile(rf"{re.escape(folder)}/[^/]+\.md")
    tokens = out.split(b"\x00")
    found, i = [], 0
    while i < len(tokens):
        fields = tokens[i].decode("ascii", "replace").split()  # :old_mode new_mode old_blob new_blob status
        i += 1
        if len(fields) < 5 or not fields[0].startswith(":"):
            continue
        status = fields[4][:1]
        count = 2 if status in "RC" else 1
        names = [name.decode("utf-8", "surrogateescape") for name in tokens[i : i + count]]
        i += count
        old, new = (names[0], names[-1]) if names else ("", "")
        was, is_ = bool(plan.fullmatch(old)) and status not in "AC", bool(plan.fullmatch(new)) and status != "D"
        kind = {(True, True): "renamed" if status == "R" else "modified", (True, False): "removed"}.get(
            (was, is_), "new" if is_ else ""
        )
        if kind:
            found.append(
                (kind, fields[2] if was else "", fields[3] if is_ else "", old if was else "", new if is_ else "")
            )
    return sorted(found, key=lambda entry: entry[4] or entry[3])


def _empty_tree(head: str) -> str:  # to compare with when no commit came before: every plan is new
    digest = hashlib.sha256 if len(head) == 64 else hashlib.sha1
    return digest(b"tree 0\x00").hexdigest()


def _side(top: Path, path: str, blob: bytes | TooLarge | None | Plan) -> Side:
    if isinstance(blob, Plan):
        return Side(path, CheckResult(path, [], blob))
    if isinstance(blob, TooLarge):  # measured, not read: a plan may not be this large
        message = f"the file is {blob.size:,} bytes; a plan may be at most {MAX_FILE_BYTES:,}"
        return Side(path, CheckResult(path, [Finding(path, 1, 1, "PB002", message)]))
    loaded = load_plan(top / path, text=blob or b"")  # loaded, not checked: the report reads values only
    if isinstance(loaded, LoadError):
        return Side(path, CheckResult(path, loaded.findings))
    return Side(path, CheckResult(path, [], loaded))


# -- sorting the changes -----------------------------------------------------------------------


def _categorised(
    kind: PlanChange, before: Side | None, after: Side | None, base: CommitRef | None, head: CommitRef
) -> PlanChanges:
    diff = compare({"new": "added", "removed": "deleted"}.get(kind, kind), before, after)  # type: ignore[arg-type]
    categories: dict[str, list[Item]] = {key: [] for key in CATEGORIES}
    for change in diff.changes if before is not None and after is not None else ():
        if change.what == plan_template.roles().status:
            categories["status_changes"].append({"from": change.before or "", "to": change.after or ""})
        elif change.what in _CATEGORY_OF_CHANGE:
            item = {"task" if change.what.startswith("task") else change.what.split()[0]: _plain(change.subject)}
            if change.what.startswith("task"):
                item["where"] = _plain(change.where)
            categories[_CATEGORY_OF_CHANGE[change.what]].append(item)
    old = before.plan if before else None
    new = after.plan if after else None
    if old is not None and new is not None:
        categories["dates_moved"] = _dates_moved(old.data, new.data)
    problems = tuple(
        f"the version in {commit.short if commit else 'no commit'} does not load: {_first_error(side)}"
        for side, commit in ((before, base), (after, head))
        if side is not None and side.plan is None
    )
    current = after or before
    assert current is not None  # a change has a side
    loaded = next((side.plan for side in (after, before) if side is not None and side.plan is not None), None)
    data = loaded.data if loaded is not None else {}  # a version that does not load: the other one's name
    return PlanChanges(
        id=_plain(Path(current.path).stem),
        path=_plain(current.path),
        change=kind,
        previous_path=_plain(before.path) if kind == "renamed" and before else None,
        name=_text(data, plan_template.roles().title),
        status=_text(data, plan_template.roles().status),
        client=_client(data),
        previous_client=_client(before.plan.data) if before is not None and before.plan is not None else None,
        categories=categories,
        problems=problems,
    )


def _dates_moved(old: dict[str, Any], new: dict[str, Any]) -> list[Item]:
    moved = []
    for path in date_fields():
        before = mapping_at(old, *path[:-1]).get(path[-1], MISSING)
        after = mapping_at(new, *path[:-1]).get(path[-1], MISSING)
        if show(before) != show(after):
            moved.append({"field": ".".join(path), "from": show(before), "to": show(after)})
    return moved


def _first_error(side: Side) -> str:
    finding = side.result.findings[0]
    return escape.one_line(dataclasses.replace(finding, path=side.path))


def _client(data: dict[str, Any]) -> str | None:
    return _text(data, plan_template.roles().client)


def _text(data: dict[str, Any], key: str) -> str | None:
    return _plain(data[key]) if isinstance(data.get(key), str) else None


def _plain(text: object) -> str:
    """Plan text on one line, control characters written out; each output escapes it again."""
    return escape.one_line(" ".join(str(text).split()))
