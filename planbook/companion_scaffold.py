"""A plan's companion documents, scaffolded from the template's (`template/<key>.md`, else planbook's
default): the plan's own values take the place of their placeholders in the document's Markdown, escaped
for it. The front matter keeps its placeholders, save the project's ID, for the author to fill in."""

from __future__ import annotations

import re
from pathlib import Path

from planbook import escape, plan_template, schema
from planbook.companions import slug_of
from planbook.files import read_bounded
from planbook.loader import Plan
from planbook.placeholders import is_placeholder

_TOKEN = re.compile(r"\[([A-Z][A-Z0-9_]*)\]")


def template_path(name: str) -> Path:
    """The template of the companion document `name`: the project's own, else planbook's default."""
    file = f"{slug_of(name)}.md"
    folder = plan_template.active().folder
    if folder is not None and (folder / file).is_file():
        return folder / file
    return plan_template.default_folder() / file


def scaffold_companion(plan: Plan, name: str) -> str:
    """The document `name` of `plan`, from its template, with the plan's values in its Markdown."""
    text = read_bounded(template_path(name), plan_template.MAX_FILE_BYTES).decode("utf-8")
    values = _plan_values(plan)
    front, body = _split(text)
    front = front.replace(f"[{_id_placeholder()}]", plan.id)  # an ID is letters, digits, `.`, `_`, `-`
    return front + _TOKEN.sub(lambda match: values.get(match.group(1), match.group(0)), body)


def _id_placeholder() -> str:
    field = schema.field_for((plan_template.roles().id,))
    return field.placeholder if field is not None and field.placeholder else ""


def _plan_values(plan: Plan) -> dict[str, str]:
    """Each placeholder of a plain value the plan has filled in, with the value as Markdown shows it."""
    values = {}
    for placeholder, field in schema.placeholder_fields().items():
        value = plan.data.get(field.path[0]) if len(field.path) == 1 else None
        if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
            if not is_placeholder(value):
                values[placeholder] = str(escape.inline(value))
    return values


def _split(text: str) -> tuple[str, str]:
    """The template's front matter block (with its fences) and the Markdown below it."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 3)
        if end >= 0:
            return text[: end + 5], text[end + 5 :]
    return "", text
