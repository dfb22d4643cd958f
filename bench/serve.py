"""P5, edit to preview: how long after a plan is saved `mkdocs serve --dirty` serves the new page, and
a home page that shows the change.

The clock starts when the edited file is written and stops when both pages, fetched over HTTP, hold
the new value. That includes MkDocs' file watcher and its short debounce, as a person editing sees it.
The server's own "Documentation built in" lines give the rebuild alone.
"""

from __future__ import annotations

import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.timing import ENV, CommandFailed, tool

_BUILT = re.compile(r"Documentation built in ([\d.]+) seconds")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


#: What each edit does, in turn: rename a client; give the next plan a finding (a placeholder in its
#: client, so it becomes a draft); fix that plan's finding.
EDIT_KINDS = ("rename", "add-finding", "fix-finding")


def edit_to_preview(project: Path, plan_ids: list[str], *, edits: int, timeout: float = 120) -> dict[str, object]:
    """`edits` edits one after another under one server, each to a plan's `client` (EDIT_KINDS in turn)."""
    port = free_port()
    log_path = project / "serve.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [tool("mkdocs"), "serve", "--dirty", "-a", f"127.0.0.1:{port}"],
            cwd=project,
            env=ENV,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}/"
    try:
        started = time.perf_counter()
        while fetch(base) is None:
            if server.poll() is not None or time.perf_counter() - started > timeout:
                raise CommandFailed(f"mkdocs serve did not come up:\n{log_path.read_text(errors='replace')[-4000:]}")
            time.sleep(0.1)
        first_build = time.perf_counter() - started
        time.sleep(1.0)  # let the watcher settle after the first build
        waits, builds, kinds = [], [], []
        plan_iter = iter(plan_ids)
        plan_id = ""
        for number in range(1, edits + 1):
            kind = EDIT_KINDS[(number - 1) % len(EDIT_KINDS)]
            if kind != "fix-finding":
                plan_id = next(plan_iter)
            path = project / "projects" / f"{plan_id}.md"
            text = path.read_text(encoding="utf-8")
            marker = f"Benchedit{number} Client Ltd."
            value = f'"{marker} [CLIENT_NAME]"' if kind == "add-finding" else marker
            new_text, count = re.subn(r"(?m)^client: .*$", f"client: {value}", text, count=1)
            if count != 1:
                raise CommandFailed(f"{path} has no client: line to edit")
            built_before = len(_BUILT.findall(log_path.read_text(errors="replace")))
            t0 = time.perf_counter()
            path.write_text(new_text, encoding="utf-8")
            page_url, home_url = f"{base}projects/{plan_id}/", base
            page_ok = home_ok = False
            while not (page_ok and home_ok):
                if time.perf_counter() - t0 > timeout or server.poll() is not None:
                    raise CommandFailed(
                        f"the edit of {plan_id} never showed:\n{log_path.read_text(errors='replace')[-4000:]}"
                    )
                page_ok = page_ok or marker in (fetch(page_url) or "")
                home_ok = home_ok or marker in (fetch(home_url) or "")
                if not (page_ok and home_ok):
                    time.sleep(0.01)
            waits.append(time.perf_counter() - t0)
            kinds.append(kind)
            deadline = time.perf_counter() + 10
            while time.perf_counter() < deadline:  # the log line comes once the build is done
                found = _BUILT.findall(log_path.read_text(errors="replace"))
                if len(found) > built_before:
                    builds.append(float(found[-1]))
                    break
                time.sleep(0.05)
            time.sleep(0.5)
        return {"first_build_s": first_build, "edit_to_preview_s": waits, "rebuild_s": builds, "edit_kinds": kinds}
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
