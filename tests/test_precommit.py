"""The pre-commit hooks, run for real: a commit with a placeholder is refused with its line, the repository
passes its own hooks, and another repository can use them through `.pre-commit-hooks.yaml` (`try-repo`).

pre-commit builds each hook's environment from the package registry the first time. One PRE_COMMIT_HOME
serves the whole session, so that happens once per run, not once per test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from planbook import cli

from conftest import PROJECTS, ROOT, GitRepo

CONFIG = ROOT / ".pre-commit-config.yaml"
MANIFEST = ROOT / ".pre-commit-hooks.yaml"
NORTHWIND = (PROJECTS / "NORTHWIND-001.md").read_text(encoding="utf-8")

slow = pytest.mark.slow  # builds pre-commit environments: tens of seconds on the first test of a run


@pytest.fixture(scope="session")
def pre_commit_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT")) and k != "SKIP"}
    env["PRE_COMMIT_HOME"] = str(tmp_path_factory.mktemp("pre-commit-home"))
    env["PRE_COMMIT_COLOR"] = "never"
    return env


def pre_commit(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env, capture_output=True, text=True)


def project_files() -> list[str]:
    """What `git add -A` would commit here: tracked files and new ones that are not ignored."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [name for name in out.split("\x00") if name and (ROOT / name).is_file()]


@pytest.fixture(scope="session")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    """This repository as it stands, committed into a repository of its own, so that hooks that fix
    files never touch the working tree, and try-repo sees new files too."""
    repo = GitRepo(tmp_path_factory.mktemp("planbook-copy") / "repo")
    for name in project_files():
        target = repo.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    repo.commit("planbook as it stands")
    return repo


@pytest.fixture
def clone(project_copy: GitRepo, tmp_path: Path) -> GitRepo:
    subprocess.run(
        ["git", "clone", "-q", str(project_copy.path), str(tmp_path / "clone")], check=True, capture_output=True
    )
    repo = GitRepo.__new__(GitRepo)
    repo.path = tmp_path / "clone"
    repo.git("config", "user.name", "Plan Author")
    repo.git("config", "user.email", "author@example.invalid")
    repo.git("config", "commit.gpgsign", "false")
    return repo


def commit(repo: GitRepo, env: dict[str, str], message: str) -> subprocess.CompletedProcess[str]:
    repo.git("add", "-A")
    return subprocess.run(
        ["git", "commit", "-q", "-m", message], cwd=repo.path, env=env, capture_output=True, text=True
    )


def line_and_column(text: str, needle: str) -> tuple[int, int]:
    index = text.index(needle)
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


# -- the git hook, for real --------------------------------------------------------------------


@slow
def test_pre_commit_run_all_files_passes_on_the_repository(project_copy, pre_commit_env):
    result = pre_commit(project_copy.path, pre_commit_env, "run", "--all-files", "--show-diff-on-failure")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^planbook check \(plans\)\.+Passed$", result.stdout, re.M)


@slow
def test_a_commit_of_a_plan_with_a_placeholder_is_refused_with_its_line(clone, pre_commit_env):
    installed = pre_commit(clone.path, pre_commit_env, "install")
    assert installed.returncode == 0, installed.stderr
    text = NORTHWIND.replace('id: "NORTHWIND-001"', 'id: "ACME-042"').replace(
        'client: "Northwind Outfitters Ltd."', 'client: "[CLIENT_NAME]"'
    )
    text = text.replace('    owner: "Hana Kobayashi"', '    owner: "[PHASE_3_OWNER]"')
    clone.write("projects/ACME-042.md", text)
    refused = commit(clone, pre_commit_env, "Start ACME-042")
    assert refused.returncode != 0
    output = refused.stdout + refused.stderr
    for token in ("[CLIENT_NAME]", "[PHASE_3_OWNER]"):
        line, column = line_and_column(text, token)
        assert f"projects/ACME-042.md:{line}:{column}: PB201 placeholder {token} is left unfilled" in output
    assert "planbook check (plans)" in output and "Failed" in output
    assert clone.git("log", "--oneline").stdout.count("\n") == 1  # nothing was committed

    clone.write(
        "projects/ACME-042.md", text.replace("[CLIENT_NAME]", "Acme Ltd.").replace("[PHASE_3_OWNER]", "Hana Kobayashi")
    )
    accepted = commit(clone, pre_commit_env, "Start ACME-042")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "Start ACME-042" in clone.git("log", "-1", "--format=%s").stdout


