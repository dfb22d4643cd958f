"""The one timeline renderer (planbook/timeline/): what it draws from a plan's tracking, and that no plan
value escapes its place in the SVG."""

from __future__ import annotations

import copy
import datetime as dt
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from planbook.loader import Plan, load_plan
from planbook.model.tracking import Baseline, plan_tracking
from planbook.timeline import timeline_figure, timeline_svg, timeline_table

from conftest import PROJECTS, blns_strings

SVG = "{http://www.w3.org/2000/svg}"
LATE_DAY = dt.date(2026, 12, 1)  # NORTHWIND-001's development ended on 2026-10-18, with tasks open


def northwind(text: str | None = None) -> dict[str, Any]:
    plan = load_plan(PROJECTS / "NORTHWIND-001.md", text=text)
    assert isinstance(plan, Plan), plan
    return copy.deepcopy(plan.data)


def draw(data: dict[str, Any], today: dt.date | None = LATE_DAY, baseline: Baseline | None = None) -> ET.Element:
    tracking = plan_tracking(data, today=today, baseline=baseline) if today else None
    svg = timeline_svg(data, tracking, title="Phase timeline of a plan")
    return ET.fromstring(svg)  # well-formed XML, whatever the plan says


def elements(root: ET.Element, tag: str, cls: str) -> list[ET.Element]:
    return [e for e in root.iter(SVG + tag) if cls in (e.get("class") or "").split()]


def texts(root: ET.Element) -> list[str]:
    return ["".join(e.itertext()) for e in root.iter(SVG + "text")]


def test_each_phase_gets_a_planned_bar_in_proportion_to_its_days() -> None:
    root = draw(northwind())
    bars = elements(root, "rect", "pb-tl-planned")
    assert len(bars) == 5
    widths = [float(bar.get("width", 0)) for bar in bars]
    assert widths[1] == pytest.approx(2 * widths[0], rel=0.02)  # 4 weeks against 2
    starts = [float(bar.get("x", 0)) for bar in bars]
    assert starts == sorted(starts)
    assert "Phase 1: Discovery & Design" in texts(root)
    assert "Sep 7 – Sep 20, 2026" in texts(root)


def test_actual_dates_draw_an_actual_bar_and_an_open_phase_runs_to_today() -> None:
    data = northwind()
    data["phases"]["discovery"].update(actual_start="2026-09-07", actual_finish="2026-09-25")
    data["phases"]["development"]["actual_start"] = "2026-09-28"
    root = draw(data)
    actual = elements(root, "rect", "pb-tl-actual")
    assert len(actual) == 2
    planned = elements(root, "rect", "pb-tl-planned")
    # discovery ran 19 days against 14 planned: its actual bar is the longer
    assert float(actual[0].get("width", 0)) > float(planned[0].get("width", 0))
    today_x = float(elements(root, "line", "pb-tl-today-line")[0].get("x1", 0))
    development_end = float(actual[1].get("x", 0)) + float(actual[1].get("width", 0))
    day = float(planned[0].get("width", 0)) / 14
    assert development_end == pytest.approx(today_x, abs=day)  # begun, not finished: it runs to today
    desc = root.find(SVG + "desc")
    assert desc is not None and "actually began 7 September 2026 and finished 25 September 2026" in (desc.text or "")


def test_the_baseline_is_a_line_under_each_phase() -> None:
    agreed = Baseline(dt.date(2026, 8, 31), {key: "2 weeks" for key in northwind()["phases"]}, "commit abc1234")
    root = draw(northwind(), baseline=agreed)
    lines = elements(root, "path", "pb-tl-baseline")
    assert len(lines) == 5
    desc = root.find(SVG + "desc")
    assert desc is not None and "baseline 31 August 2026 to 13 September 2026" in (desc.text or "")
    assert "Baseline" in texts(root)  # the legend names it
    figure = timeline_figure(northwind(), plan_tracking(northwind(), today=LATE_DAY, baseline=agreed), title="t")
    assert "baseline agreed with the client (commit abc1234)" in figure


