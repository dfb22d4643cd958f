"""Class 3 of the trust issue: tracebacks from one-line inputs.

Every input here is one line of front matter. Each gets a finding from `planbook check` (exit 1),
never a traceback; and once it is committed and then fixed, the bad version in git history breaks
neither `history`, nor `diff`, nor a strict site build. A draft holding a value of the wrong type, or
a date at the end of the calendar, renders and exports.
"""

from __future__ import annotations

import copy
import inspect
import re
import subprocess
import sys

import pytest
import yaml

from planbook import schema
from planbook.check import check_result
from planbook.export import export_plan
from planbook.loader import Plan, load_plan
from planbook.render import render_plan
from planbook.scaffold import scaffold

from conftest import PROJECTS, ROOT
from hostile import base_data

sys.path.insert(0, str(ROOT / "tests" / "site"))
from sitebuild import SiteProject  # noqa: E402

SAMPLE = (PROJECTS / "NORTHWIND-001.md").read_text(encoding="utf-8")
ONE_LINERS = {
    "int-tag-on-text": 'confidence: !!int "abc"',
    "bool-tag-on-text": 'confidence: !!bool "maybe"',
    "float-tag-on-text": 'confidence: !!float "x"',
    "int-tag-on-nothing": 'confidence: !!int ""',
    "int-past-python-limit": "confidence: " + "9" * 5000,
    "float-past-python-limit": "confidence: 1." + "9" * 5000,
    "binary-tag": "name: !!binary aGVsbG8=",
    "set-tag": "name: !!set {a, b}",
    "omap-tag": "name: !!omap [{a: 1}]",
    "timestamp-tag-on-text": 'start_date: !!timestamp "soon"',
    "date-at-the-end-of-time": 'start_date: "9999-12-31"',
    "date-before-time": 'start_date: "0001-01-01"',
    "list-field-a-number": "    edge_cases: -1",
}


def one_liner(name: str) -> str:
    line = ONE_LINERS[name]
    key = line.split(":")[0]
    changed, count = re.subn(rf"^{re.escape(key)}:.*(\n\s+- .*)*$", line, SAMPLE, count=1, flags=re.M)
    assert count == 1, name
    return changed


def run(*args: str, cwd) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "planbook.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("name", sorted(ONE_LINERS))
def test_check_gives_a_finding_never_a_traceback(tmp_path, name: str) -> None:
    path = tmp_path / "projects" / "NORTHWIND-001.md"
    path.parent.mkdir()
    path.write_text(one_liner(name), encoding="utf-8")
    done = run("check", str(path), cwd=tmp_path)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and done.stderr == ""
    assert re.search(r":\d+:\d+: PB\d{3} ", done.stdout), done.stdout


@pytest.mark.parametrize(
    "name",
    [
        "int-tag-on-text",
        "bool-tag-on-text",
        "int-past-python-limit",
        "date-at-the-end-of-time",
        "list-field-a-number",
        "binary-tag",
    ],
)
def test_a_bad_version_in_git_history_breaks_nothing(tmp_path, name: str) -> None:
    project = SiteProject(tmp_path / "project")
    project.add_samples()
    project.commit("Add the samples")
    project.add_plan("NORTHWIND-001", one_liner(name))
    project.commit("A bad edit")
    project.add_plan("NORTHWIND-001", SAMPLE)
    project.commit("Fix it")

    history = run("history", "NORTHWIND-001", cwd=project.path)
    assert history.returncode == 0 and "Traceback" not in history.stderr, history.stderr
    rows = history.stdout.splitlines()[1:]
    assert len(rows) == 3 and rows[1].split()[-1] == "—", rows  # the bad version is a row of its own: not valid
    for revisions in (["HEAD~2", "HEAD~1"], ["HEAD~1", "HEAD"], ["HEAD~2", "HEAD"]):
        diff = run("diff", *revisions, "--format", "markdown", cwd=project.path)
        assert diff.returncode == 0 and "Traceback" not in diff.stderr, diff.stderr
    build = project.build()
    assert build.ok and "Traceback" not in build.output, build.output
    page = build.plan_page("NORTHWIND-001")
    assert page.count("<tr>") >= 3  # the history table, bad version included


def test_a_strict_build_refuses_a_bad_plan_with_checks_lines_not_a_traceback(tmp_path) -> None:
    project = SiteProject(tmp_path / "project")
    project.add_plan("NORTHWIND-001", one_liner("int-tag-on-text"))
    project.commit("A bad plan")
    build = project.build()
    assert not build.ok and "Traceback" not in build.output
    assert re.search(r"projects/NORTHWIND-001\.md:\d+:\d+: PB009 ", build.output), build.output


