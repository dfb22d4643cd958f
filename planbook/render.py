"""Render a plan through the implementation-plan template.

The template is Jinja, run in a sandbox with StrictUndefined. Plan values reach it only as data in the
context: no value and no note is ever compiled as a template. Every `{{ … }}` output is escaped for
inline Markdown by `finalize`, unless a filter has already escaped it for where it lands (`block`,
`cell`, `code`, `mermaid`) and marked it as `Markdown`.

Two flavors share the template: `markdown` is the seed template filled in, for the terminal and for
export; `site` adds what Material for MkDocs can show: badges, progress, a Gantt chart, admonitions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import re
from pathlib import Path
from typing import Any, Literal

from jinja2 import pass_context

from planbook.paths import resolved
from planbook import escape, schema
from planbook.dates import parse_plan_date
from planbook.escape import Markdown
from planbook.html_policy import TrustedHtml
from planbook.loader import Plan

Flavor = Literal["markdown", "site"]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(d|days?|w|wks?|weeks?)\s*$", re.I)
TYPE_LABELS = {"accounting": "Accounting", "marketing": "Marketing", "fulfillment": "Fulfillment"}
STATUS_LABELS = {status: status.replace("-", " ").capitalize() for status in schema.STATUSES}


@dataclasses.dataclass
class RenderContext:
    """What the plan file does not hold but a rendered plan shows: git facts and site links."""

    version: str | None = None
    last_updated: str | None = None
    modified: bool = False  # the plan holds changes made since that version: say so wherever it is shown
    edit_url: str | None = None
    history: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    downloads: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    # Where the site's own HTML waits while the page is cleaned; without one it stands in the Markdown.
    trusted_html: TrustedHtml | None = None


@dataclasses.dataclass(frozen=True)
class ScheduledPhase:
    key: str
    title: str
    start_day: int  # days after the plan's start
    days: int
    start: dt.date | None  # when the plan has a start date

    @property
    def end(self) -> dt.date | None:
        return None if self.start is None else self.start + dt.timedelta(days=self.days)


def git_context(path: Path | str) -> RenderContext:
    """Version and date from the last commit that changed the plan, for a render outside the site."""
    from planbook.history import last_changes

    facts = last_changes([Path(path)]).get(resolved(path))
    if facts is None:
        return RenderContext()
    return RenderContext(version=facts.commit, last_updated=facts.date, modified=facts.modified)


UNCOMMITTED = "with uncommitted changes"
NOT_COMMITTED = "not committed"


def version_label(data: dict[str, Any], context: RenderContext) -> str:
    """Which version a rendered plan shows, plainly: `a1b2c3d`, `1.2 (commit a1b2c3d)`, either `with
    uncommitted changes`, or `not committed` (`1.2, not committed`) for content in no commit. A plan's
    own `version:` is the author's name for it; the commit is what finds it again, so both are said."""
    given = data.get("version")
    given = given if isinstance(given, str) and given.strip() else None
    if context.version is None:
        return f"{given}, {NOT_COMMITTED}" if given else NOT_COMMITTED
    label = f"{given} (commit {context.version})" if given else context.version
    return f"{label} {UNCOMMITTED}" if context.modified else label


def is_committed_version(context: RenderContext) -> bool:
    """Whether the values shown are those of a commit: what a signature can refer to."""
    return context.version is not None and not context.modified


def date_label(data: dict[str, Any], context: RenderContext) -> str | None:
    """The day the shown values are from: the plan's `last_updated`, else today for uncommitted
    changes, else the last commit's date; None for a plan never committed that gives no date."""
    given = data.get("last_updated")
    if isinstance(given, str) and given.strip():
        return given
    if context.modified:
        return dt.date.today().isoformat()
    return context.last_updated


