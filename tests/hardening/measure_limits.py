"""Load, check and render one plan file in a fresh process, and say what it cost.

Run as `python tests/hardening/measure_limits.py FILE`. Prints one JSON object: the finding codes, the
first finding, the wall time of load + check + render, and the process's peak resident memory before
and after. A fresh process per file keeps one case's peak from hiding another's.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def peak_rss_mib() -> float:
    """The process's peak resident memory. VmHWM, where Linux has it: ru_maxrss also counts the parent
    process the child was forked from before it ran this program."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:  # pragma: no cover - not Linux
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kib = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(kib) / 1024


def main(argv: list[str]) -> int:
    from planbook.check import check_result
    from planbook.loader import Plan, load_plan
    from planbook.render import render_plan

    path = Path(argv[0])
    baseline = peak_rss_mib()
    start = time.perf_counter()
    loaded = load_plan(path)
    result = check_result(loaded)
    rendered = 0
    if isinstance(loaded, Plan):
        for flavor in ("markdown", "site"):
            rendered += len(render_plan(loaded, flavor=flavor))
    seconds = time.perf_counter() - start
    findings = result.findings
    print(
        json.dumps(
            {
                "bytes": path.stat().st_size,
                "codes": sorted({f.code for f in findings}),
                "findings": len(findings),
                "first": str(findings[0])[:300] if findings else None,
                "longest_message": max((len(str(f)) for f in findings), default=0),
                "loaded": isinstance(loaded, Plan),
                "rendered_chars": rendered,
                "seconds": round(seconds, 3),
                "baseline_rss_mib": round(baseline, 1),
                "peak_rss_mib": round(peak_rss_mib(), 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
