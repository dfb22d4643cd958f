"""The People page, built for real: `site/people/index.html` lists everyone the sample plans name, with
their plans linked; the overload mark follows `extra: planbook: max_active_roles:`, whose bad values
stop the strict build naming mkdocs.yml; hostile names show as text; and drafts never break it."""

from __future__ import annotations

import copy
import html
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from planbook.escape import clean
from planbook.loader import Plan, load_plan
from planbook.model.completeness import is_empty
from planbook.model.people import person_key
from planbook.model.tasks import value_at
from planbook.scaffold import scaffold
from planbook.site.build import SiteBuild
from planbook.trusted_html import TrustedHtml

from conftest import PROJECTS, SAMPLES, blns_strings, ssti_payloads
from sitebuild import Build, SiteProject, sample_site, site_project  # noqa: F401 - fixtures
from test_render import live_markup


class PeoplePage(HTMLParser):
    """Each person's entry on the page: name, plans linked (id → href), plans named, and its marks."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.people: list[dict[str, Any]] = []
        self._in: str | None = None
        self._href: str | None = None
        start = html.index('<div class="pb-people">')
        self.feed(html[start : html.index("</div>", start)])  # the list holds no other <div>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "li" and "pb-person" in classes:
            self.people.append({"name": "", "links": {}, "plans": [], "overloaded": "", "count": "", "tags": set()})
        elif self.people:
            self.people[-1]["tags"].add(tag)
            self._in = "name" if tag == "strong" else "a" if tag == "a" else self._in
            self._in = "plan" if "pb-plan-unpublished" in classes else self._in
            self._in = "overloaded" if "pb-overloaded" in classes else self._in
            self._in = "count" if "pb-person-count" in classes else self._in
            self._href = dict(attrs).get("href") if tag == "a" else self._href

    def handle_endtag(self, tag: str) -> None:
        if tag in ("strong", "a", "span"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if not self.people or self._in is None:
            return
        person = self.people[-1]
        if self._in == "a":
            person["links"][data] = self._href
            person["plans"].append(data)
        elif self._in == "plan":
            person["plans"].append(data)
        else:
            person[self._in] += data

    def by_name(self) -> dict[str, dict[str, Any]]:
        return {person["name"]: person for person in self.people}


def front_matter(path: Path) -> dict[str, Any]:
    """A sample's values, read with PyYAML itself: the expected people come from the files, not the engine."""
    text = path.read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text.split("---\n")[1])
    return data


def named_in(data: dict[str, Any]) -> list[str]:
    """The lead, the team and the phase owners, as a reader of the template would list them."""
    names = [data["lead"], *data["team"].values()]
    names += [phase["owner"] for phase in data["phases"].values() if "owner" in phase]
    return names


def with_limit(project: SiteProject, limit: str | None) -> None:
    """Set `extra: planbook: max_active_roles:` in the project's mkdocs.yml (None: leave `planbook` out)."""
    config = project.path / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text, count = re.subn(r"^extra:\n  planbook:\n    max_active_roles: .*\n", "", text, flags=re.M)
    assert count == 1, "mkdocs.yml has no extra.planbook.max_active_roles to replace"
    if limit is not None:
        text += f"\nextra:\n  planbook:\n    max_active_roles: {limit}\n"
    config.write_text(text, encoding="utf-8")


def northwind() -> dict[str, Any]:
    plan = load_plan(PROJECTS / "NORTHWIND-001.md")
    assert isinstance(plan, Plan)
    return copy.deepcopy(plan.data)


def plan_text(data: dict[str, Any]) -> str:
    return "---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True) + "---\n"


# -- the samples ----------------------------------------------------------------------------------


def test_the_people_page_lists_everyone_in_the_samples_with_their_plans(sample_site: tuple[SiteProject, Build]) -> None:
    _, build = sample_site
    expected: dict[str, set[str]] = {}
    for sample in SAMPLES:
        for name in named_in(front_matter(sample)):
            expected.setdefault(name, set()).add(sample.stem)
    people = PeoplePage(build.html("people/index.html")).by_name()
    assert set(people) == set(expected)
    for name, plans in expected.items():
        assert set(people[name]["plans"]) == plans, name
        assert people[name]["links"] == {plan: f"../projects/{plan}/" for plan in plans}, name
    for plan in {plan for plans in expected.values() for plan in plans}:
        assert (build.site / "projects" / plan / "index.html").exists()


def test_the_people_page_is_in_the_navigation(sample_site: tuple[SiteProject, Build]) -> None:
    _, build = sample_site
    html = build.html("index.html")
    nav = html[html.index('<nav class="md-nav md-nav--primary"') :]
    assert re.search(
        r'href="people/"[^>]*>\s*<span class="md-ellipsis">\s*People\s*</span>', nav[: nav.index("</nav>")]
    )


