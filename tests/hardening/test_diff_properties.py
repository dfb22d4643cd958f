"""`planbook diff` with random and hostile plans: it compares anything without an exception, finds a
change exactly when the values differ, writes each change on one line, and in Markdown (the pull
request's job summary, which a fork's author writes) nothing a plan holds becomes live markup."""

from __future__ import annotations

import copy

import yaml
from hypothesis import assume, given

from planbook.check import check_result
from planbook.cli import main
from planbook.diff import DiffReport, Revision, Side, compare, field_changes, format_markdown, format_text, show
from planbook.loader import load_plan

from hostile import (
    base_data,
    batches,
    corpus,
    expected_text,
    free_text_fields,
    get_path,
    refused_when_typed,
    write_plan,
)
from strategies import BASE, PROFILE, changes, front_matters, swapped
from test_render import live_markup, to_html, visible_text

REVISIONS = (Revision("main", "0" * 40), Revision("HEAD", "1" * 40))


def strictly_equal(a, b) -> bool:
    """Equal, with the same types all the way down (`true` is not `1`); key order does not count."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(strictly_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(strictly_equal(x, y) for x, y in zip(a, b))
    return a == b


def side(data: dict, notes: str = "") -> Side:
    text = "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n" + notes
    return Side("projects/X.md", check_result(load_plan("projects/X.md", text=text)))


@PROFILE
@given(front_matters, front_matters)
def test_any_two_front_matters_compare_one_line_per_change(old, new):
    found = field_changes(old, new)
    assert bool(found) == (not strictly_equal(old, new))
    for change in found:
        assert "\n" not in change.text() and "\r" not in change.text()
        assert "\n" not in change.markdown()
    assert field_changes(new, copy.deepcopy(new)) == []


@PROFILE
@given(changes)
def test_a_plan_changed_anywhere_shows_its_changes_inert_in_the_summary(swaps):
    after = swapped(swaps)
    assume(yaml.safe_load(yaml.safe_dump(after, allow_unicode=True)) == after)  # PyYAML folds a raw U+0085
    plan = compare("modified", side(BASE), side(after, "notes\n"))
    assert plan.changes  # the notes changed, whatever else did
    report = DiffReport(*REVISIONS, [plan])
    markdown = format_markdown(report)
    assert live_markup(to_html(markdown)) == []
    text = format_text(report)
    # One line per change, the header, completeness and check lines, and the listed findings.
    listed = min(len(plan.after.errors), 10) + (len(plan.after.errors) > 10)
    assert len(text.rstrip("\n").split("\n")) == 1 + 2 + len(plan.changes) + 2 + listed  # at newlines, as a log does


def test_a_change_shown_in_the_terminal_holds_no_control_character():
    found = field_changes({"name": "a"}, {"name": "b\x1b]0;title\x07\x1b[2J"})
    assert all(change.text().isprintable() for change in found)


def test_every_corpus_string_changed_in_a_pull_request_is_inert_in_its_summary(git_repo, tmp_path, monkeypatch, capsys):
    """The corpus batches as a pull request against plain plans, through `planbook diff --format markdown`
    in a real git repository: every line is ours, no value is live markup, and short values show. Each
    string is in one field of one plan: the summary writes every field's change the same way."""
    strings = corpus()
    fields = free_text_fields()
    folder = git_repo.path / "projects"
    folder.mkdir()
    batched = list(batches(strings, fields))[:: len(fields)]
    plain = {field: get_path(base_data(), field) for field in fields}
    for k in range(len(batched)):
        write_plan(folder, f"PR-{k:03d}", plain, ["Notes."])
    git_repo.commit("Plain plans")
    refused, _ = refused_when_typed(tmp_path, strings, fields)
    for k, placed in enumerate(batched):
        write_plan(folder, f"PR-{k:03d}", placed, list(placed.values()), escaped=frozenset(refused))
    git_repo.commit("Hostile values")
    monkeypatch.chdir(git_repo.path)
    assert main(["diff", "--format", "markdown", "HEAD~1", "HEAD"]) == 0
    markdown = capsys.readouterr().out
    html_text = to_html(markdown)
    assert live_markup(html_text) == []
    shown = visible_text(html_text)
    short = {
        s
        for placed in batched
        for s in placed.values()
        if 0 < len(expected_text(s)) <= 60 and expected_text(s) == show(s)
    }
    # A risk whose name changed shows as one removed and one added, by name: its other cells are not listed.
    # Internal values (day rates, budgets) are never shown: a pull request's summary may be public.
    missing = [
        (f, s)
        for placed in batched
        for f, s in placed.items()
        if s in short
        and expected_text(s) not in shown
        and not (f[0] == "risks" and f[-1] != "risk")
        and f[0] != "internal"
    ]
    assert len(short) > 300 and missing == [], missing[:20]
    assert main(["diff", "HEAD~1", "HEAD"]) == 0
    text = capsys.readouterr().out
    assert not [line for line in text.splitlines() if line.startswith("::")]
