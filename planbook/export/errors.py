"""The one error an export raises: something it needs is missing (Chromium for a PDF, say), or the
plan cannot be made into a document."""

from __future__ import annotations


class ExportError(ValueError):
    """An export that cannot be made here; the message says what to install or set."""
