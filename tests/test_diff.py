"""`planbook diff`: field-by-field changes between two git revisions, in real repositories."""

from __future__ import annotations

import copy
import re

import pytest

from planbook import cli
from planbook.diff import Change, diff_plans, field_changes, format_markdown, format_text
from planbook.loader import load_plan

from conftest import PROJECTS, GitRepo, blns_strings, ssti_payloads

SAMPLE = "projects/NORTHWIND-001.md"


def sample_data() -> dict:
    return copy.deepcopy(load_plan(PROJECTS / "NORTHWIND-001.md").data)


def lines(changes: list[Change]) -> list[str]:
    return [change.text() for change in changes]


def edit(**updates):
    data = sample_data()
    for dotted, value in updates.items():
        node = data
        *parents, last = dotted.split("__")
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value
    return data


# -- the field walk ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (edit(status="testing"), ["status: development → testing"]),
        (edit(confidence=85), ["confidence: 80 → 85"]),
        (edit(name="Northwind sync"), ["name: Northwind Outfitters order-to-ledger sync → Northwind sync"]),
        (edit(phases__discovery__owner="Ana Souza"), ["phases.discovery.owner: Priya Raman → Ana Souza"]),
        (edit(monitoring__target_success_rate=99.9), ["monitoring.target_success_rate: 99.5 → 99.9"]),
        (
            edit(phases__development__tasks__error_handling=True),
            ['task done: Phase 2 "Build error handling and retry logic"'],
        ),
        (
            edit(phases__discovery__tasks__system_a_credentials=False),
            ['task reopened: Phase 1 "Obtain Shopify API credentials"'],
        ),
        (edit(deployment__checklist__uat_signoff=True), ['task done: deployment.checklist "UAT sign-off received"']),
        (edit(api_access__system_b=False), ['task reopened: api_access "QuickBooks Online API credentials"']),
        (
            edit(open_items__blockers=["Waiting for the sandbox realm"]),
            ['blocker added: "Waiting for the sandbox realm"'],
        ),
        (
            edit(open_items__questions=[]),
            ['question removed: "Should Shopify gift card sales post to a liability account or to income?"'],
        ),
        (edit(impacts=list(reversed(sample_data()["impacts"]))), ["impacts reordered"]),
        (edit(risks=list(reversed(sample_data()["risks"]))), ["risks reordered"]),
        (edit(types=["accounting", "fulfillment"]), ['type added: "fulfillment"']),
        (
            edit(phases__testing__edge_cases=["Partial refund of a multi-line order"]),
            [
                'edge case removed: "Order paid with a gift card and a credit card"',
                'edge case removed: "Product with a zero-rated tax class"',
            ],
        ),
        (
            edit(risks__1__impact="High"),
            ['risk "Historic orders edited after export create duplicates" impact: Medium → High'],
        ),
        (
            edit(success__criteria__0__done=True),
            ['criterion done: "Ledger matches Shopify payouts to the penny for a full month"'],
        ),
        (
            edit(migration={"scope": "Two years of invoices", "strategy": "Batch import"}),
            ["migration.scope: (not set) → Two years of invoices", "migration.strategy: (not set) → Batch import"],
        ),
        (edit(owner_notes="kept"), ["owner_notes changed: a field the schema does not know, values not shown"]),
        (edit(confidence=True), ["confidence: 80 → true"]),
    ],
    ids=lambda v: "" if isinstance(v, dict) else (v[0][:40] if v else "none"),
)
def test_each_kind_of_change_reads_as_a_sentence(after, expected):
    assert lines(field_changes(sample_data(), after)) == expected


def test_risks_are_matched_by_their_text_not_their_position():
    before = sample_data()
    after = sample_data()
    new_risk = {
        "risk": "Shopify API version sunset",
        "impact": "Low",
        "mitigation": "Pin the version; review quarterly",
    }
    after["risks"] = [new_risk, after["risks"][1]]
    assert lines(field_changes(before, after)) == [
        'risk removed: "QuickBooks tax codes do not map one-to-one to Shopify tax lines"',
        'risk added: "Shopify API version sunset"',
    ]


def test_identical_plans_have_no_changes():
    assert field_changes(sample_data(), sample_data()) == []