def duration_days(text: object) -> int | None:
    """`2 weeks` → 14, `10 days` → 10; None for anything the schema would refuse (a placeholder, TBD,
    `99999 weeks`), so that a draft's schedule stays within the dates `planbook.dates` allows."""
    match = _DURATION.match(text) if isinstance(text, str) and _duration_pattern().search(text) else None
    if match is None:
        return None
    amount = float(match.group(1)) * (7 if match.group(2).lower().startswith("w") else 1)
    return max(1, math.ceil(amount))


def phase_schedule(data: dict[str, Any]) -> list[ScheduledPhase]:
    """The five phases laid end to end from their durations; phases without one are left out."""
    start = _parse_date(data.get("start_date"))
    phases = data.get("phases") if isinstance(data.get("phases"), dict) else {}
    scheduled, offset = [], 0
    for key in schema.PHASES:
        phase = phases.get(key) if isinstance(phases.get(key), dict) else {}
        days = duration_days(phase.get("duration"))
        if days is None:
            continue
        begins = None if start is None else start + dt.timedelta(days=offset)
        scheduled.append(ScheduledPhase(key, schema.phase_title(key), offset, days, begins))
        offset += days
    return scheduled


def _parse_date(value: object) -> dt.date | None:
    return parse_plan_date(value)


@functools.cache
def _duration_pattern() -> re.Pattern[str]:
    """The schema's grammar of a phase duration: the one definition of a duration."""
    return re.compile(schema.field_by_path()[("phases", "discovery", "duration")].spec["pattern"])


def task_label(data: dict[str, Any], container: tuple[str, ...], key: str, *, escaped: bool = True) -> str:
    """A task's text from the template, with the plan's values filled in (escaped unless told not)."""
    title = schema.task_specs(container)[key]["title"]
    wrap = escape.inline if escaped else (lambda v: " ".join(str(v).split()))
    testing = _get(data, "phases", "testing")
    edge_cases = testing.get("edge_cases")
    # A draft may hold anything here (`edge_cases: -1`): show what is a list of values, else the placeholder.
    edge_cases = edge_cases if isinstance(edge_cases, list) and edge_cases else ["[EDGE_CASE_1]"]
    values = {
        "system_a": data.get("system_a", "[SYSTEM_A]"),
        "system_b": data.get("system_b", "[SYSTEM_B]"),
        "edge_cases": ", ".join(map(str, edge_cases)),
        "performance_scenario": testing.get("performance_scenario", "[PERFORMANCE_SCENARIO]"),
        "stabilization_days": _get(data, "phases", "support").get("stabilization_days", "[STABILIZATION_PERIOD]"),
    }
    return re.sub(r"\{(\w+)\}", lambda m: wrap(values[m.group(1)]), title)


def _get(data: Any, *path: str) -> dict[str, Any]:
    for part in path:
        data = data.get(part) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def render_plan(plan: Plan, *, flavor: Flavor = "markdown", context: RenderContext | None = None,
                internal: bool | None = None) -> str:
    """The plan as Markdown. A draft full of placeholders renders too, showing them where they stand.

    `internal` content (see `planbook.internal`) is shown, marked, on the site and left out of plain
    Markdown, unless `internal` says otherwise.
    """
    from planbook import check, internal as internal_content

    context = context or RenderContext()
    show_internal = flavor == "site" if internal is None else internal
    data = plan.data
    view = _View(data, plan.id)
    completeness = check.completeness_of(data) if schema.is_valid(data) else None
    template = _template()
    held = context.trusted_html.hold if context.trusted_html is not None else str
    box = context.trusted_html.internal_class if context.trusted_html is not None else "internal"
    return template.render(
        held=held,
        box=box,
        flavor=flavor,
        site=flavor == "site",
        plan=view,
        notes=internal_content.notes_markdown(escape.clean(plan.notes), include=show_internal, site=flavor == "site", box=box),
        show_internal=show_internal,
        completeness=completeness,
        version=version_label(data, context),
        last_updated=date_label(data, context) or "not committed yet",
        context=context,
        schedule=phase_schedule(data),
    )


