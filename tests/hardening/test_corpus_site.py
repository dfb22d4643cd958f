"""The corpora through the real site: every string in every free-text field and in the notes, built
with `mkdocs build --strict`, read back from the HTML, and opened in Chromium.

The plans are the engine test's batches (see test_corpus_engine.py). A placement that check reports a
finding for cannot be built (the build refuses plans that fail check), so it is replaced by a plain
value, or left out of the notes, and counted as a finding. Everything else must build (whatever check
accepts, the site builds), show literally, and stay inert: no canary file, no computed marker anywhere
in the site, no dialog, no script run in Chromium.
"""

from __future__ import annotations

import collections
import html
import json
import sys
from pathlib import Path

import pytest

from planbook.check import check_result
from planbook.loader import load_plan

from conftest import ROOT
from hostile import (
    SCRIPT_PAYLOADS,
    batches,
    canary_payloads,
    corpus,
    expected_text,
    free_text_fields,
    refused_when_typed,
    write_plan,
)
from test_render import live_markup, visible_text

sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from e2e_browser import browser, new_page, served  # noqa: E402,F401 - fixtures
from sitebuild import SiteProject  # noqa: E402

pytestmark = pytest.mark.slow  # about 600 plan pages, built strictly

ARTIFACTS = ROOT / "test-artifacts" / "hardening"
PLAIN = "plain text"


def write_buildable(
    folder: Path, plan_id: str, placed: dict, notes: list[str], escaped: frozenset[str]
) -> tuple[dict, list]:
    """Write a plan; a value or a note that check reports a finding for is swapped for plain text or
    left out, so that the plan builds. Returns the placements and the notes that stayed."""
    written = write_plan(folder, plan_id, placed, notes, escaped=escaped)
    result = check_result(load_plan(written.path), companions=True)  # as the site checks it
    by_line = {line: field for field, line in written.lines.items()}
    lines = {f.line for f in result.findings}
    flagged = {by_line[line] for line in lines if line in by_line}
    dropped = {i for i, span in enumerate(written.note_lines) if lines & set(span)}
    assert lines <= set(by_line).union(*written.note_lines), [str(f) for f in result.findings]  # each on its value
    kept_notes = [note for i, note in enumerate(notes) if i not in dropped]
    if flagged or dropped:
        kept = {field: (PLAIN if field in flagged else value) for field, value in placed.items()}
        written = write_plan(folder, plan_id, kept, kept_notes, escaped=escaped)
        assert check_result(load_plan(written.path), companions=True).ok
    return {field: value for field, value in placed.items() if field not in flagged}, kept_notes


def dense(chunk: list[str], fields: list) -> dict:
    """Every string of `chunk` in every list of the plan (list items, risk rows, success criteria), and
    the scalar fields taking turns: a few pages that hold every string in every kind of place."""
    placed = {}
    for field in fields:
        if isinstance(field[-1], int):  # a list of text: ("impacts", 0)
            placed.update({(*field[:-1], i): text for i, text in enumerate(chunk)})
        elif field[0] in ("risks", "success"):  # a member of each row: ("risks", 0, "risk")
            placed.update({(*field[:-2], i, field[-1]): text for i, text in enumerate(chunk)})
        else:
            placed[field] = chunk[len(placed) % len(chunk)]
    return placed


