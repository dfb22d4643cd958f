"""What changed in each plan between two revisions, as a report: which plans were added, deleted,
renamed or modified, each one's changes, completeness and check before and after, as text for a
terminal or as Markdown for a pull request's job summary."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Literal

from planbook import escape, plan_template
from planbook.check import CheckResult, check_result
from planbook.diff.changes import MISSING, Change, counted, field_changes, notes_change, show
from planbook.findings import Finding
from planbook.git import GitError, TooLarge, read_blobs, repo_root, run_git
from planbook.loader import MAX_FILE_BYTES, Plan, load_plan
from planbook.paths import PROJECTS_DIR

_PLAN_PATH = re.compile(rf"{PROJECTS_DIR}/[^/]+\.md")
SHOWN_FINDINGS = 10  # findings listed under a failing plan; the check step annotates them all

Kind = Literal["added", "deleted", "modified", "renamed"]


# -- one plan on each side ---------------------------------------------------------------------


@dataclasses.dataclass
class Side:
    """A plan as one revision has it, checked."""

    path: str  # relative to the repository's top
    result: CheckResult

    @property
    def plan(self) -> Plan | None:
        return self.result.plan

    @property
    def completeness(self) -> str:
        return "invalid" if self.result.completeness is None else f"{self.result.completeness}%"

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.result.findings if f.severity == "error"]

    @property
    def gate(self) -> str:
        """`pass`, `fail (3 findings)`, or why the file is not a plan at all."""
        if self.plan is None:
            first = self.result.findings[0]
            return f"not loadable ({first.code} at line {first.line})"
        errors = self.errors
        return "pass" if not errors else f"fail ({counted(len(errors), 'finding')})"


@dataclasses.dataclass
class PlanDiff:
    kind: Kind
    before: Side | None
    after: Side | None
    changes: list[Change]

    @property
    def path(self) -> str:
        return (self.after or self.before).path  # type: ignore[union-attr]

    @property
    def title(self) -> str:
        if self.kind == "renamed":
            return f"{self.before.path} → {self.after.path}"  # type: ignore[union-attr]
        return self.path


def compare(kind: Kind, before: Side | None, after: Side | None) -> PlanDiff:
    old = before.plan if before else None
    new = after.plan if after else None
    changes: list[Change] = []
    if old is not None and new is not None:
        changes = field_changes(old.data, new.data)
        notes = notes_change(old.notes, new.notes)
        if notes:
            changes.append(notes)
    elif kind == "added" and new is not None:
        changes = [Change(name, after=show(new.data.get(name, MISSING))) for name in _shown_when_added()]
    elif before is not None and after is not None:
        which = "the base version" if old is None else "the new version"
        changes = [Change("fields not compared", where=f"{which} does not load as a plan")]
    return PlanDiff(kind, before, after, changes)


# -- revisions ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Revision:
    """One side of a diff: a commit, or the working tree (commit None)."""

    name: str
    commit: str | None = None

    @property
    def label(self) -> str:
        return "the working tree" if self.commit is None else f"{self.name} ({self.commit[:7]})"


@dataclasses.dataclass
class DiffReport:
    base: Revision
    head: Revision
    plans: list[PlanDiff]


def resolve_revisions(root: Path, base: str | None, head: str | None) -> tuple[Revision, Revision]:
    """BASE defaults to HEAD, and HEAD to the working tree, as with `git diff`. `A...B` compares B with
    where it left A (their merge base), and `A..B` is `A B`."""
    base = base or "HEAD"
    for sep in ("...", ".."):
        if sep in base:
            if head is not None:
                raise GitError(f"give either {base!r} or two revisions, not both")
            left, _, right = base.partition(sep)
            left, right = left or "HEAD", right or "HEAD"
            head_rev = Revision(right, _commit(root, right))
            if sep == "...":
                try:
                    merge_base = (
                        run_git(root, "merge-base", head_rev.commit or "", _commit(root, left)).decode().strip()
                    )
                except GitError:
                    raise GitError(f"{left} and {right} have no common ancestor") from None
                return Revision(f"{left} (merge base)", merge_base), head_rev
            return Revision(left, _commit(root, left)), head_rev
    head_rev = Revision("working tree") if head is None else Revision(head, _commit(root, head))
    return Revision(base, _commit(root, base)), head_rev


def _commit(root: Path, name: str) -> str:
    try:
        return (
            run_git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{name}^{{commit}}").decode().strip()
        )
    except GitError:
        raise GitError(f"unknown revision {name!r}: not a commit this repository knows") from None


def changed_plans(root: Path, base: Revision, head: Revision) -> list[tuple[Kind, str | None, str | None]]:
    """(kind, old path, new path) for each plan file that differs, from `git diff --name-status -M`."""
    assert base.commit is not None  # the base is always a commit; only the head may be the working tree
    revisions = [base.commit] if head.commit is None else [base.commit, head.commit]
    out = run_git(root, "diff", "--name-status", "-z", "-M", "--no-color", *revisions, "--", f"{PROJECTS_DIR}/")
    fields = out.decode("utf-8", "surrogateescape").split("\x00")
    changes: list[tuple[Kind, str | None, str | None]] = []
    i = 0
    while i < len(fields) - 1:
        status = fields[i]
        if status[:1] in ("R", "C"):
            old, new = fields[i + 1], fields[i + 2]
            i += 3
        else:
            old = new = fields[i + 1]
            i += 2
        old_plan, new_plan = _is_plan(old), _is_plan(new)
        if status[:1] == "R" and old_plan and new_plan:
            changes.append(("renamed", old, new))
        elif status[:1] == "R" and old_plan:
            changes.append(("deleted", old, None))
        elif status[:1] in ("R", "C", "A") and new_plan:
            changes.append(("added", None, new))
        elif status[:1] == "D" and old_plan:
            changes.append(("deleted", old, None))
        elif status[:1] in ("M", "T", "U") and new_plan:
            changes.append(("modified", old, new))
    if head.commit is None:
        untracked = run_git(root, "ls-files", "-z", "--others", "--exclude-standard", "--", f"{PROJECTS_DIR}/")
        for name in untracked.decode("utf-8", "surrogateescape").split("\x00"):
            if _is_plan(name):
                changes.append(("added", None, name))
    return sorted(changes, key=lambda c: c[2] or c[1] or "")


def _is_plan(path: str) -> bool:
    return bool(_PLAN_PATH.fullmatch(path))


def diff_plans(base: str | None = None, head: str | None = None, *, root: Path | None = None) -> DiffReport:
    """Every plan that changed between `base` and `head` (see `resolve_revisions`), compared.

    Raises GitError outside a repository or for a revision git does not know."""
    top = repo_root(root or Path.cwd())
    if top is None:
        raise GitError("not in a git repository: run planbook diff inside the repository of the plans")
    base_rev, head_rev = resolve_revisions(top, base, head)
    changes = changed_plans(top, base_rev, head_rev)
    names = [f"{base_rev.commit}:{old}" for _, old, _ in changes if old]
    if head_rev.commit is not None:
        names += [f"{head_rev.commit}:{new}" for _, _, new in changes if new]
    blobs = read_blobs(top, names)

    def side(revision: Revision, path: str | None) -> Side | None:
        if path is None:
            return None
        file = top / path
        blob = None if revision.commit is None else blobs.get(f"{revision.commit}:{path}")
        if isinstance(blob, TooLarge):  # measured, not read: a plan may not be this large
            message = f"the file is {blob.size:,} bytes; a plan may be at most {MAX_FILE_BYTES:,}"
            return Side(path, CheckResult(path, [Finding(path, 1, 1, "PB002", message)]))
        text = None if revision.commit is None else blob or b""
        return Side(path, check_result(load_plan(file, text=text)))

    plans = [compare(kind, side(base_rev, old), side(head_rev, new)) for kind, old, new in changes]
    return DiffReport(base_rev, head_rev, plans)


# -- output ------------------------------------------------------------------------------------


def format_text(report: DiffReport) -> str:
    lines = [f"{_summary(report)}"]
    for plan in report.plans:
        lines += ["", f"{plan.title}: {plan.kind}"]
        lines += [f"  {change.text()}" for change in plan.changes]
        before, after = plan.before, plan.after
        lines.append(
            f"  completeness: {before.completeness if before else '—'} → {after.completeness if after else '—'}"
        )
        lines.append(f"  check: {before.gate if before else '—'} → {after.gate if after else '—'}")
        if after is not None and after.errors:
            lines += [f"    {finding}" for finding in after.errors[:SHOWN_FINDINGS]]
            if len(after.errors) > SHOWN_FINDINGS:
                lines.append(
                    f"    … and {len(after.errors) - SHOWN_FINDINGS} more; `planbook check {after.path}` lists them all"
                )
    return "\n".join(escape.one_line(line) for line in lines) + "\n"  # file names and field names are plan text too


def format_markdown(report: DiffReport) -> str:
    """GitHub-flavoured Markdown for a job summary or a comment. Every plan value is escaped."""
    lines = ["## Plan changes", "", f"{escape.inline(_summary(report))}"]
    for plan in report.plans:
        paths = [plan.before.path, plan.after.path] if plan.kind == "renamed" else [plan.path]  # type: ignore[union-attr]
        title = " → ".join(escape.code(path) for path in paths)
        lines += ["", f"### {title}: {plan.kind}", "", "| | Before | After |", "| --- | --- | --- |"]
        before, after = plan.before, plan.after
        for label, attribute in (("Fields filled", "completeness"), ("Check", "gate")):
            old = escape.cell(getattr(before, attribute)) if before else "—"
            new = escape.cell(getattr(after, attribute)) if after else "—"
            lines.append(f"| {label} | {old} | {new} |")
        if plan.changes:
            lines.append("")
            lines += [f"- {change.markdown()}" for change in plan.changes]
        if after is not None and after.errors:
            shown = after.errors[:SHOWN_FINDINGS]
            lines += ["", f"<details><summary>{counted(len(after.errors), 'finding')}</summary>", ""]
            lines += [
                f"- {escape.code(f'{f.path}:{f.line}:{f.column}')} {f.code} {escape.inline(f.message)}" for f in shown
            ]
            if len(after.errors) > len(shown):
                lines.append(f"- … and {len(after.errors) - len(shown)} more")
            lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def _summary(report: DiffReport) -> str:
    count = len(report.plans)
    changed = "No plan changed" if count == 0 else f"{counted(count, 'plan')} changed"
    return f"{changed} between {report.base.label} and {report.head.label}."


def _shown_when_added() -> tuple[str, ...]:
    """The fields a new plan's entry shows: its name, status and confidence."""
    roles = plan_template.roles()
    return roles.title, roles.status, roles.confidence
