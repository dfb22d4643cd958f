"""The portfolio on the site's home page: the table of every plan (sortable and filterable by
docs/assets/javascripts/portfolio.js), the chart of statuses and the timeline, as HTML.

Every plan value reaches the HTML through the templates in planbook/templates/site/, rendered by a
sandboxed Jinja environment that escapes every value (autoescape); mkdocs-macros' own Jinja escapes
nothing and never sees them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from planbook import schema
from planbook.model import ScheduledPhase, phase_schedule, status_labels, type_labels
from planbook.paths import PROJECTS_DIR
from planbook.portfolio import Portfolio, PortfolioRow
from planbook.site.portfolio_timeline import timeline_view
from planbook.site.portfolio_tracking import RAG_WORDS, tracking_cells

TIMELINE_LIMIT = 60  # rows in the timeline chart; the table lists every plan

# -- what a rebuild keeps ----------------------------------------------------------------------
# `mkdocs serve` rebuilds the home page on every edit, and the engine's modules outlive a rebuild
# (MkDocs loads the hooks and mkdocs-macros its module afresh, not these). A plan's table row and its
# phase schedule are kept here under its file's stamp, so a rebuild renders only the changed plans'.

#: (path, file stamp, last commit date, page address, tracking shown, template stamp) → the row's HTML.
ROW_HTML_CACHE: dict[tuple[Any, ...], Markup] = {}
#: (path, file stamp) → the plan's phase schedule.
SCHEDULE_CACHE: dict[tuple[Any, ...], list[ScheduledPhase]] = {}


def _templates_dir() -> Path:
    return Path(str(resources.files("planbook").joinpath("templates/site")))


@functools.cache
def _templates() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=FileSystemLoader(_templates_dir()),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["breakable"] = breakable
    return env


#: After these a long word of a plan may break in a portfolio column: an e-mail address as the lead
#: (priya.raman@northwind.example), a domain as the client, a dotted system name, a draft's
#: [LEAD_ENGINEER]. None of them is in an entity `escape` writes (&amp; &lt; &gt; &#34; &#39;).
_BREAK_AFTER = re.compile(r"[_.@-]")
#: Bidi embeddings, overrides and isolates: LRE, RLE, PDF, LRO, RLO and LRI, RLI, FSI, PDI.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
#: An ID this long or shorter (CLIENT-NNN and the like) never breaks in the portfolio; a longer one
#: breaks after its `-`, `.` or `_` (the schema allows 64 characters, more than a column or a phone).
WHOLE_ID_LENGTH = 16


def breakable(value: object) -> Markup:
    """`value` escaped, then with a line-break opportunity (`<wbr>`) after each `_`, `.`, `@` and `-`:
    one word wider than its column widened the whole table past a 1,280 px window."""
    return Markup(_BREAK_AFTER.sub(lambda found: found.group() + "<wbr>", str(escape(str(value)))))


def isolated(value: object) -> Markup:
    """Plan text escaped as a directional island: between FSI and PDI, with its own embeddings,
    overrides and isolates dropped. Where it runs on into text of ours on one line, as in a filter's
    option ("<client> (<count>)"), an override it left open turned the count around; a stray PDI of its
    own would end the island early; and right-to-left text, a client named in Arabic, would reorder
    the count."""
    return Markup("\u2068") + escape(_BIDI_CONTROLS.sub("", str(value))) + Markup("\u2069")


def render(name: str, **context: Any) -> str:
    """A template as one raw HTML block: no blank line or indentation that Markdown could read as
    the end of the block or as code."""
    html = _templates().get_template(name).render(**context)
    return "\n".join(line.strip() for line in html.splitlines() if line.strip())


def portfolio_table_html(folio: Portfolio, url_for: Callable[[str], str]) -> str:
    """Every plan: sortable, filterable by status, type and client; with none, how to add the first."""
    view = table_view(folio.rows, url_for)
    return render("portfolio_table.html", row_html=row_html(folio, view["rows"]), projects_dir=PROJECTS_DIR, **view)


def portfolio_charts_html(folio: Portfolio, limit: int = TIMELINE_LIMIT) -> str:
    """How many plans stand at each status, and the plans that have a start date on a timeline."""
    timeline = timeline_view(folio.rows, limit, schedule_of=schedules(folio), today=folio.today)
    return render("charts.html", status=status_view(folio.rows), timeline=timeline)


def row_html(folio: Portfolio, items: list[dict[str, Any]]) -> list[Markup]:
    """Each table row's HTML (portfolio_row.html, autoescaped), reused while the plan, its last
    commit, its address, what it shows of its tracking (which the day and the baseline change) and the
    template stay the same."""
    template = template_stamp("portfolio_row.html")
    stamps = folio.stamp if len(folio.stamp) == len(items) else [None] * len(items)
    fresh, out = {}, []
    for stamp, item in zip(stamps, items):
        row = item["row"]
        key = (row.path, stamp, row.last_updated, item["url"], item["tracking"], template)
        html = ROW_HTML_CACHE.get(key) if stamp is not None else None
        if html is None:
            html = Markup(render("portfolio_row.html", item=item))
        fresh[key] = html
        out.append(html)
    ROW_HTML_CACHE.clear()  # only the rows of this build: a deleted or edited plan's old row goes
    ROW_HTML_CACHE.update(fresh)
    return out


def schedules(folio: Portfolio) -> Callable[[PortfolioRow], list[ScheduledPhase]]:
    """`phase_schedule` of each plan, reused while its file stays the same."""
    stamp_of = (
        dict(zip((str(path) for path in folio.files), folio.stamp)) if len(folio.stamp) == len(folio.files) else {}
    )

    def schedule_of(row: PortfolioRow) -> list[ScheduledPhase]:
        plan = row.result.plan
        if plan is None:
            return []
        key = (row.path, stamp_of.get(row.path))
        if key[1] is None:
            return phase_schedule(plan.data)
        if key not in SCHEDULE_CACHE:
            SCHEDULE_CACHE[key] = phase_schedule(plan.data)
        return SCHEDULE_CACHE[key]

    return schedule_of


def template_stamp(name: str) -> tuple[int, int]:
    stat = _templates_dir().joinpath(name).stat()
    return (stat.st_mtime_ns, stat.st_size)


def status_order(status: str) -> int:
    return schema.STATUSES.index(status) if status in schema.STATUSES else len(schema.STATUSES)


def table_view(rows: list[PortfolioRow], url_for: Callable[[str], str]) -> dict[str, Any]:
    def choices(values: list[str], label: Callable[[str], str]) -> list[dict[str, Any]]:
        counts: dict[str, int] = {}
        for value in values:
            counts[value] = counts.get(value, 0) + 1
        return [{"value": v, "label": label(v), "count": counts[v]} for v in counts]

    # An option's label is our word for a value, or the plan's own text, isolated.
    statuses = sorted(
        choices([r.status for r in rows], lambda s: status_labels().get(s) or isolated(s)),
        key=lambda c: status_order(c["value"]),
    )
    types = choices([t for r in rows for t in r.types], lambda t: type_labels().get(t) or isolated(t))
    types.sort(key=lambda c: schema.INTEGRATION_TYPES.index(c["value"]))
    clients = sorted(choices([r.client for r in rows], isolated), key=lambda c: str(c["value"]).casefold())
    return {
        "rows": [
            {
                "row": row,
                "url": url_for(Path(row.path).stem),  # the page is named after the file, whatever a draft's `id` says
                "whole_id": len(row.id) <= WHOLE_ID_LENGTH,
                "status_label": status_labels().get(row.status, row.status),
                "status_class": row.status if row.status in schema.STATUSES else "invalid",
                "status_order": status_order(row.status),
                "type_labels": [type_labels().get(t, t) for t in row.types],
                "tracking": tracking_cells(row.tracking),
            }
            for row in rows
        ],
        "statuses": statuses,
        "types": types,
        "clients": clients,
        "rags": _rag_choices(rows),
    }


def _rag_choices(rows: list[PortfolioRow]) -> list[dict[str, Any]]:
    """The RAG filter's choices, red first, with how many plans each holds."""
    counts: dict[str, int] = {}
    for row in rows:
        cells = tracking_cells(row.tracking)
        counts[cells.rag] = counts.get(cells.rag, 0) + 1
    order = [*RAG_WORDS, "none"]
    return [
        {"value": rag, "label": RAG_WORDS.get(rag, ("Not tracked", 0))[0], "count": counts[rag]}
        for rag in order
        if rag in counts
    ]


def status_view(rows: list[PortfolioRow]) -> dict[str, Any]:
    counts = {status: 0 for status in schema.STATUSES}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    bars = [{"status": s, "label": status_labels().get(s, s), "count": n} for s, n in counts.items() if n]
    return {"bars": bars, "total": len(rows), "most": max((n for n in counts.values() if n), default=1)}
