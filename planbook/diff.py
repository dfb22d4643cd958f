"""What changed in each plan between two revisions: field by field, completeness, and the check.

`planbook diff` is the pull request's summary. For every plan added, deleted, renamed or modified
between BASE and HEAD it says `status: draft → development`, `task done: Phase 1 "…"`, `risk added: "…"`,
how complete the plan was and is, and whether it passes `check`. The walk follows the schema, so a new
field is diffed without a change here. Old versions come from git as bytes and go through the same
safe loader as files on disk. Plan text is untrusted: the Markdown output escapes every value, because
a pull request's text lands in the job summary.
"""

from __future__ import annotations

import collections
import dataclasses
import json
import re
from pathlib import Path
from typing import Any, Iterator, Literal

from planbook import escape, schema
from planbook.check import CheckResult, _dotted, check_result  # _dotted: field paths as findings write them
from planbook.findings import Finding
from planbook.history import GitError, TooLarge, read_blobs, repo_root, run_git
from planbook.loader import MAX_FILE_BYTES, Plan, load_plan

PROJECTS = "projects"
_PLAN_PATH = re.compile(rf"{PROJECTS}/[^/]+\.md")
SHOWN_FINDINGS = 10  # findings listed under a failing plan; the check step annotates them all
_VALUE_WIDTH = 80

Kind = Literal["added", "deleted", "modified", "renamed"]


class _Missing:
    def __repr__(self) -> str:
        return "(not set)"


MISSING: Any = _Missing()


# -- what changed ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Change:
    """One change, in words. `what` and `where` are ours; `subject`, `before` and `after` are plan
    text, which each output escapes for where it lands.

    It reads `what: where "subject"` for an event (`task done: Phase 1 "Build the API client"`), and
    `what "subject" detail: before → after` for a value (`risk "Rate limits" impact: Low → High`).
    """

    what: str
    subject: str | None = None
    where: str | None = None
    detail: str | None = None
    before: str | None = None
    after: str | None = None

    def text(self) -> str:
        return self._compose(escape.one_line, lambda s: f'"{escape.one_line(s)}"')

    def markdown(self) -> str:
        return self._compose(escape.inline, lambda s: f'"{escape.inline(s)}"')

    def _compose(self, value, quoted) -> str:
        head = value(self.what)
        if self.before is None and self.after is None:
            tail = " ".join(part for part in (self.where and value(self.where), self.subject is not None and quoted(self.subject)) if part)
            return f"{head}: {tail}" if tail else head
        if self.subject is not None:
            head += f" {quoted(self.subject)}"
        if self.detail:
            head += f" {value(self.detail)}"
        if self.before is None:
            return f"{head}: {value(self.after)}"
        return f"{head}: {value(self.before)} → {value(self.after)}"


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """The changes from one plan's values to another's, in schema order, then fields the schema does
    not know. Task labels are filled in from `after`, where the new values are."""
    return list(_mapping(before, after, schema.plan_schema(), (), after))


def notes_change(before: str, after: str) -> Change | None:
    """How many lines of the notes came and went, counted as multisets: linear in the notes' length,
    where a line-by-line diff takes time that grows with the square of the lines changed."""
    if before.strip() == after.strip():
        return None
    old, new = collections.Counter(before.strip().splitlines()), collections.Counter(after.strip().splitlines())
    added, removed = sum((new - old).values()), sum((old - new).values())
    return Change("notes changed", where=f"{_count(added, 'line')} added, {removed} removed")


def _mapping(old: dict[str, Any], new: dict[str, Any], spec: dict[str, Any], path: tuple, data: dict[str, Any]) -> Iterator[Change]:
    known = spec.get("properties", {})
    for key in _keys(known, new, old):
        before, after = old.get(key, MISSING), new.get(key, MISSING)
        if _same(before, after):
            continue
        if key not in known and known:  # a misspelled `internal:` must not publish its day rates either
            yield Change(f"{_dotted((*path, key))} changed", where="a field the schema does not know, values not shown")
        else:
            yield from _value(before, after, known.get(key, {}), (*path, key), data)


def _value(old: Any, new: Any, spec: dict[str, Any], path: tuple, data: dict[str, Any]) -> Iterator[Change]:
    if path[0] == "internal":  # day rates and budgets must not reach a pull request's public summary
        yield Change(f"{_dotted(path)} changed", where="internal content, values not shown")
        return
    kind = spec.get("type")
    if kind == "object" and _fits(old, dict) and _fits(new, dict):
        old, new = _or(old, {}), _or(new, {})
        if _is_checklist(spec):
            yield from _checklist(old, new, spec, path, data)
        else:
            yield from _mapping(old, new, spec, path, data)
    elif kind == "array" and _fits(old, list) and _fits(new, list):
        if spec.get("items", {}).get("type") == "object":
            yield from _records(_or(old, []), _or(new, []), spec["items"], path)
        else:
            yield from _items(_or(old, []), _or(new, []), path)
    else:
        yield Change(_dotted(path), before=show(old), after=show(new))


