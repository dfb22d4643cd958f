"""Client sites (`PLANBOOK_CLIENT`): each client sees its own plans and nothing else, anywhere in the site.

The leak test builds every sample client's site with real `mkdocs build --strict`, then reads every file
it wrote (pages, the search index, the sitemap, the downloads, gzip opened, entities and JSON escapes
undone) for every other client's name, plan ID, plan name and systems, and for every internal value.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from planbook.export.batch import PDF_DOWNLOADS_ENV

from conftest import PROJECTS
from sitebuild import GIT_DATE, Build, SiteProject, require_browser, run_mkdocs

#: A day within a month of GIT_DATE: the What changed page lists every plan as new.
TODAY = {"PLANBOOK_TODAY": "2026-03-10", "PLANBOOK_SITE_URL": "https://plans.example.test/"}


def _front(plan_id: str) -> dict:
    text = (PROJECTS / f"{plan_id}.md").read_text(encoding="utf-8")
    return yaml.safe_load(text.split("\n---", 1)[0].removeprefix("---\n"))


SAMPLES = {path.stem: _front(path.stem) for path in sorted(PROJECTS.glob("*.md"))}


def internal_values(plan_id: str) -> dict[str, str]:
    """Canaries for every kind of internal content a plan can hold, unique to the plan."""
    tag = plan_id.replace("-", "")
    return {
        "day_rate": f"£1,2{len(tag)}4 per day DAYRATE{tag}",
        "budget": f"£34,000 fixed BUDGET{tag}",
        "notes": f"Margin is thin; staffing MARGIN{tag}",
        "block": f"Relationship note RELATIONSHIP{tag}",
    }


def with_internal_content(plan_id: str) -> str:
    """The sample plan with an `internal:` mapping and an internal block in its notes."""
    text = (PROJECTS / f"{plan_id}.md").read_text(encoding="utf-8")
    values = internal_values(plan_id)
    front, body = text.split("\n---\n", 1)
    internal = (
        f'internal:\n  day_rate: "{values["day_rate"]}"\n  budget: "{values["budget"]}"\n  notes: "{values["notes"]}"\n'
    )
    return f"{front}\n{internal}---\n{body}\n<!-- internal -->\n{values['block']}\n<!-- /internal -->\n"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> SiteProject:
    project = SiteProject(tmp_path_factory.mktemp("clients") / "project")
    for plan_id in SAMPLES:
        project.add_plan(plan_id, with_internal_content(plan_id))
    project.commit("Add the plans, with internal content", date=GIT_DATE)
    return project


_builds: dict[str, Build] = {}


def build_for(project: SiteProject, client: str | None) -> Build:
    """The site of `client` (None: the internal site), built once for the module."""
    key = client or ""
    if key not in _builds:
        env = dict(TODAY, **({"PLANBOOK_CLIENT": client} if client is not None else {}))
        _builds[key] = run_mkdocs(project.path, "build", site=project.path.parent / f"site-{len(_builds)}", env=env)
    return _builds[key]


def site_texts(site: Path) -> dict[str, str]:
    """Every file of the site as text a reader or a search engine gets from it, by its path."""
    texts = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        if path.suffix == ".pdf" and shutil.which("pdftotext"):
            raw = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
        text = raw.decode("utf-8", "replace")
        forms = [path.relative_to(site).as_posix(), text, html.unescape(text)]
        if path.suffix == ".json":
            forms.append(json.dumps(json.loads(text), ensure_ascii=False))
        texts[path.relative_to(site).as_posix()] = "\n".join(forms)
    return texts


def forbidden_for(plan_id: str) -> list[str]:
    """What the site of `plan_id`'s client must not hold: every other plan's ID, name and client, the
    systems only other clients use, and every plan's internal values, its own included."""
    own = SAMPLES[plan_id]
    own_systems = {own["system_a"], own["system_b"]}
    needles = []
    for other_id, other in SAMPLES.items():
        needles += list(internal_values(other_id).values())
        if other_id == plan_id:
            continue
        needles += [other_id, other["name"], other["client"]]
        needles += [system for system in (other["system_a"], other["system_b"]) if system not in own_systems]
    return needles


