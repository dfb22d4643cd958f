"""What every export holds, whatever its format: a cover, the plan through the one template, the phase
timeline and a sign-off block.

The plan's body is `render_plan(flavor="markdown")`: the seed template filled in, so an export can
never drift from the template's sections or order. With its companion documents asked for (`export
--with-references`), each follows the plan, and the plan's reference lines link to it. The timeline goes in right under the template's
`## 2. IMPLEMENTATION PHASES` heading; no value can produce that line, since escaping guards every
value's line start, and the author's notes come after it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from planbook import plan_template, schema
from planbook.companion_render import companion_markdown
from planbook.loader import Plan
from planbook.model import date_label, integration_label, is_committed_version, status_label, version_label
from planbook.model.tasks import plan_types
from planbook.render import RenderContext, render_plan

PHASES_HEADING = "## 2. IMPLEMENTATION PHASES\n"


@dataclasses.dataclass(frozen=True)
class Cover:
    """The facts on the first page. Values are raw; each format escapes them for where they land."""

    plan_id: str
    name: str
    client: str
    systems: str
    status: str
    lead: str
    version: str
    date: str
    uncommitted: bool = False  # the values shown are not those of any commit
    draft: bool = False  # exported with --draft: the plan may fail check

    @property
    def signoff_notice(self) -> str | None:
        """Why this document is not for signature, or None when it is."""
        if self.draft:
            return (
                "This is a draft, exported before the plan passes `planbook check`: it may hold placeholders and "
                "unfinished sections. Fix its findings and export it again without --draft before signing."
            )
        if self.uncommitted:
            return (
                "This document shows content that is not committed: it is not a version of the plan anyone can "
                "find again. Commit it and export again before signing."
            )
        return None


@dataclasses.dataclass(frozen=True)
class Document:
    cover: Cover
    body: str  # the plan as Markdown, through the template
    internal: bool  # internal-only content is in it

    def body_with(self, timeline: str) -> str:
        """The body with `timeline` (Markdown, or a marker line) right under the phases heading."""
        if not timeline:
            return self.body
        head, found, tail = self.body.partition(PHASES_HEADING)
        if not found:  # pragma: no cover - the template always has the heading
            return self.body
        return f"{head}{PHASES_HEADING}\n{timeline}\n\n{tail.lstrip(chr(10))}"


def build_document(
    plan: Plan, *, context: RenderContext | None = None, internal: bool = False, draft: bool = False
) -> Document:
    context = context or RenderContext()
    body = render_plan(plan, flavor="markdown", context=context, internal=internal)
    for companion in context.companions or ():
        anchor = context.reference_urls.get(companion.name, "")
        if companion.document is not None and anchor.startswith("#"):  # asked for: `export --with-references`
            part = companion_markdown(plan, companion, site=False, internal_shown=internal, level=2)
            title, _, rest = part.partition("\n")
            # The heading's id by attr_list, which the export converts with; the cleaner keeps heading ids.
            body = f"{body.rstrip()}\n\n---\n\n{title} {{ {anchor} }}\n{rest}"
    return Document(cover=cover_of(plan, context, draft=draft), body=body, internal=internal)


def cover_of(plan: Plan, context: RenderContext, *, draft: bool = False) -> Cover:
    data = plan.data

    def text(key: str) -> str:
        """The value, or the template's placeholder where the plan has none."""
        value = data.get(key)
        field = schema.field_by_path().get((key,))
        return str(value) if value not in (None, "") else f"[{field.placeholder if field else key.upper()}]"

    roles = plan_template.roles()
    systems = f"{text(roles.system_a)} ↔ {text(roles.system_b)}"
    if plan_types(data):
        systems += f" ({integration_label(data)})"
    return Cover(
        plan_id=plan.id,
        name=text(roles.title),
        client=text(roles.client),
        systems=systems,
        status=status_label(data.get(roles.status)),
        lead=text(roles.lead),
        version=version_label(data, context.git),
        date=date_label(data, context.git) or dt.date.today().isoformat(),
        uncommitted=not is_committed_version(context.git),
        draft=draft,
    )
