"""The mkdocs-macros module: the portfolio home page, and reference pages generated from the schema,
the rule table and the command line.

Only pages that opt in with `render_macros: true` call these macros; plan pages never go through
mkdocs-macros. Plan values reach a page only through the HTML templates in macros/templates/, rendered
by a Jinja environment of ours that escapes every value (autoescape); mkdocs-macros' own Jinja
escapes nothing. The portfolio is the one the build's hooks loaded (`load_portfolio(reuse=True)`),
so every plan is read once per build and git runs once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
from pathlib import Path
from typing import Any, Callable, NamedTuple

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from planbook import schema
from planbook.findings import RULES
from planbook.portfolio import Portfolio, PortfolioRow, load_portfolio, process_memo
from planbook.render import STATUS_LABELS, TYPE_LABELS, phase_schedule

PROJECTS_DIR = "projects"
RAW_HTML_KEY = "planbook_raw_html"  # where hooks/plan_pages.py keeps its RawHtmlBlocks
TIMELINE_LIMIT = 60  # rows in the timeline chart; the table lists every plan
# What the `{…}` in a task's title stand for, as the template's placeholders.
_TASK_VALUES = {
    "{system_a}": "`[SYSTEM_A]`",
    "{system_b}": "`[SYSTEM_B]`",
    "{edge_cases}": "`[EDGE_CASE_1]`, `[EDGE_CASE_2]`",
    "{performance_scenario}": "`[PERFORMANCE_SCENARIO]`",
    "{stabilization_days}": "`[STABILIZATION_PERIOD]`",
}
_TYPE_NAMES = {"string": "text", "integer": "whole number", "number": "number", "boolean": "true or false"}


def define_env(env: Any) -> None:
    root = Path(env.project_dir)

    def plan_url(plan_id: str) -> str:
        """The plan page's address relative to the page being rendered."""
        files, page = env.variables["files"], env.page
        target = files.get_file_from_path(f"{PROJECTS_DIR}/{plan_id}.md")
        if target is None:  # pragma: no cover - the hooks add a page for every plan
            raise LookupError(f"no page for the plan {plan_id}")
        return target.url_relative_to(page.file)

    def raw_html(html: str) -> str:
        """`html` as a block Python-Markdown passes through without parsing it (hooks/plan_pages.py),
        or as it is when the hooks are not there."""
        blocks = env.conf.get(RAW_HTML_KEY)
        return blocks.hold(html) if blocks is not None else html

    @env.macro
    def portfolio_table() -> str:
        """Every plan: sortable, filterable by status, type and client (assets/javascripts/portfolio.js)."""
        folio = load_portfolio(root / PROJECTS_DIR, reuse=True)
        view = table_view(folio.rows, plan_url)
        return raw_html(render("portfolio_table.html", row_html=row_html(folio, view["rows"]), **view))

    @env.macro
    def portfolio_charts(limit: int = TIMELINE_LIMIT) -> str:
        """How many plans stand at each status, and the plans that have a start date on a timeline."""
        folio = load_portfolio(root / PROJECTS_DIR, reuse=True)
        timeline = timeline_view(folio.rows, limit, schedule_of=schedules(folio))
        return raw_html(render("charts.html", status=status_view(folio.rows), timeline=timeline))

    @env.macro
    def field_reference() -> str:
        return field_table()

    @env.macro
    def checklist_reference() -> str:
        return checklist_table()

    @env.macro
    def rule_reference() -> str:
        return rule_table()

    @env.macro
    def cli_reference() -> str:
        return cli_usage()


# -- rendering ---------------------------------------------------------------------------------


