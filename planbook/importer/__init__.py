"""`planbook import`: a plan written by hand from the template becomes a plan file.

The document is read line by line against the repository's own template (`pattern`: the template
rendered with a probe plan, so that a changed template is read as it now is), each line placed in the
field it fills (`reading`), and the values typed and completed with the template's placeholders
(`assemble`). What fills no field goes to the notes and into the report, as `FILE:line: message`.
"""

from __future__ import annotations

import dataclasses
import re

from planbook import plan_template, schema
from planbook.importer.assemble import Imported, Problem, assemble
from planbook.importer.lines import Line, read_lines
from planbook.importer.pattern import Pattern, template_pattern
from planbook.importer.reading import read_document
from planbook.importer.write import WriteError, plan_text
from planbook.loader import Plan
from planbook.render import render_plan

__all__ = ["DocumentError", "Imported", "Problem", "WriteError", "import_document", "plan_text"]

MAX_DOCUMENT_BYTES = 1024 * 1024  # as a plan file: a plan written by hand is tens of kilobytes
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n")


@dataclasses.dataclass
class DocumentError(ValueError):
    """A document that cannot be imported at all: where, and why."""

    line: int
    message: str


def import_document(text: str, *, plan_id: str | None = None) -> tuple[str, Imported]:
    """The plan's ID and its values read from `text`, a plan written in Markdown from the template."""
    if _FRONT_MATTER.match(text):
        raise DocumentError(1, "starts with YAML front matter: it is a plan file already; `planbook check` reads it")
    if "\x00" in text:
        raise DocumentError(1, "holds NUL characters: it is not a text document")
    pattern = template_pattern()
    lines = read_lines(text.removeprefix("\ufeff"))
    imported = assemble(read_document(lines, pattern), pattern, plan_id)
    derived = _derived(imported, lines, pattern)
    if derived:
        imported = assemble(read_document([ln for ln in lines if ln.number not in derived], pattern), pattern, plan_id)
    found = imported.data.get(plan_template.roles().id)
    if not isinstance(found, str) or not found.strip() or found.startswith("["):
        raise DocumentError(1, "names no project ID (a `**Project ID**:` line): give one with --id")
    if not schema.is_plan_id(found):
        raise DocumentError(
            _id_line(imported), f"“{found}” is not a project ID (letters, digits, '.', '_' and '-'): give one with --id"
        )
    return found, imported


def _derived(imported: Imported, lines: list[Line], pattern: Pattern) -> set[int]:
    """The lines placed nowhere that the template writes from the values read, though from no field of
    its own (the backfill at the API limit, worked out from the records and the rate limits): the plan's
    lines, not notes. They are the lines its own rendering leaves unplaced, read back."""
    unplaced = {problem.line for problem in imported.problems}
    if not unplaced:
        return set()
    plan = Plan("imported.md", imported.data, "", "", 1, "")
    rendered = read_lines(render_plan(plan, flavor="markdown", internal=True))
    again = {problem.line for problem in assemble(read_document(rendered, pattern), pattern, None).problems}
    written = {line.key for line in rendered if line.number in again and line.key}
    return {line.number for line in lines if line.number in unplaced and line.key and line.key in written}


def _id_line(imported: Imported) -> int:
    return imported.id_line or 1
