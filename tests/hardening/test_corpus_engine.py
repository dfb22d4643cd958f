"""Every corpus string in every free-text field and in the notes, through load, check and render.

Each string is placed in each of the schema's free-text fields once, in batches: plan k holds string
k+j in field j, and all of its strings again in its notes. For every placement, check accepts it or
reports a finding on its line, nothing raises, the value shows literally in the rendered HTML, no
template syntax is evaluated and no canary file appears. The tally is written to
`test-artifacts/hardening/corpus-engine.json` for the closing figures.
"""

from __future__ import annotations

import collections
import json
import re
import subprocess
import sys
import traceback

from planbook.check import check_result
from planbook.escape import clean
from planbook.loader import Plan, load_plan
from planbook.model import GitFacts
from planbook.render import RenderContext, render_plan

from conftest import ROOT
from hostile import (
    SCRIPT_PAYLOADS,
    WrittenPlan,
    batches,
    canary_payloads,
    corpus,
    expected_text,
    free_text_fields,
    get_path,
    refused_when_typed,
    write_plan,
)
from test_render import live_markup, to_html, visible_text

ARTIFACTS = ROOT / "test-artifacts" / "hardening"
FINDING_LINE = re.compile(r"^.+:\d+:\d+: PB\d{3} .+$")


def exercise(written: WrittenPlan, markers: list[str]) -> dict:
    """Load, check and render one batched plan; returns what happened to each of its placements."""
    loaded = load_plan(written.path)
    assert isinstance(loaded, Plan), (written.path, getattr(loaded, "findings", None))
    result = check_result(loaded)
    by_line = {line: field for field, line in written.lines.items()}
    flagged = collections.defaultdict(list)
    for finding in result.findings:
        where = by_line.get(finding.line, "notes" if finding.line >= loaded.notes_line else "elsewhere")
        flagged[where].append(finding.code)
    assert "elsewhere" not in flagged, (
        written.path,
        [str(f) for f in result.findings],
    )  # findings point at their value

    shown: dict[str, str] = {}
    for flavor in ("markdown", "site"):
        text = render_plan(loaded, flavor=flavor, context=RenderContext(git=GitFacts("abc1234", "2026-01-01", 1)))
        body, _, rendered_notes = text.partition("\n## NOTES\n")
        html_body = to_html(body)  # the notes are the author's Markdown; the site's sanitizer is tested with the site
        assert live_markup(html_body) == [], (written.path, flavor, live_markup(html_body))
        shown[flavor] = visible_text(html_body)
        for note in written.notes:
            # shown as written, but for control characters, which no output carries (U+FFFD instead)
            assert clean(note.replace("\r\n", "\n").replace("\r", "\n").strip("\n")) in rendered_notes, (
                written.path,
                note,
            )
        for marker in markers:
            assert marker not in text and marker not in html_body, (written.path, flavor, marker)

    missing = []
    for field in written.placed:
        expected = expected_text(get_path(loaded.data, field))
        flavors = ("site",) if field[0] == "internal" else ("markdown", "site")  # internal facts are for the team
        missing += [(field, flavor, expected) for flavor in flavors if expected not in shown[flavor]]
    assert not missing, (written.path, missing[:3])
    return {"flagged": flagged, "loaded": loaded}


def test_every_string_in_every_field_and_the_notes(tmp_path):
    canaries = canary_payloads(tmp_path / "canaries")
    (tmp_path / "canaries").mkdir()
    ours = [c.payload for c in canaries] + SCRIPT_PAYLOADS
    strings = list(dict.fromkeys(corpus() + ours))
    fields = free_text_fields()
    folder = tmp_path / "projects"
    folder.mkdir()
    refused_values, refused_notes = refused_when_typed(folder, strings, fields)

    tally = collections.Counter()
    codes = collections.Counter()
    crashes = []
    for k, placed in enumerate(batches(strings, fields)):
        notes = [s for s in placed.values() if s not in refused_notes]
        written = write_plan(folder, f"HOSTILE-{k:04d}", placed, notes, escaped=frozenset(refused_values))
        try:
            outcome = exercise(written, [c.marker for c in canaries if c.marker])
        except AssertionError:
            raise
        except Exception:  # a crash: keep going, so the count is the whole corpus's
            crashes.append((written.path.name, traceback.format_exc(limit=-3)))
            continue
        for field, value in placed.items():
            if value in refused_values:
                tally["finding (YAML refuses it typed raw: PB006)"] += 1
            elif outcome["flagged"].get(field):
                tally["finding"] += 1
                codes.update(outcome["flagged"][field])
            else:
                tally["accepted"] += 1
            tally["loaded as written"] += get_path(outcome["loaded"].data, field) == value
        tally["notes placements"] += len(notes)
        codes.update(f"notes:{code}" for code in outcome["flagged"].get("notes", []))

    # The command line over the whole batch: exit 1, every output line a finding or the summary.
    for fmt, pattern in [("text", FINDING_LINE), ("github", re.compile(r"^::(error|warning) file=[^:]+::.*$"))]:
        run = subprocess.run(
            [sys.executable, "-m", "planbook.cli", "check", "--format", fmt, str(folder)],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert run.returncode in (0, 1) and "Traceback" not in run.stderr, run.stderr[-2000:]
        lines = run.stdout.splitlines()
        assert all(pattern.match(line) for line in lines[:-1]), [
            line for line in lines[:-1] if not pattern.match(line)
        ][:3]

    leftovers = sorted(p.name for p in (tmp_path / "canaries").iterdir())
    figures = {
        "strings": len(strings),
        "distinct corpus strings (blns + ssti)": len(strings) - len(ours),
        "our canary and script payloads": len(ours),
        "free-text fields": len(fields),
        "placements (strings x fields)": len(strings) * len(fields),
        "notes placements": tally.pop("notes placements"),
        "plans": len(strings),
        "outcomes": dict(tally),
        "finding codes": dict(codes),
        "refused typed in a value": len(refused_values),
        "refused in the notes": len(refused_notes),
        "crashes": len(crashes),
        "canary files created": leftovers,
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "corpus-engine.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    assert crashes == [], crashes[:3]
    assert leftovers == []
    assert tally["accepted"] + tally["finding"] + tally["finding (YAML refuses it typed raw: PB006)"] == len(
        strings
    ) * len(fields)
