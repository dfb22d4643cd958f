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
from planbook.importer.lines import read_lines
from planbook.importer.pattern import template_pattern
from planbook.importer.reading import read_document
from planbook.importer.write import WriteError, plan_text

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
    imported = assemble(read_document(read_lines(text.removeprefix("\ufeff")), pattern), pattern, plan_id)
    found = imported.data.get(plan_template.roles().id)
    if not isinstance(found, str) or not found.strip() or found.startswith("["):
        raise DocumentError(1, "names no project ID (a `**Project ID**:` line): give one with --id")
    if not schema.is_plan_id(found):
        raise DocumentError(
            _id_line(imported), f"“{found}” is not a project ID (letters, digits, '.', '_' and '-'): give one with --id"
        )
    return found, imported


def _id_line(imported: Imported) -> int:
    return imported.id_line or 1
