"""Integration arithmetic: rate limits read as data, the backfill at the API limit beside the migration,
PB501 for a limit no one can compute with and PB502 for a backfill longer than its phase, on real plans
checked and rendered."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from planbook.check import check_result
from planbook.loader import Plan, load_plan
from planbook.model.backfill import backfill, read_rate_limit
from planbook.render import render_plan

from conftest import PROJECTS, ROOT

CASCADE = PROJECTS / "CASCADE-007.md"
GUIDE = ROOT / "docs" / "reference" / "rate-limits.md"


def written_forms() -> list[str]:
    """Every form the guide's table says is read, so the guide cannot promise one that is not."""
    table = GUIDE.read_text(encoding="utf-8").split("## The forms read", 1)[1].split("\n\n")[1]
    rows = [row for row in table.splitlines()[2:] if row.startswith("|")]
    return [form for row in rows for form in re.findall(r"`([^`]+)`", row.split("|")[1])]


@pytest.mark.parametrize("form", written_forms())
def test_every_form_the_guide_lists_is_read(form: str) -> None:
    assert read_rate_limit(form) is not None


@pytest.mark.parametrize(
    ("written", "per_second", "rate", "burst", "concurrency"),
    [
        ("2 requests/second (REST Admin API, leaky bucket of 40)", 2.0, "2 requests/second", 40, None),
        ("500 requests/minute per realm", 500 / 60, "500 requests/minute", None, None),
        ("100 requests per 10 seconds (private app)", 10.0, "100 requests per 10 seconds", None, None),
        ("100,000 requests per day", 100_000 / 86_400, "100,000 requests per day", None, None),
        ("25 requests per second; 50,000 per day", 50_000 / 86_400, "50,000 per day", None, None),
        ("1 request every 2 seconds", 0.5, "1 request every 2 seconds", None, None),
        ("5k requests/day", 5_000 / 86_400, "5k requests/day", None, None),
        ("10 simultaneous connections", None, None, None, 10),
        ("v2 API, 4 concurrent requests", None, None, None, 4),
        ("unlimited", None, None, None, None),
    ],
)
def test_a_rate_limit_reads_as_its_rate_burst_and_concurrency(
    written: str, per_second: float | None, rate: str | None, burst: int | None, concurrency: int | None
) -> None:
    limit = read_rate_limit(written)
    assert limit is not None
    assert limit.per_second == pytest.approx(per_second) if per_second else limit.per_second is None
    assert (limit.rate, limit.burst, limit.concurrency) == (rate, burst, concurrency)


@pytest.mark.parametrize("written", ["fast", "depends on the plan", "v2", "", "per second", "\x1b[31m10\x1b[0m"])
def test_text_that_states_no_limit_is_not_read_as_one(written: str) -> None:
    assert read_rate_limit(written) is None


def plan_with(
    tmp_path: Path, *, records: int, limit: str, per_request: int | None = None, deployment: str = "1 week"
) -> Path:
    """CASCADE-007 migrating `records`, with ShipStation's limit `limit` and deployment taking `deployment`."""
    text = CASCADE.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^  records: \d+\n", f"  records: {records}\n", text)
    text = re.sub(
        r"(?m)^  records_per_request: \d+\n",
        "" if per_request is None else f"  records_per_request: {per_request}\n",
        text,
    )
    text = text.replace('  system_a: "2 requests/second (REST Admin API)"\n', '  system_a: "unlimited"\n')
    text = text.replace('  system_b: "40 requests/minute per API key"\n', f'  system_b: "{limit}"\n')
    deploy = text.index("  deployment:\n")
    text = text[:deploy] + re.sub(r'duration: "[^"]*"', f'duration: "{deployment}"', text[deploy:], count=1)
    path = tmp_path / "CASCADE-007.md"
    path.write_text(text, encoding="utf-8")
    return path


def loaded(path: Path) -> Plan:
    plan = load_plan(path)
    assert isinstance(plan, Plan), plan
    return plan


