"""Is the project on time: `planbook.model.tracking` (planned, actual, baseline and forecast dates,
late, RAG), `planbook.baselines` (the baseline from git) and `planbook.dates.today`."""

from __future__ import annotations

import copy
import datetime as dt
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from planbook import dates
from planbook.baselines import agreed_baselines
from planbook.check import check_result
from planbook.loader import load_plan
from planbook.model.schedule import add_months, duration_days
from planbook.model.tracking import Baseline, plan_tracking

from conftest import PROJECTS, GitRepo

DAY = dt.date(2026, 12, 1)


def sample(name: str) -> dict[str, Any]:
    plan = load_plan(PROJECTS / f"{name}.md")
    return copy.deepcopy(plan.data)  # type: ignore[union-attr]


def on_schedule() -> dict[str, Any]:
    """NORTHWIND-001 as if started on 2026-11-09: two weeks of discovery done, in its second week of
    development on DAY."""
    data = sample("NORTHWIND-001")
    data["start_date"] = "2026-11-09"
    data["status"] = "development"
    return data


@pytest.mark.parametrize("name", ["NORTHWIND-001", "CASCADE-007"])
def test_the_samples_the_issue_names_are_late(name):
    tracking = plan_tracking(sample(name), today=DAY)
    assert tracking.late and tracking.rag == "red"
    assert tracking.forecast_end > tracking.planned_end  # type: ignore[operator]
    reference = tracking.baseline_end or tracking.planned_end  # CASCADE-007 has a baseline field
    assert tracking.variance_days == (tracking.forecast_end - reference).days  # type: ignore[operator]
    assert any("by its planned dates it would be complete by now" in reason for reason in tracking.late_reasons)


def test_northwind_development_ended_in_october_with_tasks_open():
    tracking = plan_tracking(sample("NORTHWIND-001"), today=DAY)
    development = tracking.phase["development"]
    assert development.planned_start == dt.date(2026, 9, 21)
    assert development.planned_end == dt.date(2026, 10, 18)  # four weeks, the last day inclusive
    assert development.late and not development.done
    assert tracking.phase["discovery"].done and not tracking.phase["discovery"].late
    assert tracking.late_reasons[0] == (
        "Phase 2: Development was planned to end on 2026-10-18, and 6 of 10 of its tasks are open"
    )
    # Not finished, so not in the past; the phases after it follow it.
    assert development.forecast_end == DAY
    assert tracking.phase["testing"].forecast_start == DAY + dt.timedelta(days=1)


def test_a_plan_on_schedule_is_green_and_not_late():
    tracking = plan_tracking(on_schedule(), today=DAY)
    assert tracking.expected_status == "development"
    assert not tracking.late and tracking.late_reasons == ()
    assert tracking.variance_days == 0
    assert tracking.rag == "green"


def test_actual_dates_make_the_forecast():
    data = on_schedule()
    data["phases"]["discovery"]["actual_start"] = "2026-11-09"
    data["phases"]["discovery"]["actual_finish"] = "2026-11-27"  # five days over its two weeks
    data["phases"]["development"]["actual_start"] = "2026-11-28"
    tracking = plan_tracking(data, today=DAY)
    discovery, development = tracking.phase["discovery"], tracking.phase["development"]
    assert discovery.done and discovery.variance_days == 5
    assert development.forecast_start == dt.date(2026, 11, 28)
    assert development.forecast_end == dt.date(2026, 11, 28) + dt.timedelta(days=27)
    assert tracking.variance_days == 5
    assert tracking.rag == "amber" and not tracking.late  # forecast to slip, nothing overdue yet


def test_an_actual_finish_makes_a_phase_done_whatever_the_status():
    data = sample("NORTHWIND-001")
    data["phases"]["development"]["actual_finish"] = "2026-11-20"
    tracking = plan_tracking(data, today=DAY)
    assert tracking.phase["development"].done and not tracking.phase["development"].late


def test_a_finish_still_to_come_is_not_a_fact():
    data = on_schedule()
    data["phases"]["development"]["actual_finish"] = "2027-01-04"
    assert not plan_tracking(data, today=DAY).phase["development"].done


def test_a_start_still_to_come_is_not_a_fact():
    """A start typed a year off (2062 for 2026) is no actual date: the forecast stays the plan's, not
    a phase ending in 2062 and a plan red by thirteen thousand days."""
    data = on_schedule()
    expected = plan_tracking(data, today=DAY)
    data["phases"]["testing"]["actual_start"] = "2062-11-30"
    tracking = plan_tracking(data, today=DAY)
    assert tracking.phase["testing"].actual_start is None
    assert (tracking.forecast_end, tracking.variance_days, tracking.rag) == (
        expected.forecast_end,
        expected.variance_days,
        expected.rag,
    )