def test_a_value_of_the_wrong_type_is_shown_rather_than_crashing():
    after = sample_data()
    after["phases"] = "all of them"
    after["risks"] = {"risk": "not a list"}
    after["phases_typo"] = [1, {"a": None}]
    result = lines(field_changes(sample_data(), after))
    assert result[0].startswith('phases: {"discovery": ') and result[0].endswith("→ all of them")
    assert result[1].startswith("risks: [") and result[1].endswith('→ {"risk": "not a list"}')
    assert result[2] == "phases_typo changed: a field the schema does not know, values not shown"


def test_markdown_escapes_every_plan_value():
    change = Change(
        "risk",
        subject="*bold* <img src=x onerror=alert(1)>",
        detail="impact",
        before="[x](javascript:alert(1))",
        after="| cell |",
    )
    markdown = change.markdown()
    assert "<img" not in markdown and "&lt;img" in markdown
    assert "[x](javascript" not in markdown and "\\[x\\]" in markdown
    assert "\\*bold\\*" in markdown
    assert change.text() == 'risk "*bold* <img src=x onerror=alert(1)>" impact: [x](javascript:alert(1)) → | cell |'


# -- in a real repository ----------------------------------------------------------------------


@pytest.fixture
def repo(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    for plan in sorted(PROJECTS.glob("*.md")):
        git_repo.write(f"projects/{plan.name}", plan.read_text(encoding="utf-8"))
    git_repo.write("README.md", "# plans\n")
    git_repo.commit("Three sample plans")
    monkeypatch.chdir(git_repo.path)
    return git_repo


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["diff", *args])
    out, err = capsys.readouterr()
    return code, out, err


def replace(repo: GitRepo, path: str, *pairs: tuple[str, str]) -> None:
    text = (repo.path / path).read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    repo.write(path, text)


def test_diff_between_two_commits_prints_the_exact_field_changes(repo, capsys):
    base = repo.git("rev-parse", "HEAD").stdout.strip()
    replace(
        repo,
        SAMPLE,
        ("status: development", "status: testing"),
        ("confidence: 80", "confidence: 85"),
        ("      transformation_layer: false", "      transformation_layer: true"),
        ("  blockers: []", '  blockers:\n    - "The client\'s accountant is on leave until October"'),
        (
            "risks:\n",
            'risks:\n  - risk: "Webhook deliveries are dropped during Shopify outages"\n'
            '    impact: "Medium"\n    mitigation: "Nightly reconciliation job re-fetches missed orders"\n',
        ),
    )
    head = repo.commit("Northwind moves to testing")
    code, out, err = run(capsys, base, head)
    assert (code, err) == (0, "")
    assert out.splitlines()[:11] == [
        f"1 plan changed between {base} ({base[:7]}) and {head} ({head[:7]}).",
        "",
        "projects/NORTHWIND-001.md: modified",
        "  status: development → testing",
        "  confidence: 80 → 85",
        '  task done: Phase 2 "Implement data transformation layer"',
        '  risk added: "Webhook deliveries are dropped during Shopify outages"',
        '  blocker added: "The client\'s accountant is on leave until October"',
        "  completeness: 100% → 100%",
        "  check: pass → fail (6 findings)",  # one of them NORTHWIND's own development task
        '    projects/NORTHWIND-001.md:50:23: PB302 the status is testing, but "Build error handling and retry logic" is not done; '
        "set `error_handling: true` once it is, or set the status back to development",
    ]


def test_markdown_output_has_a_before_and_after_table(repo, capsys):
    replace(repo, SAMPLE, ("confidence: 80", "confidence: 60"), ('name: "Northwind', 'name: "*Northwind* <b>x</b>'))
    code, out, _ = run(capsys, "--format", "markdown")
    assert code == 0
    assert out.startswith("## Plan changes\n\n1 plan changed between HEAD (")
    assert "### `projects/NORTHWIND-001.md`: modified\n\n| | Before | After |\n| --- | --- | --- |\n" in out
    assert "| Fields filled | 100% | 100% |\n| Check | pass | pass |\n" in out
    assert "- confidence: 80 → 60\n" in out
    assert "- name: Northwind Outfitters order-to-ledger sync → \\*Northwind\\* &lt;b&gt;x&lt;/b&gt; Outfitters" in out


