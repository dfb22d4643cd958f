"""`make screenshots`: the authoring guide's pictures, taken from a real preview of the sample plans
and a fresh scaffold, in Chromium at 1,280 px. Writes docs/assets/images/guide/*.png.

Run it again after a change to the template or the site's look; the guide shows what a user will see.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "assets" / "images" / "guide"
# (file, page, what to show: a CSS selector scrolled to the top, or None for the page's top)
SHOTS = [
    ("1-draft-page.png", "projects/ACME-042/", None),
    ("2-draft-in-portfolio.png", "", "table"),
    ("3-finished-page.png", "projects/NORTHWIND-001/", None),
]


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def project(path: Path) -> Path:
    """The sample plans and a fresh scaffold, committed, with the site's config, docs, hooks and macros."""
    for part in ("docs", "hooks", "macros"):
        (path / part).symlink_to(ROOT / part, target_is_directory=True)
    shutil.copy(ROOT / "mkdocs.yml", path / "mkdocs.yml")
    shutil.copytree(ROOT / "projects", path / "projects")
    subprocess.run([sys.executable, "-m", "planbook.cli", "new", "ACME-042"], cwd=path, check=True, capture_output=True)
    git(path, "init", "-q")
    git(path, "add", "-A")
    git(path, "-c", "user.name=planbook", "-c", "user.email=planbook@example.invalid", "commit", "-qm", "Plans")
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise SystemExit(f"mkdocs serve did not answer {url}")


def main() -> int:
    from playwright.sync_api import sync_playwright

    from planbook.export.to_pdf import LAUNCH_ARGS, chromium_executable

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="planbook-guide-") as work:
        root = project(Path(work))
        port = free_port()
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--strict", "-a", f"127.0.0.1:{port}"],
            cwd=root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}/"
            wait_for(base, time.monotonic() + 120)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium_executable(), args=LAUNCH_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                for name, address, anchor in SHOTS:
                    page.goto(base + address)
                    page.wait_for_timeout(800)  # the livereload poll keeps the network busy: wait for the theme
                    if anchor:
                        page.locator(anchor).first.evaluate("element => element.scrollIntoView()")
                    page.screenshot(path=str(OUT / name))
                    print(f"wrote {OUT.relative_to(ROOT) / name}")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
