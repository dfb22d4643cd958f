"""Browser tests' fixtures: Debian's Chromium through Playwright, and built sites served over HTTP.

Without /usr/bin/chromium the browser tests skip, saying why, unless PLANBOOK_REQUIRE_BROWSER=1
(CI sets it), where they fail. Screenshots go to test-artifacts/ (gitignored).

Not a conftest.py: a second conftest module would take the name `conftest` from the top one, which
other tests import from. Test modules import these fixtures; the browser and each site are made once
per session and cached here, however many modules ask.
"""

from __future__ import annotations

import functools
import http.server
import os
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from planbook.export.to_pdf import DEFAULT_CHROMIUM, LAUNCH_ARGS

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tests" / "site"))
from sitebuild import GIT_DATE, Build, SiteProject  # noqa: E402

CHROMIUM = Path(DEFAULT_CHROMIUM)
ARTIFACTS = ROOT / "test-artifacts"
# Material renders each Mermaid diagram into a closed shadow root, which no selector can enter. The
# tests open it, to see that the Gantt became an SVG.
OPEN_SHADOW_ROOTS = """
const attachShadow = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) { return attachShadow.call(this, Object.assign({}, init, {mode: "open"})); };
"""

_session: dict[str, object] = {}


def require_browser() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) to run the browser tests"
    if os.environ.get("PLANBOOK_REQUIRE_BROWSER") == "1":
        pytest.fail(message + "; PLANBOOK_REQUIRE_BROWSER=1 makes that a failure")
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser(request: pytest.FixtureRequest):
    # Per module, not per session: a running sync Playwright owns an event loop, and the export tests
    # and the PDF exporter start Playwright of their own, which cannot run while another is alive.
    require_browser()
    if "browser" not in _session:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        _session["browser"] = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)

        def stop() -> None:
            _session.pop("browser").close()  # type: ignore[attr-defined]
            playwright.stop()

        request.addfinalizer(stop)
    return _session["browser"]


class ServedSite:
    """A site built for a port that a local server then serves it on: Material's instant navigation
    needs `site_url` to be the address the browser sees."""

    def __init__(self, project: SiteProject, env: dict[str, str] | None = None) -> None:
        self.project = project
        self.site = project.path / "site"
        self.site.mkdir(exist_ok=True)
        handler = functools.partial(_QuietHandler, directory=str(self.site))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.build: Build = project.build(env={"PLANBOOK_SITE_URL": self.url, **(env or {})})
        if not self.build.ok:
            self.server.server_close()
            pytest.fail(f"the site did not build:\n{self.build.output}")
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


def served(
    name: str,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
    fill: Callable[[SiteProject], None],
    env: dict[str, str] | None = None,
) -> ServedSite:
    """The site `name`, built (with `env`) and served once per session; `fill` adds its plans and commits them."""
    if name not in _session:
        project = SiteProject(tmp_path_factory.mktemp(name) / "project")
        fill(project)
        site = ServedSite(project, env)
        _session[name] = site
        request.addfinalizer(lambda: _session.pop(name).stop())  # type: ignore[attr-defined]
    return _session[name]  # type: ignore[return-value]


@pytest.fixture(scope="session")
def samples_site(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> ServedSite:
    def fill(project: SiteProject) -> None:
        project.add_samples()
        project.commit("Add the sample plans", date=GIT_DATE)

    return served("samples", tmp_path_factory, request, fill)


#: The day the tracking tests build on: NORTHWIND-001 and CASCADE-007 are late by then.
TRACKING_DAY = "2026-12-01"


@pytest.fixture(scope="session")
def tracked_site(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> ServedSite:
    """The samples built on a fixed day (PLANBOOK_TODAY), so their tracking is known."""

    def fill(project: SiteProject) -> None:
        project.add_samples()
        project.commit("Add the sample plans", date=GIT_DATE)

    return served("tracked", tmp_path_factory, request, fill, env={"PLANBOOK_TODAY": TRACKING_DAY})


class PageLog:
    """What a page said in its console, threw, or tried to show in a dialog."""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


@pytest.fixture
def new_page(browser) -> Iterator[Callable[..., tuple[object, PageLog]]]:
    """Open pages in fresh contexts: `new_page(color_scheme="dark", open_shadow_roots=True)`."""
    contexts = []

    def open_page(color_scheme: str = "light", open_shadow_roots: bool = False, width: int = 1280):
        context = browser.new_context(color_scheme=color_scheme, viewport={"width": width, "height": 900})
        if open_shadow_roots:
            context.add_init_script(OPEN_SHADOW_ROOTS)
        contexts.append(context)
        page = context.new_page()
        return page, PageLog(page)

    yield open_page
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def serious_axe_findings(page) -> list[tuple[str, str, list[object]]]:
    """What axe-core finds serious or critical on the page: (rule, impact, the first three targets)."""
    from axe_playwright_python.sync_playwright import Axe  # Playwright's own, loaded with the browser tests only

    violations = Axe().run(page).response["violations"]
    return [
        (v["id"], v["impact"], [node["target"] for node in v["nodes"]][:3])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
