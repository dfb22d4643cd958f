"""The preview's drafts: `mkdocs serve` shows a plan that has findings, with its findings on top and
its placeholders marked, and never stops serving on a plan's content; a strict build still fails."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from test_live import fetch, free_port, rename, wait_for

from planbook.check import CheckResult
from planbook.findings import Finding
from planbook.scaffold import scaffold
from planbook.site.drafts import findings_banner, mark_placeholders

from sitebuild import SiteProject, site_project  # noqa: F401 - fixtures


def test_the_banner_escapes_what_a_finding_quotes_and_the_edit_address() -> None:
    result = CheckResult(
        "projects/X-1.md",
        [Finding("projects/X-1.md", 3, 8, "PB105", '`name`: <img src=x onerror="alert(1)"> is not a string')],
    )
    banner = findings_banner(result, 'projects/<b>"X-1.md', 'https://example.com/edit?a="><script>')
    assert "<img" not in banner and "<script>" not in banner and "<b>" not in banner
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in banner
    assert 'href="https://example.com/edit?a=&quot;&gt;&lt;script&gt;"' in banner
    assert "Draft: 1 error." in banner and "<strong>PB105</strong>" in banner


def test_placeholders_are_marked_in_text_and_nowhere_else() -> None:
    html = '<p title="[CLIENT_NAME]">For [CLIENT_NAME] and <a href="#[X]">[SYSTEM_A]</a>, not [lower] or [1]</p>'
    assert mark_placeholders(html) == (
        '<p title="[CLIENT_NAME]">For <mark class="pb-placeholder">[CLIENT_NAME]</mark> and '
        '<a href="#[X]"><mark class="pb-placeholder">[SYSTEM_A]</mark></a>, not [lower] or [1]</p>'
    )
    # A tag is read whole, even where a quoted attribute holds `>` and `<`.
    hostile = '<a title="x>[AB]<y" href="#z">ok</a>'
    assert mark_placeholders(hostile) == hostile
    # Code is not read for placeholders by check, so it is not marked either.
    code = "<p><code>[NOT_A_LEFTOVER]</code> [LEFT]</p><pre><code>[ALSO_CODE]\n</code></pre>"
    assert mark_placeholders(code) == (
        '<p><code>[NOT_A_LEFTOVER]</code> <mark class="pb-placeholder">[LEFT]</mark></p>'
        "<pre><code>[ALSO_CODE]\n</code></pre>"
    )


def test_serve_previews_drafts_and_keeps_serving_while_a_strict_build_fails(site_project: SiteProject) -> None:
    site_project.add_samples()
    site_project.add_plan("ACME-042", scaffold("ACME-042"))
    site_project.add_plan("BAD-1", '---\nid: "BAD-1"\nname: Phase 2: go-live\n---\n')
    # What the review of the preview tried: a file name that is markup, an `id` that names no file,
    # notes over PB109's bounds, a link to a device, and (below, as git keeps none) a FIFO.
    site_project.add_plan("<img src=x onerror=alert(1)>", "---\nid: [\n---\n")
    northwind = (site_project.path / "projects" / "NORTHWIND-001.md").read_text(encoding="utf-8")
    site_project.add_plan("NEW-002", northwind.replace('id: "NORTHWIND-001"', 'id: "OTHER-9"'))
    site_project.add_plan("BIG-1", northwind.replace('id: "NORTHWIND-001"', 'id: "BIG-1"') + "\n" + "[x " * 30_000)
    (site_project.path / "projects" / "Z-1.md").symlink_to("/dev/zero")
    site_project.commit("The samples, a fresh scaffold, and drafts a careless or hostile author could write")
    os.mkfifo(site_project.path / "projects" / "F-1.md")
    port = free_port()
    log = (site_project.path / "serve.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "serve",
            "--strict",
            "-a",
            f"127.0.0.1:{port}",
        ],  # strict: a draft warns of nothing
        cwd=site_project.path,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(f"{base}/", "draft · 5", time.monotonic() + 60), "the home page never came up"
        home = fetch(f"{base}/") or ""
        assert "ACME-042" in home and "draft · 1 finding<" in home
        draft = fetch(f"{base}/projects/ACME-042/") or ""
        assert "Draft: " in draft and draft.count("<strong>PB201</strong>") >= 40
        assert "projects/ACME-042.md:10:8</a></code> <strong>PB201</strong>" in draft
        assert '<mark class="pb-placeholder">[CLIENT_NAME]</mark>' in draft
        unreadable = fetch(f"{base}/projects/BAD-1/") or ""
        assert "<strong>PB006</strong>" in unreadable and "quote a value that holds" in unreadable
        passing = fetch(f"{base}/projects/NORTHWIND-001/") or ""
        assert "pb-draft-banner" not in passing and "pb-placeholder" not in passing
        assert "<img src=x" not in home and "onerror=alert" not in home  # that file gets no page and no row
        assert 'href="projects/NEW-002/"' in home  # a draft's row links to its file's page, whatever its id
        assert "<strong>PB106</strong>" in (fetch(f"{base}/projects/NEW-002/") or "")
        big = fetch(f"{base}/projects/BIG-1/") or ""
        assert "<strong>PB109</strong>" in big and "[x [x" not in big  # its notes are not rendered

        # An edit that adds a finding, then one that fixes it: the preview follows both.
        plan = site_project.path / "projects" / "NORTHWIND-001.md"
        rename(plan, 'lead: "Priya Raman"', 'lead: "[LEAD_ENGINEER]"')
        assert wait_for(f"{base}/projects/NORTHWIND-001/", "Draft: 1 error.", time.monotonic() + 60)
        rename(plan, 'lead: "[LEAD_ENGINEER]"', 'lead: "Priya Raman"')
        deadline = time.monotonic() + 60
        while "pb-draft-banner" in (fetch(f"{base}/projects/NORTHWIND-001/") or "pb-draft-banner"):
            assert time.monotonic() < deadline, "the fixed plan stayed a draft"
            time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()

    build = site_project.build()
    assert not build.ok and "Traceback" not in build.output
    assert "projects/ACME-042.md:10:8: PB201 placeholder [PROJECT_NAME] is left unfilled" in build.output
    assert "projects/BAD-1.md:3:14: PB006" in build.output
    assert "projects/NEW-002.md" in build.output and "PB106" in build.output