def test_a_finish_before_the_start_is_a_check_error_and_no_fact(tmp_path, sample_text):
    """A finish before the start made the forecast end early and the variance negative: a late plan
    read as ahead. check refuses it at its line, and tracking ignores it until it is mended."""
    text = sample_text.replace('actual_finish: "2026-09-25"', 'actual_finish: "2026-08-25"', 1)
    assert text != sample_text
    path = tmp_path / "NORTHWIND-001.md"
    path.write_text(text, encoding="utf-8")
    result = check_result(load_plan(path))
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "actual_finish" in row)
    assert [(f.code, f.line) for f in result.findings] == [("PB105", line)]
    assert "is before the phase's actual_start" in result.findings[0].message
    data = load_plan(path).data  # type: ignore[union-attr]
    phase = plan_tracking(data, today=DAY).phases[0]
    assert phase.actual_finish is None and phase.variance_days is not None and phase.variance_days >= 0


def test_the_amber_reason_names_what_the_variance_is_measured_from():
    """Without a baseline the variance is against the planned end; saying "after the baseline" told a
    manager there was an agreement to slip from when there was none."""
    data = on_schedule()
    data["status"] = "on-hold"  # not late, but forecast from today: past its planned end
    data["start_date"] = "2026-09-07"
    data.pop("baseline", None)
    tracking = plan_tracking(data, today=DAY)
    assert tracking.baseline is None and tracking.variance_days is not None and tracking.variance_days > 0
    assert tracking.rag_reasons[0] == f"forecast to end {tracking.variance_days} days after the planned end"
    agreed = Baseline(dt.date(2026, 9, 7), {key: "2 weeks" for key in data["phases"]}, "git")
    assert "after the baseline" in plan_tracking(data, today=DAY, baseline=agreed).rag_reasons[0]


def test_durations_in_calendar_months():
    assert duration_days("1 month", dt.date(2026, 1, 31)) == 28
    assert duration_days("2 months", dt.date(2026, 1, 15)) == 59
    assert duration_days("1.5 months", dt.date(2026, 1, 1)) == 31 + 14
    assert duration_days("2 months") == 61  # no start: the calendar's average month
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    data = on_schedule()
    data["phases"]["development"]["duration"] = "1 month"
    assert plan_tracking(data, today=DAY).phase["development"].planned_end == dt.date(2026, 12, 22)
    # The longest duration the schema allows, from its latest start, is still a date.
    data["start_date"] = "2999-12-31"
    for key in data["phases"]:
        data["phases"][key]["duration"] = "999.9 months"
    assert plan_tracking(data, today=DAY).planned_end is not None


def test_cascade_agreed_three_weeks_of_development_and_took_four():
    tracking = plan_tracking(sample("CASCADE-007"), today=DAY)
    assert tracking.baseline is not None and tracking.baseline.source == "the plan's baseline field"
    assert tracking.baseline_end == tracking.planned_end - dt.timedelta(days=7)  # type: ignore[operator]


def test_the_baseline_field_wins_and_sets_the_variance():
    data = on_schedule()
    data["baseline"] = {
        "start_date": "2026-11-02",
        "durations": {key: entry["duration"] for key, entry in data["phases"].items()},
    }
    tracking = plan_tracking(data, today=DAY, baseline=Baseline(dt.date(2020, 1, 1), {}, "git"))
    assert tracking.baseline is not None and tracking.baseline.source == "the plan's baseline field"
    assert tracking.phase["discovery"].baseline_start == dt.date(2026, 11, 2)
    assert tracking.baseline_end == tracking.planned_end - dt.timedelta(days=7)  # type: ignore[operator]
    assert tracking.variance_days == 7


@pytest.mark.parametrize(
    ("change", "rag", "reason"),
    [
        ({}, "green", "on schedule"),
        ({"confidence": 65}, "amber", "confidence 65%"),
        ({"confidence": 40}, "red", "confidence 40%"),
        ({"status": "on-hold"}, "amber", "on hold"),
        ({"status": "cancelled"}, "none", "cancelled: not tracked"),
        ({"status": "complete"}, "green", "complete"),
        ({"start_date": "2026-10-12"}, "amber", "late by 9 days"),  # development ended 2026-11-22
        ({"start_date": "2026-09-07"}, "red", "late by 44 days"),
    ],
)
def test_rag_rules(change, rag, reason):
    data = {**on_schedule(), **change}
    tracking = plan_tracking(data, today=DAY)
    assert tracking.rag == rag
    assert reason in tracking.rag_reasons


@pytest.mark.parametrize(
    "change",
    [
        {"phases": 5},
        {"phases": {"discovery": [], "development": {"duration": 14, "tasks": "all"}}},
        {"start_date": 20261201},
        {"start_date": "2026-02-30"},
        {"status": ["development"]},
        {"confidence": True},
        {"baseline": {"start_date": "soon", "durations": "short"}},
        {"baseline": "the one in the SOW"},
    ],
)
def test_a_draft_of_any_shape_gets_tracking_not_a_traceback(change):
    tracking = plan_tracking({**on_schedule(), **change}, today=DAY)
    assert tracking.rag in {"green", "amber", "red", "none"}
    assert len(tracking.phases) == 5


def test_a_plan_without_dates_is_neither_late_nor_forecast():
    data = on_schedule()
    del data["start_date"]
    tracking = plan_tracking(data, today=DAY)
    assert tracking.planned_end is None and tracking.forecast_end is None and tracking.variance_days is None
    assert not tracking.late and tracking.expected_status is None