def site_plans(project_dir: Path, strings: list[str], screen: Path) -> dict:
    """Write the batched plans, and the dense ones, into `project_dir/projects`."""
    fields = free_text_fields()
    refused_values, refused_notes = refused_when_typed(screen, strings, fields)
    escaped = frozenset(refused_values)
    folder = project_dir / "projects"
    folder.mkdir(exist_ok=True)

    def notes_for(values) -> list[str]:
        return [s for s in dict.fromkeys(values) if s not in refused_notes]

    plans, tally = {}, collections.Counter()
    for k, placed in enumerate(batches(strings, fields)):
        notes = notes_for(placed.values())
        plans[f"HOSTILE-{k:04d}"], kept_notes = kept, _ = write_buildable(
            folder, f"HOSTILE-{k:04d}", placed, notes, escaped
        )
        tally["finding (not built)"] += len(placed) - len(kept)
        tally["accepted and built"] += len(kept)
        tally["notes: finding (not built)"] += len(notes) - len(kept_notes)
        tally["notes: accepted and built"] += len(kept_notes)
    chunks = [strings[i : i + 50] for i in range(0, len(strings), 50)]  # 50: the most items a list may hold
    dense_ids = []
    for number, chunk in enumerate(chunks, start=1):
        plan_id = f"DENSE-{number:02d}"
        plans[plan_id], _ = write_buildable(folder, plan_id, dense(chunk, fields), notes_for(chunk), escaped)
        dense_ids.append(plan_id)
    return {"plans": plans, "dense": dense_ids, "tally": tally, "fields": len(fields)}


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory, request):
    canary_dir = tmp_path_factory.mktemp("canaries")
    canaries = canary_payloads(canary_dir)
    strings = list(dict.fromkeys(corpus() + [c.payload for c in canaries] + SCRIPT_PAYLOADS))
    placed: dict = {}

    def fill(project: SiteProject) -> None:
        placed.update(site_plans(project.path, strings, tmp_path_factory.mktemp("screen")))
        project.commit("Add the hostile plans")

    site = served("hardening-corpus", tmp_path_factory, request, fill)
    return site, placed, canaries, canary_dir, len(strings)


def article(page_html: str) -> str:
    return page_html[page_html.index("<article") : page_html.index("</article>")]


def test_every_accepted_string_builds_shows_literally_and_runs_nothing(corpus_site):
    site, placed, canaries, canary_dir, strings = corpus_site
    assert "WARNING" not in site.build.output
    markers = [c.marker for c in canaries if c.marker]
    missing, live = [], []
    for plan_id, fields in placed["plans"].items():
        page = article(site.build.plan_page(plan_id))
        live += [(plan_id, found) for found in live_markup(page)]
        shown = visible_text(page)
        missing += [(plan_id, field) for field, value in fields.items() if expected_text(value) not in shown]
    live += [("portfolio", found) for found in live_markup(article(site.build.html("index.html")))]
    everything = [
        path.read_text(encoding="utf-8", errors="replace")
        for path in site.site.rglob("*")
        if path.suffix in (".html", ".json", ".xml")
    ]
    computed = [
        marker for marker in markers if any(marker in text or marker in html.unescape(text) for text in everything)
    ]
    created = sorted(p.name for p in canary_dir.iterdir())
    figures = {
        "strings": strings,
        "free-text fields": placed["fields"],
        "plans built": len(placed["plans"]),
        **placed["tally"],
        "values missing from their page": len(missing),
        "live markup in articles": len(live),
        "markers computed": computed,
        "canary files created": created,
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "corpus-site.json").write_text(json.dumps(figures, indent=2) + "\n")
    assert missing == [], missing[:5]
    assert live == [], live[:5]
    assert computed == [] and created == []


@pytest.mark.browser
def test_chromium_sees_no_dialog_and_no_script_from_any_plan(corpus_site, new_page):
    # A page takes about a second in Chromium (Material, Mermaid), so the browser opens the dense plans,
    # which hold every string in every list, table, admonition and the notes, and the home page.
    site, placed, *_ = corpus_site
    page, log = new_page()
    ran = 0
    paths = ["", *(f"projects/{plan_id}/" for plan_id in placed["dense"])]
    for path in paths:
        page.goto(site.url + path, wait_until="load")
        page.wait_for_timeout(200)  # a late image error or toggle handler
        ran += page.evaluate("window.__pbxss || 0")
    strings_shown = sum(len(placed["plans"][plan_id]) for plan_id in placed["dense"])
    figures = {
        "pages opened": len(paths),
        "placements on them": strings_shown,
        "dialogs": len(log.dialogs),
        "scripts run": ran,
        "uncaught errors": len([e for e in log.errors if e.startswith("uncaught")]),
    }
    (ARTIFACTS / "corpus-browser.json").write_text(json.dumps(figures, indent=2) + "\n")
    assert log.dialogs == [] and ran == 0, figures
    assert figures["uncaught errors"] == 0, log.errors[:5]


@pytest.mark.browser
def test_the_browser_check_sees_a_script_that_runs(new_page):
    # The control for the test above: the same payloads, not made inert, are seen running.
    page, log = new_page()
    page.set_content("".join(SCRIPT_PAYLOADS) + "<p>end</p>")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pbxss || 0") > 0 and log.dialogs
