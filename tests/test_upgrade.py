"""`planbook upgrade`, `planbook init` and PB112, on real files: the samples in a repository whose
template moved to version 2 (a Phase 2 task, `timeline` renamed, `migration.scope` split, `time_savings`
dropped, a monitoring field added)."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest

from planbook import plan_template
from planbook.cli import main
from planbook.loader import Plan, load_plan
from planbook.upgrade.plans import guess_indent, round_trip_yaml

from conftest import PROJECTS, ROOT, SAMPLES, GitRepo, blns_strings

MIGRATION = """migrations:
  - to: 2
    says: "Phase 2 gains a webhooks task; timeline becomes total_timeline"
    steps:
      - add: phases.development.tasks.webhooks
        value: false
      - rename: timeline
        to: total_timeline
      - split: migration.scope
        into: [migration.objects, migration.record_count]
        separator: ";"
      - drop: time_savings
      - add: monitoring.alert_channel
      - add: security.data_retention
"""
#: The section version 2 adds to the plan's Markdown, after Monitoring.
SECURITY_SECTION = """## 8b. SECURITY

**Data retention**: {{ plan.value("security", "data_retention") }}

---

"""
#: What check may find after the upgrade, and not before: the new placeholders, and the new task not done.
NEW_FINDINGS = re.compile(
    r"PB201 placeholder \[(ALERT_CHANNEL|MIGRATION_RECORD_COUNT|DATA_RETENTION)\]|PB302 .*\"Webhooks\""
)


def _version_2(folder: Path) -> None:
    fields = json.loads((folder / "plan.schema.json").read_text(encoding="utf-8"))
    old = fields["properties"]
    fields["properties"] = {("total_timeline" if key == "timeline" else key): spec for key, spec in old.items()}
    props = fields["properties"]
    fields["required"] = [
        "total_timeline" if key == "timeline" else key for key in fields["required"] if key != "time_savings"
    ]
    del props["time_savings"]
    tasks = props["phases"]["properties"]["development"]["properties"]["tasks"]["properties"]
    tasks["webhooks"] = {"type": "boolean", "title": "Webhooks", "default": False}
    migration = props["migration"]
    del migration["properties"]["scope"]
    migration["properties"] = {
        "objects": {"type": "string", "x-placeholder": "MIGRATION_OBJECTS", "description": "What is migrated."},
        "record_count": {"type": "string", "x-placeholder": "MIGRATION_RECORD_COUNT", "description": "How many."},
        **migration["properties"],
    }
    migration["required"] = ["objects", "record_count", "strategy"]
    monitoring = props["monitoring"]
    monitoring["properties"]["alert_channel"] = {
        "type": "string",
        "x-placeholder": "ALERT_CHANNEL",
        "maxLength": 200,
        "description": "Where alerts go.",
    }
    monitoring.setdefault("required", []).append("alert_channel")
    props["security"] = {
        "type": "object",
        "additionalProperties": False,
        "description": "How the integration keeps the client's data safe.",
        "required": ["data_retention"],
        "properties": {
            "data_retention": {
                "type": "string",
                "x-placeholder": "DATA_RETENTION",
                "maxLength": 500,
                "description": "How long synced records are kept, and where.",
            }
        },
    }
    fields["required"].append("security")
    (folder / "plan.schema.json").write_text(json.dumps(fields, indent=2), encoding="utf-8")
    markdown = (folder / "plan.md.j2").read_text(encoding="utf-8")
    markdown = markdown.replace("{{ plan.timeline }}", "{{ plan.total_timeline }}")
    markdown = re.sub(r"^.*plan\.time_savings.*\n", "", markdown, flags=re.M)
    markdown = markdown.replace('plan.value("migration", "scope")', 'plan.value("migration", "objects")')
    markdown = markdown.replace("## 9. OPEN ITEMS", SECURITY_SECTION + "## 9. OPEN ITEMS")
    (folder / "plan.md.j2").write_text(markdown, encoding="utf-8")
    settings = (folder / "template.yml").read_text(encoding="utf-8")
    settings = settings.replace("version: 1", "version: 2").replace("migrations: []\n", MIGRATION)
    (folder / "template.yml").write_text(settings, encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    """The samples, with a comment added to one, under a version-2 template, committed; the working
    folder is the repository and its template the active one (the last one comes back afterwards)."""
    git = GitRepo(tmp_path / "repo")
    shutil.copytree(PROJECTS, git.path / "projects")
    (git.path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    north = git.path / "projects" / "NORTHWIND-001.md"
    text = north.read_text(encoding="utf-8")
    text = text.replace('timeline: "10 weeks"\n', '# agreed on the kick-off call\ntimeline: "10 weeks"  # not 12\n')
    north.write_text(text.replace("confidence: 80\n", "confidence: 80 # the lead's\n"), encoding="utf-8")
    monkeypatch.chdir(git.path)
    monkeypatch.setattr(plan_template, "_active", None)
    assert main(["init"]) == 0
    _version_2(git.path / "template")
    plan_template.activate(git.path)
    git.commit("plans at template version 1")
    return git


def _texts(git: GitRepo) -> dict[str, bytes]:
    return {
        str(path): path.read_bytes()
        for path in sorted(git.path.rglob("*"))
        if ".git" not in path.parts and path.is_file()
    }


def test_the_samples_upgrade_keep_their_comments_and_pass_check_again(repo: GitRepo, capsys) -> None:
    assert main(["check"]) == 1
    before = capsys.readouterr().out
    assert before.count("PB112") == 3 and "run `planbook upgrade projects/NORTHWIND-001.md`" in before
    assert main(["upgrade"]) == 0
    out = capsys.readouterr().out
    assert out.count("template version 1 → 2") == 3
    north = (repo.path / "projects" / "NORTHWIND-001.md").read_text(encoding="utf-8")
    assert re.search(r'# agreed on the kick-off call\ntotal_timeline: "10 weeks" +# not 12\n', north)
    assert "confidence: 80 # the lead's\n" in north and "\nmigration:" not in north  # no section it lacked
    assert "      webhooks: false\n" in north and north.count("template_version: 2\n") == 1
    assert main(["check"]) == 1
    after = [line for line in capsys.readouterr().out.splitlines()[:-1] if line]
    assert after and all(NEW_FINDINGS.search(line) for line in after), after
    upgraded = _texts(repo)
    assert main(["upgrade"]) == 0 and main(["upgrade", "--check"]) == 0
    assert _texts(repo) == upgraded and "upgraded" not in capsys.readouterr().out


def test_the_new_section_shows_the_new_field_once_it_is_filled_in(repo: GitRepo, capsys) -> None:
    """The template's new section renders each plan's value; before it is filled in, its placeholder."""
    assert main(["upgrade"]) == 0
    assert main(["render", "NORTHWIND-001"]) == 0
    page = capsys.readouterr().out
    assert "## 8b. SECURITY\n\n**Data retention**: \\[DATA\\_RETENTION\\]\n" in page  # escaped as Markdown
    north = repo.path / "projects" / "NORTHWIND-001.md"
    text = north.read_text(encoding="utf-8")
    assert '  data_retention: "[DATA_RETENTION]"\n' in text
    north.write_text(
        text.replace('"[DATA_RETENTION]"', '"90 days, in the client\'s own AWS account"'), encoding="utf-8"
    )
    assert main(["render", "NORTHWIND-001"]) == 0
    assert "**Data retention**: 90 days, in the client's own AWS account" in capsys.readouterr().out


def test_dropped_values_land_in_the_notes_and_split_fills_both_fields(repo: GitRepo) -> None:
    cascade = repo.path / "projects" / "CASCADE-007.md"
    cascade.write_text(
        cascade.read_text(encoding="utf-8").replace(
            "about 96,000 orders", "about 96,000 orders; 96000 records; a third piece"
        ),
        encoding="utf-8",
    )
    assert main(["upgrade", "CASCADE-007", "projects/NORTHWIND-001.md"]) == 0
    plan = load_plan(cascade)
    assert isinstance(plan, Plan)
    assert (
        plan.data["migration"]["objects"] == "2 years of orders and shipments from the 3PL portal: about 96,000 orders"
    )
    assert plan.data["migration"]["record_count"] == "96000 records; a third piece"
    assert list(plan.data["migration"]) == ["objects", "record_count", "strategy", "records", "records_per_request"]
    north = (repo.path / "projects" / "NORTHWIND-001.md").read_text(encoding="utf-8")
    head, notes = north.split("\n---\n", 1)
    assert "time_savings" not in head
    assert notes.startswith("\n## Meeting notes\n")  # the notes as they were, byte for byte, then the values
    assert "## Values dropped by template version 2\n" in notes
    assert '```yaml\ntime_savings: "about 12 hours a week of manual entry and reconciliation"\n```\n' in notes
    brightleaf = (repo.path / "projects" / "BRIGHTLEAF-014.md").read_bytes()  # not named: not touched
    assert brightleaf == (PROJECTS / "BRIGHTLEAF-014.md").read_bytes()


def test_check_shows_the_diff_and_changes_nothing(repo: GitRepo, capsys) -> None:
    before = _texts(repo)
    assert main(["upgrade", "--check"]) == 1
    out = capsys.readouterr().out
    assert "--- a/projects/NORTHWIND-001.md\n+++ b/projects/NORTHWIND-001.md\n" in out
    assert "-# agreed on the kick-off call\n" not in out and '+total_timeline: "10 weeks" # not 12' in out
    assert _texts(repo) == before
    assert main(["upgrade"]) == 0 and main(["upgrade", "--check"]) == 0


def test_the_landed_samples_are_up_to_date_and_round_trip_byte_for_byte(monkeypatch, capsys) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(plan_template, "_active", None)
    before = {path: path.read_bytes() for path in SAMPLES}
    assert main(["upgrade", "--check"]) == 0
    assert capsys.readouterr().out == "3 plans checked: all at template version 1, nothing to upgrade\n"
    assert {path: path.read_bytes() for path in SAMPLES} == before
    for path in SAMPLES:
        plan = load_plan(path)
        assert isinstance(plan, Plan)
        yaml = round_trip_yaml(*guess_indent(plan.yaml_text))
        out = io.StringIO()
        yaml.dump(yaml.load(plan.yaml_text), out)
        assert out.getvalue() == plan.yaml_text, path.name


BAD_MIGRATIONS = {
    "unknown kind": ("      - drop: time_savings\n", "      - delete: time_savings\n", "template.yml:78:9: a step has"),
    "bad path": (
        "      - drop: time_savings\n",
        "      - drop: time..savings\n",
        "template.yml:78:15: `time..savings`",
    ),
    "not consecutive": ("  - to: 2\n", "  - to: 3\n", "template.yml:68:9: `to: 3` is out of order"),
    "missing to": ("  - to: 2\n    says", "  - says: x\n    said", "template.yml:69:5: a migration has no key `said`"),
    "no to": ("  - to: 2\n    says", "  - says", "template.yml:68:5: this migration has no `to`"),
    "add elsewhere": (
        "      - add: monitoring.alert_channel\n",
        "      - add: monitoring.alert\n",
        "template.yml:79:14: `monitoring.alert` is not a field",
    ),
    "rename elsewhere": (
        "        to: total_timeline\n",
        "        to: timelines\n",
        "template.yml:73:17: `timelines` is not a field",
    ),
    "split elsewhere": (
        "into: [migration.objects,",
        "into: [migration.things,",
        "template.yml:75:16: `migration.things` is not a field",
    ),
    "add without a value": (
        "      - add: monitoring.alert_channel\n",
        "      - add: start_date\n",
        "template.yml:79:14: `start_date` has no placeholder",
    ),
    "extra key": (
        '        separator: ";"\n',
        '        separator: ";"\n        value: 1\n',
        "template.yml:78:9: a `split` step takes no `value`",
    ),
}


@pytest.mark.parametrize("case", list(BAD_MIGRATIONS))
def test_an_invalid_migration_is_named_and_changes_nothing(repo: GitRepo, capsys, case: str) -> None:
    old, new, message = BAD_MIGRATIONS[case]
    settings = repo.path / "template" / "template.yml"
    text = settings.read_text(encoding="utf-8")
    assert old in text
    settings.write_text(text.replace(old, new, 1), encoding="utf-8")
    before = _texts(repo)
    assert main(["upgrade"]) == 2
    err = capsys.readouterr().err
    assert f"template/{message}" in err and "no plan was changed" in err, err
    assert _texts(repo) == before


def test_a_conflict_leaves_every_plan_untouched(repo: GitRepo, capsys) -> None:
    north = repo.path / "projects" / "NORTHWIND-001.md"
    north.write_text(
        north.read_text(encoding="utf-8").replace("confidence: 80", 'total_timeline: "12 weeks"\nconfidence: 80')
    )
    before = _texts(repo)
    assert main(["upgrade"]) == 1
    err = capsys.readouterr().err
    assert "projects/NORTHWIND-001.md:16:11: cannot rename `timeline` to `total_timeline`" in err, err
    assert "no plan was changed" in err and _texts(repo) == before


def test_a_plan_that_does_not_load_is_reported_and_skipped(repo: GitRepo, capsys) -> None:
    bad = repo.write("projects/BAD-1.md", "---\nid: &a BAD-1\nname: *a\n---\n")
    assert main(["upgrade"]) == 1
    captured = capsys.readouterr()
    assert re.search(r"^projects/BAD-1\.md:2:5: PB008", captured.err, re.M), captured.err
    assert bad.read_text(encoding="utf-8") == "---\nid: &a BAD-1\nname: *a\n---\n"
    assert captured.out.count("upgraded projects/") == 3
    assert captured.out.endswith("3 of 4 plans upgraded, to template version 2\n")


def test_hostile_values_survive_and_the_printed_lines_are_escaped(repo: GitRepo, capsys) -> None:
    hostile = ["\x1b[31mred\x1b[0m \x07 {{ config.items() }} {% raw %}", "line\nbreak \u202e", *blns_strings()]
    north = repo.path / "projects" / "NORTHWIND-001.md"
    text = north.read_text(encoding="utf-8")
    questions = "".join(f"    - {_quoted(value)}\n" for value in hostile if _encodes(value))
    text = text.replace('  questions:\n    - "Should Shopify', "  questions:\n" + questions + '    - "Should Shopify')
    raw = "\u202e raw"  # YAML takes it as it is: only the escaping of the output keeps it off the terminal
    text = text.replace('timeline: "10 weeks"', f'timeline: {_quoted(hostile[0])[:-1]}{raw}"')
    text = re.sub(r"^time_savings: .*$", lambda _: f"time_savings: {_quoted(hostile[1])}", text, flags=re.M)
    north.write_text(text, encoding="utf-8")
    loaded = load_plan(north)
    if not isinstance(loaded, Plan):
        pytest.skip(f"the hostile plan does not load: {loaded.findings[0]}")
    assert main(["upgrade", "--check"]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    north_diff = out[out.index("--- a/projects/NORTHWIND-001.md") :]
    line = next(line for line in north_diff.splitlines() if line.startswith("+total_timeline"))
    assert line.startswith('+total_timeline: "\\e[31mred\\e[0m \\a {{ config.items() }} {% raw %}\\u202e raw"'), line
    assert main(["upgrade"]) == 0
    upgraded = load_plan(north)
    assert isinstance(upgraded, Plan)
    assert upgraded.data["open_items"] == loaded.data["open_items"]
    assert upgraded.data["total_timeline"] == hostile[0] + raw
    dropped = upgraded.notes.split("```yaml\n", 1)[1]
    assert round_trip_yaml().load(dropped.split("\n```")[0])["time_savings"] == hostile[1]


def _quoted(value: str) -> str:
    """`value` as YAML double-quoted text: every character that is not printable as an escape."""
    text = json.dumps(value, ensure_ascii=False)
    return "".join(
        c if c.isprintable() else f"\\u{ord(c):04x}" if ord(c) < 0x10000 else f"\\U{ord(c):08x}" for c in text
    )


def _encodes(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: no file can hold it
        return False
    return True


def test_check_warns_only_about_plans_behind(repo: GitRepo, capsys) -> None:
    assert main(["upgrade", "NORTHWIND-001"]) == 0
    main(["check"])
    out = capsys.readouterr().out
    lines = (PROJECTS / "CASCADE-007.md").read_text(encoding="utf-8").splitlines()
    line = next(number for number, text in enumerate(lines, 1) if text.startswith("template_version:"))
    assert (
        f"projects/CASCADE-007.md:{line}:19: PB112 warning: the plan follows template version 1, and the template is at version 2: run `planbook upgrade projects/CASCADE-007.md`"
        in out
    )
    assert not re.search(r"NORTHWIND-001\.md:\d+:\d+: PB112", out)


def test_init_refuses_a_template_that_exists_and_new_plans_follow_the_template(repo: GitRepo, capsys) -> None:
    before = _texts(repo)
    assert main(["init"]) == 2
    assert "template/ already exists" in capsys.readouterr().err and _texts(repo) == before
    assert main(["new", "ACME-9"]) == 0
    assert "\ntemplate_version: 2\n" in (repo.path / "projects" / "ACME-9.md").read_text(encoding="utf-8")
    assert main(["upgrade", "--check", "ACME-9"]) == 0


def test_init_copies_the_default_template(tmp_path, monkeypatch, capsys) -> None:
    git = GitRepo(tmp_path / "fresh")
    monkeypatch.chdir(git.path)
    assert main(["init"]) == 0
    for name in plan_template.TEMPLATE_FILES:
        assert (git.path / "template" / name).read_bytes() == (plan_template.default_folder() / name).read_bytes()