def _checklist(old: dict, new: dict, spec: dict[str, Any], path: tuple, data: dict[str, Any]) -> Iterator[Change]:
    """Task booleans: `task done` or `task reopened`, with the task's text as the template shows it."""
    tasks = spec["properties"]
    where = schema.phase_title(path[1]).partition(":")[0] if path[0] == "phases" and len(path) == 3 else _dotted(path)
    for key in _keys(tasks, new, old):
        before, after = old.get(key, MISSING), new.get(key, MISSING)
        if _same(before, after):
            continue
        if key in tasks and _is_flag(before) and _is_flag(after):
            if (before is True) != (after is True):  # a task left out is not done, as is `false`
                yield Change("task done" if after is True else "task reopened", subject=_task_label(data, path, key), where=where)
        else:
            yield Change(_dotted((*path, key)), before=show(before), after=show(after))


def _task_label(data: dict[str, Any], container: tuple, key: str) -> str:
    from planbook.render import task_label

    try:
        return task_label(data, container, key, escaped=False)
    except (TypeError, ValueError, AttributeError, KeyError):  # values of the wrong type: the bare title
        return schema.task_specs(container)[key].get("title", key)


def _items(old: list, new: list, path: tuple) -> Iterator[Change]:
    """A list of text: items added and removed, compared as a multiset; or only reordered."""
    noun = _singular(str(path[-1]))
    unmatched = list(new)
    removed = []
    for item in old:
        index = _index(unmatched, item)
        if index is None:
            removed.append(item)
        else:
            del unmatched[index]
    for item in removed:
        yield Change(f"{noun} removed", subject=show(item, quote=False))
    for item in unmatched:
        yield Change(f"{noun} added", subject=show(item, quote=False))
    if not removed and not unmatched and old and new:
        yield Change(f"{_dotted(path)} reordered")


def _records(old: list, new: list, spec: dict[str, Any], path: tuple) -> Iterator[Change]:
    """A list of mappings (risks, success criteria), matched by their first text field."""
    noun = _singular(str(path[-1]))
    fields = spec.get("properties", {})
    key = next((name for name, child in fields.items() if child.get("type") == "string"), None)

    def name(item: Any) -> Any:
        return item.get(key, MISSING) if isinstance(item, dict) and key else item

    unmatched = list(enumerate(new))
    pairs, removed = [], []
    for item in old:
        index = next((i for i, (_, candidate) in enumerate(unmatched) if _same(name(candidate), name(item))), None)
        if index is None:
            removed.append(item)
        else:
            pairs.append((item, unmatched.pop(index)))
    for item in removed:
        yield Change(f"{noun} removed", subject=show(name(item), quote=False))
    for item, (_, match) in pairs:
        if _same(item, match):
            continue
        if not (isinstance(item, dict) and isinstance(match, dict)):
            yield Change(noun, subject=show(name(item), quote=False), before=show(item), after=show(match))
            continue
        for field in _keys(fields, match, item):
            before, after = item.get(field, MISSING), match.get(field, MISSING)
            if _same(before, after):
                continue
            subject = show(name(match), quote=False)
            if fields.get(field, {}).get("type") == "boolean" and _is_flag(before) and _is_flag(after):
                if (before is True) != (after is True):
                    yield Change(f"{noun} {field}" if after is True else f"{noun} not {field}", subject=subject)
            else:
                yield Change(noun, subject=subject, detail=field, before=show(before), after=show(after))
    for _, item in unmatched:
        yield Change(f"{noun} added", subject=show(name(item), quote=False))
    order = [index for _, (index, _) in pairs]
    if not removed and not unmatched and order != sorted(order):
        yield Change(f"{_dotted(path)} reordered")


def show(value: Any, *, quote: bool = True) -> str:
    """A value on one line, as a reader would write it, cut at a readable width."""
    if value is MISSING:
        return "(not set)"
    if value is None:
        return "(empty)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, str):
        text = " ".join(value.split())
        if not text:
            return '""' if quote else ""
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=False, default=str)
    text = escape.one_line(text)  # no control character reaches a terminal or a CI log
    return text if len(text) <= _VALUE_WIDTH else text[: _VALUE_WIDTH - 1].rstrip() + "…"


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down: YAML `true` is not `1`, nor `1.0` the same as `1`."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a is b or a == b


def _index(items: list, wanted: Any) -> int | None:
    return next((i for i, item in enumerate(items) if _same(item, wanted)), None)


def _keys(known: dict[str, Any], new: dict[str, Any], old: dict[str, Any]) -> list[str]:
    """The schema's fields in its order, then fields it does not know: the new side's, then the old's."""
    return list(known) + [k for k in new if k not in known] + [k for k in old if k not in known and k not in new]


def _is_flag(value: Any) -> bool:
    return value is MISSING or isinstance(value, bool)


def _fits(value: Any, kind: type) -> bool:
    return value is MISSING or isinstance(value, kind)