# One of each shape a YAML value can take where another belongs.
WRONG_VALUES = [-1, 3.5, True, None, "", [], [1], {"a": [1]}, [{"a": None}], 10**20]


def drafts() -> list[tuple[str, dict]]:
    """A complete plan with every optional field, and a scaffold of every type with a migration: each
    a draft to break."""
    bases = [("full", base_data())]
    scaffolded = load_plan(
        "SCAFFOLD.md", text=scaffold("SCAFFOLD", types=["accounting", "marketing", "fulfillment"], migration=True)
    )
    assert isinstance(scaffolded, Plan)
    bases.append(("scaffold", scaffolded.data))
    return bases


def field_paths(data: dict) -> list[tuple]:
    paths = []
    for field in schema.iter_fields():
        path = tuple(0 if part == schema.ITEM else part for part in field.path)
        node = data
        try:
            for part in path[:-1]:
                node = node[part]
            node[path[-1]]
        except (KeyError, IndexError, TypeError):
            continue
        paths.append(path)
    return paths


@pytest.mark.parametrize(("base_name", "base"), drafts(), ids=[name for name, _ in drafts()])
def test_a_draft_with_any_wrong_type_anywhere_renders_and_exports(base_name: str, base: dict) -> None:
    # Every field, every kind of wrong value: through check, both renders and the two exports that
    # need no browser. What a draft holds is shown as it stands, or as the template's placeholder.
    failures = []
    for path in field_paths(base):
        for value in WRONG_VALUES:
            data = copy.deepcopy(base)
            node = data
            for part in path[:-1]:
                node = node[part]
            node[path[-1]] = value
            plan = Plan(
                path="projects/X.md",
                data=data,
                yaml_text=yaml.safe_dump(data, allow_unicode=True),
                notes="Notes.",
                notes_line=200,
                source="",
            )
            for step, call in (
                ("check", lambda plan=plan: check_result(plan)),
                ("markdown", lambda plan=plan: render_plan(plan)),
                ("site", lambda plan=plan: render_plan(plan, flavor="site")),
                ("html", lambda plan=plan: export_plan(plan, "html")),
                ("md", lambda plan=plan: export_plan(plan, "md")),
            ):
                try:
                    call()
                except Exception as e:  # noqa: BLE001 - the test collects every crash, then fails on them
                    failures.append((step, path, repr(value), f"{type(e).__name__}: {e}"))
    assert failures == [], failures[:5]


# -- found by the adversarial review ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "front_matter", "code"),
    [
        ("nested-explicit-keys", "x:\n  " + "? " * 60_000 + "a", "PB011"),  # libyaml's composer overflowed the C stack
        ("long-hex-number", "confidence: 0x" + "f" * 3_600, "PB006"),  # 4,335 digits: no message could quote it
        ("long-octal-number", "confidence: 0" + "7" * 5_000, "PB006"),
    ],
)
def test_shapes_that_crashed_or_overflowed_give_a_finding(tmp_path, name: str, front_matter: str, code: str) -> None:
    path = tmp_path / "projects" / "Q.md"
    path.parent.mkdir()
    path.write_text(f'---\nid: "Q"\n{front_matter}\n---\n', encoding="utf-8")
    done = run("check", str(path), cwd=tmp_path)
    assert done.returncode == 1 and done.stderr == "", done.stderr[-2000:]
    assert f" {code} " in done.stdout


@pytest.mark.parametrize("link", ["https://[docs/spec", "https://u\uff20ser@evil.test/p.png", "http://x:99999999/"])
def test_an_address_no_parser_reads_is_a_finding_not_a_traceback(tmp_path, link: str) -> None:
    project = SiteProject(tmp_path / "project")
    project.add_plan("NORTHWIND-001", SAMPLE + f"\nSee [the spec]({link}).\n")
    project.add_plan(
        "CASCADE-007", (PROJECTS / "CASCADE-007.md").read_text(encoding="utf-8") + f'\n<img src="{link}" alt="raw">\n'
    )
    project.commit("Links that do not parse")
    done = run("check", cwd=project.path)
    assert "Traceback" not in done.stderr and done.returncode == 1
    assert "NORTHWIND-001.md" in done.stdout and " PB108 " in done.stdout
    # A reference that does not parse shows as code, never as a link, and the image as text.
    references = SAMPLE.replace(
        'id: "NORTHWIND-001"', f'id: "NORTHWIND-001"\nreferences:\n  technical_specs: "{link}"', 1
    )
    project.add_plan("NORTHWIND-001", references)
    render = run("render", "NORTHWIND-001", cwd=project.path)
    assert render.returncode == 0 and "Traceback" not in render.stderr
    # ... and it is no place a document can be: the strict build says where, with check's own line.
    build = project.build()
    assert not build.ok and "Traceback" not in build.output, build.output[-3000:]
    assert re.search(r"projects/NORTHWIND-001\.md:\d+:\d+: PB602 ", build.output), build.output[-3000:]