class _View:
    """The plan as the template sees it: values with the template's own placeholder where missing."""

    def __init__(self, data: dict[str, Any], plan_id: str) -> None:
        self._data = data
        self.id = plan_id

    def __getattr__(self, name: str) -> Any:
        return self.value(name)

    def value(self, *path: str | int) -> Any:
        node: Any = self._data
        for part in path:
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                node = node[part]
            else:
                field = schema.field_for(tuple(path))
                name = field.placeholder if field and field.placeholder else ".".join(map(str, path)).upper()
                return f"[{name}]"
        return "" if node is None else node

    def items(self, *path: str) -> list[Any]:
        value = self.value(*path)
        if isinstance(value, list):
            return value
        return [] if value in ("", None) else [value]

    @property
    def types(self) -> list[str]:
        value = self._data.get("types")
        return [t for t in schema.INTEGRATION_TYPES if isinstance(value, list) and t in value]

    @property
    def integration_type(self) -> str:
        types = self.types
        return " + ".join(TYPE_LABELS[t] for t in types) if types else "[INTEGRATION_TYPE]"

    @property
    def status_label(self) -> str:
        status = self._data.get("status")
        if status is None:
            return "[STATUS]"
        return STATUS_LABELS.get(status, str(status)) if isinstance(status, str) else str(status)

    @property
    def has_internal(self) -> bool:
        facts = self._data.get("internal")
        return isinstance(facts, dict) and any(str(value).strip() for value in facts.values() if value is not None)

    @property
    def has_migration(self) -> bool:
        return isinstance(self._data.get("migration"), dict)

    def tasks(self, *container: str, group: str | None = None) -> list[dict[str, Any]]:
        """The tasks of a checklist in template order; `group` picks one integration type's block."""
        states = _get(self._data, *container)
        rows = []
        for key, spec in schema.task_specs(container).items():
            if spec.get("x-requires-type") != group:
                continue
            rows.append({"key": key, "done": states.get(key) is True, "label": Markdown(task_label(self._data, container, key))})
        return rows

    def progress(self, *container: str) -> tuple[int, int]:
        from planbook.check import progress_of

        return progress_of(self._data, container)

    def reference(self, name: str, suffix: str) -> Markdown:
        given = _get(self._data, "references").get(name)
        if isinstance(given, str) and given.strip():
            # Only a full http(s) address is a link: a relative one has no page on the site to go to.
            return escape.link(given, given) if escape.is_web_address(given) else escape.code(given)
        return escape.code(f"{self.id}-{suffix}")


@functools.cache
def _template():
    from importlib import resources

    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        undefined=StrictUndefined,
        finalize=_finalize,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        block=escape.block,
        cell=escape.cell,
        code=escape.code,
        mermaid=escape.mermaid_label,
        html=escape.html_text,
        internal=_internal,
        percent=_percent,
        trusted=_trusted,
        held=_held,
    )
    source = resources.files("planbook").joinpath("templates/plan.md.j2").read_text(encoding="utf-8")
    return env.from_string(source)


def _finalize(value: Any) -> Any:
    if isinstance(value, Markdown):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return escape.inline(value)


@pass_context
def _held(jinja: Any, value: Any) -> Markdown:
    """The template's own HTML, held aside (`TrustedHtml`) when the render was given a place for it."""
    return Markdown(jinja["held"](str(value)))


def _trusted(value: Any) -> Markdown:
    """A macro's output: the template's own Markdown, values inside already escaped. The newline its
    last loop line leaves is trimmed, so the template's own line breaks decide the spacing."""
    return Markdown(str(value).rstrip("\n"))


@pass_context
def _internal(jinja: Any, value: Any, site: bool) -> Markdown:
    """The template's own Markdown (values escaped already), marked as internal for where it lands."""
    from planbook.internal import mark

    return mark(value if isinstance(value, Markdown) else escape.block(value), site=site, box=jinja["box"])


def _percent(value: Any) -> Markdown:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Markdown(f"{value:g}")
    return escape.inline(value)