# -- the baseline from git ---------------------------------------------------------------------


def plan_text(status: str, weeks: int, start: str = "2026-11-09") -> str:
    data = on_schedule()
    data["status"] = status
    data["start_date"] = start
    data["phases"]["development"]["duration"] = f"{weeks} weeks"
    return "---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True) + "---\n"


def test_the_baseline_is_the_plan_as_it_entered_an_agreed_status(git_repo: GitRepo):
    path = git_repo.write("projects/NORTHWIND-001.md", plan_text("discovery", 3))
    git_repo.commit("Discovery", date="2026-11-02T10:00:00")
    git_repo.write("projects/NORTHWIND-001.md", plan_text("development", 4))
    agreed = git_repo.commit("Agreed: four weeks of development", date="2026-11-16T10:00:00")
    git_repo.write("projects/NORTHWIND-001.md", plan_text("development", 6))
    git_repo.commit("Development will take six weeks", date="2026-11-23T10:00:00")
    git_repo.write("projects/NORTHWIND-001.md", plan_text("on-hold", 6))
    git_repo.commit("Paused", date="2026-11-24T10:00:00")
    git_repo.write("projects/NORTHWIND-001.md", plan_text("testing", 6))
    git_repo.commit("Testing", date="2026-11-30T10:00:00")

    baseline = agreed_baselines([path])[path]
    assert baseline.source == f"commit {agreed[:7]} (2026-11-16)"
    assert baseline.durations["development"] == "4 weeks" and baseline.start == dt.date(2026, 11, 9)
    tracking = plan_tracking(load_plan(path).data, today=DAY, baseline=baseline)  # type: ignore[union-attr]
    assert tracking.variance_days is not None and tracking.variance_days >= 14  # two weeks longer than agreed

    # Back to discovery and agreed again: the new agreement is the baseline.
    git_repo.write("projects/NORTHWIND-001.md", plan_text("discovery", 6))
    git_repo.commit("Re-planned", date="2026-12-01T09:00:00")
    git_repo.write("projects/NORTHWIND-001.md", plan_text("development", 8, "2026-12-07"))
    again = git_repo.commit("Agreed again", date="2026-12-01T10:00:00")
    baseline = agreed_baselines([path])[path]
    assert baseline.source.startswith(f"commit {again[:7]}") and baseline.durations["development"] == "8 weeks"


def test_a_shallow_clone_has_no_baseline_rather_than_a_wrong_one(git_repo: GitRepo, tmp_path: Path):
    path = git_repo.write("projects/NORTHWIND-001.md", plan_text("development", 4))
    git_repo.commit("Agreed: four weeks")
    git_repo.write("projects/NORTHWIND-001.md", plan_text("development", 6))
    git_repo.commit("Six weeks now")
    assert agreed_baselines([path])[path].durations["development"] == "4 weeks"
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{git_repo.path}", str(clone)], check=True, capture_output=True
    )
    assert agreed_baselines([clone / "projects" / "NORTHWIND-001.md"]) == {}


def test_no_baseline_before_agreement_or_outside_git(git_repo: GitRepo, tmp_path: Path):
    path = git_repo.write("projects/NORTHWIND-001.md", plan_text("discovery", 3))
    git_repo.commit("Discovery")
    assert agreed_baselines([path]) == {}
    outside = tmp_path / "elsewhere" / "NORTHWIND-001.md"
    outside.parent.mkdir()
    outside.write_text(plan_text("development", 4), encoding="utf-8")
    assert agreed_baselines([outside]) == {}


def test_a_version_that_never_loaded_does_not_reset_the_baseline(git_repo: GitRepo):
    """A broken commit is no replanning: were it to end the walk, committing a YAML typo and then the
    plan with a longer schedule would make the longer schedule the agreed one, and hide the slip."""
    git_repo.write("projects/NORTHWIND-001.md", plan_text("discovery", 3))
    git_repo.commit("Discovery")
    path = git_repo.write("projects/NORTHWIND-001.md", plan_text("development", 4))
    agreed = git_repo.commit("Agreed")
    git_repo.write("projects/NORTHWIND-001.md", "---\nid: [\n---\n")
    git_repo.commit("Broken")
    git_repo.write("projects/NORTHWIND-001.md", plan_text("development", 5))
    git_repo.commit("Mended, a week longer")
    baseline = agreed_baselines([path])[path]
    assert baseline.source.startswith(f"commit {agreed[:7]}") and baseline.durations["development"] == "4 weeks"


# -- today -------------------------------------------------------------------------------------


def test_today_is_fixed_by_the_environment_or_refused(monkeypatch):
    monkeypatch.setenv(dates.TODAY_VARIABLE, "2026-12-01")
    assert dates.today() == DAY
    monkeypatch.setenv(dates.TODAY_VARIABLE, "")
    assert dates.today() == dt.date.today()
    for bad in ("2026-02-30", "tomorrow", "2026-12-01\x1b[31m"):
        monkeypatch.setenv(dates.TODAY_VARIABLE, bad)
        with pytest.raises(dates.TodayError, match=re.escape(dates.TODAY_VARIABLE)):
            dates.today()
