"""The GitHub workflows, validated offline: GitHub's workflow schema (vendored by check-jsonschema), zizmor's
security audits, our own rules (pins, permissions, fork safety), and the workflow's commands run here."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from planbook.build_cache import CACHE_DIR

from conftest import PROJECTS, ROOT, GitRepo

WORKFLOWS = ROOT / ".github" / "workflows"
PULL_REQUEST = WORKFLOWS / "pull-request.yml"
DEPLOY = WORKFLOWS / "deploy.yml"
BIN = Path(sys.executable).parent
_USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<action>[\w.-]+/[\w./-]+)@(?P<ref>\S+)(?P<comment>\s+#.*)?$")


def workflow(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def all_workflows() -> list[Path]:
    return sorted(WORKFLOWS.glob("*.yml")) + sorted(WORKFLOWS.glob("*.yaml"))


def steps(path: Path) -> list[dict]:
    return [step for job in workflow(path)["jobs"].values() for step in job.get("steps", [])]


def test_there_is_a_pull_request_and_a_deploy_workflow():
    assert PULL_REQUEST in all_workflows() and DEPLOY in all_workflows()
    assert (ROOT / ".github" / "PULL_REQUEST_TEMPLATE.md").is_file()


# -- offline validators ------------------------------------------------------------------------


def test_workflows_match_githubs_workflow_schema():
    result = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, all_workflows())],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


@pytest.mark.parametrize("persona", ["regular", "pedantic"])
def test_zizmor_finds_nothing(persona):
    result = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--no-progress", "--persona", persona, str(WORKFLOWS)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


# -- our rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", all_workflows(), ids=lambda p: p.name)
def test_actions_are_pinned_by_full_commit_hash_with_their_tag(path):
    uses = [line for line in path.read_text(encoding="utf-8").splitlines() if re.match(r"^\s*(-\s+)?uses:", line)]
    assert uses
    for line in uses:
        match = _USES.match(line)
        assert match, line
        assert re.fullmatch(r"[0-9a-f]{40}", match["ref"]), f"{line.strip()}: pin the full commit hash"
        assert match["comment"] and re.fullmatch(r"\s+# v\d+\.\d+\.\d+", match["comment"]), (
            f"{line.strip()}: add the tag, `# vX.Y.Z`"
        )


@pytest.mark.parametrize("path", all_workflows(), ids=lambda p: p.name)
def test_least_privilege_and_fork_safety(path):
    data = workflow(path)
    triggers = data["on"] if isinstance(data["on"], (dict, list)) else [data["on"]]
    assert "pull_request_target" not in triggers and "workflow_run" not in triggers
    assert data["permissions"] == {}, "grant nothing at the top; each job asks for what it needs"
    for name, job in data["jobs"].items():
        assert "permissions" in job, f"job {name} must state its permissions"
        writes = {scope for scope, level in job["permissions"].items() if level == "write"}
        assert writes <= {"pages", "id-token"}, f"job {name} writes {writes}"
        if writes:
            assert job.get("environment", {}).get("name") == "github-pages", (
                f"job {name} writes outside the Pages environment"
            )
            assert not any(step.get("run") for step in job["steps"]), (
                f"job {name} holds a write token: it runs no commands"
            )


@pytest.mark.parametrize("path", all_workflows(), ids=lambda p: p.name)
def test_checkouts_fetch_full_history_and_keep_no_credentials(path):
    checkouts = [step for step in steps(path) if step.get("uses", "").startswith("actions/checkout@")]
    assert checkouts
    for step in checkouts:
        assert step["with"]["persist-credentials"] is False
        assert step["with"]["fetch-depth"] == 0  # git dates, plan histories and the merge base need history


def test_no_expression_is_expanded_inside_a_script():
    """`${{ … }}` in `run:` is pasted into the shell before it runs: template injection. Pass it by env."""
    for path in all_workflows():
        for step in steps(path):
            assert "${{" not in step.get("run", ""), f"{path.name}: {step.get('name')}"


def run_commands(path: Path) -> list[str]:
    return [step["run"] for step in steps(path) if "run" in step]


def test_the_pull_request_workflow_runs_every_gate():
    commands = "\n".join(run_commands(PULL_REQUEST))
    assert ".venv/bin/pre-commit run --all-files" in commands
    assert ".venv/bin/planbook check --format github" in commands
    assert re.search(r'planbook diff --format markdown .* >> "\$GITHUB_STEP_SUMMARY"', commands)
    assert "make test" in commands
    assert re.search(r"mkdocs build --strict(?!.*-q)", commands) and not re.search(
        r"mkdocs build.*(\s-q|--quiet)", commands
    )
    data = workflow(PULL_REQUEST)
    assert "pull_request" in data["on"]
    job = data["jobs"]["check"]
    assert job["env"]["PLANBOOK_REQUIRE_BROWSER"] == "1"
    upload = [step for step in job["steps"] if step.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload and upload[0]["with"]["path"] == "site/"


def test_the_deploy_workflow_takes_main_to_pages():
    data = workflow(DEPLOY)
    assert data["on"]["push"]["branches"] == ["main"]
    assert data["concurrency"]["group"] == "pages" and data["concurrency"]["cancel-in-progress"] is False
    used = [step.get("uses", "").split("@")[0] for step in steps(DEPLOY)]
    assert "actions/upload-pages-artifact" in used and "actions/deploy-pages" in used
    assert re.search(r"mkdocs build --strict$", "\n".join(run_commands(DEPLOY)), re.M)
    assert data["jobs"]["deploy"]["needs"] == "build"


def test_the_deploy_builds_pdf_downloads_and_the_preview_does_not() -> None:
    from planbook.export.batch import PDF_DOWNLOADS_ENV

    build = workflow(DEPLOY)["jobs"]["build"]
    assert build["env"][PDF_DOWNLOADS_ENV] == "1"
    steps = [step.get("run", "") for step in build["steps"]]
    chromium = next(i for i, run in enumerate(steps) if "install -y -qq chromium" in run)
    assert chromium < next(i for i, run in enumerate(steps) if "mkdocs build --strict" in run)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert PDF_DOWNLOADS_ENV not in makefile  # `make serve` and `make build`: HTML downloads only


# -- the workflow's own commands, run here -----------------------------------------------------

# Commands the pull-request workflow runs that this test does not run itself, and what covers them.
COVERED_ELSEWHERE = {
    "sudo apt-get": "the machine's setup (.ci/run installs the same packages)",
    "make venv": "the .venv these tests run in",
    ".venv/bin/pre-commit run --all-files": "tests/test_precommit.py::test_pre_commit_run_all_files_passes_on_the_repository",
    "make test": "this test suite",
    ".venv/bin/mkdocs build --strict": "the site's build tests",
    ".venv/bin/properdocs build --strict": "tests/site/test_the_site_adapters.py::test_the_site_builds_unchanged_on_properdocs",
}


def expand(value: str, context: dict[str, str]) -> str:
    def lookup(match: re.Match[str]) -> str:
        expression = match.group(1).strip()
        assert expression in context, f"no test value for ${{{{ {expression} }}}}"
        return context[expression]

    return re.sub(r"\$\{\{(.*?)\}\}", lookup, value)


@pytest.fixture
def pull_request(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    """A repository where main has the sample plans and the checked-out pull request changes them."""
    for plan in sorted(PROJECTS.glob("*.md")):
        git_repo.write(f"projects/{plan.name}", plan.read_text(encoding="utf-8"))
    git_repo.commit("Sample plans")
    git_repo.git("update-ref", "refs/remotes/origin/main", "HEAD")
    git_repo.git("checkout", "-q", "-b", "pull-request")
    text = (PROJECTS / "NORTHWIND-001.md").read_text(encoding="utf-8")
    git_repo.write("projects/NORTHWIND-001.md", text.replace("confidence: 80", "confidence: 85"))
    draft = text.replace('id: "NORTHWIND-001"', 'id: "ACME-042"').replace(
        'lead: "Priya Raman"', 'lead: "[LEAD_ENGINEER]"', 1
    )
    git_repo.write("projects/ACME-042.md", draft)
    git_repo.commit("Northwind more confident; ACME started")
    (git_repo.path / ".venv").symlink_to(ROOT / ".venv")
    return git_repo


def test_the_pull_request_workflows_plan_commands_run_here(pull_request, tmp_path):
    job = workflow(PULL_REQUEST)["jobs"]["check"]
    context = {"github.base_ref": "main"}
    summary = tmp_path / "summary.md"
    env = {
        **os.environ,
        **{k: expand(str(v), context) for k, v in job["env"].items()},
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    env.pop("GITHUB_ACTIONS", None)
    results = {}
    for step in job["steps"]:
        script = step.get("run")
        if script is None:
            continue
        first = script.strip().splitlines()[0].removeprefix(f"{QUIET} ")
        if any(first.startswith(prefix) or f"\n{prefix}" in script for prefix in COVERED_ELSEWHERE):
            continue
        assert first.startswith(".venv/bin/planbook "), (
            f"step {step['name']!r} is neither run here nor in COVERED_ELSEWHERE"
        )
        done = subprocess.run(
            ["bash", "-e", "-c", script], cwd=pull_request.path, env=env, capture_output=True, text=True
        )
        results[step["name"]] = done
    assert len(results) == 2

    check = results["Check the plans (findings as annotations)"]
    assert check.returncode == 1  # the step fails the job, and the annotations mark the lines
    line, column = position(pull_request.path / "projects" / "ACME-042.md", "[LEAD_ENGINEER]")
    assert (
        f"::error file=projects/ACME-042.md,line={line},col={column},title=PB201 placeholder::placeholder [LEAD_ENGINEER] is left unfilled"
        in check.stdout
    )

    diff = results["Plan changes into the job summary"]
    assert diff.returncode == 0, diff.stderr
    markdown = summary.read_text(encoding="utf-8")
    assert markdown.startswith("## Plan changes\n\n2 plans changed between origin/main (merge base) (")
    assert "### `projects/ACME-042.md`: added" in markdown
    assert "### `projects/NORTHWIND-001.md`: modified" in markdown and "- confidence: 80 → 85\n" in markdown
    assert "| Check | — | fail (1 finding) |" in markdown, markdown


def position(path: Path, needle: str) -> tuple[int, int]:
    text = path.read_text(encoding="utf-8")
    index = text.index(needle)
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


QUIET = ".github/no-workflow-commands"


@pytest.mark.parametrize("path", all_workflows(), ids=lambda p: p.name)
def test_steps_that_can_quote_a_plan_cannot_issue_workflow_commands(path):
    """A failing test, a build warning or a hook's diff can quote plan text; a line of it starting
    with `::` would be a workflow command. Those steps run with workflow commands switched off."""
    for step in steps(path):
        script = step.get("run", "")
        if re.search(r"pre-commit run|make test|mkdocs build", script):
            assert script.startswith(f"{QUIET} "), f"{path.name}: {step['name']}"


def test_the_switch_pauses_workflow_commands_and_keeps_the_exit_status(tmp_path):
    forged = "print('::error file=x::forged'); print('::add-mask::y'); raise SystemExit(3)"
    done = subprocess.run(
        [str(ROOT / QUIET), sys.executable, "-c", forged], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 3
    lines = done.stdout.splitlines()
    token = lines[0].removeprefix("::stop-commands::")
    assert re.fullmatch(r"[0-9a-f]{32}", token), lines[0]
    assert lines[1:] == ["::error file=x::forged", "::add-mask::y", f"::{token}::"]
    again = subprocess.run([str(ROOT / QUIET), "true"], capture_output=True, text=True, check=True)
    assert again.stdout.splitlines()[0] != lines[0]  # a new token each run: plan text cannot guess it


def test_every_covered_elsewhere_command_is_still_in_the_workflow():
    scripts = "\n".join(run_commands(PULL_REQUEST))
    assert [prefix for prefix in COVERED_ELSEWHERE if prefix not in scripts] == []


def test_shutil_finds_the_tools_the_validators_need():
    assert shutil.which("check-jsonschema", path=str(BIN)) and shutil.which("zizmor", path=str(BIN))


def test_the_deploy_restores_the_build_cache_where_the_build_keeps_it():
    """A deploy starts from a fresh checkout: without the last deploy's cache, every page is made again."""
    build = workflow(DEPLOY)["jobs"]["build"]["steps"]
    caches = [step for step in build if step.get("uses", "").startswith("actions/cache@")]
    assert [step["with"]["path"] for step in caches] == [Path(CACHE_DIR).as_posix()]
    names = [step.get("name", "") for step in build]
    assert names.index(caches[0]["name"]) < next(i for i, name in enumerate(names) if "Build the site" in name)
