"""`python -m bench` runs end to end on a tiny portfolio and writes both result files in their shape.
Timings are not asserted: performance is for `make bench`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_a_quick_bench_writes_results_json_and_markdown(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--plans", "12", "--only", "P1,P3", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    document = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert {"date", "machine", "figures", "runs"} <= document.keys()
    by_key = {figure["key"]: figure for figure in document["figures"]}
    assert {"P1", "P1.pipeline", "P1.baseline", "memory", "P3"} <= by_key.keys()
    for key in ("P1", "P3"):
        assert by_key[key]["goal"] and isinstance(by_key[key]["meets"], bool) and by_key[key]["value"] > 0
    assert document["runs"]["P1"]["n"] == 12 and document["runs"]["P3"]["n"] == 400
    table = (tmp_path / "RESULTS.md").read_text(encoding="utf-8")
    assert "| Figure | What | Value | Goal | Meets it |" in table
    assert all(f"| {key} |" in table for key in by_key)
