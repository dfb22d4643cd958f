"""The benchmark's figures, their goals, and whether each is met: bench/results.json and bench/RESULTS.md."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
from pathlib import Path
from typing import Any

from planbook.files import write_atomic

from bench.timing import median


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return {
        "cpu": cpu or platform.processor(),
        "cores": cores,
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def _figure(
    key: str, name: str, value: float | None, unit: str, goal: str | None, meets: bool | None, **detail: Any
) -> dict[str, Any]:
    return {"key": key, "name": name, "value": value, "unit": unit, "goal": goal, "meets": meets, **detail}


def figures(results: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    p1 = results.get("P1")
    if p1:
        cold, plain = median(p1["pipeline_s"]), median(p1["baseline_s"])
        warm_runs = p1.get("pipeline_warm_s") or []
        warm = median(warm_runs) if warm_runs else None
        if warm is not None:
            out.append(
                _figure(
                    "P1",
                    f"Site build, pipeline ÷ MkDocs alone, {p1['n']:,} plans, warm: the build cache holds the"
                    " pages and downloads of the build before",
                    round(warm / plain, 3),
                    "×",
                    "≤ 1.10",
                    warm / plain <= 1.10,
                    pipeline_s=round(warm, 2),
                    baseline_s=round(plain, 2),
                )
            )
        out.append(
            _figure(
                "P1.cold" if warm is not None else "P1",
                f"Site build, pipeline ÷ MkDocs alone, {p1['n']:,} plans"
                + (", cold: the build cache emptied first" if warm is not None else ""),
                round(cold / plain, 3),
                "×",
                "≤ 1.10",
                cold / plain <= 1.10,
                pipeline_s=round(cold, 2),
                baseline_s=round(plain, 2),
            )
        )
        out.append(
            _figure(
                "P1.pipeline",
                f"Site build through the pipeline, {p1['n']:,} plans, cold",
                round(cold, 2),
                "s",
                None,
                None,
            )
        )
        if warm is not None:
            out.append(
                _figure(
                    "P1.pipeline.warm",
                    f"Site build through the pipeline, {p1['n']:,} plans, warm",
                    round(warm, 2),
                    "s",
                    None,
                    None,
                )
            )
        out.append(
            _figure(
                "P1.baseline",
                f"Same pages, MkDocs alone, {p1['n']:,} plans, built as often as the pipeline, between its builds",
                round(plain, 2),
                "s",
                None,
                None,
            )
        )
        peak = max(p1["pipeline_peak_mb"])
        out.append(
            _figure(
                "memory",
                f"Peak memory of the build, {p1['n']:,} plans, cold (MkDocs alone: {max(p1['baseline_peak_mb']):.0f} MB)",
                round(peak),
                "MB",
                None,
                None,
            )
        )
        scale = p1.get("scale") or {}
        if len(scale) >= 3:
            counts = sorted(scale, key=int)
            for n in counts:
                entry = scale[n]
                out.append(
                    _figure(
                        f"P2.{n}",
                        f"Build time and HTML per plan, {int(n):,} plans",
                        round(median(entry["build_s"]), 2),
                        "s",
                        None,
                        None,
                        html_kb_per_plan=round(entry["html_bytes_per_plan"] / 1024, 1),
                        plan_page_kb=round(entry["plan_page_bytes_per_plan"] / 1024, 1),
                    )
                )
            middle, last = counts[-2], counts[-1]
            growth = median(scale[last]["build_s"]) / median(scale[middle]["build_s"])
            expected = int(last) / int(middle)
            limit = 2.1 * expected / 2
            out.append(
                _figure(
                    "P2.time",
                    f"T({int(last):,}) ÷ T({int(middle):,})",
                    round(growth, 3),
                    "×",
                    f"≤ {limit:.2f}",
                    growth <= limit,
                )
            )
            per_plan = [scale[n]["html_bytes_per_plan"] for n in counts]
            spread = max(per_plan) / min(per_plan) - 1
            out.append(
                _figure(
                    "P2.bytes",
                    "HTML bytes per plan, largest over smallest across sizes, minus 1",
                    round(spread * 100, 1),
                    "%",
                    "≤ 10 %",
                    spread <= 0.10,
                )
            )
    p3 = results.get("P3")
    if p3:
        check, floor = median(p3["check_s"]), median(p3["floor_s"])
        ratio = check / floor
        out.append(
            _figure(
                "P3",
                f"`planbook check` ÷ libyaml parse floor, {p3['n']:,} plans",
                round(ratio, 3),
                "×",
                "≤ 1.5",
                ratio <= 1.5,
                check_s=round(check, 2),
                floor_s=round(floor, 2),
                check_one_process_s=round(p3["check_one_process_s"], 2),
            )
        )
    p4 = results.get("P4")
    if p4:
        check = median(p4["check_s"])
        out.append(
            _figure(
                "P4.check",
                "`planbook check FILE`, one staged plan, wall time with start-up",
                round(check, 3),
                "s",
                "≤ 0.3",
                check <= 0.3,
            )
        )
        if "pre_commit_s" in p4:
            out.append(
                _figure(
                    "P4.pre-commit",
                    "`pre-commit run`, the same staged plan, every hook",
                    round(median(p4["pre_commit_s"]), 3),
                    "s",
                    None,
                    None,
                )
            )
        else:
            out.append(
                _figure(
                    "P4.pre-commit",
                    f"`pre-commit run`: not measured ({p4.get('pre_commit_error', 'failed')})",
                    None,
                    "s",
                    None,
                    None,
                )
            )
    p5 = results.get("P5")
    if p5:
        wait = median(p5["edit_to_preview_s"])
        out.append(
            _figure(
                "P5",
                f"Edit to preview, `mkdocs serve --dirty`, {p5['n']:,} plans of {p5.get('versions', 1)} commits"
                " each: the plan page and the home page updated",
                round(wait, 3),
                "s",
                "≤ 1.0",
                wait <= 1.0,
                rebuild_s=round(median(p5["rebuild_s"]), 3) if p5["rebuild_s"] else None,
            )
        )
        kinds = p5.get("edit_kinds", [])
        for kind, what in (("add-finding", "an edit that adds a finding"), ("fix-finding", "an edit that fixes it")):
            times = [seconds for seconds, done in zip(p5["edit_to_preview_s"], kinds) if done == kind]
            if times:
                worst = max(times)
                out.append(
                    _figure(
                        f"P5.{kind}",
                        f"Edit to preview, {what} (the slowest of {len(times)})",
                        round(worst, 3),
                        "s",
                        "≤ 1.0",
                        worst <= 1.0,
                    )
                )
    return out


def results_document(results: dict[str, Any], *, date: dt.datetime) -> dict[str, Any]:
    return {
        "date": date.isoformat(timespec="seconds"),
        "machine": machine(),
        "figures": figures(results),
        "runs": results,
    }


def write(document: dict[str, Any], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / "results.json", json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    write_atomic(folder / "RESULTS.md", markdown(document))


def markdown(document: dict[str, Any]) -> str:
    m = document["machine"]
    runs = document["runs"]
    quick = " — **quick run: small portfolios, not a measurement**" if runs.get("quick") else ""
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` on {document['date'][:10]}{quick}. Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}, "
        f"{m['os']}, Python {m['python']}. Each time is the median of {runs['sizes']['repeats']} runs (P4: at least 5), "
        f"the two sides of a ratio interleaved; the whole run took {runs['total_s'] / 60:.1f} minutes. Raw runs: `results.json`.",
        "",
        "| Figure | What | Value | Goal | Meets it |",
        "|---|---|---:|---|---|",
    ]
    for f in document["figures"]:
        value = "—" if f["value"] is None else f"{f['value']:,}"
        unit = f" {f['unit']}" if f["unit"] not in ("×", "%") else f["unit"]
        extra = []
        for key, label in (
            ("pipeline_s", "pipeline"),
            ("baseline_s", "MkDocs alone"),
            ("check_s", "check"),
            ("floor_s", "floor"),
            ("check_one_process_s", "check in one process"),
            ("html_kb_per_plan", "KB HTML per plan"),
            ("plan_page_kb", "KB per plan page"),
            ("rebuild_s", "rebuild alone"),
        ):
            if f.get(key) is not None:
                extra.append(f"{label} {f[key]}" + (" s" if key.endswith("_s") else ""))
        what = f["name"] + (f" ({'; '.join(extra)})" if extra else "")
        meets = "—" if f["meets"] is None else ("yes" if f["meets"] else "**no**")
        what = what.replace("|", "\\|")
        lines.append(f"| {f['key']} | {what} | {value}{unit} | {f['goal'] or '—'} | {meets} |")
    return "\n".join(lines) + "\n"
