"""`planbook import` on plans written by hand (`tests/import_fixtures/`, whose README says how each strays
from the template): each value in its field, nothing lost, every unplaced line reported.

The expectations were written beside each document, line by line, before the importer read it."""

from __future__ import annotations

import io
import re
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest
import yaml

from planbook.cli import main
from planbook.importer import import_document, plan_text
from planbook.loader import Plan, load_plan
from planbook.schema import dotted

FIXTURES = Path(__file__).parent / "import_fixtures"
DOCUMENTS = sorted(path for path in FIXTURES.glob("*.md") if path.name != "README.md")
SPAN = re.compile(r"\(lines (\d+)–(\d+)\)")


def expected(document: Path) -> dict[str, Any]:
    found: dict[str, Any] = yaml.safe_load(document.with_suffix(".expected.yml").read_text(encoding="utf-8"))
    return found


def value_at(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def reported_lines(messages: list[tuple[int, str]]) -> set[int]:
    lines: set[int] = set()
    for line, message in messages:
        span = SPAN.search(message)
        lines |= set(range(int(span[1]), int(span[2]) + 1)) if span else {line}
    return lines


def test_the_fixtures_are_there_and_varied() -> None:
    assert len(DOCUMENTS) >= 6
    kinds = {tuple(expected(document)["fields"]["types"]) for document in DOCUMENTS}
    assert len(kinds) >= 4  # accounting, marketing, fulfillment, and two at once


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.stem)
def test_each_value_lands_in_its_field(document: Path) -> None:
    want = expected(document)
    plan_id, imported = import_document(document.read_text(encoding="utf-8"))
    assert plan_id == want["id"]
    wrong = {
        path: (value, value_at(imported.data, path))
        for path, value in want["fields"].items()
        if value_at(imported.data, path) != value
    }
    assert wrong == {}
    assert {dotted(path) for path in imported.unfilled} >= set(want.get("unfilled", []))


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.stem)
def test_nothing_is_lost_and_every_unplaced_line_is_reported(document: Path) -> None:
    want = expected(document)
    lines = document.read_text(encoding="utf-8").splitlines()
    plan_id, imported = import_document("\n".join(lines) + "\n")
    assert reported_lines([(problem.line, problem.message) for problem in imported.problems]) == set(
        want["unplaced_lines"]
    )
    for snippet in want.get("notes_must_contain", []):
        assert snippet in imported.notes
    for number in want["unplaced_lines"]:
        assert lines[number - 1].strip() in imported.notes, number
    written = load_plan(
        f"{plan_id}.md", text=plan_text(imported.data, imported.notes, plan_id=plan_id, source=document.name, path="")
    )
    assert isinstance(written, Plan) and written.data == imported.data


def test_the_guides_example_is_what_import_prints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/import.md shows two fixtures imported as a folder: the output is that, line for line."""
    guide = (Path(__file__).parent.parent / "docs" / "import.md").read_text(encoding="utf-8")
    shown = guide.split("```text\n", 1)[1].split("```", 1)[0]
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    (tmp_path / "old-plans").mkdir()
    for name in ("lakeshore-salesforce-netsuite.md", "tidewater-woocommerce-shipstation.md"):
        (tmp_path / "old-plans" / name).write_text((FIXTURES / name).read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["import", "old-plans"]) == 0
    assert out.getvalue() == shown
