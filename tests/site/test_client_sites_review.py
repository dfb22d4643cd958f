"""Client sites, attacked: one test for each way the adversarial review got a client's site to
show what it must not, or the deploy to fail (SECURITY.md, "The review of client sites").

Each builds real sites with `mkdocs build --strict` (or runs the deploy workflow's own step) in a
folder of its own, and reads every file written, as tests/site/test_client_sites.py does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import yaml
from test_client_sites import TODAY, site_texts

from conftest import PROJECTS, ROOT
from sitebuild import GIT_DATE, SiteProject, run_mkdocs

NORTHWIND = "Northwind Outfitters Ltd."


def _sample(plan_id: str) -> str:
    return (PROJECTS / f"{plan_id}.md").read_text(encoding="utf-8")


def _client_build(project: SiteProject, client: str | None, name: str, *args: str, command: str = "build", **kw):
    env = dict(TODAY, **({"PLANBOOK_CLIENT": client} if client is not None else {}))
    return run_mkdocs(project.path, command, *args, site=kw.pop("site", project.path.parent / name), env=env, **kw)


def _hits(site: Path, needles: list[str]) -> list[str]:
    return [f"{needle!r} in {path}" for path, text in site_texts(site).items() for needle in needles if needle in text]


# -- 1. The deploy workflow's matrix step ------------------------------------------------------------------


def _github_outputs(text: str) -> dict[str, str]:
    """$GITHUB_OUTPUT as the runner reads it: `name=value` lines and `name<<DELIMITER` blocks; any other
    line fails the step ("Unable to process file command 'output' successfully. Invalid format")."""
    outputs: dict[str, str] = {}
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, i + 1)
            outputs[name] = "\n".join(lines[i + 1 : end])
            i = end + 1
            continue
        assert "=" in line, f"invalid format {line!r}: the runner fails the step"
        name, value = line.split("=", 1)
        outputs[name] = value
        i += 1
    return outputs


def test_the_matrix_step_writes_outputs_the_runner_can_read(tmp_path):
    """The step's own script, run with bash: $GITHUB_OUTPUT gets one `matrix=` line of JSON and a count
    (the workflow-commands wrapper once put its markers there too, and the runner refused the file)."""
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8"))
    step = next(s for s in workflow["jobs"]["client-sites"]["steps"] if s.get("id") == "list")
    (tmp_path / ".github").mkdir()
    shutil.copy(ROOT / ".github" / "no-workflow-commands", tmp_path / ".github" / "no-workflow-commands")
    shutil.copytree(PROJECTS, tmp_path / "projects")
    shutil.copy(ROOT / "client-sites.yml", tmp_path / "client-sites.yml")
    shim = tmp_path / ".venv" / "bin" / "planbook"
    shim.parent.mkdir(parents=True)
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m planbook.cli "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    (tmp_path / "step.sh").write_text(step["run"], encoding="utf-8")
    output = tmp_path / "github_output"
    output.write_text("", encoding="utf-8")
    env = {**os.environ, "GITHUB_OUTPUT": str(output), "PYTHONPATH": str(ROOT), "RUNNER_TEMP": str(tmp_path)}
    done = subprocess.run(["bash", "-e", "step.sh"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    outputs = _github_outputs(output.read_text(encoding="utf-8"))
    assert yaml.safe_load(outputs["matrix"]) == {"include": [{"client": NORTHWIND, "target": "northwind"}]}
    assert outputs["count"] == "1"


# -- 2. gh-deploy --dirty ----------------------------------------------------------------------------------


def test_gh_deploy_dirty_never_publishes_the_internal_site_as_a_clients(tmp_path):
    """`gh-deploy --dirty` over the internal site's folder (without --strict, which stops on MkDocs'
    own dirty warning) must not push the internal site's pages as the client's site."""
    project = SiteProject(tmp_path / "project")
    project.add_samples()
    project.commit("Add the sample plans", date=GIT_DATE)
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    project.git("remote", "add", "origin", str(remote))
    site = project.path / "site"
    internal = _client_build(project, None, "", site=site)
    assert internal.ok, internal.output
    deploy = _client_build(
        project, NORTHWIND, "", "--dirty", "--no-history", command="gh-deploy", site=site, strict=False
    )
    published = subprocess.run(
        ["git", "--git-dir", str(remote), "ls-tree", "-r", "--name-only", "gh-pages"], capture_output=True, text=True
    ).stdout.split()
    leaked = [path for path in published if "BRIGHTLEAF" in path or "CASCADE" in path or path.startswith("people/")]
    assert not deploy.ok or leaked == []


# -- 3. A plan renamed from another client's -----------------------------------------------------------------


def test_what_changed_names_no_plan_id_of_another_client_after_a_rename(tmp_path):
    """A plan reused for another client (git mv BRIGHTLEAF-014.md NORTHWIND-002.md, id, name and client
    changed) is new to Northwind: not "renamed from projects/BRIGHTLEAF-014.md", nor its old risks."""
    project = SiteProject(tmp_path / "project")
    project.add_samples()
    project.commit("Add the sample plans", date="2026-01-05T10:00:00+00:00")  # before the window
    text = (
        _sample("BRIGHTLEAF-014")
        .replace('id: "BRIGHTLEAF-014"', 'id: "NORTHWIND-002"')
        .replace('name: "Brightleaf lifecycle email sync"', 'name: "Northwind newsletter sync"')
        .replace('client: "Brightleaf Learning"', f'client: "{NORTHWIND}"')
    )
    project.git("mv", "projects/BRIGHTLEAF-014.md", "projects/NORTHWIND-002.md")
    project.add_plan("NORTHWIND-002", text)
    project.commit("Reuse the lifecycle plan for Northwind", date="2026-03-05T10:00:00+00:00")
    build = _client_build(project, NORTHWIND, "site")
    assert build.ok, build.output
    assert "NORTHWIND-002" in build.html("changes/index.html")
    assert _hits(build.site, ["BRIGHTLEAF-014", "Brightleaf Learning"]) == []


# -- 4. Client names: a decomposed accent -------------------------------------------------------------------

MULLER_NFD = unicodedata.normalize("NFD", "Müller GmbH")  # as pasted from a macOS file name


def _muller_project(tmp_path: Path) -> SiteProject:
    """NORTHWIND-001 for Müller GmbH (its ü decomposed), CASCADE-007 for Muller GmbH: two clients."""
    project = SiteProject(tmp_path / "project")
    project.add_plan("NORTHWIND-001", _sample("NORTHWIND-001").replace(NORTHWIND, MULLER_NFD))
    project.add_plan("CASCADE-007", _sample("CASCADE-007").replace("Cascade Coffee Roasters", "Muller GmbH"))
    project.commit("Two clients", date=GIT_DATE)
    return project


def test_a_name_with_a_decomposed_accent_is_not_another_clients(tmp_path):
    """ "Müller" written with a combining U+0308 is still Müller: Muller GmbH's site never holds its plan."""
    project = _muller_project(tmp_path)
    build = _client_build(project, "Muller GmbH", "muller")
    assert build.ok, build.output
    assert (build.site / "projects" / "CASCADE-007").is_dir()
    assert not (build.site / "projects" / "NORTHWIND-001").exists()
    assert _hits(build.site, ["NORTHWIND-001", "Shopify and QuickBooks"]) == []