def test_a_late_phase_is_marked_in_words_and_in_red() -> None:
    root = draw(northwind())
    late = [g for g in root.iter(SVG + "g") if "pb-tl-phase--late" in (g.get("class") or "")]
    assert late, "no phase marked late"
    first = late[0]
    assert "Phase 2: Development" in texts(first)
    assert any(t.strip() == "late" for t in texts(first))  # words, not only colour
    assert elements(first, "rect", "pb-tl-planned")[0].get("stroke") == "#b3261e"
    on_time = draw(northwind(), today=dt.date(2026, 9, 10))
    assert not [g for g in on_time.iter(SVG + "g") if "pb-tl-phase--late" in (g.get("class") or "")]
    assert "late" not in " ".join(texts(on_time)).replace("Late (red outline)", "")


@pytest.mark.parametrize(
    ("today", "shown"),
    [
        (dt.date(2026, 8, 1), False),  # before the plan starts
        (dt.date(2026, 9, 7), True),  # its first day
        (dt.date(2026, 10, 1), True),  # within
        (dt.date(2027, 3, 1), True),  # after it ends: the chart reaches today
    ],
)
def test_the_today_line_is_drawn_once_the_schedule_has_begun(today: dt.date, shown: bool) -> None:
    root = draw(northwind(), today=today)
    lines = elements(root, "line", "pb-tl-today-line")
    assert bool(lines) is shown
    labels = [t for t in texts(root) if t.startswith("Today")]
    assert labels == ([f"Today, {today:%b} {today.day}"] if shown else [])
    if shown:
        x = float(lines[0].get("x1", 0))
        assert 216 <= x <= float(root.get("width", 0))  # inside the chart, even after the schedule


def test_without_tracking_only_the_planned_bars_are_drawn() -> None:
    root = draw(northwind(), today=None)
    assert len(elements(root, "rect", "pb-tl-planned")) == 5
    assert not elements(root, "line", "pb-tl-today-line")
    assert not elements(root, "path", "pb-tl-baseline")


def test_a_plan_without_a_start_date_is_drawn_in_days_from_its_start() -> None:
    text = (PROJECTS / "NORTHWIND-001.md").read_text(encoding="utf-8").replace('start_date: "2026-09-07"\n', "")
    data = northwind(text)
    root = draw(data)
    shown = texts(root)
    assert "Week 1" in shown and "days 1–14" in shown
    assert not any(re.search(r"\b(Sep|Oct|Nov)\b", t) for t in shown)
    assert len(elements(root, "rect", "pb-tl-planned")) == 5
    assert not elements(root, "line", "pb-tl-today-line")  # no dates, no today
    desc = root.find(SVG + "desc")
    assert desc is not None and (desc.text or "").startswith("No start date is set")
    assert "No start date is set: the chart counts days from the start of Phase 1." in timeline_figure(
        data, plan_tracking(data, today=LATE_DAY), title="t"
    )


def test_nothing_is_drawn_without_a_duration() -> None:
    data = northwind()
    for phase in data["phases"].values():
        phase["duration"] = "TBD"
    assert timeline_svg(data, plan_tracking(data, today=LATE_DAY), title="t") == ""
    assert timeline_figure(data, None, title="t") == ""
    assert timeline_table(data) == ""


def test_every_label_is_drawn_at_11_px_or_more_and_the_svg_is_not_scaled() -> None:
    svg = timeline_svg(northwind(), plan_tracking(northwind(), today=LATE_DAY), title="t")
    root = ET.fromstring(svg)
    assert root.get("width") == root.get("viewBox", "").split()[2]  # one user unit is one CSS pixel
    inherited = float(root.get("font-size", 0))
    for text in root.iter(SVG + "text"):
        assert float(text.get("font-size", inherited)) >= 11


HOSTILE = [
    '<script>alert("owner")</script>',
    "]]><svg onload=alert(1)>",
    "\x1b[31mred\x1b[0m & \x00 nul",
    "{{ 7*7 }} {% raw %}",
    "‮evil‬ " + "x" * 100_000,
]