def test_added_deleted_and_renamed_plans(repo, capsys):
    base = repo.git("rev-parse", "HEAD").stdout.strip()
    repo.git("mv", "projects/CASCADE-007.md", "projects/CASCADE-070.md")
    replace(repo, "projects/CASCADE-070.md", ('id: "CASCADE-007"', 'id: "CASCADE-070"'))
    repo.git("rm", "-q", "projects/BRIGHTLEAF-014.md")
    assert cli.main(["new", "ACME-042", "--type", "marketing"]) == 0
    capsys.readouterr()
    head = repo.commit("Rename, retire and start plans")
    code, out, _ = run(capsys, base, head)
    assert code == 0
    blocks = out.split("\n\n")
    assert blocks[0] == f"3 plans changed between {base} ({base[:7]}) and {head} ({head[:7]})."
    assert blocks[1].startswith(
        "projects/ACME-042.md: added\n"
        "  name: [PROJECT_NAME]\n"
        "  status: draft\n"
        "  confidence: [CONFIDENCE_SCORE]\n"
        "  completeness: — → "
    )
    assert "\n  check: — → fail (" in blocks[1]
    assert re.search(
        r"\n    projects/ACME-042\.md:\d+:\d+: PB201 placeholder \[PROJECT_NAME\] is left unfilled", blocks[1]
    )
    assert blocks[2] == "projects/BRIGHTLEAF-014.md: deleted\n  completeness: 100% → —\n  check: pass → —"
    assert blocks[3] == (
        "projects/CASCADE-007.md → projects/CASCADE-070.md: renamed\n"
        "  id: CASCADE-007 → CASCADE-070\n  completeness: 100% → 100%\n  check: pass → pass\n"
    )


def test_a_plan_invalid_on_one_side(repo, capsys):
    base = repo.git("rev-parse", "HEAD").stdout.strip()
    repo.write(SAMPLE, "---\nid: [NORTHWIND-001\n---\n")
    broken = repo.commit("Break the plan")
    code, out, _ = run(capsys, base, broken)
    assert code == 0
    assert "  fields not compared: the new version does not load as a plan\n  completeness: 100% → invalid\n" in out
    assert (
        "  check: pass → not loadable (PB006 at line 3)\n    projects/NORTHWIND-001.md:3:1: PB006 invalid YAML" in out
    )
    repo.write(SAMPLE, (PROJECTS / "NORTHWIND-001.md").read_text(encoding="utf-8"))
    fixed = repo.commit("Fix the plan")
    code, out, _ = run(capsys, broken, fixed)
    assert "  fields not compared: the base version does not load as a plan\n" in out
    assert "  check: not loadable (PB006 at line 3) → pass\n" in out


def test_default_is_head_against_the_working_tree_including_new_files(repo, capsys):
    replace(repo, "projects/CASCADE-007.md", ("confidence: 90", "confidence: 95"))
    (repo.path / "projects" / "NEW-1.md").write_text(
        (PROJECTS / "NORTHWIND-001.md").read_text(encoding="utf-8").replace("NORTHWIND-001", "NEW-1"), encoding="utf-8"
    )
    (repo.path / "projects" / "notes.txt").write_text("not a plan", encoding="utf-8")
    code, out, _ = run(capsys)
    assert code == 0
    assert out.startswith("2 plans changed between HEAD (")
    assert "and the working tree." in out.splitlines()[0]
    assert "projects/CASCADE-007.md: modified\n  confidence: 90 → 95\n" in out
    assert "projects/NEW-1.md: added\n  name: Northwind Outfitters order-to-ledger sync\n  status: development\n" in out
    assert "notes.txt" not in out


def test_triple_dot_compares_with_the_merge_base(repo, capsys):
    repo.git("checkout", "-q", "-b", "feature")
    replace(repo, SAMPLE, ("confidence: 80", "confidence: 90"))
    repo.commit("More confident")
    repo.git("checkout", "-q", "main")
    replace(repo, "projects/CASCADE-007.md", ("confidence: 90", "confidence: 10"))
    repo.commit("Main moves on")
    code, out, _ = run(capsys, "main...feature")
    assert code == 0
    assert out.startswith("1 plan changed between main (merge base) (")
    assert "confidence: 80 → 90" in out and "CASCADE" not in out
    code, out, _ = run(capsys, "main", "feature")
    assert "CASCADE-007.md: modified\n  confidence: 10 → 90" in out


