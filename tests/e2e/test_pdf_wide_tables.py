"""A plan's notes may hold a wide table (a field mapping of many columns). On paper it cannot scroll,
so the PDF a client signs must hold every column (found by the review of issue 16's UI half)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from planbook.export.to_pdf import PdfPrinter, export_pdf
from planbook.loader import load_plan

from conftest import PROJECTS
from e2e_browser import browser  # noqa: F401 - fixture
from sitebuild import require_browser

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("columns", [3, 18])
def test_every_column_of_a_table_in_the_notes_is_in_the_pdf(browser, tmp_path: Path, columns: int) -> None:  # noqa: F811
    require_browser()
    # Short, distinct words: pdftotext reads each whole, and each is found only if its column is on the page.
    table = "| " + " | ".join(f"H{c}x" for c in range(columns)) + " |\n|" + "---|" * columns + "\n"
    table += "\n".join("| " + " | ".join(f"{r}k{c}" for c in range(columns)) + " |" for r in range(3))
    table += "\n| " + " | ".join("a_long_field_name_that_must_break_somewhere" for _ in range(columns)) + " |"
    plan = (PROJECTS / "NORTHWIND-001.md").read_text(encoding="utf-8")
    source = tmp_path / "NORTHWIND-001.md"
    source.write_text(plan + "\n\n## Mapping\n\n" + table + "\n", encoding="utf-8")
    pdf = tmp_path / "NORTHWIND-001.pdf"
    with PdfPrinter(browser) as printer:  # this module's Chromium: one sync Playwright at a time
        pdf.write_bytes(export_pdf(load_plan(source), printer=printer))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    words = set(text.split())
    assert [f"H{c}x" for c in range(columns) if f"H{c}x" not in words] == []
    assert [f"2k{c}" for c in range(columns) if f"2k{c}" not in words] == []