@pytest.mark.parametrize("hostile", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_owner_and_name_stay_text_in_the_svg(hostile: str) -> None:
    data = northwind()
    data["phases"]["development"]["owner"] = hostile
    svg = timeline_svg(data, plan_tracking(data, today=LATE_DAY), title=f"Phase timeline of {hostile}")
    root = ET.fromstring(svg)
    assert not [e for e in root.iter() if e.tag.rpartition("}")[2] in ("script", "foreignObject")]
    assert all(not key.lower().startswith("on") for e in root.iter() for key in e.attrib)
    title = root.find(SVG + "title")
    assert title is not None and (title.text or "").startswith("Phase timeline of")
    owner_line = [t for t in texts(root) if t.endswith("4 of 10 done")]
    assert len(owner_line) == 1 and len(owner_line[0]) <= 30  # cut to the label column, not over the bars
    assert len(svg) < 20_000  # a huge owner is not copied into the picture


@pytest.mark.parametrize(
    "change",
    [
        {"phases": "not a mapping"},
        {"phases": {"development": ["a", "list"]}},
        {"start_date": 20260907},
        {"start_date": "2026-02-30"},
        {"phases": {"development": {"duration": "4 weeks", "owner": ["a"], "actual_start": 3, "tasks": "x"}}},
        {
            "phases": {
                "development": {"duration": "4 weeks", "actual_start": "2026-10-01", "actual_finish": "2026-09-01"}
            }
        },
    ],
    ids=range(6),
)
def test_wrong_types_draw_what_they_can_without_a_traceback(change: dict[str, Any]) -> None:
    data = {**northwind(), **change}
    svg = timeline_svg(data, plan_tracking(data, today=LATE_DAY), title="t")
    if svg:
        ET.fromstring(svg)


def test_every_naughty_string_as_an_owner_keeps_the_svg_well_formed() -> None:
    data = northwind()
    tracking = plan_tracking(data, today=LATE_DAY)
    for naughty in blns_strings():
        data["phases"]["testing"]["owner"] = naughty
        ET.fromstring(timeline_svg(data, tracking, title=naughty))


def test_the_table_for_markdown_readers_lists_each_phase() -> None:
    table = timeline_table(northwind())
    assert "| Phase 2: Development | Sep 21 – Oct 18, 2026 | 4 weeks | 4 of 10 |" in table


def axis_labels(root: ET.Element) -> list[str]:
    return [t for e in root.iter(SVG + "text") if e.get("y") == "18" for t in ["".join(e.itertext())]]


def test_a_long_undated_plan_gets_a_few_week_labels_not_one_a_month() -> None:
    data = northwind()
    del data["start_date"]
    data["phases"]["development"]["duration"] = "999.9 months"  # some 4,300 weeks
    labels = axis_labels(draw(data))
    assert 2 <= len(labels) <= 11, labels  # 983 overlapping labels before
    assert labels[0] == "Week 1"


@pytest.mark.parametrize(
    ("change", "years"),
    [
        ({"development": {"duration": "999.9 months"}}, True),  # 83 years of plan
        ({"discovery": {"actual_start": "1900-01-01"}}, True),  # an actual date a century early
        ({"development": {"duration": "20 months"}}, False),  # labels a few months apart
    ],
)
def test_every_axis_label_says_its_year_when_the_year_changed(change: dict[str, Any], years: bool) -> None:
    data = northwind()
    for phase, fields in change.items():
        data["phases"][phase].update(fields)
    labels = axis_labels(draw(data))
    assert 2 <= len(labels) <= 9, labels
    if years:  # "Jan 1900, Dec, Nov, Oct" before: twelve and more months apart, yet no year after the first
        assert all(re.fullmatch(r"\d{4}", label) for label in labels), labels
    else:  # "Oct 2026, Apr, Oct, Apr" before
        seen = []
        for label in labels:
            if not re.search(r"\d{4}", label):
                assert seen, labels
            else:
                seen.append(label)
        assert len(seen) >= 2, labels  # the plan spans two years or more, and the labels say so