@functools.cache
def _templates() -> SandboxedEnvironment:
    return SandboxedEnvironment(
        loader=FileSystemLoader(Path(__file__).with_name("templates")),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(name: str, **context: Any) -> str:
    """A template as one raw HTML block: no blank line or indentation that Markdown could read as
    the end of the block or as code."""
    html = _templates().get_template(name).render(**context)
    return "\n".join(line.strip() for line in html.splitlines() if line.strip())


# -- the portfolio -----------------------------------------------------------------------------
# `mkdocs serve` rebuilds the home page on every edit. A plan's table row and phase schedule are
# kept (in `process_memo`, which outlives this module) under its file's modification time and size,
# so a rebuild renders only the rows of the plans that changed.


def row_html(folio: Portfolio, items: list[dict[str, Any]]) -> list[Markup]:
    """Each table row's HTML (portfolio_row.html, autoescaped), reused while the plan, its last
    commit, its address and the template stay the same."""
    memo = process_memo("macros.portfolio_row")
    template = _template_stamp("portfolio_row.html")
    stamps = folio.stamp if len(folio.stamp) == len(items) else [None] * len(items)
    fresh, out = {}, []
    for stamp, item in zip(stamps, items):
        row = item["row"]
        key = (row.path, stamp, row.last_updated, item["url"], template)
        html = memo.get(key) if stamp is not None else None
        if html is None:
            html = Markup(render("portfolio_row.html", item=item))
        fresh[key] = html
        out.append(html)
    memo.clear()  # only the rows of this build: a deleted or edited plan's old row goes
    memo.update(fresh)
    return out


def schedules(folio: Portfolio) -> Callable[[PortfolioRow], list[Any]]:
    """`phase_schedule` of each plan, reused while its file stays the same."""
    memo = process_memo("macros.phase_schedule")
    stamp_of = dict(zip((str(path) for path in folio.files), folio.stamp)) if len(folio.stamp) == len(folio.files) else {}

    def schedule_of(row: PortfolioRow) -> list[Any]:
        plan = row.result.plan
        if plan is None:
            return []
        key = (row.path, stamp_of.get(row.path))
        if key[1] is None:
            return phase_schedule(plan.data)
        if key not in memo:
            memo[key] = phase_schedule(plan.data)
        return memo[key]

    return schedule_of


def _template_stamp(name: str) -> tuple[int, int]:
    stat = Path(__file__).with_name("templates").joinpath(name).stat()
    return (stat.st_mtime_ns, stat.st_size)



def status_order(status: str) -> int:
    return schema.STATUSES.index(status) if status in schema.STATUSES else len(schema.STATUSES)


def table_view(rows: list[PortfolioRow], url_for: Callable[[str], str]) -> dict[str, Any]:
    def choices(values: list[str], label: Callable[[str], str]) -> list[dict[str, Any]]:
        counts: dict[str, int] = {}
        for value in values:
            counts[value] = counts.get(value, 0) + 1
        return [{"value": v, "label": label(v), "count": counts[v]} for v in counts]

    statuses = sorted(choices([r.status for r in rows], lambda s: STATUS_LABELS.get(s, s)), key=lambda c: status_order(c["value"]))
    types = choices([t for r in rows for t in r.types], lambda t: TYPE_LABELS.get(t, t))
    types.sort(key=lambda c: schema.INTEGRATION_TYPES.index(c["value"]))
    clients = sorted(choices([r.client for r in rows], str), key=lambda c: c["label"].casefold())
    return {
        "rows": [
            {
                "row": row,
                "url": url_for(row.id),
                "status_label": STATUS_LABELS.get(row.status, row.status),
                "status_order": status_order(row.status),
                "type_labels": [TYPE_LABELS.get(t, t) for t in row.types],
            }
            for row in rows
        ],
        "statuses": statuses,
        "types": types,
        "clients": clients,
    }


def status_view(rows: list[PortfolioRow]) -> dict[str, Any]:
    counts = {status: 0 for status in schema.STATUSES}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    bars = [{"status": s, "label": STATUS_LABELS.get(s, s), "count": n} for s, n in counts.items() if n]
    return {"bars": bars, "total": len(rows), "most": max((b["count"] for b in bars), default=1)}


class TimelineBar(NamedTuple):  # not a dataclass: mkdocs-macros loads this file outside sys.modules
    row: PortfolioRow
    start: dt.date
    end: dt.date
    phases: list[tuple[str, dt.date, dt.date]]  # title, start, end


def timeline_view(rows: list[PortfolioRow], limit: int, *,
                  schedule_of: Callable[[PortfolioRow], list[Any]] | None = None) -> dict[str, Any]:
    """Bars for the plans with a start date: the `limit` that start last, in start order. Each bar
    is split into the plan's phases; the axis is marked at the start of each month."""
    bars = []
    for row in rows:
        plan = row.result.plan
        if plan is None or not row.start_date:
            schedule = []
        else:
            schedule = schedule_of(row) if schedule_of is not None else phase_schedule(plan.data)
        if not schedule or schedule[0].start is None:
            continue
        phases = [(p.title, p.start, p.end) for p in schedule if p.start is not None and p.end is not None]
        bars.append(TimelineBar(row, phases[0][1], phases[-1][2], phases))
    dated = len(bars)
    bars.sort(key=lambda b: (b.start, b.row.id))
    bars = bars[-limit:] if limit > 0 else []
    left, width, row_height, top = 130, 640, 22, 24
    if not bars:
        return {"bars": [], "dated": dated, "ticks": [], "height": 0, "left": left, "right": left + width, "row_height": row_height}

    first = min(b.start for b in bars).replace(day=1)
    last = max(b.end for b in bars)
    end = _next_month(last) if last != last.replace(day=1) else last
    span = max((end - first).days, 1)

    def x(day: dt.date) -> float:
        return round(left + width * (day - first).days / span, 1)

    months, tick = [], first
    while tick <= end:
        months.append(tick)
        tick = _next_month(tick)
    step = max(1, (len(months) + 11) // 12)  # at most about 12 labels
    ticks = [{"x": x(m), "label": m.strftime("%b %Y") if m.month == 1 or i == 0 else m.strftime("%b"), "labelled": i % step == 0}
             for i, m in enumerate(months)]
    drawn = []
    for index, bar in enumerate(bars):
        y = top + index * row_height
        drawn.append({
            "row": bar.row,
            "y": y,
            "start": bar.start.isoformat(),
            "end": bar.end.isoformat(),
            "segments": [
                {"title": title, "x": x(s), "width": max(round(x(e) - x(s), 1), 1.0), "n": n,
                 "start": s.isoformat(), "end": e.isoformat()}
                for n, (title, s, e) in enumerate(bar.phases, start=1)
            ],
        })
    return {
        "bars": drawn,
        "dated": dated,
        "ticks": ticks,
        "height": top + len(bars) * row_height + 8,
        "left": left,
        "right": left + width,
        "row_height": row_height,
    }


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


# -- reference pages, generated ----------------------------------------------------------------


def _cell(text: str) -> str:
    """Trusted text (from the schema or the rules) in a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _field_type(field: schema.Field) -> str:
    spec = field.spec
    if field.type == "array":
        items = spec.get("items", {})
        if items.get("type") == "object":
            return "list of mappings"
        if "enum" in items:
            return "list, each one of: " + ", ".join(f"`{v}`" for v in items["enum"])
        return "list of text"
    if "enum" in spec:
        return "one of: " + ", ".join(f"`{v}`" for v in spec["enum"])
    return _TYPE_NAMES.get(field.type, field.type)


def field_table() -> str:
    """Template placeholder → field → type → meaning, for every field a plan fills in."""
    lines = ["| Placeholder | Field | Type | Meaning |", "|---|---|---|---|"]
    for field in schema.iter_fields():
        if field.type in ("object", "boolean"):
            continue
        placeholder = f"`[{field.placeholder}]`" if field.placeholder else "—"
        kind = _field_type(field) + (" (optional)" if field.optional else "")
        lines.append(f"| {placeholder} | `{field.dotted}` | {_cell(kind)} | {_cell(field.description)} |")
    return "\n".join(lines)


def checklist_table() -> str:
    """Every task and checklist item: the field that ticks it, and the line it is in the plan."""
    lines = ["| Field | Item in the plan | Applies to |", "|---|---|---|"]
    for field in schema.iter_fields():
        if field.type != "boolean" or field.path[-1] == "done":
            continue
        text = _cell(field.spec.get("title") or field.description)
        for name, placeholders in _TASK_VALUES.items():
            text = text.replace(name, placeholders)
        applies = field.spec.get("x-requires-type")
        lines.append(f"| `{field.dotted}` | {text} | {TYPE_LABELS[applies] + ' plans' if applies else 'every plan'} |")
    return "\n".join(lines)


def rule_table() -> str:
    lines = ["| Code | Name | Severity | What it means |", "|---|---|---|---|"]
    for rule in RULES.values():
        lines.append(f"| `{rule.code}` | `{rule.name}` | {rule.severity} | {_cell(rule.summary)} |")
    return "\n".join(lines)


def cli_usage() -> str:
    """`planbook --help` and each command's, as the parser prints them, 100 columns wide."""
    from planbook.cli import build_parser

    parser = build_parser()
    sections = [("planbook", parser)]
    for action in parser._actions:  # argparse keeps its subcommands here and nowhere public
        if isinstance(action, argparse._SubParsersAction):
            sections += [(f"planbook {name}", sub) for name, sub in action.choices.items()]
    out = []
    for title, command in sections:
        command.formatter_class = functools.partial(argparse.HelpFormatter, width=100)
        out.append(f"## `{title}`\n\n```text\n{command.format_help().rstrip()}\n```")
    return "\n\n".join(out)
