"""The companion documents on the site, in real `mkdocs build --strict` runs: a page for each under its
plan, linked from the plan's reference lines, the data mapping as a table on the plan page, internal
terms kept from a client's site, hostile text cleaned, and a dirty build that follows a changed mapping."""

from __future__ import annotations

import re
import shutil

import pytest

from conftest import PROJECTS, SAMPLES, shared_path, ssti_payloads
from sitebuild import GIT_DATE, SiteProject, run_mkdocs, sample_site, site_project  # noqa: F401 - fixtures

NORTHWIND = "NORTHWIND-001"
TODAY = {"PLANBOOK_TODAY": "2026-10-19"}


def table_rows(html: str, caption_text: str) -> list[str]:
    """The body rows of the first table after `caption_text`."""
    after = html.split(caption_text, 1)[1]
    body = after.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


@pytest.mark.parametrize("sample", [path.stem for path in SAMPLES])
def test_each_samples_documents_are_published_under_it_and_linked(sample_site, sample: str) -> None:  # noqa: F811
    _, build = sample_site
    plan = build.plan_page(sample)
    for slug, title in (("sow", "Statement of work"), ("technical-specs", "Technical specs")):
        assert f'<a href="{slug}/">{sample}-{slug}.md</a>' in plan
        page = build.html(f"projects/{sample}/{slug}/index.html")
        assert re.search(rf"<h1 [^>]*>{sample}: {title}<", page)
        assert f'Part of the plan <a href="../">{sample}</a>' in page
        assert f"<title>{sample}: {title}" in page


@pytest.mark.parametrize("sample", [path.stem for path in SAMPLES])
def test_the_plan_page_shows_the_data_mapping_as_a_table(sample_site, sample: str) -> None:  # noqa: F811
    _, build = sample_site
    specs = (PROJECTS / sample / f"{sample}-technical-specs.md").read_text(encoding="utf-8")
    rows = table_rows(build.plan_page(sample), "(from the Technical Specs)")
    assert len(rows) == specs.count("  - source_object:") >= 4
    first_source = re.search(r"- source_object: (.+)\n\s+source_field: (.+)\n", specs)
    assert first_source is not None
    assert f"<td>{first_source.group(1).strip()}.{first_source.group(2).strip()}</td>" in rows[0]


def test_the_sow_page_traces_each_criterion_to_the_plan(sample_site) -> None:  # noqa: F811
    _, build = sample_site
    rows = table_rows(build.html(f"projects/{NORTHWIND}/sow/index.html"), "Acceptance criteria<")
    assert [("Yes, a success criterion" in row, "Waived:" in row) for row in rows] == [
        (True, False),
        (True, False),
        (False, True),
    ]


def copy_northwind(project: SiteProject) -> None:
    project.add_plan(NORTHWIND, (PROJECTS / f"{NORTHWIND}.md").read_text(encoding="utf-8"), companions=False)
    shutil.copytree(PROJECTS / NORTHWIND, project.path / "projects" / NORTHWIND)


def test_a_clients_site_shows_the_sow_without_its_internal_terms(site_project) -> None:  # noqa: F811
    copy_northwind(site_project)
    site_project.commit("Northwind", date=GIT_DATE)
    internal = run_mkdocs(site_project.path, "build", site=site_project.path / "internal-site", env=TODAY)
    client = run_mkdocs(
        site_project.path,
        "build",
        site=site_project.path / "client-site",
        env={**TODAY, "PLANBOOK_CLIENT": "Northwind Outfitters Ltd."},
    )
    assert internal.ok and client.ok, internal.output + client.output
    assert "£18,400" in internal.html(f"projects/{NORTHWIND}/sow/index.html")
    page = client.html(f"projects/{NORTHWIND}/sow/index.html")
    assert "Acceptance criteria" in page and "£18,400" not in page and "Commercial Terms" not in page


