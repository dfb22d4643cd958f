"""The worked example of docs/template.md, run as written: a new Phase 2 task in a copy of this repository.

Each block of the page that follows an `<!-- example: … -->` comment is a step. `task` and `migrations`
blocks are the edits to the template's files; a `console` block holds commands (`$ …`), each followed by
lines its output must show, in order. A command shown with no output must exit 0. The commands run in a
shell, with the planbook and mkdocs of this environment, in a real git repository.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from sitebuild import SiteProject

GUIDE = ROOT / "docs" / "template.md"
STEP = re.compile(r"<!-- example: (?P<kind>\w+)(?P<args>[^>]*)-->\n```\w*\n(?P<body>.*?)\n```", re.S)


def steps() -> list[tuple[str, list[str], str]]:
    return [(m["kind"], m["args"].split(), m["body"]) for m in STEP.finditer(GUIDE.read_text(encoding="utf-8"))]


def template_folder() -> Path:
    own = ROOT / "template"
    return own if own.is_dir() else ROOT / "planbook" / "default_template"


def add_task(project: Path, args: list[str], body: str) -> None:
    """`task phases.development.tasks after sync_workflows`: the JSON member, inserted in that place."""
    container, _, after = args
    fields_file = project / "template" / "plan.schema.json"
    fields = json.loads(fields_file.read_text(encoding="utf-8"))
    node = fields
    for part in container.split("."):
        node = node["properties"][part]
    (name, spec), *_ = json.loads("{" + body + "}").items()
    members = list(node["properties"].items())
    at = [key for key, _ in members].index(after) + 1
    node["properties"] = dict([*members[:at], (name, spec), *members[at:]])
    fields_file.write_text(json.dumps(fields, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def add_migrations(project: Path, args: list[str], body: str) -> None:
    """`migrations version 2`: the version raised, and the migrations block in place of the empty list."""
    settings = project / "template" / "template.yml"
    text = settings.read_text(encoding="utf-8")
    assert "migrations: []" in text and re.search(r"^version: 1$", text, re.M)
    text = re.sub(r"^version: 1$", f"version: {args[1]}", text, flags=re.M).replace("migrations: []", body)
    settings.write_text(text, encoding="utf-8")


def run_console(project: Path, body: str) -> list[str]:
    """Each command of a console block, run; the lines shown under it must appear in its output, in order."""
    ran = []
    commands: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        else:
            commands[-1][1].append(line.strip())
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "NO_MKDOCS_2_WARNING": "1",
    }
    for command, expected in commands:
        done = subprocess.run(
            ["bash", "-c", command], cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False
        )
        output = done.stdout + done.stderr
        if not expected:
            assert done.returncode == 0, f"$ {command}\n{output}"
        rest = output
        for want in expected:
            assert want in rest, f"$ {command}: {want!r} is not in what it printed:\n{output}"
            rest = rest[rest.index(want) + len(want) :]
        ran.append(command)
    return ran


@pytest.mark.slow
def test_the_worked_example_runs_as_written(tmp_path: Path) -> None:
    if shutil.which("bash") is None or shutil.which("grep") is None or shutil.which("sed") is None:
        pytest.skip("the guide's commands need bash, grep and sed")
    project = SiteProject(tmp_path / "project")
    project.add_samples()
    shutil.copytree(template_folder(), project.path / "template")
    project.commit("The sample plans and the default template")
    comments_before = {
        path.name: [line for line in path.read_text(encoding="utf-8").splitlines() if line.lstrip().startswith("#")]
        for path in sorted((project.path / "projects").glob("*.md"))
    }

    ran = []
    for kind, args, body in steps():
        if kind == "task":
            add_task(project.path, args, body)
        elif kind == "migrations":
            add_migrations(project.path, args, body)
        else:
            assert kind == "console", kind
            ran += run_console(project.path, body)
    assert "planbook upgrade" in ran and "mkdocs build --strict" in ran  # the page was read, not skipped

    for name, comments in comments_before.items():
        text = (project.path / "projects" / name).read_text(encoding="utf-8")
        assert re.search(r"^ +webhooks: (true|false)$", text, re.M), name  # every plan has the task
        assert re.search(r"^template_version: 2$", text, re.M), name
        kept = [line for line in text.splitlines() if line.lstrip().startswith("#")]
        assert kept == comments, name  # and every comment, in its order
    again = subprocess.run(
        [sys.executable, "-m", "planbook.cli", "upgrade", "--check"], cwd=project.path, capture_output=True, text=True
    )
    assert again.returncode == 0, again.stdout + again.stderr
    # The export and the field reference follow the template too.
    export = subprocess.run(
        [sys.executable, "-m", "planbook.cli", "export", "CASCADE-007", "--format", "md", "-o", "-"],
        cwd=project.path,
        capture_output=True,
        text=True,
    )
    assert export.returncode == 0, export.stderr
    assert "- [x] Register Shopify webhooks" in export.stdout
    reference = (project.path / "site" / "reference" / "fields" / "index.html").read_text(encoding="utf-8")
    assert "tasks.<wbr>webhooks</code>" in reference
    assert "<td>Register <code>&#91;SYSTEM&#95;A&#93;</code> webhooks</td>" in reference