def _or(value: Any, default: Any) -> Any:
    return default if value is MISSING else value


def _is_checklist(spec: dict[str, Any]) -> bool:
    tasks = spec.get("properties", {})
    return bool(tasks) and all(child.get("type") == "boolean" and "title" in child for child in tasks.values())


def _singular(name: str) -> str:
    words = name.replace("_", " ")
    if words.endswith("criteria"):
        return words[:-1] + "on"
    if words.endswith("ies"):
        return words[:-3] + "y"
    return words[:-1] if words.endswith("s") and not words.endswith("ss") else words


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


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
    def errors(self) -> list:
        return [f for f in self.result.findings if f.severity == "error"]

    @property
    def gate(self) -> str:
        """`pass`, `fail (3 findings)`, or why the file is not a plan at all."""
        if self.plan is None:
            first = self.result.findings[0]
            return f"not loadable ({first.code} at line {first.line})"
        errors = self.errors
        return "pass" if not errors else f"fail ({_count(len(errors), 'finding')})"


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
        changes = [Change(name, after=show(new.data.get(name, MISSING))) for name in ("name", "status", "confidence")]
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
                    merge_base = run_git(root, "merge-base", head_rev.commit or "", _commit(root, left)).decode().strip()
                except GitError:
                    raise GitError(f"{left} and {right} have no common ancestor") from None
                return Revision(f"{left} (merge base)", merge_base), head_rev
            return Revision(left, _commit(root, left)), head_rev
    head_rev = Revision("working tree") if head is None else Revision(head, _commit(root, head))
    return Revision(base, _commit(root, base)), head_rev


def _commit(root: Path, name: str) -> str:
    try:
        return run_git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{name}^{{commit}}").decode().strip()
    except GitError:
        raise GitError(f"unknown revision {name!r}: not a commit this repository knows") from None


def changed_plans(root: Path, base: Revision, head: Revision) -> list[tuple[Kind, str | None, str | None]]:
    """(kind, old path, new path) for each plan file that differs, from `git diff --name-status -M`."""
    revisions = [base.commit] if head.commit is None else [base.commit, head.commit]
    out = run_git(root, "diff", "--name-status", "-z", "-M", "--no-color", *revisions, "--", f"{PROJECTS}/")  # type: ignore[list-item]
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
        untracked = run_git(root, "ls-files", "-z", "--others", "--exclude-standard", "--", f"{PROJECTS}/")
        for name in untracked.decode("utf-8", "surrogateescape").split("\x00"):
            if _is_plan(name):
                changes.append(("added", None, name))
    return sorted(changes, key=lambda c: (c[2] or c[1] or ""))


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
        lines.append(f"  completeness: {before.completeness if before else '—'} → {after.completeness if after else '—'}")
        lines.append(f"  check: {before.gate if before else '—'} → {after.gate if after else '—'}")
        if after is not None and after.errors:
            lines += [f"    {finding}" for finding in after.errors[:SHOWN_FINDINGS]]
            if len(after.errors) > SHOWN_FINDINGS:
                lines.append(f"    … and {len(after.errors) - SHOWN_FINDINGS} more; `planbook check {after.path}` lists them all")
    return "\n".join(escape.one_line(line) for line in lines) + "\n"  # file names and field names are plan text too


def format_markdown(report: DiffReport) -> str:
    """GitHub-flavoured Markdown for a job summary or a comment. Every plan value is escaped."""
    lines = ["## Plan changes", "", f"{escape.inline(_summary(report))}"]
    for plan in report.plans:
        paths = [plan.before.path, plan.after.path] if plan.kind == "renamed" else [plan.path]  # type: ignore[union-attr]
        title = " → ".join(escape.code(path) for path in paths)
        lines += ["", f"### {title}: {plan.kind}", "", "| | Before | After |", "| --- | --- | --- |"]
        before, after = plan.before, plan.after
        for label, attribute in (("Completeness", "completeness"), ("Check", "gate")):
            old = escape.cell(getattr(before, attribute)) if before else "—"
            new = escape.cell(getattr(after, attribute)) if after else "—"
            lines.append(f"| {label} | {old} | {new} |")
        if plan.changes:
            lines.append("")
            lines += [f"- {change.markdown()}" for change in plan.changes]
        if after is not None and after.errors:
            shown = after.errors[:SHOWN_FINDINGS]
            lines += ["", f"<details><summary>{_count(len(after.errors), 'finding')}</summary>", ""]
            lines += [f"- {escape.code(f'{f.path}:{f.line}:{f.column}')} {f.code} {escape.inline(f.message)}" for f in shown]
            if len(after.errors) > len(shown):
                lines.append(f"- … and {len(after.errors) - len(shown)} more")
            lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def _summary(report: DiffReport) -> str:
    count = len(report.plans)
    changed = "No plan changed" if count == 0 else f"{_count(count, 'plan')} changed"
    return f"{changed} between {report.base.label} and {report.head.label}."