@pytest.mark.parametrize("plan_id", sorted(SAMPLES))
def test_a_client_site_holds_the_clients_plans_and_nothing_else(project, plan_id):
    client = SAMPLES[plan_id]["client"]
    build = build_for(project, client)
    assert build.ok, build.output
    texts = site_texts(build.site)
    hits = [
        f"{needle!r} in {path}" for needle in forbidden_for(plan_id) for path, text in texts.items() if needle in text
    ]
    assert hits == []
    page = build.plan_page(plan_id)
    assert SAMPLES[plan_id]["name"] in html.unescape(page)
    assert f"{plan_id}.html" in page  # its download
    assert (build.site / "projects" / plan_id / f"{plan_id}.html").is_file()
    # The search index still finds the plan, and only pages for clients are in it.
    index = json.loads((build.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert f"projects/{plan_id}/" in locations
    documents = {f"projects/{plan_id}/sow/", f"projects/{plan_id}/technical-specs/"}  # its SOW and specs
    assert locations <= {f"projects/{plan_id}/", *documents, "changes/", ""}
    assert any(client in doc["text"] for doc in index["docs"] if doc["location"].startswith(f"projects/{plan_id}/"))
    # The sitemap names the client's pages and no other.
    sitemap = (build.site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"projects/{plan_id}/" in sitemap and "people/" not in sitemap and "guide/" not in sitemap
    # What changed lists the client's plan, new in the window.
    assert plan_id in build.html("changes/index.html")
    # No team page, no repository link, no edit button, no internal banner; still not for search engines.
    for team_page in ("people", "guide", "architecture", "reference"):
        assert not (build.site / team_page).exists()
    assert not (build.site / "assets" / "images" / "guide").exists()
    home = build.html("index.html")
    assert 'class="md-source"' not in home and "md-content__button" not in page
    assert "Internal site" not in home and "Internal site" not in page and "md-banner" not in home
    assert '<meta name="robots" content="noindex, nofollow">' in home


def test_the_internal_site_shows_every_plan_and_its_internal_content_and_says_so(project):
    build = build_for(project, None)
    assert build.ok, build.output
    texts = site_texts(build.site)
    everything = "\n".join(texts.values())
    for plan_id, plan in SAMPLES.items():  # the canaries are real: the leak test above can fail
        assert plan["client"] in everything
        for value in internal_values(plan_id).values():
            assert value in html.unescape(build.plan_page(plan_id))
        assert plan_id in build.html("changes/index.html")
    for page in ("index.html", "people/index.html", "guide/index.html", f"projects/{next(iter(SAMPLES))}/index.html"):
        text = build.html(page)
        assert '<meta name="robots" content="noindex, nofollow">' in text
        assert re.search(r'<p class="pb-internal-site"><strong>Internal site</strong>', text), page


def test_a_client_no_plan_names_gets_an_error_and_no_site(project):
    for client, said in (
        ("Nobody Ltd", "names no client of the plans"),
        ("Northwind Outfitters Ltd", "did you mean 'Northwind Outfitters Ltd.'"),  # the full stop counts
        ("   ", "is set but names no client"),
    ):
        site = project.path.parent / "no-site"
        build = run_mkdocs(project.path, "build", site=site, env=dict(TODAY, PLANBOOK_CLIENT=client))
        assert not build.ok
        assert said in build.output, build.output
        assert not site.exists()


def test_a_client_is_named_as_people_read_its_name(project):
    env = dict(TODAY, PLANBOOK_CLIENT="  northwind   OUTFITTERS ltd.\u200b")
    build = run_mkdocs(project.path, "build", site=project.path.parent / "read", env=env)
    assert build.ok, build.output
    assert (build.site / "projects" / "NORTHWIND-001" / "index.html").is_file()
    assert not (build.site / "projects" / "CASCADE-007").exists()


def test_a_client_site_is_never_built_over_an_old_one(project):
    site = project.path.parent / "dirty"
    internal = run_mkdocs(project.path, "build", site=site, env=TODAY)
    assert internal.ok, internal.output
    dirty = run_mkdocs(
        project.path, "build", "--dirty", site=site, env=dict(TODAY, PLANBOOK_CLIENT="Brightleaf Learning")
    )
    assert not dirty.ok and "a client's site is built clean: drop --dirty" in dirty.output


@pytest.mark.browser
def test_a_client_sites_pdf_downloads_hold_nothing_else(project):
    """The deploy prints each plan as a PDF too (PLANBOOK_PDF_DOWNLOADS=1): read as text, a client's
    PDF holds its plan and nothing of anyone else's, nor any internal value."""
    require_browser()
    env = dict(TODAY, PLANBOOK_CLIENT=SAMPLES["CASCADE-007"]["client"], **{PDF_DOWNLOADS_ENV: "1"})
    build = run_mkdocs(project.path, "build", site=project.path.parent / "pdf", env=env)
    assert build.ok, build.output
    pdf = build.site / "projects" / "CASCADE-007" / "CASCADE-007.pdf"
    texts = site_texts(build.site)
    assert SAMPLES["CASCADE-007"]["client"] in texts["projects/CASCADE-007/CASCADE-007.pdf"], pdf
    hits = [
        f"{needle!r} in {path}"
        for needle in forbidden_for("CASCADE-007")
        for path, text in texts.items()
        if needle in text
    ]
    assert hits == []


def test_a_client_site_built_after_the_internal_one_takes_nothing_from_its_build_cache(project):
    """The build cache (.cache/planbook/) keeps the internal site's pages; a client's build in the same
    checkout right after must make its own, with no internal value in them."""
    internal = run_mkdocs(project.path, "build", site=project.path.parent / "cache-internal", env=TODAY)
    assert internal.ok, internal.output
    assert internal_values("NORTHWIND-001")["day_rate"] in html.unescape(internal.plan_page("NORTHWIND-001"))
    client = SAMPLES["NORTHWIND-001"]["client"]
    env = dict(TODAY, PLANBOOK_CLIENT=client)
    build = run_mkdocs(project.path, "build", site=project.path.parent / "cache-client", env=env)
    assert build.ok, build.output
    texts = site_texts(build.site)
    hits = [f"{n!r} in {p}" for n in forbidden_for("NORTHWIND-001") for p, text in texts.items() if n in text]
    assert hits == []
