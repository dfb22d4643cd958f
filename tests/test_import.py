"""`planbook import` on real documents: every sample rendered and read back, the seed as people receive
it, a folder imported at once, a template changed under it, and documents written to hurt."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from test_upgrade import repo  # noqa: F401 - the samples under a version-2 template

from planbook import schema
from planbook.cli import main
from planbook.importer import DocumentError, import_document, plan_text
from planbook.loader import Plan, load_plan
from planbook.render import render_plan

from conftest import PROJECTS, ROOT, SAMPLES, GitRepo, blns_strings, shared_path, ssti_payloads

REPORT_LINE = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+): (?P<message>.+)$")


def rendered(plan: Plan) -> str:
    """The plan as a person would have it: the template filled in, its internal facts too."""
    return render_plan(plan, flavor="markdown", internal=True)


def planbook_program(*args: str) -> subprocess.CompletedProcess[str]:
    """`planbook` run as its own process, as a person runs it. The timeout only says "hung"."""
    command = [str(Path(sys.executable).parent / "planbook"), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False, timeout=600)


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: path.stem)
def test_a_rendered_sample_imports_to_the_same_front_matter_and_notes(sample: Path) -> None:
    plan = load_plan(sample)
    assert isinstance(plan, Plan)
    plan_id, imported = import_document(rendered(plan))
    assert plan_id == plan.id
    assert imported.data == plan.data
    assert imported.notes.strip() == plan.notes.strip()
    assert imported.problems == [] and imported.unfilled == []
    written = load_plan(
        f"{plan_id}.md", text=plan_text(imported.data, imported.notes, plan_id=plan_id, source="x", path="")
    )
    assert isinstance(written, Plan) and written.data == plan.data


def test_the_samples_round_trip_through_the_commands(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    """render → a Markdown file → import into an empty repository → check passes, and the values are the
    samples' own."""
    monkeypatch.chdir(git_repo.path)
    (git_repo.path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    assert run("init")[0] == 0
    documents = git_repo.path / "from-clients"
    documents.mkdir()
    for sample in SAMPLES:
        code, out, _ = run("render", str(sample))
        assert code == 0
        (documents / f"{sample.stem.lower()} plan.md").write_text(out, encoding="utf-8")
    code, out, err = run("import", str(documents))
    assert code == 0, err
    assert out.splitlines()[-1].startswith(f"imported {len(SAMPLES)} of {len(SAMPLES)} documents: ")
    assert ", 0 lines reported" in out.splitlines()[-1]
    for sample in SAMPLES:
        imported = load_plan(git_repo.path / "projects" / sample.name)
        original = load_plan(sample)
        assert isinstance(imported, Plan) and isinstance(original, Plan)
        assert imported.data == original.data
    for sample in SAMPLES:  # the plans' own SOW and technical specs, which import does not make
        shutil.copytree(sample.with_suffix(""), git_repo.path / "projects" / sample.stem)
    assert run("check")[0] == 0
    assert run("upgrade", "--check")[0] == 0


def test_the_seed_as_received_imports_with_its_placeholders_for_check_to_list(
    git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(git_repo.path)
    (git_repo.path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    seed = shared_path("seed/implementation-plan.template.md")
    code, out, err = run("import", str(seed), "--id", "SEED-001")
    assert code == 0, err
    assert "0 lines reported" in out
    plan = load_plan(git_repo.path / "projects" / "SEED-001.md")
    assert isinstance(plan, Plan)
    # All three conditional blocks and the migration block are kept in the seed.
    assert plan.data["types"] == list(schema.INTEGRATION_TYPES)
    assert plan.data["migration"] == {"scope": "[MIGRATION_SCOPE]", "strategy": "[MIGRATION_STRATEGY]"}
    code, out, _ = run("check", "projects/SEED-001.md")
    assert code == 1
    listed = set(re.findall(r"PB201 placeholder \[([A-Z0-9_]+)\]", out))
    # The ID is given; the integration types are the blocks the seed keeps, all three.
    in_seed = set(re.findall(r"\[([A-Z][A-Z0-9_]+)\]", seed.read_text(encoding="utf-8"))) - {
        "PROJECT_ID",
        "INTEGRATION_TYPE",
    }
    assert in_seed <= listed, in_seed - listed


def test_a_changed_template_is_read_as_it_now_is(repo: GitRepo) -> None:  # noqa: F811 - the fixture
    """Under version 2 (a Phase 2 task, a renamed field, a split field, a new section), the upgraded
    samples render and import back to themselves: import reads the repository's template, not ours."""
    assert main(["upgrade"]) == 0
    for path in sorted((repo.path / "projects").glob("*.md")):
        plan = load_plan(path)
        assert isinstance(plan, Plan)
        text = rendered(plan)
        assert "## 8b. SECURITY" in text
        _, imported = import_document(text.replace("- [ ] Webhooks", "- [x] Webhooks"))
        expected = dict(plan.data)
        expected["phases"]["development"]["tasks"]["webhooks"] = True
        assert imported.data == expected
        assert imported.data["security"] == plan.data["security"]


def test_a_folder_imports_what_it_can_and_says_what_it_could_not(
    git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(git_repo.path)
    (git_repo.path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    folder = git_repo.path / "inbox"
    folder.mkdir()
    north = load_plan(PROJECTS / "NORTHWIND-001.md")
    assert isinstance(north, Plan)
    (folder / "a.md").write_text(rendered(north), encoding="utf-8")
    (folder / "b.md").write_text(rendered(north), encoding="utf-8")  # the same project twice
    (folder / "c.md").write_bytes(b"# IMPLEMENTATION PLAN\n\xff\xfe not text\n")
    (folder / "d.md").write_text("Minutes of the kick-off call.\n", encoding="utf-8")
    code, out, err = run("import", str(folder))
    assert code == 1
    assert "inbox/b.md:4: names project NORTHWIND-001, which inbox/a.md named already; nothing was written" in err
    assert "inbox/c.md:1: is not UTF-8 text (byte 23); save it as UTF-8 and import again; nothing was written" in err
    assert "inbox/d.md:1: names no project ID" in err
    assert out.splitlines()[-1].startswith("imported 1 of 4 documents: ")
    assert sorted(p.name for p in (git_repo.path / "projects").iterdir()) == ["NORTHWIND-001.md"]
    # Again: the plan exists now, and import replaces it only when told.
    code, _, err = run("import", str(folder / "a.md"))
    assert code == 1 and "exists already; import it again with --force to replace it" in err
    assert run("import", str(folder / "a.md"), "--force")[0] == 0


def test_a_plan_file_and_oversized_or_binary_documents_are_refused_whole(
    git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(git_repo.path)
    (git_repo.path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    huge = git_repo.path / "huge.md"
    huge.write_text("**Project ID**: BIG-1\n" + "x" * (1024 * 1024), encoding="utf-8")
    code, _, err = run("import", str(huge))
    size = huge.stat().st_size
    assert code == 1 and f"huge.md:1: is {size:,} bytes; a plan is read up to 1,048,576; nothing was written" in err
    code, _, err = run("import", str(PROJECTS / "NORTHWIND-001.md"))
    assert code == 1 and "starts with YAML front matter: it is a plan file already" in err
    with pytest.raises(DocumentError):
        import_document("**Project ID**: A-1\n\x00\n")
    code, _, err = run("import", str(git_repo.path / "nowhere.md"))
    assert code == 2 and "no such file or folder" in err
    assert not (git_repo.path / "projects").exists()


def test_standard_output_gets_the_plan_and_the_report_names_each_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    document = tmp_path / "acme.md"
    document.write_text(
        "# Implementation plan\n\n**Project ID**: ACME-7\n**Client**: Acme\n\n"
        "We met on Tuesday; the \x1b[31mclient\x1b[0m is keen.\n",
        encoding="utf-8",
    )
    code, out, _ = run("import", str(document), "-o", "-")
    assert code == 0
    reports = [line for line in out.splitlines() if REPORT_LINE.match(line) and "acme.md:" in line]
    assert reports == ["acme.md:6: text that matches no field or line of the template: kept in the notes"]
    plan_part = out[out.index("---\n") :]
    plan = load_plan("ACME-7.md", text=plan_part)
    assert isinstance(plan, Plan)
    assert plan.data["client"] == "Acme" and plan.data["name"] == "[PROJECT_NAME]"
    # On a terminal the escape is written as one (`render` does the same); in the file the notes are the
    # text as written.
    assert "\x1b" not in out and "We met on Tuesday; the \\x1b[31mclient\\x1b[0m is keen." in plan.notes
    assert run("import", str(document), "-o", "ACME-7.md")[0] == 0
    assert "the \x1b[31mclient\x1b[0m is keen." in (tmp_path / "ACME-7.md").read_text(encoding="utf-8")


def _shown(text: str) -> str:
    """A value as the template shows it on one line: control characters as U+FFFD, spaces folded."""
    return " ".join(re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", "\ufffd", text).split())


def test_hostile_values_come_back_as_written_or_go_to_the_notes() -> None:
    """Each naughty string and template-injection payload as a plan's client, risk and summary: rendered
    (escaped for Markdown), imported, and written, it is the same text, never a template's result; a
    value that cannot come back whole is in the notes, reported."""
    base = load_plan(PROJECTS / "NORTHWIND-001.md")
    assert isinstance(base, Plan)
    lost = []
    for text in [*blns_strings(), *ssti_payloads()]:
        risk = dict(base.data["risks"][0], risk=text)
        data = dict(base.data, client=text, summary=text, risks=[risk, base.data["risks"][1]])
        _, imported = import_document(rendered(Plan(base.path, data, "", "", 1, "")))
        plan_text(imported.data, imported.notes, plan_id=base.id, source="corpus", path="")  # loads back the same
        for got in (imported.data["client"], imported.data["risks"][0]["risk"], imported.data["summary"]):
            if _shown(str(got)) != _shown(text) and _shown(text) not in imported.notes:
                lost.append((text, got))
    assert lost == []


def test_the_command_is_documented() -> None:
    assert "planbook import" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "planbook import" in (ROOT / "docs" / "import.md").read_text(encoding="utf-8")


def test_import_runs_as_a_command_line_program(tmp_path: Path) -> None:
    document = tmp_path / "x.md"
    document.write_text("**Project ID**: X-1\n", encoding="utf-8")
    done = planbook_program("import", str(document), "-o", str(tmp_path / "X-1.md"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"wrote {tmp_path / 'X-1.md'} from {document}: ")
    assert load_plan(tmp_path / "X-1.md", text=(tmp_path / "X-1.md").read_text(encoding="utf-8")).data["id"] == "X-1"


def test_a_long_line_that_repeats_the_templates_labels_is_read_in_one_pass(tmp_path: Path) -> None:
    """`**Baseline**:` holds six values between labels. Before each value stopped at the label after it,
    400 characters of `x; Phase 1: a, Phase 2: b, ` took a second and 1,600 took minutes: the line could
    be split too many ways. The timeout only says "hung"; the figures are in the closing note."""
    line = "**Baseline**: agreed to start " + "x; Phase 1: a, Phase 2: b, " * 700
    document = tmp_path / "long.md"
    document.write_text(f"**Project ID**: LONG-1\n\n## IMPLEMENTATION PHASES\n\n{line}\n", encoding="utf-8")
    done = planbook_program("import", str(document), "-o", str(tmp_path / "LONG-1.md"))
    assert done.returncode == 0, done.stderr
    plan = load_plan(tmp_path / "LONG-1.md")
    assert isinstance(plan, Plan)
    assert plan.data["baseline"]["start_date"] == "x"  # kept as written, for check to refuse
    assert "values to correct (planbook check lists them)" in done.stdout


def test_a_value_check_refuses_is_counted_for_the_person_importing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    document = tmp_path / "soon.md"
    document.write_text(
        "**Project ID**: SOON-1\n\n## IMPLEMENTATION PHASES\n\n"
        "**Baseline**: agreed to start soonish; Phase 1: 2 weeks, Phase 2: a while\n",
        encoding="utf-8",
    )
    code, out, _ = run("import", str(document), "-o", "SOON-1.md")
    assert code == 0
    assert out.endswith(", 2 values to correct (planbook check lists them)\n")
    code, out, _ = run("check", "SOON-1.md")
    refused = [line for line in out.splitlines() if "baseline" in line]
    assert code == 1 and any("'soonish'" in line for line in refused) and any("'a while'" in line for line in refused)
