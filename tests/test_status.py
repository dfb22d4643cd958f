"""`planbook status`: the portfolio on one day, as a table, JSON or CSV, filtered by status, late and lead."""

from __future__ import annotations

import csv
import io
import json
import shutil
import unicodedata

import pytest

from planbook import cli
from planbook.cli.commands.status import FIELDS

from conftest import SAMPLES

ISSUE_FIELDS = {"id", "status", "rag", "late", "progress", "planned_end", "forecast_end"}


@pytest.fixture
def samples(tmp_path, monkeypatch):
    """The landed samples in a folder of their own, on 2026-12-01."""
    folder = tmp_path / "projects"
    folder.mkdir()
    for path in SAMPLES:
        shutil.copy(path, folder / path.name)
        shutil.copytree(path.with_suffix(""), folder / path.stem)  # its SOW and technical specs
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PLANBOOK_TODAY", "2026-12-01")
    return folder


def status_json(capsys, *args: str) -> list[dict]:
    assert cli.main(["status", "--format", "json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_gives_every_plan_the_fields_the_issue_names(samples, capsys):
    plans = {plan["id"]: plan for plan in status_json(capsys)}
    assert set(plans) == {path.stem for path in SAMPLES}
    for plan in plans.values():
        assert ISSUE_FIELDS <= set(plan)
        assert plan["rag"] in {"green", "amber", "red", "none"}
        assert 0 <= plan["progress"] <= 100
    for late in ("NORTHWIND-001", "CASCADE-007"):
        assert plans[late]["late"] is True and plans[late]["late_reasons"]
        assert plans[late]["forecast_end"] > plans[late]["planned_end"]
    northwind = plans["NORTHWIND-001"]
    assert (northwind["status"], northwind["planned_end"], northwind["progress"]) == (
        "development",
        "2026-11-15",
        33,
    )  # 10 of 30 tasks


def test_filters(samples, capsys):
    assert [p["id"] for p in status_json(capsys, "--status", "development")] == ["NORTHWIND-001"]
    assert [p["id"] for p in status_json(capsys, "--status", "development", "--status", "deployment")] == [
        "CASCADE-007",
        "NORTHWIND-001",
    ]
    assert {p["id"] for p in status_json(capsys, "--late")} >= {"NORTHWIND-001", "CASCADE-007"}
    assert [p["id"] for p in status_json(capsys, "--lead", "  priya   RAMAN ")] == ["NORTHWIND-001"]
    assert status_json(capsys, "--lead", "Nobody") == []


def test_lead_finds_whom_the_people_page_finds(samples, capsys):
    """The People page makes one person of a name pasted with a zero-width space or a decomposed
    accent; `--lead` must find the plans that page lists under that person."""
    plan = samples / "CASCADE-007.md"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace('lead: "Marta Kowalska"', 'lead: "Marta Kowalska\u200b"'),
        encoding="utf-8",
    )
    assert [p["id"] for p in status_json(capsys, "--lead", "Marta Kowalska")] == ["CASCADE-007"]
    accented = samples / "BRIGHTLEAF-014.md"
    text = accented.read_text(encoding="utf-8")
    lead = next(line for line in text.splitlines() if line.startswith("lead: "))
    accented.write_text(text.replace(lead, 'lead: "Chloé Martin"', 1), encoding="utf-8")
    assert [p["id"] for p in status_json(capsys, "--lead", unicodedata.normalize("NFD", "Chloé Martin"))] == [
        "BRIGHTLEAF-014"
    ]


def test_on_a_day_before_the_schedules_end_nothing_is_late(samples, capsys, monkeypatch):
    monkeypatch.setenv("PLANBOOK_TODAY", "2026-06-01")
    assert status_json(capsys, "--late") == []


def test_csv_has_a_header_and_quotes_nothing_a_spreadsheet_would_run(samples, capsys):
    northwind = samples / "NORTHWIND-001.md"
    northwind.write_text(
        northwind.read_text(encoding="utf-8").replace(
            'client: "Northwind Outfitters Ltd."', 'client: "=HYPERLINK(\\"http://x.invalid\\", \\"a, b\\")"'
        ),
        encoding="utf-8",
    )
    assert cli.main(["status", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert tuple(rows[0]) == FIELDS
    by_id = {row[0]: dict(zip(FIELDS, row)) for row in rows[1:]}
    assert by_id["NORTHWIND-001"]["client"] == '\'=HYPERLINK("http://x.invalid", "a, b")'
    assert by_id["NORTHWIND-001"]["late"] == "true" and by_id["NORTHWIND-001"]["variance_days"].startswith("4")


def test_the_table_shows_rag_late_and_the_ends(samples, capsys):
    assert cli.main(["status"]) == 0
    out = capsys.readouterr().out
    for heading in ("RAG", "Late", "Tasks done", "Planned end", "Forecast end", "Variance", "Lead"):
        assert heading in out
    line = next(line for line in out.splitlines() if "NORTHWIND-001" in line)
    assert "RED" in line and "late" in line and "2026-11-15" in line and "Priya Raman" in line


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--status", "late"], "2026-12-01", "unknown status 'late'"),
        ([], "2026-02-30", "PLANBOOK_TODAY='2026-02-30' is not a real day"),
        ([], "\x1b[2Jsoon", "PLANBOOK_TODAY='\\x1b[2Jsoon'"),
    ],
)
def test_usage_errors_are_one_clean_line(samples, capsys, monkeypatch, args, env, message):
    monkeypatch.setenv("PLANBOOK_TODAY", env)
    assert cli.main(["status", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "\x1b" not in err and len(err.strip().splitlines()) == 1


def test_a_plan_that_does_not_load_is_listed_and_fails(samples, capsys):
    (samples / "BROKEN-1.md").write_text("---\nid: [\n---\n", encoding="utf-8")
    assert cli.main(["status", "--format", "json"]) == 1
    broken = next(p for p in json.loads(capsys.readouterr().out) if p["id"] == "BROKEN-1")
    assert broken["ok"] is False and broken["rag"] is None and broken["late"] is False
