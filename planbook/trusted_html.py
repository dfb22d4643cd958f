"""HTML that planbook writes itself, kept out of Markdown and of the cleaner, and put back after them."""

from __future__ import annotations

import re
import secrets

INTERNAL_CLASS = re.compile(r"pbinternal[0-9a-f]{16}")  # our internal box's class, token and all


class TrustedHtml:
    """HTML the renderer writes itself, held out of Markdown and the cleaner and put back after them.

    The template's badges, progress bars and download links carry our `pb-` classes; cleaning them
    would mean allowing those classes to every plan. Instead each block stands in the Markdown as a
    marker word holding a random token of this render, which no plan text can know, and `restore`
    swaps the markers for the HTML once the page is clean.
    """

    def __init__(self) -> None:
        self.token = secrets.token_hex(8)
        self.blocks: dict[str, str] = {}

    def hold(self, markup: str) -> str:
        marker = f"pbtrusted{self.token}x{len(self.blocks)}x"  # the last `x`: marker 1 is no prefix of marker 10
        self.blocks[marker] = markup
        return marker

    @property
    def internal_class(self) -> str:
        """The class of our own internal box on this page, until `restore` names it `internal`."""
        return f"pbinternal{self.token}"

    def restore(self, cleaned: str) -> str:
        """One pass, so no block's HTML is searched again for a marker."""
        marker = rf"pbtrusted{self.token}x\d+x"
        cleaned = re.sub(
            rf"<p>({marker})</p>|({marker})", lambda found: self.blocks.get(found[1] or found[2], ""), cleaned
        )
        cleaned = cleaned.replace(self.internal_class, "internal")
        return INTERNAL_CLASS.sub("", cleaned)  # a token a plan wrote, which cannot be this render's