@slow
def test_a_commit_of_a_data_mapping_that_maps_a_field_twice_is_refused_with_its_line(clone, pre_commit_env):
    """The technical specs alone change: the hook checks their plan, and names the specs' own line."""
    installed = pre_commit(clone.path, pre_commit_env, "install")
    assert installed.returncode == 0, installed.stderr
    specs = clone.path / "projects" / "NORTHWIND-001" / "NORTHWIND-001-technical-specs.md"
    text = specs.read_text(encoding="utf-8").replace("target_field: TxnDate", "target_field: DocNumber")
    specs.write_text(text, encoding="utf-8")
    refused = commit(clone, pre_commit_env, "Map the order date")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    line = (
        text.splitlines().index(
            "    target_field: DocNumber", text.splitlines().index("    target_field: DocNumber") + 1
        )
        + 1
    )
    assert f"projects/NORTHWIND-001/NORTHWIND-001-technical-specs.md:{line}:19: PB604 " in output, output


@slow
def test_a_template_change_that_plans_fail_is_refused_at_commit(clone, pre_commit_env):
    """A new Phase 2 task in template/ is one the plans past Phase 2 have not done: the commit of the
    template alone is refused with each plan's PB302, as CI would refuse it."""
    installed = pre_commit(clone.path, pre_commit_env, "install")
    assert installed.returncode == 0, installed.stderr
    fields = clone.path / "template" / "plan.schema.json"
    text = fields.read_text(encoding="utf-8")
    anchor = '                "sync_workflows": {'
    assert anchor in text
    task = '                "webhooks": {"type": "boolean", "title": "Register webhooks", "default": false},\n'
    fields.write_text(text.replace(anchor, task + anchor, 1), encoding="utf-8")
    refused = commit(clone, pre_commit_env, "Phase 2 gains a webhooks task")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "planbook check (every plan, the template changed)" in output and "Failed" in output
    assert re.search(r"projects/CASCADE-007\.md:\d+:\d+: PB302 .*\"Register webhooks\" is not done", output)
    assert "NORTHWIND-001.md" not in output  # in development: the task is not due yet


@slow
def test_a_placeholder_in_the_readme_is_refused_too(clone, pre_commit_env):
    assert pre_commit(clone.path, pre_commit_env, "install").returncode == 0
    readme = (clone.path / "README.md").read_text(encoding="utf-8")
    clone.write("README.md", readme + "\nAsk [CLIENT_NAME] for the sandbox; `[CLIENT_NAME]` in code is fine.\n")
    refused = commit(clone, pre_commit_env, "Docs")
    assert refused.returncode != 0
    output = refused.stdout + refused.stderr  # git shows a hook's output on stderr
    line = readme.count("\n") + 2
    assert f"README.md:{line}:5: PB201 placeholder [CLIENT_NAME] is left from the template" in output
    assert output.count("README.md:") == 1  # the one in backticks is meant literally


# -- through .pre-commit-hooks.yaml, from another repository -----------------------------------