def test_a_bad_link_in_git_history_does_not_poison_later_builds(tmp_path) -> None:
    project = SiteProject(tmp_path / "project")
    project.add_samples()
    project.commit("Add the samples")
    project.add_plan("NORTHWIND-001", SAMPLE + "\n[spec](https://[docs/spec)\n")
    project.commit("A link that does not parse")
    project.add_plan("NORTHWIND-001", SAMPLE)
    project.commit("Fixed")
    build = project.build()
    assert build.ok and "Traceback" not in build.output, build.output[-3000:]


def test_odd_names_in_git_history_neither_crash_nor_forge_rows(tmp_path) -> None:
    project = SiteProject(tmp_path / "project")
    project.add_samples()
    project.commit("Add the samples")
    forged = "A\x01c0ffee1\t1999-12-31"
    project.write(f"projects/{forged}", "not a plan\n")
    project.write("projects/a\x01.md", "---\nid: x\n---\n")
    project.add_plan("NORTHWIND-001", SAMPLE.replace("status: development", "status: testing"))
    project.commit("A change beside two odd names")
    project.git("update-index", "--add", "--cacheinfo", f"160000,{'1234567890' * 4},projects/a b.md")
    project.git("commit", "-q", "-m", "A submodule entry with a space in its name")  # no `add -A`: it would drop it
    history = run("history", "NORTHWIND-001", cwd=project.path)
    assert history.returncode == 0 and "Traceback" not in history.stderr, history.stderr
    assert "1999-12-31" not in history.stdout and "c0ffee1" not in history.stdout
    assert "testing" in history.stdout
    diff = run("diff", "HEAD~2", "HEAD", cwd=project.path)
    assert diff.returncode == 0 and "Traceback" not in diff.stderr, diff.stderr


def test_one_name_with_a_line_break_hides_no_other_plan_in_a_diff(tmp_path) -> None:
    project = SiteProject(tmp_path / "project")
    project.add_samples()
    project.commit("Add the samples")
    project.write("projects/zz\ny.md", "---\nid: x\n---\n")
    project.add_plan(
        "CASCADE-007",
        (PROJECTS / "CASCADE-007.md").read_text(encoding="utf-8").replace("confidence: 90", "confidence: 10"),
    )
    project.commit("A change, and a file with a line break in its name")
    diff = run("diff", "HEAD~1", "HEAD", cwd=project.path)
    assert diff.returncode == 0, diff.stderr
    assert "confidence: 90 → 10" in diff.stdout, diff.stdout


def test_a_symlink_to_a_folder_is_a_finding(tmp_path) -> None:
    folder = tmp_path / "projects"
    folder.mkdir()
    (folder / "SELF.md").symlink_to(".")
    (tmp_path / "sub").mkdir()
    (folder / "DIR.md").symlink_to("../sub")
    done = run("check", "projects", cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "projects/SELF.md:1:1: PB001" in done.stdout and "projects/DIR.md:1:1: PB001" in done.stdout


def test_markdown_nested_past_pythons_recursion_limit_is_an_export_error_and_breaks_nothing_after() -> None:
    """The check's PB109 stops such notes before any export; the converter says so on its own too.
    Where the recursion stops depends on how deep the stack already is, and from some depths it left
    the shared converter broken for every later page (raw HTML escaped, links left as text). So the
    limit is moved through a range of depths, and a page converted after each."""
    from planbook.export.errors import ExportError
    from planbook.export.to_html import markdown_to_html

    nested = "".join("    " * level + "- x\n" for level in range(100))
    base, limit = len(inspect.stack(0)), sys.getrecursionlimit()
    broken = []
    try:
        for headroom in range(120, 400, 4):
            sys.setrecursionlimit(base + headroom)
            try:
                markdown_to_html(nested)
            except ExportError as error:
                assert "PB109" in str(error)
            except RecursionError:  # so little headroom that it ran out outside the conversion
                pass
            finally:
                sys.setrecursionlimit(limit)
            after = markdown_to_html('[a](https://x.example)\n\n<a href="https://y.example">raw</a>\n')
            if '<a href="https://x.example">a</a>' not in after or '<a href="https://y.example">raw</a>' not in after:
                broken.append(headroom)
    finally:
        sys.setrecursionlimit(limit)
    assert broken == []
    with pytest.raises(ExportError, match="PB109"):
        markdown_to_html("".join("    " * level + "- x\n" for level in range(600)))  # at the usual limit
