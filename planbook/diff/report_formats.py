"""`planbook report` as Markdown (the weekly client check-in, the status meeting), HTML (a fragment the
site's "What changed" page shows too) or JSON (for tools). Picked by name from `REPORT_FORMATS`.

Each change is first put in words as plain text (`change_lines`); each output then escapes that
text for where it lands, so no plan value reaches Markdown, HTML or JSON unescaped.

The JSON's keys are stable: `since`; `base` and `head` (`commit`, `date`, or null); `summary` (a
count for `plans`, `new_plans`, `removed_plans` and each category); `plans`, each with `id`,
`path`, `previous_path`, `change` (new, removed, modified, renamed), `name`, `status`, `client` (at HEAD), `previous_client` (at the base), a list for
each category (`status_changes` and `dates_moved` items: `from`, `to`, and `field` for a date;
`tasks_done` and `tasks_undone`: `task`, `where`; `risks_added`, `risks_closed`: `risk`;
`blockers_added`, `blockers_closed`: `blocker`), and `problems` (versions that do not load).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from planbook import escape
from planbook.diff.portfolio_changes import CATEGORIES, CommitRef, PlanChanges, PortfolioReport
from planbook.site.portfolio_view import render

UrlFor = Callable[[str], str | None]  # a plan's ID → its page's address, or None when it has none


def summary_line(report: PortfolioReport, *, empty: str = "No plan changed.") -> str:
    """`3 plans changed: 1 new plan, 2 status changes, 5 tasks done.`"""
    if not report.plans:
        return empty
    counts = [
        (report.count("new"), "new plan", "new plans"),
        (report.count("removed"), "removed plan", "removed plans"),
    ]
    counts += [(report.count(key), one, many) for key, (one, many) in CATEGORIES.items()]
    problems = sum(bool(plan.problems) for plan in report.plans)
    counts.append((problems, "plan with a version that does not load", "plans with a version that does not load"))
    parts = [f"{n} {one if n == 1 else many}" for n, one, many in counts if n]
    plans = len(report.plans)
    head = f"{plans} plan{'' if plans == 1 else 's'} changed"
    return f"{head}: {', '.join(parts)}." if parts else f"{head}."


def range_line(report: PortfolioReport) -> str:
    """Which commits the report compares, in plain words."""
    if report.head is None:
        return f"No commit from before the end of {report.until}: nothing to report."
    head = _commit(report.head) if report.until else f"HEAD, {_commit(report.head)}"
    if report.until:
        head += f", the last commit by the end of {report.until}"
    if report.base is None:
        return f"No commit before {report.since}, so every plan counts as new; compared with {head}."
    asked = f"the last commit before {report.since}" if report.by_date else f"revision {report.since}"
    return f"From {_commit(report.base)}, {asked}, to {head}."


def change_lines(plan: PlanChanges) -> list[str]:
    """Each change of one plan, as a line of plain text."""
    lines = []
    if plan.change == "new":
        lines.append(f"new plan, status {plan.status or '(not loadable)'}")
    elif plan.change == "removed":
        lines.append(f"removed plan, status {plan.status or '(not loadable)'} when removed")
    elif plan.change == "renamed":
        lines.append(f"renamed from {plan.previous_path}")
    for item in plan.categories["status_changes"]:
        lines.append(f"status: {item['from']} → {item['to']}")
    for key in ("tasks_done", "tasks_undone"):
        lines += [f'{CATEGORIES[key][0]}: {item["where"]} "{item["task"]}"' for item in plan.categories[key]]
    for key in ("risks_added", "risks_closed", "blockers_added", "blockers_closed"):
        noun = "risk" if key.startswith("risk") else "blocker"
        lines += [f'{CATEGORIES[key][0]}: "{item[noun]}"' for item in plan.categories[key]]
    lines += [f"date moved: {item['field']} {item['from']} → {item['to']}" for item in plan.categories["dates_moved"]]
    lines += list(plan.problems)
    return lines


def report_markdown(report: PortfolioReport) -> str:
    """Grouped by plan, a one-line summary on top. Every value through `escape.inline`."""
    lines = ["# What changed", "", escape.inline(range_line(report)), "", f"**{escape.inline(summary_line(report))}**"]
    for plan in report.plans:
        title = f"{plan.id}: {plan.name}" if plan.name else plan.id
        lines += ["", f"## {escape.inline(title)}", "", escape.code(plan.path), ""]
        lines += [f"- {escape.inline(line)}" for line in change_lines(plan)]
    return "\n".join(lines) + "\n"


def report_html(
    report: PortfolioReport, *, url_for: UrlFor | None = None, empty: str = "No plan changed.", heading: int = 2
) -> str:
    """A fragment for a page: every value escaped by the template's autoescaping."""
    plans = [
        {"plan": plan, "url": url_for(plan.id) if url_for else None, "lines": change_lines(plan)}
        for plan in report.plans
    ]
    return (
        render(
            "what_changed.html",
            range=range_line(report),
            summary=summary_line(report, empty=empty),
            plans=plans,
            heading=f"h{heading}",
        )
        + "\n"
    )


def no_history_html(reason: str) -> str:
    """The page where git has nothing to say: outside a repository, or before the first commit."""
    return render("what_changed.html", range=reason, summary="No history to report.", plans=[], heading="h2")


def report_json(report: PortfolioReport) -> str:
    """For tools: keys as this module's docstring lists them; ASCII only, so any terminal shows it."""
    summary = {"plans": len(report.plans), "new_plans": report.count("new"), "removed_plans": report.count("removed")}
    summary.update({key: report.count(key) for key in CATEGORIES})
    document = {
        "since": report.since,
        "base": _commit_dict(report.base),
        "head": _commit_dict(report.head),
        "summary": summary,
        "plans": [plan.as_dict() for plan in report.plans],
    }
    return json.dumps(document, indent=2, ensure_ascii=True) + "\n"


#: `planbook report --format NAME`; the command line lists the same names (a test holds them together).
REPORT_FORMATS: dict[str, Callable[[PortfolioReport], str]] = {
    "markdown": report_markdown,
    "html": report_html,
    "json": report_json,
}


def _commit(ref: CommitRef) -> str:
    return f"{ref.short} ({ref.date})" if ref.date else ref.short


def _commit_dict(ref: CommitRef | None) -> dict[str, str] | None:
    return None if ref is None else {"commit": ref.commit, "date": ref.date}
