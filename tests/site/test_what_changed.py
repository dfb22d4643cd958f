"""The site's "What changed" page (docs/changes.md → the `what_changed` macro → SiteBuild →
planbook report's HTML): real `mkdocs build --strict` runs of the samples in real git repositories."""

from __future__ import annotations

import shutil

from sitebuild import SiteProject, site_project  # noqa: F401  (a fixture, used by name)

TODAY = {"PLANBOOK_TODAY": "2026-12-01"}
HOSTILE_RISK = "<script>alert(1)</script> \\e[31mred"


def _commit_samples_then_a_change(project: SiteProject) -> None:
    project.add_samples()
    project.commit("Add the sample plans", date="2026-09-01T10:00:00+00:00")
    plan = project.path / "projects" / "NORTHWIND-001.md"
    text = plan.read_text(encoding="utf-8").replace("      tax_calculation: false", "      tax_calculation: true")
    text = text.replace("risks:\n", f'risks:\n  - risk: "{HOSTILE_RISK}"\n    impact: High\n    mitigation: m\n', 1)
    plan.write_text(text, encoding="utf-8")
    project.commit("Tax done, a risk", date="2026-11-20T10:00:00+00:00")


def test_the_page_lists_the_last_30_days_in_the_nav_with_every_value_escaped(site_project):
    _commit_samples_then_a_change(site_project)
    build = site_project.build(env=TODAY)
    assert build.ok, build.output
    page = build.html("changes/index.html")
    assert "the last commit before 2026-11-01" in page and "the last commit by the end of 2026-12-01" in page
    assert "1 plan changed: 1 task done, 1 risk added." in page
    assert '<a href="../projects/NORTHWIND-001/">NORTHWIND-001</a>' in page
    assert "task done: Phase 2 &#34;Tax calculation logic&#34;" in page
    assert "risk added: &#34;&lt;script&gt;alert(1)&lt;/script&gt; \\x1b[31mred&#34;" in page
    assert "<script>alert" not in page and "\x1b" not in page
    assert 'href="changes/"' in build.html("index.html")  # in the nav


def test_a_window_with_no_commits_says_nothing_changed(site_project):
    _commit_samples_then_a_change(site_project)
    build = site_project.build(env={"PLANBOOK_TODAY": "2027-03-01"})
    assert build.ok, build.output
    assert "Nothing changed in the last 30 days." in build.html("changes/index.html")


def test_the_window_ends_today_so_later_commits_are_not_in_it(site_project):
    _commit_samples_then_a_change(site_project)
    build = site_project.build(env={"PLANBOOK_TODAY": "2026-09-15"})
    assert build.ok, build.output
    page = build.html("changes/index.html")
    assert "No commit before 2026-08-16, so every plan counts as new" in page and "3 new plans" in page
    assert "risk added" not in page


def test_outside_git_the_page_says_there_is_no_history(site_project):
    site_project.add_samples()
    shutil.rmtree(site_project.path / ".git")
    build = site_project.build(env=TODAY)
    assert build.ok, build.output
    assert "No git history to report from: not in a git repository" in build.html("changes/index.html")


def test_a_made_up_today_fails_the_build_with_one_clear_line(site_project):
    site_project.add_samples()
    site_project.commit("Add")
    build = site_project.build(env={"PLANBOOK_TODAY": "next tuesday"})
    assert not build.ok and "PLANBOOK_TODAY='next tuesday' is not a real day" in build.output
    assert "Traceback" not in build.output


def test_one_process_sees_a_new_commit_on_the_next_rebuild(site_project):
    """`mkdocs serve` keeps the report of a HEAD; a commit while it runs is on the next rebuild's page."""
    import datetime as dt

    from planbook.site.changes_page import what_changed_html

    _commit_samples_then_a_change(site_project)
    day = dt.date(2026, 12, 1)

    def page() -> str:
        return what_changed_html(site_project.path, day, 30, lambda plan_id: None, {})

    assert "1 plan changed" in page() and page() == page()
    plan = site_project.path / "projects" / "CASCADE-007.md"
    plan.write_text(plan.read_text(encoding="utf-8").replace("status: deployment", "status: support"), "utf-8")
    assert "1 plan changed" in page()  # not committed: the page covers commits
    site_project.commit("Cascade is live", date="2026-11-28T10:00:00+00:00")
    assert "2 plans changed" in page()
