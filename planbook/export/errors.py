"""The one error an export raises: something it needs is missing (Chromium for a PDF, say)."""

from __future__ import annotations


class ExportError(ValueError):
    """An export that cannot be made here; the message says what to install or set."""