def test_hostile_text_in_a_companion_is_cleaned_and_never_run_as_a_template(site_project) -> None:  # noqa: F811
    copy_northwind(site_project)
    payloads = ssti_payloads()
    shared_path("corpora/ssti/ssti.fuzz")
    sow = site_project.path / "projects" / NORTHWIND / f"{NORTHWIND}-sow.md"
    hostile = (
        '\n<script>alert(1)</script>\n\n<div id="__config">x</div>\n\n'
        '<a href="javascript:alert(1)">click</a>\n\n' + "```text\n" + "\n".join(payloads) + "\n```\n"
    )
    sow.write_text(sow.read_text(encoding="utf-8") + hostile, encoding="utf-8")
    specs = site_project.path / "projects" / NORTHWIND / f"{NORTHWIND}-technical-specs.md"
    text = specs.read_text(encoding="utf-8")
    specs.write_text(
        text.replace(
            "notes: QuickBooks allows 21 characters", "notes: '<img src=x onerror=alert(1)> {{ 7*7 }} | pipe'"
        ),
        encoding="utf-8",
    )
    site_project.commit("Hostile", date=GIT_DATE)
    build = site_project.build(env=TODAY)
    assert build.ok, build.output
    page = build.html(f"projects/{NORTHWIND}/sow/index.html")
    content = page.split('<article class="md-content__inner', 1)[1].split("</article>", 1)[0]
    assert "<script>alert" not in content and 'id="__config"' not in content and "javascript:" not in content
    assert "{{7*7}}" in content or "{{ 7*7 }}" in content.replace("&#123;", "{")
    plan = build.plan_page(NORTHWIND)
    assert "<img src=x" not in plan and "&lt;img src=x onerror=alert(1)&gt;" in plan
    row = next(row for row in table_rows(plan, "(from the Technical Specs)") if "DocNumber" in row)
    assert row.count("<td") == 5 and "| pipe" in row


def test_a_strict_build_fails_on_a_duplicate_target_with_its_line(site_project) -> None:  # noqa: F811
    copy_northwind(site_project)
    specs = site_project.path / "projects" / NORTHWIND / f"{NORTHWIND}-technical-specs.md"
    specs.write_text(
        specs.read_text(encoding="utf-8").replace("target_field: TxnDate", "target_field: DocNumber"), encoding="utf-8"
    )
    site_project.commit("Duplicate", date=GIT_DATE)
    build = site_project.build(env=TODAY)
    assert not build.ok
    assert re.search(rf"projects/{NORTHWIND}/{NORTHWIND}-technical-specs\.md:\d+:\d+: PB604", build.output), (
        build.output
    )


def test_a_dirty_build_follows_a_changed_mapping_onto_the_plan_page(site_project) -> None:  # noqa: F811
    copy_northwind(site_project)
    site_project.commit("Northwind", date=GIT_DATE)
    site = site_project.path / "dirty-site"
    first = run_mkdocs(site_project.path, "build", "--dirty", site=site, env=TODAY, strict=False)
    assert first.ok, first.output  # not strict: MkDocs warns of every dirty build
    specs = site_project.path / "projects" / NORTHWIND / f"{NORTHWIND}-technical-specs.md"
    specs.write_text(specs.read_text(encoding="utf-8").replace("TxnDate", "TransactionDateRenamed"), encoding="utf-8")
    second = run_mkdocs(site_project.path, "build", "--dirty", site=site, env=TODAY, strict=False)
    assert second.ok, second.output
    assert "TransactionDateRenamed" in second.plan_page(NORTHWIND)
    assert "TransactionDateRenamed" in second.html(f"projects/{NORTHWIND}/technical-specs/index.html")


def test_a_page_of_docs_where_a_documents_page_goes_stops_the_build(site_project) -> None:  # noqa: F811
    copy_northwind(site_project)
    site_project.commit("Northwind", date=GIT_DATE)
    docs = site_project.path / "own-docs"
    shutil.copytree(site_project.path / "docs", docs, symlinks=False)
    (docs / "projects" / NORTHWIND / "sow").mkdir(parents=True)
    (docs / "projects" / NORTHWIND / "sow" / "index.md").write_text("# Mine\n", encoding="utf-8")
    (site_project.path / "docs").unlink()
    (site_project.path / "docs").symlink_to(docs, target_is_directory=True)
    build = site_project.build(env=TODAY)
    assert not build.ok
    assert f"docs/projects/{NORTHWIND}/sow/index.md would take the place of the page of" in build.output, build.output


def test_a_dirty_build_remakes_a_documents_page_when_its_plan_changes(site_project) -> None:  # noqa: F811
    copy_northwind(site_project)
    site_project.commit("Northwind", date=GIT_DATE)
    site = site_project.path / "dirty-site"
    assert run_mkdocs(site_project.path, "build", "--dirty", site=site, env=TODAY, strict=False).ok
    plan = site_project.path / "projects" / f"{NORTHWIND}.md"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace('system_a: "Shopify"', 'system_a: "ShopifyRenamed"'), encoding="utf-8"
    )
    second = run_mkdocs(site_project.path, "build", "--dirty", site=site, env=TODAY, strict=False)
    assert second.ok, second.output
    assert "ShopifyRenamed field" in second.html(f"projects/{NORTHWIND}/technical-specs/index.html")