@slow
def test_try_repo_runs_the_hooks_from_another_repository(project_copy, pre_commit_env, git_repo, monkeypatch, capsys):
    monkeypatch.chdir(git_repo.path)
    assert cli.main(["new", "ACME-042", "--type", "accounting"]) == 0
    capsys.readouterr()
    git_repo.write("docs/guide.md", "# Guide\n\nAsk [CLIENT_NAME] for access. Write `[CLIENT_NAME]` literally.\n")
    git_repo.write("projects/NORTHWIND-001.md", NORTHWIND)
    git_repo.commit("A new plan and a guide")
    scaffold = (git_repo.path / "projects" / "ACME-042.md").read_text(encoding="utf-8")

    result = pre_commit(git_repo.path, pre_commit_env, "try-repo", str(project_copy.path), "--all-files")
    assert result.returncode == 1, result.stdout + result.stderr
    line, column = line_and_column(scaffold, "[PROJECT_NAME]")
    assert f"projects/ACME-042.md:{line}:{column}: PB201 placeholder [PROJECT_NAME] is left unfilled" in result.stdout
    assert "docs/guide.md:3:5: PB201 placeholder [CLIENT_NAME]" in result.stdout
    assert "NORTHWIND-001" not in result.stdout
    assert re.search(r"^planbook check\.+Failed$", result.stdout, re.M)

    git_repo.git("rm", "-q", "projects/ACME-042.md", "docs/guide.md")
    git_repo.commit("Only the finished plan")
    result = pre_commit(
        git_repo.path, pre_commit_env, "try-repo", str(project_copy.path), "planbook-check", "--all-files"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^planbook check\.+Passed$", result.stdout, re.M)


@slow
def test_try_repo_checks_links_and_plans_with_an_upper_case_extension(project_copy, pre_commit_env, git_repo):
    """pre-commit passes only regular files unless told otherwise, and `[.]md$` misses `X.MD`: a link
    out of the repository, or a plan in capitals, would go unchecked into main."""
    outside = git_repo.path.parent / "outside.md"
    outside.write_text(NORTHWIND, encoding="utf-8")
    git_repo.write(
        "projects/SHOUT-001.MD",
        NORTHWIND.replace('id: "NORTHWIND-001"', 'id: "SHOUT-001"').replace(
            'client: "Northwind Outfitters Ltd."', 'client: "[CLIENT_NAME]"'
        ),
    )
    (git_repo.path / "projects" / "LINKED-001.md").symlink_to(outside)
    git_repo.commit("A link and a plan in capitals")
    result = pre_commit(
        git_repo.path, pre_commit_env, "try-repo", str(project_copy.path), "planbook-check", "--all-files"
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "projects/LINKED-001.md:1:1: PB012" in result.stdout
    assert re.search(r"^projects/SHOUT-001\.MD:\d+:\d+: PB201 placeholder \[CLIENT_NAME\]", result.stdout, re.M), (
        result.stdout
    )


# -- drift between the manifest, the config, the README and the pins ---------------------------


def manifest() -> list[dict]:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def local_hooks() -> dict[str, dict]:
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"], "hooks must not need a clone of another repository"
    return {hook["id"]: hook for hook in config["repos"][0]["hooks"]}


def test_config_and_manifest_pass_pre_commits_own_validation():
    from pre_commit.clientlib import load_config, load_manifest

    assert [hook["id"] for hook in load_manifest(str(MANIFEST))] == [
        "planbook-check",
        "planbook-check-template",
        "planbook-placeholders",
    ]
    assert load_config(str(CONFIG))["repos"][0]["repo"] == "local"


@pytest.mark.parametrize("hook_id", [hook["id"] for hook in manifest()])
def test_every_manifest_hook_id_is_in_the_readme(hook_id):
    assert f"`{hook_id}`" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_local_hook_id_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [hook_id for hook_id in local_hooks() if f"`{hook_id}`" not in readme] == []


def test_the_manifest_and_the_local_hooks_check_the_same_files():
    hooks = local_hooks()
    for hook in manifest():
        local = hooks[hook["id"]]
        assert local["entry"] == f"python -m planbook.cli {hook['entry'].removeprefix('planbook ')}"
        assert hook["language"] == local["language"] == "python"
    assert hooks["planbook-check"]["files"] == manifest()[0]["files"]
    template_hook = next(hook for hook in manifest() if hook["id"] == "planbook-check-template")
    assert hooks["planbook-check-template"]["files"] == template_hook["files"] == "^template/"
    assert hooks["planbook-check-template"]["pass_filenames"] is template_hook["pass_filenames"] is False


def requirement_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version.strip()
    return pins


def test_hook_dependencies_are_pinned_as_in_requirements():
    import tomllib

    pins = requirement_pins()
    planbook_deps = {}
    for hook in local_hooks().values():
        for requirement in hook.get("additional_dependencies", []):
            name, _, version = requirement.partition("==")
            key = re.sub(r"[-_.]+", "-", name).lower()
            assert version, f"{requirement}: pin it to an exact version"
            if hook["id"].startswith("planbook-"):
                planbook_deps[key] = version
                assert pins.get(key) == version, f"{requirement} differs from requirements.txt ({pins.get(key)})"
    runtime = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    names = {re.sub(r"[-_.]+", "-", re.split(r"[<>=!~ \[;]", dep, maxsplit=1)[0]).lower() for dep in runtime}
    assert names <= set(planbook_deps), f"the planbook hooks miss {sorted(names - set(planbook_deps))}"


# -- the placeholders command the docs hook runs -----------------------------------------------


def test_placeholders_command_names_path_line_and_column(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("guide.md").write_text(
        "# Guide\n\nSend it to [CLIENT_NAME] by [GO_LIVE_DATE].\n\n"
        "Literal: `[CLIENT_NAME]`, a [link](https://example.com) and [PDF] are fine.\n\n"
        '```yaml\nclient: "[CLIENT_NAME]"\n```\n\n{{#if accounting}}\n',
        encoding="utf-8",
    )
    Path("clean.md").write_text("# Nothing left\n", encoding="utf-8")
    assert cli.main(["placeholders", "guide.md", "clean.md"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "guide.md:3:12: PB201 placeholder [CLIENT_NAME] is left from the template; fill it in, or put it in backticks if it is meant literally",
        "guide.md:3:29: PB201 placeholder [GO_LIVE_DATE] is left from the template; fill it in, or put it in backticks if it is meant literally",
        "guide.md:11:1: PB202 template block `{{#if accounting}}` is left in; remove it",
    ]
    assert cli.main(["placeholders", "clean.md"]) == 0
    assert cli.main(["placeholders", "missing.md"]) == 2
    assert "cannot read missing.md" in capsys.readouterr().err
