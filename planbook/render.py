"""Render a plan through the implementation-plan template.

The template is Jinja, run in a sandbox with StrictUndefined. Plan values reach it only as data in the
context (`PlanView`): no value and no note is ever compiled as a template. Every `{{ … }}` output is
escaped for inline Markdown by `finalize`, unless a filter has already escaped it for where it lands
(`block`, `cell`, `code`, `mermaid`) and marked it as `Markdown`.

Two flavors share the template: `markdown` is the seed template filled in, for the terminal and for
export; `site` adds what Material for MkDocs can show: badges, progress, the phase timeline
(`planbook.timeline`, an SVG held out of Markdown), admonitions.
Render runs no git: what git knows of the plan comes in its `RenderContext`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, Literal

from jinja2 import StrictUndefined, Template, pass_context
from jinja2.sandbox import SandboxedEnvironment

from planbook import escape, internal, plan_template
from planbook.companions import Companion
from planbook.escape import Markdown
from planbook.loader import Plan
from planbook.model import GitFacts, completeness_of, date_label, version_label
from planbook.model.tracking import PlanTracking
from planbook.schema import is_valid
from planbook.timeline import timeline_figure
from planbook.trusted_html import TrustedHtml
from planbook.view import PlanView

Flavor = Literal["markdown", "site"]


@dataclasses.dataclass
class RenderContext:
    """What the plan file does not hold but a rendered plan shows: git's facts and the site's links."""

    git: GitFacts | None = None  # None: the plan's content is in no commit
    edit_url: str | None = None
    history: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    downloads: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    # Where the site's own HTML waits while the page is cleaned; without one it stands in the Markdown.
    trusted_html: TrustedHtml | None = None
    # Is it on time, on the day of the build or command that made this context; None: planned dates only.
    tracking: PlanTracking | None = None
    # The plan's companion documents (`planbook.companions`), when they were read; None: not looked for.
    companions: list[Companion] | None = None
    # Where each companion document is, by its key: the site's page of it, or its part of an export.
    reference_urls: dict[str, str] = dataclasses.field(default_factory=dict)


def render_plan(
    plan: Plan, *, flavor: Flavor = "markdown", context: RenderContext | None = None, internal: bool | None = None
) -> str:
    """The plan as Markdown. A draft full of placeholders renders too, showing them where they stand.

    `internal` content (see `planbook.internal`) is shown, marked, on the site and left out of plain
    Markdown, unless `internal` says otherwise.
    """
    context = context or RenderContext()
    show_internal = flavor == "site" if internal is None else internal
    data = plan.data
    held = context.trusted_html.hold if context.trusted_html is not None else str
    box = context.trusted_html.internal_class if context.trusted_html is not None else "internal"
    return _template().render(
        held=held,
        box=box,
        flavor=flavor,
        site=flavor == "site",
        plan=PlanView(data, plan.id, context.companions, _reference_links(context, held)),
        notes=_notes(plan.notes, include=show_internal, site=flavor == "site", box=box),
        show_internal=show_internal,
        completeness=completeness_of(data) if is_valid(data) else None,
        version=version_label(data, context.git),
        last_updated=date_label(data, context.git) or "not committed yet",
        context=context,
        timeline=timeline_figure(data, context.tracking, title=_timeline_title(plan)) if flavor == "site" else "",
    )


def _reference_links(context: RenderContext, held: Callable[[str], str]) -> dict[str, Markdown]:
    """Each companion document's reference, linked where it is published: on the site, the site's own HTML
    (held, as the download link is, so the page depends on its Markdown alone); in an export, a link to
    its part of the document."""
    links = {}
    for companion in context.companions or ():
        url = context.reference_urls.get(companion.name)
        if url is None or companion.path is None:
            continue
        label = companion.path.name
        if url.startswith("#"):
            links[companion.name] = Markdown(f"[{escape.inline(label)}]({url})")
        else:
            anchor = f'<a href="{escape.html_text(url)}">{escape.html_text(label)}</a>'
            links[companion.name] = Markdown(held(anchor))
    return links


def _timeline_title(plan: Plan) -> str:
    name = plan.data.get(plan_template.roles().title)
    return f"Phase timeline of {name if isinstance(name, str) and name.strip() else plan.id}"


def _notes(notes: str, *, include: bool, site: bool, box: str) -> Markdown:
    return internal.notes_markdown(notes, include=include, site=site, box=box)  # `internal` is a parameter above


def _template() -> Template:
    """The active template's Markdown, compiled once per template."""
    cache = plan_template.active().cache
    if "render" not in cache:
        cache["render"] = _compile(plan_template.active().markdown)
    compiled: Template = cache["render"]
    return compiled


def _compile(source: str) -> Template:
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
        percent_text=_percent_text,
        trusted=_trusted,
        held=_held,
    )
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
    return internal.mark(value if isinstance(value, Markdown) else escape.block(value), site=site, box=jinja["box"])


def _percent_text(value: Any) -> str:
    """A percentage as plain text, for HTML that Markdown never reads (the held badges)."""
    return f"{value:g}" if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def _percent(value: Any) -> Markdown:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Markdown(f"{value:g}")
    return escape.inline(value)