# -- the limit --------------------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [None, "2", "4", "5"])
def test_the_overload_mark_appears_exactly_when_active_roles_exceed_the_limit(
    site_project: SiteProject, limit: str | None
) -> None:
    site_project.add_samples()
    data = northwind()  # in development: the owner of discovery is done with it
    data["id"] = "BUSY-001"
    data["lead"] = data["team"]["lead"] = data["team"]["pm"] = "Ada Byron"
    data["phases"]["testing"]["owner"] = data["phases"]["deployment"]["owner"] = "ada  BYRON"
    data["phases"]["discovery"]["owner"] = "Ada Byron"
    site_project.add_plan("BUSY-001", plan_text(data))
    with_limit(site_project, limit)
    site_project.commit("A plan whose lead holds four active roles (lead and lead engineer are one)")
    build = site_project.build()
    assert build.ok, build.output
    page = build.html("people/index.html")
    people = PeoplePage(page).people
    shown_limit = 3 if limit is None else int(limit)
    ada = PeoplePage(page).by_name()["Ada Byron"]
    assert ada["count"].strip() == "4 active roles of 6"
    for person in people:
        active = int(person["count"].split()[0])
        assert bool(person["overloaded"]) == (active > shown_limit), person["name"]
        if person["overloaded"]:
            assert f"more than {shown_limit} active role" in person["overloaded"]  # in words, not only colour
    overloaded = [person["name"] for person in people if person["overloaded"]]
    summary = re.search(r'<p class="pb-people-summary">(.*?)</p>', page, re.S)
    assert summary is not None
    if overloaded:
        assert f"{len(overloaded)} hold" in summary.group(1)
        assert all(html.escape(name) in summary.group(1) for name in overloaded)
    else:
        assert "Nobody holds more than" in summary.group(1)


