"""The imported plan's notes: nothing the document says is dropped."""

from __future__ import annotations

from planbook.importer.lines import Line
from planbook.importer.reading import Reading


def notes_text(reading: Reading, kept_for_notes: list[Line]) -> str:
    """The document's own notes, then every line that filled no field, as written, under the heading
    it stood under."""
    own = "\n".join(line.raw for line in reading.notes).strip("\n")
    kept = sorted(
        {line.number: line for line in [u.line for u in reading.unplaced] + kept_for_notes}.values(),
        key=lambda line: line.number,
    )
    if not kept:
        return own
    headings = {u.line.number: u.heading for u in reading.unplaced}
    blocks: list[str] = []
    previous: int | None = None
    kept_heading = None  # a heading of the document's own, kept: what follows it needs no "Under"
    for line in kept:
        heading = headings.get(line.number, "")
        if line.kind == "heading":
            kept_heading = line.text
        if previous is None or line.number != previous + 1:
            under = heading and line.kind != "heading" and heading != kept_heading
            blocks.append(f"\n*Under “{heading}”:*\n" if under else "")
        blocks.append(line.raw)
        previous = line.number
    imported = "## Imported text that matched no field\n" + "\n".join(blocks).rstrip()
    return f"{own}\n\n{imported}" if own else imported
