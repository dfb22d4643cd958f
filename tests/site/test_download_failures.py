"""A download that cannot be written ends the build with one line naming it, never a traceback: a PDF
worker killed, or Chromium dying mid-print (found by the review of issue 16's UI half)."""

from __future__ import annotations

from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool

import pytest
from mkdocs.exceptions import PluginError
from playwright._impl._errors import TargetClosedError

from planbook.export.batch import PendingExports
from planbook.export.errors import ExportError
from planbook.site.build import SiteBuild

from sitebuild import load_module


def failed(error: BaseException) -> Future[None]:
    future: Future[None] = Future()
    future.set_exception(error)
    return future


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (TargetClosedError("Page.pdf: Target page, context or browser has been closed"), "TargetClosedError: Page.pdf"),
        (BrokenProcessPool("A process in the process pool was terminated abruptly"), "BrokenProcessPool: A process"),
        (ExportError("Chromium not found: install chromium"), "Chromium not found: install chromium"),
    ],
    ids=["chromium-died-mid-print", "pdf-worker-killed", "chromium-missing"],
)
def test_a_download_that_fails_is_one_line_of_the_builds_error(monkeypatch, tmp_path, error, said):
    build = SiteBuild.__new__(SiteBuild)  # only its exports matter here
    build._exports = [PendingExports(None, []), PendingExports(None, [failed(error)], label="PDF downloads")]
    build.page_cache = None
    build.pages = {}
    hooks = load_module("hooks/planbook_site.py")
    monkeypatch.setattr(hooks, "_build", lambda config: build)
    with pytest.raises(PluginError) as raised:
        hooks.on_post_build(config=None)
    message = str(raised.value)
    assert message.startswith("PDF downloads: ") and said in message
    assert "\n" not in message and "Traceback" not in message


def test_an_error_nobody_named_is_still_one_line(monkeypatch):
    class Broken:
        def wait_for_exports(self, **_: object) -> None:
            raise RuntimeError("worker\n::error::forged")

    hooks = load_module("hooks/planbook_site.py")
    monkeypatch.setattr(hooks, "_build", lambda config: Broken())
    with pytest.raises(PluginError, match=r"^downloads: RuntimeError: worker\\n::error::forged; build again$"):
        hooks.on_post_build(config=None)