@pytest.mark.parametrize("value", ["0", "-2", "true", '"3"', "3.5", "[3]", "{n: 3}", "three", "null", "'\\e[31m'"])
def test_a_bad_limit_fails_the_strict_build_naming_mkdocs_yml(site_project: SiteProject, value: str) -> None:
    site_project.add_samples()
    with_limit(site_project, value)
    site_project.commit("A bad limit")
    build = site_project.build()
    assert not build.ok
    config = (site_project.path / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    line = len(config)  # with_limit puts the setting on the last line, after four spaces
    assert f"mkdocs.yml:{line}:23: extra.planbook.max_active_roles must be a whole number of at least 1" in build.output
    assert "Traceback" not in build.output and "\x1b[31m" not in build.output


def test_planbook_settings_that_are_not_a_mapping_fail_the_build(site_project: SiteProject) -> None:
    site_project.add_samples()
    with_limit(site_project, None)
    (site_project.path / "mkdocs.yml").write_text(
        (site_project.path / "mkdocs.yml").read_text(encoding="utf-8") + "\nextra:\n  planbook: 5\n", encoding="utf-8"
    )
    site_project.commit("Settings that are not a mapping")
    build = site_project.build()
    assert not build.ok and "Traceback" not in build.output
    line = len((site_project.path / "mkdocs.yml").read_text(encoding="utf-8").splitlines())
    assert f"mkdocs.yml:{line}:13: extra.planbook must be a mapping" in build.output


# -- hostile names --------------------------------------------------------------------------------

HOSTILE_NAMES = {
    "lead": "<img src=x onerror=alert(1)>",
    "pm": "<script>alert('pm')</script>",
    "developer": "{{ 7*7 }} {% raw %}",
    "qa": 'Zoë "Q" O\'Neil & <b>co</b>',
}


def test_hostile_names_show_as_text_and_run_nothing(site_project: SiteProject) -> None:
    site_project.add_samples()
    data = northwind()
    data["id"] = "HOSTILE-001"
    data["lead"] = HOSTILE_NAMES["lead"]
    for role in ("pm", "developer", "qa"):
        data["team"][role] = HOSTILE_NAMES[role]
    data["phases"]["testing"]["owner"] = "Tab\x1b[31mRed\x1b]0;owned\x07"
    site_project.add_plan("HOSTILE-001", plan_text(data))
    site_project.commit("A plan naming people with markup, template syntax and terminal escapes")
    build = site_project.build()
    assert build.ok, build.output
    page = build.html("people/index.html")
    article = page[page.index("<article") : page.index("</article>")]
    assert live_markup(article) == []
    people = PeoplePage(page).by_name()
    for name in HOSTILE_NAMES.values():
        assert name in people, name
        assert people[name]["tags"] <= {"p", "strong", "span", "ul", "li", "a"}
        assert people[name]["links"] == {"HOSTILE-001": "../projects/HOSTILE-001/"}
    assert "Tab\ufffd[31mRed\ufffd]0;owned\ufffd" in people  # control characters shown, never sent raw
    assert "\x1b" not in page and "49" not in "".join(people)


def corpus_names() -> list[str]:
    return [name for name in dict.fromkeys(blns_strings() + ssti_payloads()) if name.strip()]


def test_every_naughty_string_as_a_name_shows_as_text(tmp_path: Path) -> None:
    """The corpora, nine names a plan, through the engine's loaded portfolio and the page's HTML: each
    name that loads shows as its text (control characters as U+FFFD, spaces as HTML collapses them),
    unless it is empty or a stand-in (`is_empty`: punctuation only, TBD, a placeholder), which names nobody."""
    names = corpus_names()
    folder = tmp_path / "projects"
    folder.mkdir()
    fields = [
        ("lead",),
        *(("phases", phase, "owner") for phase in ("discovery", "development", "testing", "deployment")),
    ]
    fields += [("team", role) for role in ("pm", "lead", "developer", "qa")]  # the schema's order: first written first
    for start in range(0, len(names), len(fields)):
        data = northwind()
        data["id"] = f"NAUGHTY-{start:04d}"
        for path, name in zip(fields, names[start : start + len(fields)]):
            node = data
            for part in path[:-1]:
                node = node[part]
            node[path[-1]] = name
        (folder / f"{data['id']}.md").write_text(plan_text(data), encoding="utf-8")
    site = SiteBuild.begin(tmp_path)
    html = site.finish_html("people.md", site.people_list("people.md", lambda plan_id: f"../projects/{plan_id}/", 3))
    assert live_markup(html) == []
    shown = {person_key(name): " ".join(name.split()) for name in PeoplePage(html).by_name()}
    # The names as YAML gave them back (it folds some line breaks), from every plan that loaded, in order.
    listed = [
        value_at(result.plan.data, *path)
        for result in site.checked.results
        if result.plan is not None
        for path in fields
    ]
    assert len(listed) > len(names) // 2
    listed = [name for name in listed if not is_empty(name) and person_key(name)]  # a name nobody can see: nobody
    # One person per name as people read it (`null`, `NULL`), shown as first written.
    first_written = {person_key(name): " ".join(clean(name).split()) for name in reversed(listed)}
    assert shown == first_written
    assert len(shown) > len(names) // 2


# -- drafts -----------------------------------------------------------------------------------------


def test_drafts_never_break_the_page_and_placeholders_name_nobody(site_project: SiteProject) -> None:
    site_project.add_samples()
    site_project.add_plan("ACME-042", scaffold("ACME-042"))  # every field a placeholder
    site_project.add_plan("BAD-1", "---\nid: [\n---\n")  # does not load
    site_project.add_plan("ODD-2", '---\nid: "ODD-2"\nlead: [1, 2]\nteam: "all of us"\nphases: 7\n---\n')
    data = northwind()
    data["id"], data["lead"], data["status"] = "WIP-3", "Wendy Draft", "discovery"
    data["team"]["qa"] = "[QA_NAME]"
    site_project.add_plan("WIP-3", plan_text(data))
    site_project.add_plan("index", plan_text({**data, "id": "index", "lead": "Ivy Index"}))  # no page: PB110
    site_project.commit("Drafts of every kind")
    site = SiteBuild.begin(site_project.path)
    assert site.failing == 5
    held = site.people_list("people.md", lambda plan_id: f"../projects/{plan_id}/", 3)
    html = site.finish_html("people.md", held)
    people = PeoplePage(html).by_name()
    for sample in SAMPLES:
        for name in named_in(front_matter(sample)):
            assert sample.stem in people[name]["links"], name
    assert people["Wendy Draft"]["links"] == {"WIP-3": "../projects/WIP-3/"}  # a draft the preview publishes
    assert people["Ivy Index"]["links"] == {} and people["Ivy Index"]["plans"] == ["index"]
    assert not [name for name in people if "[" in name or name.isdigit()]
    assert TrustedHtml().hold("x") not in html


def test_a_rebuild_in_one_process_follows_an_edit_of_a_plans_people(tmp_path: Path) -> None:
    """The People page keeps each plan's roles while its file is unchanged (`mkdocs serve` rebuilds it
    on every edit); an edit is on the next build."""
    import datetime as dt
    import os

    from planbook.portfolio import load_portfolio
    from planbook.site.people_view import people_html

    projects = tmp_path / "projects"
    projects.mkdir()
    for sample in SAMPLES:
        (projects / sample.name).write_text(sample.read_text(encoding="utf-8"), encoding="utf-8")

    def page() -> str:
        folio = load_portfolio(projects, today=dt.date(2026, 12, 1))
        return people_html(folio, folio, lambda plan_id: f"../projects/{plan_id}/", 3)

    assert "Grace Whitfield" in page() and "Ada Lovelace" not in page()
    northwind = projects / "NORTHWIND-001.md"
    northwind.write_text(
        northwind.read_text(encoding="utf-8").replace('pm: "Grace Whitfield"', 'pm: "Ada Lovelace"'), "utf-8"
    )
    later = northwind.stat().st_mtime + 5
    os.utime(northwind, (later, later))
    assert "Ada Lovelace" in page() and "Grace Whitfield" not in page()