def test_a_client_named_in_composed_form_finds_its_decomposed_plans(tmp_path):
    """NFC and NFD are the same text to a reader, and the same client."""
    project = _muller_project(tmp_path)
    build = _client_build(project, unicodedata.normalize("NFC", "Müller GmbH"), "mueller")
    assert build.ok, build.output
    assert (build.site / "projects" / "NORTHWIND-001").is_dir()


# -- 5. The downloads and search engines ---------------------------------------------------------------------


def test_every_html_file_of_a_site_asks_not_to_be_indexed(tmp_path):
    """The downloads (projects/<ID>/<ID>.html) ask not to be indexed, as every page does."""
    project = SiteProject(tmp_path / "project")
    project.add_samples()
    project.commit("Add the sample plans", date=GIT_DATE)
    for client, name in ((None, "internal"), (NORTHWIND, "northwind")):
        build = _client_build(project, client, name)
        assert build.ok, build.output
        missing = [
            path.relative_to(build.site).as_posix()
            for path in sorted(build.site.rglob("*.html"))
            if 'name="robots" content="noindex' not in path.read_text(encoding="utf-8")
        ]
        assert missing == [], name


# -- 6. docs/assets/clients/ is every client's -----------------------------------------------------------------


def test_files_for_clients_of_another_client_stay_off_a_clients_site(tmp_path):
    """A folder of clients' logos under docs/ is not shared by every client's site."""
    project = SiteProject(tmp_path / "project")
    (project.path / "docs").unlink()
    shutil.copytree(ROOT / "docs", project.path / "docs")
    project.write(".gitignore", "/site/\n/hooks\n/macros\n")
    logo = '<svg xmlns="http://www.w3.org/2000/svg"><title>{}</title></svg>'
    project.write("docs/assets/clients/brightleaf-learning-logo.svg", logo.format("Brightleaf Learning"))
    project.write("docs/assets/clients/northwind-logo.svg", logo.format(NORTHWIND))
    project.add_samples()
    project.commit("Add the sample plans and the clients' logos", date=GIT_DATE)
    build = _client_build(project, NORTHWIND, "site")
    assert build.ok, build.output
    assert _hits(build.site, ["Brightleaf", "brightleaf"]) == []


# -- 7. Internal markers outside the notes ------------------------------------------------------------------


def test_internal_markers_outside_the_notes_hide_the_text_or_fail_the_build(tmp_path):
    """`<!-- internal -->` … `<!-- /internal -->` in a field (time_savings here) hides nothing, so check
    refuses it (PB401) and no site is built with the text in it."""
    project = SiteProject(tmp_path / "project")
    project.add_samples()
    text = _sample("NORTHWIND-001").replace(
        'time_savings: "about 12 hours a week of manual entry and reconciliation"',
        'time_savings: "about 12 hours a week <!-- internal --> we bill 40 hours MARKERSECRET <!-- /internal -->"',
    )
    project.add_plan("NORTHWIND-001", text)
    project.commit("Add the plans", date=GIT_DATE)
    build = _client_build(project, NORTHWIND, "site")
    assert not build.ok or _hits(build.site, ["MARKERSECRET"]) == []