def test_no_changes(repo, capsys):
    code, out, _ = run(capsys, "HEAD", "HEAD")
    assert code == 0
    assert (
        out
        == f"No plan changed between HEAD ({repo.git('rev-parse', '--short=7', 'HEAD').stdout.strip()}) and HEAD ({repo.git('rev-parse', '--short=7', 'HEAD').stdout.strip()}).\n"
    )


@pytest.mark.parametrize("args", [["no-such-branch"], ["HEAD", "no-such-branch"], ["--", "-x"], ["HEAD~5"], ["a...b"]])
def test_unknown_revisions_exit_2_with_a_message(repo, capsys, args):
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert err.startswith("planbook: error: unknown revision")


def test_outside_a_repository_exits_2(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    code, out, err = run(capsys)
    assert code == 2 and err.startswith("planbook: error: not in a git repository")


def test_hostile_plan_text_is_escaped_in_the_markdown_summary(repo):
    """A pull request's text goes into the job summary: no value may add markup of its own."""
    base = repo.git("rev-parse", "HEAD").stdout.strip()
    hostile = [
        s for s in blns_strings() + ssti_payloads() if s.strip() and not any(0xD800 <= ord(c) <= 0xDFFF for c in s)
    ]
    text = (PROJECTS / "NORTHWIND-001.md").read_text(encoding="utf-8")
    items = "".join(f"    - {yaml_quote(s)}\n" for s in hostile)
    text = text.replace("  blockers: []\n", f"  blockers:\n{items}")
    repo.write(SAMPLE, text)
    head = repo.commit("Hostile blockers")
    report = diff_plans(base, head, root=repo.path)
    assert len(report.plans[0].changes) >= len(set(hostile)) - 5  # each distinct string is one change
    markdown = format_markdown(report)
    outside_our_tags = re.sub(r"</?(details|summary)>", "", markdown)
    assert "<" not in outside_our_tags
    for line in markdown.splitlines():
        if line.startswith("- blocker added: "):
            body = line[len("- blocker added: ") :]
            assert (
                re.search(r"(?<!\\)[`*_\[\]{}]", body.replace("&lt;", "").replace("&gt;", "").replace("&amp;", ""))
                is None
            ), line
    assert "blocker added" in format_text(report)


def yaml_quote(text: str) -> str:
    """A YAML double-quoted string holding exactly `text`: everything but printable ASCII escaped."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif " " <= char <= "~":
            out.append(char)
        elif ord(char) > 0xFFFF:
            out.append(f"\\U{ord(char):08x}")
        else:
            out.append(f"\\u{ord(char):04x}")
    return '"' + "".join(out) + '"'


def test_git_revision_side_loads_through_the_safe_loader(repo, capsys):
    """An old version with a YAML tag is refused like a file on disk would be, not constructed."""
    base = repo.git("rev-parse", "HEAD").stdout.strip()
    replace(repo, SAMPLE, ('lead: "Priya Raman"', "lead: !!python/object/apply:os.system ['echo hacked']"))
    head = repo.commit("A tag")
    code, out, _ = run(capsys, base, head)
    assert code == 0 and "PB009" in out and "hacked" not in out.split("PB009", 1)[0]


def test_paths_are_relative_to_the_repository_from_a_subfolder(repo, capsys, monkeypatch):
    base = repo.git("rev-parse", "HEAD").stdout.strip()
    replace(repo, SAMPLE, ("confidence: 80", "confidence: 81"))
    head = repo.commit("One point")
    monkeypatch.chdir(repo.path / "projects")
    code, out, _ = run(capsys, base, head)
    assert code == 0 and "\nprojects/NORTHWIND-001.md: modified\n  confidence: 80 → 81\n" in out


def test_help_names_the_defaults_and_exit_codes(capsys):
    with pytest.raises(SystemExit):
        cli.main(["diff", "--help"])
    out = capsys.readouterr().out
    assert "HEAD → the working tree" in out and "Exit codes: 0 whatever changed" in out


def test_internal_values_never_reach_the_diff():
    from planbook.diff import field_changes

    changes = field_changes(
        {"internal": {"day_rate": "£850 per day"}}, {"internal": {"day_rate": "£900 per day", "budget": "£40k"}}
    )
    shown = "\n".join(change.markdown() + change.text() for change in changes)
    assert "internal" in shown and "values not shown" in shown
    assert "850" not in shown and "900" not in shown and "40k" not in shown