def backfill_line(plan: Plan) -> str:
    (line,) = [line for line in render_plan(plan).splitlines() if line.startswith("**Backfill at the API limit**")]
    return line


def test_140000_records_at_10_a_second_take_about_3_9_hours(tmp_path: Path) -> None:
    plan = loaded(plan_with(tmp_path, records=140_000, limit="10 requests/second"))
    found = backfill(plan.data)
    assert found is not None and found.requests == 140_000 and found.seconds == 14_000
    assert backfill_line(plan) == (
        "**Backfill at the API limit**: about 3.9 hours: 140,000 records, one per request, "
        "at 10 requests/second, ShipStation's limit"
    )
    assert check_result(plan).ok and not [f for f in check_result(plan).findings if f.code.startswith("PB5")]


def test_the_same_at_100000_a_day_takes_about_1_4_days(tmp_path: Path) -> None:
    plan = loaded(plan_with(tmp_path, records=140_000, limit="100,000 requests per day", deployment="1 week"))
    assert backfill_line(plan) == (
        "**Backfill at the API limit**: about 1.4 days: 140,000 records, one per request, "
        "at 100,000 requests per day, ShipStation's limit"
    )


def test_a_backfill_longer_than_its_phase_is_a_warning_at_the_record_count(tmp_path: Path) -> None:
    path = plan_with(tmp_path, records=140_000, limit="100,000 requests per day", deployment="1 day")
    plan = loaded(path)
    result = check_result(plan)
    (finding,) = [f for f in result.findings if f.code == "PB502"]
    text = path.read_text(encoding="utf-8")
    assert (finding.line, finding.column) == (text[: text.index("  records: 140000")].count("\n") + 1, 12)
    assert finding.severity == "warning" and result.ok  # a warning: the plan passes, and says so
    assert "about 1.4 days" in finding.message and "longer than the deployment phase's 1 day" in finding.message
    assert backfill_line(plan).endswith("; longer than the deployment phase's 1 day")


def test_records_per_request_divides_the_requests(tmp_path: Path) -> None:
    plan = loaded(plan_with(tmp_path, records=96_000, per_request=100, limit="40 requests/minute per API key"))
    assert "about 24 minutes: 96,000 records, 100 per request, 960 requests, at 40 requests/minute" in backfill_line(
        plan
    )


def test_an_unreadable_rate_limit_is_a_warning_at_its_line_and_no_estimate(tmp_path: Path) -> None:
    path = plan_with(tmp_path, records=140_000, limit="\\e[31mfast\\e[0m, ask Dana")  # YAML's escape for ESC
    plan = loaded(path)
    (finding,) = [f for f in check_result(plan).findings if f.code == "PB501"]
    text = path.read_text(encoding="utf-8")
    assert finding.line == text[: text.index('  system_b: "\\e')].count("\n") + 1
    assert "\x1b" not in str(finding) and "cannot read" in finding.message
    assert "Backfill at the API limit" not in render_plan(plan)


def test_the_sample_shows_its_backfill_and_passes() -> None:
    plan = loaded(CASCADE)
    assert "about 24 minutes" in backfill_line(plan)
    assert not [f for f in check_result(plan).findings if f.code.startswith("PB5")]


def test_a_rate_limit_padded_or_past_the_longest_read_is_read_at_once() -> None:
    """Runs of spaces are one space before the rates are sought, so no run is backtracked over, and text
    past 1,000 characters (the field holds 200) is not read at all: it is a PB501 like any other."""
    padded = read_rate_limit("2 requests/second" + " " * 900)
    assert padded is not None and padded.per_second == 2.0
    assert read_rate_limit("1" + " " * 5_000 + "requests/second") is None


def test_a_backfill_of_one_request_says_one_request(tmp_path: Path) -> None:
    plan = loaded(plan_with(tmp_path, records=16, per_request=100, limit="40 requests/minute"))
    assert "under a minute: 16 records, 100 per request, 1 request, at 40 requests/minute" in backfill_line(plan)
