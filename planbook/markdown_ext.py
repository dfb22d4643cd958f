"""The Markdown of plan pages and exports: which Python-Markdown extensions read it, and one of ours.

`EXTENSIONS` is the set the export converts with; mkdocs.yml lists the site's, the same ones plus
`toc` (a drift test holds the two together). A small, fixed set: nothing that reinterprets plain text
(no emoji, magiclink, smartsymbols, caret, tilde, mark or arithmatex), so values show as written.

`TaskLabelsExtension` gives every task-list checkbox its item's text as its accessible name.
pymdownx.tasklist writes `<label><input type="checkbox"><span></span></label> Task text`: the label
wraps no text, so a screen reader announces "checkbox, checked" and nothing else, and axe-core fails
the page (rule `label`, critical). A tree processor runs after the inline patterns, reads each task
item's text, and adds it to the stored checkbox markup as `aria-label`.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE

#: Python-Markdown's names of the extensions plan pages and exports are read with (see mkdocs.yml).
EXTENSIONS: tuple[str, ...] = (
    "tables",
    "admonition",
    "attr_list",
    "md_in_html",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.tasklist",
)


_CHECKBOX = '<input type="checkbox"'
_TAG = re.compile(r"<[^>]*>")
# A backslash-escaped character, as Python-Markdown keeps it until its last tree processor.
_ESCAPED_CHARACTER = re.compile("\x02(\\d+)\x03")


class TaskLabels(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for item in root.iter("li"):
            if "task-list-item" not in item.get("class", "").split():
                continue
            box = self._checkbox_block(item)
            if box is None:
                continue
            label = self.label(item)
            raw = self.md.htmlStash.rawHtmlBlocks[box]
            if label and isinstance(raw, str) and _CHECKBOX in raw and "aria-label" not in raw:
                # str.replace, not re.sub: a label is plan text, and re.sub would read `\x` in it as an escape.
                named = f'{_CHECKBOX} aria-label="{html.escape(label, quote=True)}"'
                self.md.htmlStash.rawHtmlBlocks[box] = raw.replace(_CHECKBOX, named, 1)

    def _checkbox_block(self, item: etree.Element) -> int | None:
        # The checkbox is stashed raw HTML at the start of the item's text, or of its first paragraph.
        for element in (item, next(iter(item), None)):
            if element is not None and element.text:
                match = HTML_PLACEHOLDER_RE.match(element.text)
                if match:
                    return int(match.group(1))
        return None

    def label(self, item: etree.Element) -> str:
        """The item's own text, without nested lists and stashed HTML."""
        parts: list[str] = []

        def walk(element: etree.Element) -> None:
            if element.tag in ("ul", "ol"):
                return
            if element.text:
                parts.append(element.text)
            for child in element:
                walk(child)
                if child.tail:
                    parts.append(child.tail)

        walk(item)
        text = HTML_PLACEHOLDER_RE.sub(self._stashed_text, "".join(parts))
        text = _ESCAPED_CHARACTER.sub(lambda m: chr(int(m.group(1))), text)
        return " ".join(text.split())

    def _stashed_text(self, match: re.Match[str]) -> str:
        # Entities (`&lt;` from an escaped value) and inline HTML are stashed too: keep their text.
        raw = self.md.htmlStash.rawHtmlBlocks[int(match.group(1))]
        return html.unescape(_TAG.sub("", raw)) if isinstance(raw, str) else ""


class TaskLabelsExtension(Extension):
    """Registers `TaskLabels` (see the module's docstring)."""

    def extendMarkdown(self, md: Markdown) -> None:
        # After tasklist (25) and the inline patterns (20), before the items are serialized.
        md.treeprocessors.register(TaskLabels(md), "planbook-task-labels", 5)
