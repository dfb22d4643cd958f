"""A plan's companion documents (its SOW and technical specs, in `projects/<ID>/`): read as data, checked
with `path:line:col`, scaffolded by `planbook new --with-docs`, appended by `export --with-references`.
Each test works on a real copy of a sample in a git repository of its own."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from planbook.check import CheckResult, check_result
from planbook.cli import main
from planbook.findings import Finding
from planbook.loader import load_plan

from conftest import PROJECTS, SAMPLES, GitRepo, ssti_payloads

NORTHWIND = "NORTHWIND-001"  # in development: past discovery
SOW = f"projects/{NORTHWIND}/{NORTHWIND}-sow.md"
SPECS = f"projects/{NORTHWIND}/{NORTHWIND}-technical-specs.md"


@pytest.fixture
def repo(git_repo: GitRepo) -> Iterator[GitRepo]:
    """A repository holding the Northwind sample and its companion documents; commands run inside it."""
    git_repo.write(
        f"projects/{NORTHWIND}.md", (PROJECTS / f"{NORTHWIND}.md").read_text(encoding="utf-8"), companions=False
    )
    shutil.copytree(PROJECTS / NORTHWIND, git_repo.path / "projects" / NORTHWIND)
    here = Path.cwd()
    os.chdir(git_repo.path)
    try:
        yield git_repo
    finally:
        os.chdir(here)


def checked(repo: GitRepo, plan_id: str = NORTHWIND) -> CheckResult:
    return check_result(load_plan(repo.path / "projects" / f"{plan_id}.md"), companions=True)


def codes(result: CheckResult) -> list[tuple[str, str]]:
    return [(Path(finding.path).name, finding.code) for finding in result.findings]


def only(result: CheckResult, code: str) -> Finding:
    found = [finding for finding in result.findings if finding.code == code]
    assert len(found) == 1, result.findings
    return found[0]


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def set_status(repo: GitRepo, status: str) -> None:
    path = repo.path / "projects" / f"{NORTHWIND}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("status: development", f"status: {status}", 1), encoding="utf-8")


# -- the samples -------------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: path.stem)
def test_every_sample_has_both_documents_and_they_pass_check(sample: Path) -> None:
    result = check_result(load_plan(sample), companions=True)
    assert result.ok and result.findings == [], result.findings
    assert result.companions is not None
    assert [c.name for c in result.companions] == ["sow", "technical_specs"]
    for companion in result.companions:
        assert companion.document is not None and companion.path is not None
        assert companion.path.absolute() == PROJECTS / sample.stem / f"{sample.stem}-{companion.slug}.md"
    sow, specs = result.companions
    assert len(sow.criteria) >= 2 and len(specs.mapping) >= 4


# -- check: a missing document, the mapping as data, the criteria -----------------------------------


def test_a_missing_sow_past_discovery_is_a_finding_at_the_status(repo: GitRepo) -> None:
    (repo.path / SOW).unlink()
    finding = only(checked(repo), "PB601")
    assert Path(finding.path).name == f"{NORTHWIND}.md"
    line = (repo.path / "projects" / f"{NORTHWIND}.md").read_text(encoding="utf-8").splitlines().index(
        "status: development"
    ) + 1
    assert (finding.line, finding.column) == (line, 9)
    assert f"projects/{NORTHWIND}/{NORTHWIND}-sow.md" in finding.message and "--with-docs" in finding.message


@pytest.mark.parametrize("status", ["draft", "discovery", "on-hold"])
def test_no_document_is_required_before_development(repo: GitRepo, status: str) -> None:
    shutil.rmtree(repo.path / "projects" / NORTHWIND)
    set_status(repo, status)
    assert "PB601" not in [code for _, code in codes(checked(repo))]


def test_a_duplicate_target_is_a_finding_on_the_second_row(repo: GitRepo) -> None:
    path = repo.path / SPECS
    text = path.read_text(encoding="utf-8")
    text = text.replace("    target_field: TxnDate\n", "    target_field: '  docnumber '\n")
    path.write_text(
        text.replace(
            "target_object: SalesReceipt\n    target_field: '  doc",
            "target_object: salesreceipt\n    target_field: '  doc",
        ),
        encoding="utf-8",
    )
    finding = only(checked(repo), "PB604")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert finding.path.endswith(f"{NORTHWIND}-technical-specs.md")
    assert lines[finding.line - 1].strip().startswith("target_field: '  docnumber")
    first = next(number for number, line in enumerate(lines, 1) if line.strip() == "- source_object: Order")
    assert f"on line {first}" in finding.message and "SalesReceipt" not in finding.message.split("`")[0]


def test_a_row_without_target_is_a_finding(repo: GitRepo) -> None:
    path = repo.path / SPECS
    path.write_text(
        path.read_text(encoding="utf-8").replace("    target_field: ItemRef\n", "    target_field: ''\n"),
        encoding="utf-8",
    )
    finding = only(checked(repo), "PB603")
    assert path.read_text(encoding="utf-8").splitlines()[finding.line - 1].strip() == "target_field: ''"
    assert "`target_field`" in finding.message


def test_a_criterion_the_plan_lacks_is_a_finding_unless_waived(repo: GitRepo) -> None:
    path = repo.path / SOW
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("  - Bookkeeper signs off", "  - Stock levels sync hourly\n  - Bookkeeper signs off"),
        encoding="utf-8",
    )
    finding = only(checked(repo), "PB605")
    assert (Path(finding.path).name, finding.line, finding.column) == (f"{NORTHWIND}-sow.md", 4, 5)
    assert "Stock levels sync hourly" in finding.message and "waived" in finding.message
    waived = "  - criterion: Stock levels sync hourly\n    waived: Out of this phase, agreed on 2026-11-02\n"
    path.write_text(text.replace("  - Bookkeeper signs off", waived + "  - Bookkeeper signs off"), encoding="utf-8")
    assert checked(repo).ok
    set_status(repo, "discovery")  # before the plan is agreed, a criterion may wait for it
    path.write_text(
        text.replace("  - Bookkeeper signs off", "  - Stock levels sync hourly\n  - Bookkeeper signs off"),
        encoding="utf-8",
    )
    assert "PB605" not in [code for _, code in codes(checked(repo))]


def test_a_criterion_matches_whatever_its_case_spacing_and_full_stop(repo: GitRepo) -> None:
    path = repo.path / SOW
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "  - Ledger matches Shopify payouts to the penny for a full month",
            "  - 'LEDGER  matches shopify payouts to the penny for a full month.'",
        ),
        encoding="utf-8",
    )
    assert checked(repo).ok


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("acceptance_criteria:", "acceptence_criteria:", "`acceptence_criteria` is not a key"),
        (
            "    waived: No refund older",
            "    waived: true\n    why: No refund older",
            "`why` is not a key of a criterion",
        ),
        ("  - Ledger matches", "  - 42\n  - Ledger matches", "a criterion is a line of text"),
    ],
)
def test_a_sow_of_the_wrong_shape_says_where(repo: GitRepo, old: str, new: str, says: str) -> None:
    path = repo.path / SOW
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    result = checked(repo)
    assert not result.ok
    assert any(f.code == "PB602" and says in f.message and f.path.endswith("-sow.md") for f in result.findings), (
        result.findings
    )


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("    required: false\n", "    required: 'no'\n", "`required` is `true` or `false`"),
        ("    transform: price", "    tranform: price", "`tranform` is not a column"),
        ("data_mapping:\n", "data_mapping: {}\nx:\n", "`data_mapping` must be a list"),
    ],
)
def test_a_mapping_of_the_wrong_shape_says_where(repo: GitRepo, old: str, new: str, says: str) -> None:
    path = repo.path / SPECS
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    assert any(f.code == "PB602" and says in f.message for f in checked(repo).findings), checked(repo).findings


@pytest.mark.parametrize(
    ("front", "code"),
    [
        ("data_mapping: &rows []\nacceptance_criteria: *rows\n", "PB008"),
        ("data_mapping: !!python/object:os.system []\n", "PB009"),
        ("data_mapping: []\ndata_mapping: []\n", "PB007"),
        ("data_mapping: [\n", "PB006"),
        ("- a list\n", "PB010"),
    ],
)
def test_a_companion_is_loaded_as_safely_as_a_plan(repo: GitRepo, front: str, code: str) -> None:
    (repo.path / SPECS).write_text(f"---\n{front}---\n\nText.\n", encoding="utf-8")
    finding = only(checked(repo), code)
    assert finding.path.endswith("-technical-specs.md") and finding.line >= 1


def test_a_companion_without_front_matter_is_all_markdown(repo: GitRepo) -> None:
    (repo.path / SPECS).write_text("# Specs\n\nSee [the API](../api.md).\n", encoding="utf-8")
    result = checked(repo)
    assert codes(result) == [(f"{NORTHWIND}-technical-specs.md", "PB108")]
    assert (result.findings[0].line, result.findings[0].column) == (3, 15)


def test_placeholders_left_in_a_companion_are_findings(repo: GitRepo) -> None:
    path = repo.path / SOW
    path.write_text(
        path.read_text(encoding="utf-8").replace("## Scope\n", "## Scope\n\n[SCOPE_IN_SCOPE]\n"), encoding="utf-8"
    )
    finding = only(checked(repo), "PB201")
    assert path.read_text(encoding="utf-8").splitlines()[finding.line - 1] == "[SCOPE_IN_SCOPE]"


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("../../outside.md", "leads out of the repository"),
        ("/etc/passwd.md", "neither a Markdown file"),
        ("file:///etc/passwd", "neither a Markdown file"),
        ("NORTHWIND-001/contract.pdf", "no Markdown file"),
    ],
)
def test_a_reference_to_a_place_no_document_may_be_is_refused(repo: GitRepo, given: str, says: str) -> None:
    path = repo.path / "projects" / f"{NORTHWIND}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("rate_limits:", f"references:\n  sow: '{given}'\nrate_limits:", 1), encoding="utf-8")
    finding = only(checked(repo), "PB602")
    assert finding.path.endswith(f"{NORTHWIND}.md") and says in finding.message


def test_a_reference_elsewhere_in_the_repository_is_read_from_there(repo: GitRepo) -> None:
    shutil.move(repo.path / SOW, repo.path / "contracts.md")
    path = repo.path / "projects" / f"{NORTHWIND}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("rate_limits:", "references:\n  sow: ../contracts.md\nrate_limits:", 1), encoding="utf-8"
    )
    result = checked(repo)
    assert result.ok, result.findings
    assert result.companions is not None and result.companions[0].document is not None
    (repo.path / "contracts.md").unlink()
    finding = only(checked(repo), "PB601")
    assert "point `references.sow` at the file" in finding.message


def test_a_companion_linked_out_of_the_repository_is_refused(repo: GitRepo, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("---\n---\nprivate key\n", encoding="utf-8")
    (repo.path / SOW).unlink()
    (repo.path / SOW).symlink_to(secret)
    finding = only(checked(repo), "PB012")
    assert finding.path.endswith("-sow.md")


# -- pre-commit names the document that changed ------------------------------------------------------


def test_check_given_a_companion_checks_its_plan(repo: GitRepo) -> None:
    path = repo.path / SPECS
    path.write_text(
        path.read_text(encoding="utf-8").replace("    target_field: TxnDate\n", "    target_field: DocNumber\n"),
        encoding="utf-8",
    )
    code, out, _ = run("check", SPECS, f"projects/{NORTHWIND}.md")
    assert code == 1
    assert f"{SPECS}:" in out and "PB604" in out and out.splitlines()[-1] == "1 error in 1 of 1 plan"


# -- planbook new --with-docs ------------------------------------------------------------------------


def test_new_with_docs_scaffolds_both_documents_from_the_repositorys_templates(git_repo: GitRepo) -> None:
    (git_repo.path / "projects").mkdir()
    here = Path.cwd()
    os.chdir(git_repo.path)
    try:
        assert run("init")[0] == 0
        sow_template = git_repo.path / "template" / "sow.md"
        sow_template.write_text(
            sow_template.read_text(encoding="utf-8") + "\nOur own clause for [PROJECT_ID].\n", encoding="utf-8"
        )
        code, out, _ = run("new", "ACME-042", "--type", "accounting", "--with-docs")
        assert code == 0
        assert out.splitlines()[:3] == [
            "wrote projects/ACME-042.md",
            "wrote projects/ACME-042/ACME-042-sow.md",
            "wrote projects/ACME-042/ACME-042-technical-specs.md",
        ]
        sow = (git_repo.path / "projects" / "ACME-042" / "ACME-042-sow.md").read_text(encoding="utf-8")
        assert "Our own clause for ACME-042." in sow and "projects/ACME-042.md" in sow
        result = checked(git_repo, "ACME-042")
        assert {code for _, code in codes(result)} == {"PB201"}  # placeholders, which the author fills in
        again = run("new", "ACME-042", "--with-docs")
        assert again[0] == 2 and "never overwrites" in again[2]
        (git_repo.path / "projects" / "ACME-042" / "ACME-042-sow.md").unlink()
        code, out, _ = run("new", "ACME-042", "--with-docs")
        assert code == 0 and out.splitlines()[0] == "wrote projects/ACME-042/ACME-042-sow.md"
    finally:
        os.chdir(here)


def test_new_with_docs_escapes_the_plans_values_in_the_documents(repo: GitRepo) -> None:
    path = repo.path / "projects" / f"{NORTHWIND}.md"
    hostile = "Evil <script>alert(1)</script> [CLIENT_NAME] {{ 7*7 }}"
    text = path.read_text(encoding="utf-8").replace('client: "Northwind Outfitters Ltd."', f"client: '{hostile}'", 1)
    path.write_text(text, encoding="utf-8")
    (repo.path / SOW).unlink()
    assert run("new", NORTHWIND, "--with-docs")[0] == 0
    sow = (repo.path / SOW).read_text(encoding="utf-8")
    client_line = next(line for line in sow.splitlines() if line.startswith("- **Client**"))
    assert "<script>" not in client_line and "{{ 7*7 }}" not in sow.split("---")[1]
    assert "&lt;script&gt;" in client_line or "\\<script" in client_line


# -- export --with-references ------------------------------------------------------------------------


def test_export_with_references_appends_both_documents_linked_from_the_plan(repo: GitRepo, tmp_path: Path) -> None:
    target = tmp_path / f"{NORTHWIND}.md"
    assert run("export", NORTHWIND, "--format", "md", "--with-references", "-o", str(target))[0] == 0
    text = target.read_text(encoding="utf-8")
    assert f"- SOW: [{NORTHWIND}-sow.md](#reference-sow)" in text
    assert f"## {NORTHWIND}: Statement of work {{ #reference-sow }}" in text
    assert f"## {NORTHWIND}: Technical specs {{ #reference-technical-specs }}" in text
    assert "| Order.name | SalesReceipt.DocNumber |" in text
    assert text.index("#reference-technical-specs }") < text.index("## SIGN-OFF")
    assert "£18,400" not in text  # the SOW's internal terms stay out of the client's document
    assert run("export", NORTHWIND, "--format", "md", "--with-references", "--internal", "-o", str(target))[0] == 0
    assert "£18,400" in target.read_text(encoding="utf-8")
    assert run("export", NORTHWIND, "--format", "md", "-o", str(target))[0] == 0
    plain = target.read_text(encoding="utf-8")
    assert "Statement of work" not in plain and f"`{NORTHWIND}-sow.md`" in plain


def test_the_html_export_links_each_reference_to_its_part(repo: GitRepo, tmp_path: Path) -> None:
    target = tmp_path / f"{NORTHWIND}.html"
    assert run("export", NORTHWIND, "--with-references", "-o", str(target))[0] == 0
    html = target.read_text(encoding="utf-8")
    for anchor in ("reference-sow", "reference-technical-specs"):
        assert f'href="#{anchor}"' in html and f'id="{anchor}"' in html


def test_template_code_in_a_companion_is_shown_as_written(repo: GitRepo, tmp_path: Path) -> None:
    payloads = ssti_payloads()
    body = "\n\n".join(f"- `{payload}`" if "`" not in payload else f"- {payload}" for payload in payloads)
    path = repo.path / SOW
    path.write_text(path.read_text(encoding="utf-8") + "\n## Payloads\n\n" + body + "\n", encoding="utf-8")
    target = tmp_path / "out.md"
    assert run("export", NORTHWIND, "--format", "md", "--with-references", "-o", str(target))[0] == 0
    text = target.read_text(encoding="utf-8")
    assert "{{7*7}}" in text or "{{ 7*7 }}" in text
    assert "\n- `49`" not in text


def test_the_program_runs_on_a_plan_whose_companion_is_a_folder(repo: GitRepo) -> None:
    (repo.path / SOW).unlink()
    (repo.path / SOW).mkdir()
    done = subprocess.run(
        [str(Path(sys.executable).parent / "planbook"), "check", "projects"],
        cwd=repo.path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"{SOW}:1:1: PB001" in done.stdout


# -- what a hostile review found -------------------------------------------------------------------------


def test_the_documents_are_found_from_the_files_name_never_from_the_id_it_says(repo: GitRepo, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "a-sow.md").write_text("---\n---\nOUTSIDE-SECRET\n", encoding="utf-8")
    path = repo.path / "projects" / f"{NORTHWIND}.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace(f'id: "{NORTHWIND}"', f'id: "{outside}/a"', 1), encoding="utf-8"
    )
    result = checked(repo)
    assert result.companions is not None and result.companions[0].path is not None
    assert result.companions[0].path.absolute() == repo.path / SOW
    target = tmp_path / "out.md"
    run("export", f"projects/{NORTHWIND}.md", "--format", "md", "--with-references", "--draft", "-o", str(target))
    assert "OUTSIDE-SECRET" not in target.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("CASCADE-007/CASCADE-007-sow.md", "in the folder of another plan, CASCADE-007"),
        ("CASCADE-007.md", "is a plan's file"),
        (f"{NORTHWIND}.md", "is a plan's file"),
        ("http://example.com/sow.md", "nor an https:// address"),
    ],
)
def test_a_plan_cannot_name_another_plans_document_nor_a_plan(repo: GitRepo, given: str, says: str) -> None:
    repo.write("projects/CASCADE-007.md", (PROJECTS / "CASCADE-007.md").read_text(encoding="utf-8"))
    path = repo.path / "projects" / f"{NORTHWIND}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("rate_limits:", f"references:\n  sow: '{given}'\nrate_limits:", 1), encoding="utf-8")
    finding = only(checked(repo), "PB602")
    assert finding.path.endswith(f"{NORTHWIND}.md") and says in finding.message


def test_two_documents_in_one_file_is_a_finding_not_a_table_shown_twice(repo: GitRepo) -> None:
    path = repo.path / "projects" / f"{NORTHWIND}.md"
    text = path.read_text(encoding="utf-8")
    both = f"references:\n  sow: {NORTHWIND}/{NORTHWIND}-technical-specs.md\n  technical_specs: {NORTHWIND}/{NORTHWIND}-technical-specs.md\n"
    path.write_text(text.replace("rate_limits:", both + "rate_limits:", 1), encoding="utf-8")
    finding = only(checked(repo), "PB602")
    assert "is the statement of work already" in finding.message
    result = checked(repo)
    assert result.companions is not None and [len(c.mapping) for c in result.companions] == [8, 0]


@pytest.mark.parametrize("target", ["Doc\u200bNumber", "ＤｏｃＮｕｍｂｅｒ", "doc\u00adnumber"])
def test_a_target_written_with_invisible_or_fullwidth_letters_is_the_same_target(repo: GitRepo, target: str) -> None:
    path = repo.path / SPECS
    path.write_text(
        path.read_text(encoding="utf-8").replace("target_field: TxnDate", f'target_field: "{target}"'), encoding="utf-8"
    )
    assert "PB604" in [code for _, code in codes(checked(repo))]


@pytest.mark.parametrize("reason", ["TBD", "''", "' '", "true"])
def test_a_waiver_says_why_in_words(repo: GitRepo, reason: str) -> None:
    path = repo.path / SOW
    text = path.read_text(encoding="utf-8")
    old = text[text.index("    waived: No refund") : text.index("\n", text.index("    waived: No refund"))]
    path.write_text(text.replace(old, f"    waived: {reason}"), encoding="utf-8")
    finding = only(checked(repo), "PB602")
    assert "says why the criterion is waived" in finding.message


def test_a_front_matter_of_comments_alone_is_an_empty_one(repo: GitRepo) -> None:
    (repo.path / SPECS).write_text(
        "---\n# data_mapping: to come\n\n---\n# Specs\n\nSee [it](../x.md).\n", encoding="utf-8"
    )
    finding = only(checked(repo), "PB108")
    assert (finding.line, finding.column) == (7, 10)


def test_new_with_docs_says_so_when_the_documents_folder_is_a_file(repo: GitRepo) -> None:
    shutil.rmtree(repo.path / "projects" / NORTHWIND)
    (repo.path / "projects" / NORTHWIND).write_text("in the way\n", encoding="utf-8")
    code, _, err = run("new", NORTHWIND, "--with-docs")
    assert code == 2 and f"projects/{NORTHWIND} is not a folder" in err


def test_a_document_left_behind_by_its_plan_names_the_missing_plan(repo: GitRepo) -> None:
    (repo.path / "projects" / f"{NORTHWIND}.md").unlink()
    code, out, _ = run("check", SOW)
    assert code == 1 and out.startswith(f"projects/{NORTHWIND}.md:1:1: PB001 ")
