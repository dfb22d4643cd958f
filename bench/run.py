"""`make bench`: build generated portfolios and measure the pipeline against MkDocs alone, the check
against the YAML floor, the pre-commit hook, and edit-to-preview. Writes bench/results.json and
bench/RESULTS.md.

Every figure is the median of several runs, and the two sides of a ratio run interleaved (A, B, A, B …)
so that both see the same noise on a shared machine.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench import projects, report
from bench.generate import generate_plans
from bench.serve import edit_to_preview
from bench.timing import CommandFailed, python, run, tool

HERE = Path(__file__).resolve().parent


@dataclasses.dataclass(frozen=True)
class Sizes:
    site: int  # P1 and P5
    scale: tuple[int, int, int]  # P2: the last two give the growth ratio
    check: int  # P3
    repeats: int
    edits: int


#: Versions of each plan in the repository P5 edits: a plan page's history table reads the old ones.
PREVIEW_VERSIONS = 4

FULL = Sizes(site=1000, scale=(200, 1000, 2000), check=10_000, repeats=3, edits=6)
QUICK = Sizes(site=60, scale=(30, 60, 120), check=400, repeats=1, edits=3)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="small portfolios and one run each: a smoke test, not a measurement"
    )
    parser.add_argument("--repeats", type=int, help="runs per figure (default: 3, or 1 with --quick)")
    parser.add_argument("--plans", type=int, help="plans in the site of P1 and P5 (default: 1000, or 60 with --quick)")
    parser.add_argument(
        "--only", default="P1,P2,P3,P4,P5", help="the figures to measure, comma-separated (default: all)"
    )
    parser.add_argument("--out", type=Path, default=HERE, help="where results.json and RESULTS.md go (default: bench/)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary projects, and print where they are")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    if args.repeats:
        sizes = dataclasses.replace(sizes, repeats=args.repeats)
    if args.plans:
        sizes = dataclasses.replace(sizes, site=args.plans)
    wanted = {name.strip().upper() for name in args.only.split(",")}

    work = Path(tempfile.mkdtemp(prefix="planbook-bench-"))
    started = time.perf_counter()
    results: dict[str, Any] = {"sizes": dataclasses.asdict(sizes), "quick": args.quick}
    try:
        steps: list[tuple[str, Callable[[], dict[str, Any]]]] = [
            ("P1", lambda: builds(work, sizes, scale="P2" in wanted)),
            ("P3", lambda: check_many(work, sizes)),
            ("P4", lambda: one_staged_plan(work, sizes)),
            ("P5", lambda: preview(work, sizes)),
        ]
        for name, step in steps:
            if name in wanted or (name == "P1" and "P2" in wanted):
                print(f"[bench] {name} …", flush=True)
                results[name] = step()
    finally:
        if args.keep:
            print(f"[bench] projects kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    results["total_s"] = time.perf_counter() - started
    document = report.results_document(results, date=dt.datetime.now(dt.UTC))
    report.write(document, args.out)
    print(report.markdown(document))
    return 0


# -- P1, P2 and peak memory: site builds ------------------------------------------------------


def builds(work: Path, sizes: Sizes, *, scale: bool) -> dict[str, Any]:
    """The pipeline against the baseline at `sizes.site`, interleaved; the pipeline alone at the other sizes.

    The pipeline keeps a build cache (.cache/planbook/) from one build to the next, so at `sizes.site`
    each round builds it twice, cold (the cache emptied first) and warm (the cache the cold build
    left), and MkDocs alone once after each: cold, alone, warm, alone. The other sizes are built cold.
    """
    counts = sorted({sizes.site, *(sizes.scale if scale else ())})
    sites = {n: projects.pipeline_project(work / f"site-{n}", n) for n in counts}
    baseline = projects.baseline_project(sites[sizes.site], work / f"baseline-{sizes.site}")
    times: dict[int, list[float]] = {n: [] for n in counts}
    peaks: dict[int, list[float]] = {n: [] for n in counts}
    warm_times: list[float] = []
    warm_peaks: list[float] = []
    plain_times: list[float] = []
    plain_peaks: list[float] = []

    def plain() -> None:
        done = run(projects.build_command(), cwd=baseline)
        plain_times.append(done.seconds)
        plain_peaks.append(done.peak_mb)

    for _ in range(sizes.repeats):
        for n in counts:
            projects.remove(sites[n] / projects.BUILD_CACHE)
            build = run(projects.build_command(), cwd=sites[n])
            times[n].append(build.seconds)
            peaks[n].append(build.peak_mb)
            if n == sizes.site:
                plain()
                warm = run(projects.build_command(), cwd=sites[n])
                warm_times.append(warm.seconds)
                warm_peaks.append(warm.peak_mb)
                plain()
    html = {}
    for n in counts:
        total, plans = projects.html_bytes(sites[n] / "site")
        html[n] = {
            "html_bytes": total,
            "plan_page_bytes": plans,
            "html_bytes_per_plan": total / n,
            "plan_page_bytes_per_plan": plans / n,
        }
    baseline_total, _ = projects.html_bytes(baseline / "site")
    return {
        "n": sizes.site,
        "pipeline_s": times[sizes.site],  # cold
        "pipeline_warm_s": warm_times,
        "baseline_s": plain_times,
        "baseline_html_bytes": baseline_total,
        "pipeline_peak_mb": peaks[sizes.site],
        "pipeline_warm_peak_mb": warm_peaks,
        "baseline_peak_mb": plain_peaks,
        "scale": {str(n): {"build_s": times[n], "peak_mb": peaks[n], **html[n]} for n in counts} if scale else {},
    }


# -- P3: check on many plans against the YAML floor --------------------------------------------


def check_many(work: Path, sizes: Sizes) -> dict[str, Any]:
    folder = work / f"check-{sizes.check}" / "projects"
    generate_plans(sizes.check, folder, seed=1)
    check_times, floor_times = [], []
    for _ in range(sizes.repeats):
        check_times.append(run([tool("planbook"), "check", str(folder)], cwd=folder.parent).seconds)
        floor_times.append(run([python(), "-m", "bench.floor", str(folder)], cwd=projects.ROOT).seconds)
    single = run([tool("planbook"), "check", "--jobs", "1", str(folder)], cwd=folder.parent).seconds
    return {
        "n": sizes.check,
        "check_s": check_times,
        "floor_s": floor_times,
        "check_one_process_s": single,
        "cores": projects.cpu_count(),
    }


# -- P4: one staged plan, through check and through pre-commit -------------------------------


def one_staged_plan(work: Path, sizes: Sizes) -> dict[str, Any]:
    repo = work / "precommit"
    projects.init_repo(repo)
    shutil.copytree(projects.ROOT / "planbook", repo / "planbook", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(projects.ROOT / ".pre-commit-config.yaml", repo / ".pre-commit-config.yaml")
    projects.git(repo, "add", "-A")
    projects.git(repo, "commit", "-q", "-m", "the engine and the hooks")
    [plan] = generate_plans(1, repo / "projects", seed=2)
    relative = str(plan.relative_to(repo))
    projects.git(repo, "add", relative)
    runs = max(sizes.repeats, 5)
    check = [run([tool("planbook"), "check", relative], cwd=repo).seconds for _ in range(runs)]
    result: dict[str, Any] = {"check_s": check}
    command = [tool("pre-commit"), "run"]
    try:
        run(command, cwd=repo, timeout=900)  # the first run builds the hooks' environments
        result["pre_commit_s"] = [run(command, cwd=repo).seconds for _ in range(runs)]
    except CommandFailed as e:
        result["pre_commit_error"] = str(e).splitlines()[0]
    return result


# -- P5: edit to preview -----------------------------------------------------------------------


def preview(work: Path, sizes: Sizes) -> dict[str, Any]:
    project = work / f"site-{sizes.site}-history"
    if not project.exists():  # every plan page shows its last commits: a history of a few versions to read
        projects.pipeline_project(project, sizes.site, versions=PREVIEW_VERSIONS)
    ids = sorted(path.stem for path in (project / "projects").glob("*.md"))
    step = max(1, len(ids) // (sizes.edits + 1))
    chosen = ids[step::step][: sizes.edits]
    return {"n": sizes.site, "versions": PREVIEW_VERSIONS, **edit_to_preview(project, chosen, edits=sizes.edits)}


if __name__ == "__main__":
    raise SystemExit(main())
