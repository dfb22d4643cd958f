"""Resource limits: each hostile shape gets its finding, in a fresh process, within bounded memory.

Time and memory are measured and written to `test-artifacts/hardening/limits-<case>.json` (SECURITY.md
states them); only memory is asserted, with a generous bound, because timings belong to `make bench`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from planbook.loader import MAX_DEPTH, MAX_FILE_BYTES, MAX_VALUES

from conftest import PROJECTS, ROOT

ARTIFACTS = ROOT / "test-artifacts" / "hardening"
MEASURE = Path(__file__).with_name("measure_limits.py")
MEMORY_BOUND_MIB = 200
SAMPLE = (PROJECTS / "NORTHWIND-001.md").read_text(encoding="utf-8")
SAMPLE_NO_NOTES = SAMPLE[: SAMPLE.index("\n---\n", 4) + 5]


def front_matter(body: str) -> bytes:
    return f"---\n{body}\n---\n".encode()


def alias_bomb() -> bytes:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    return front_matter("\n".join(lines))  # 9^10 = 3.5 billion strings if it were expanded


def with_value(field: str, value: str) -> bytes:
    """The sample plan with one top-level text field's value replaced."""
    lines = SAMPLE.split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith(f"{field}:"))
    end = index + 1
    while lines[end].startswith("  "):
        end += 1
    return "\n".join([*lines[:index], f"{field}: {json.dumps(value)}", *lines[end:]]).encode()


def room(extra: int = 0) -> int:
    """How many characters fit beside the sample plan under the size limit."""
    return MAX_FILE_BYTES - len(SAMPLE.encode()) - 64 - extra


# (case, file bytes, expected finding codes, what the case is)
CASES = [
    ("alias-bomb", alias_bomb, {"PB008"}, "billion laughs: 10 levels of 9 aliases each"),
    ("ten-megabytes", lambda: SAMPLE.encode() + b"a" * (10 * 1024 * 1024), {"PB002"}, "a 10 MiB file"),
    (
        "list-100k-flow",
        lambda: front_matter("impacts: [" + ", ".join(["x"] * 100_000) + "]"),
        {"PB011"},
        "100,000 items in a flow list",
    ),
    (
        "list-100k-block",
        lambda: front_matter("impacts:\n" + "  - x\n" * 100_000),
        {"PB011"},
        "100,000 items in a block list",
    ),
    (
        "keys-25k",
        lambda: front_matter("\n".join(f"k{i}: 1" for i in range(25_000))),
        {"PB011"},
        "25,000 keys in one mapping",
    ),
    (
        "nesting-flow-100k",
        lambda: front_matter("id: " + "[" * 100_000 + "]" * 100_000),
        {"PB011"},
        "100,000 nested flow lists",
    ),
    (
        "nesting-flow-maps-50k",
        lambda: front_matter("id: " + "{a: " * 50_000 + "}" * 50_000),
        {"PB011"},
        "50,000 nested flow mappings",
    ),
    ("nesting-block-100k", lambda: front_matter("- " * 100_000 + "x"), {"PB011"}, "100,000 nested block lists"),
    (
        "nesting-indent-500",
        lambda: front_matter("\n".join("  " * i + "a:" for i in range(500)) + " 1"),
        {"PB011"},
        "500 nested block mappings",
    ),
    (
        "long-line-summary",
        lambda: with_value("summary", "word " * (room() // 5)),
        {"PB105"},
        "a 1 MB summary on one line: over the field's length limit",
    ),
    ("long-line-name", lambda: with_value("name", "x" * room()), {"PB105"}, "a 1 MB project name"),
    (
        "long-key",
        lambda: SAMPLE_NO_NOTES.replace("\n---\n", f"\n{'k' * room()}: 1\n---\n", 1).encode(),
        {"PB006"},
        "a 1 MB field name (libyaml reads keys of up to 1,024 characters)",
    ),
    (
        "finding-flood",
        lambda: (SAMPLE + "\n" + "[CLIENT_NAME] " * (room() // 14)).encode(),
        {"PB201", "PB109"},
        "75,000 placeholders in the notes",
    ),
    (
        "link-flood",
        lambda: (SAMPLE + "\n" + "[a](b) " * (room() // 7)).encode(),
        {"PB108", "PB109"},
        "150,000 relative links in the notes",
    ),
    (
        "brackets-in-notes",
        lambda: (SAMPLE + "\n" + "[" * room()).encode(),
        {"PB109"},
        "1 MB of `[` in the notes: over the notes' limits, which bound Markdown's time",
    ),
    (
        "brackets-under-the-limit",
        lambda: (SAMPLE + "\n" + "[" * 1_990).encode(),
        set(),
        "1,990 `[` in the notes: accepted, and the site builds the page in bounded time",
    ),
]


def measure(tmp_path: Path, name: str, content: bytes) -> dict:
    path = tmp_path / name / "NORTHWIND-001.md"  # the sample's id, so no PB106 muddles the count
    path.parent.mkdir()
    path.write_bytes(content)
    run = subprocess.run(
        [sys.executable, str(MEASURE), str(path)], capture_output=True, text=True, timeout=600, cwd=ROOT
    )
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr[-3000:]
    return json.loads(run.stdout)


@pytest.mark.parametrize(("name", "build", "codes", "about"), CASES, ids=[case[0] for case in CASES])
def test_hostile_shape_gives_its_finding_within_bounded_memory(tmp_path, name, build, codes, about):
    figures = measure(tmp_path, name, build())
    figures["case"] = about
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"limits-{name}.json").write_text(json.dumps(figures, indent=2) + "\n")
    assert set(figures["codes"]) == codes, figures
    assert figures["peak_rss_mib"] < MEMORY_BOUND_MIB, figures
    assert figures["longest_message"] < 1000, figures  # a finding quotes, it does not echo a megabyte


def test_the_limits_are_the_ones_security_md_states():
    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    assert f"| File size | {MAX_FILE_BYTES:,} bytes" in text
    assert f"| Nesting depth | {MAX_DEPTH} levels" in text
    assert f"| Values in the front matter | {MAX_VALUES:,}" in text
    from planbook.check import notes_limits as check

    assert f"| Notes | {check.MAX_NOTES_CHARS:,} characters, and {check.MAX_NOTES_BRACKETS:,} `[`" in text
    assert f"times its length | {check.MAX_PARAGRAPH_COST:,} |" in text
    assert f"times the notes' length | {check.MAX_HTML_COST:,} |" in text
    bounds = f"{check.MAX_HEADINGS}; {check.MAX_NESTING} levels; {check.MAX_MARKDOWN_HTML}; {check.MAX_EMPHASIS_RUN}"
    assert f"| {bounds} | PB109 |" in text
    assert f"| Notes: raw HTML elements left open at once | {check.MAX_HTML_NESTING} levels | PB109 |" in text
