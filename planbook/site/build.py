"""One build of the site, as the engine sees it: the plans, each plan's page, and the HTML held out of
Markdown. The MkDocs hooks and the mkdocs-macros module are thin adapters over it; what they share,
they share through the project's `SiteBuild`, never through MkDocs' configuration.

How a plan page is made:

1. `SiteBuild.begin` loads and checks every plan (`planbook.portfolio`), and the hooks fail a strict
   build with check's own lines (`errors`) before MkDocs reads a page.
2. MkDocs reads each plan page's source from the hooks: the constant `PLAN_PAGE_SOURCE`, which holds no
   text from the plan. Its front matter asks mkdocs-macros to render it, and its body calls one macro.
3. mkdocs-macros renders `{{ plan_page() }}`: the macro asks `plan_markdown`, which renders the plan
   through the engine's sandboxed template. Jinja inserts the macro's result as text and never
   compiles it, so no plan text is ever parsed as a template.
4. `finish_html` cleans the page's HTML (`planbook.html_policy`) and puts back the HTML held aside.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from planbook import plan_template
from planbook.audience import INTERNAL, Audience, require_plans
from planbook.build_cache import BuildCache
from planbook.check import CheckResult
from planbook.companion_render import companion_markdown
from planbook.companions import Companion
from planbook.dates import today
from planbook.escape import html_text, one_line
from planbook.export.batch import PendingExports, PlanExport, start_html_exports, start_pdf_exports
from planbook.history import HistoryRow, plan_histories
from planbook.html_policy import clean_plan_html
from planbook.model import GitFacts
from planbook.model.tracking import PlanTracking
from planbook.paths import PROJECTS_DIR
from planbook.portfolio import Portfolio, load_portfolio
from planbook.render import RenderContext, render_plan
from planbook.site import changes_page, drafts, people_view, portfolio_view
from planbook.site.page_cache import PlanPageCache
from planbook.site.published import client_of, for_audience, publishable
from planbook.trusted_html import TrustedHtml

#: What MkDocs and mkdocs-macros read for every plan page: the same for every plan.
PLAN_PAGE_SOURCE = "---\nrender_macros: true\n---\n\n{{ plan_page() }}\n"
#: ... and for every page of a companion document (`planbook.companion_render`).
COMPANION_PAGE_SOURCE = "---\nrender_macros: true\n---\n\n{{ companion_page() }}\n"
HISTORY_LIMIT = 5  # commits in a plan page's history table
CHANGES_DAYS = 30  # the "What changed" page covers this many days up to today


@dataclasses.dataclass
class PlanPage:
    """One plan's page: what the build knows of the plan before MkDocs renders the page."""

    plan_id: str
    source: Path  # the plan file, projects/<ID>.md
    result: CheckResult
    git: GitFacts | None
    history: list[HistoryRow]  # the page's table shows `as_dict()` of each
    tracking: PlanTracking | None = None  # on time or not, on the build's day (the portfolio's row has it)
    download: str = ""  # the exported plan's address, relative to the page, once the hooks name it
    pdf_download: str = ""  # the same as a PDF, when the build writes PDFs (a deploy)
    reference_urls: dict[str, str] = dataclasses.field(default_factory=dict)  # its companions' pages, by key


class SiteBuild:
    """The plans of one project, checked, and the pages of one build of its site."""

    #: The build under way for each project (by its root): the hooks begin it, the macros find it.
    _current: dict[Path, SiteBuild] = {}
    #: `mkdocs serve` (the hooks say so at start-up): a plan with findings is a draft page, not a failed build.
    preview = False

    def __init__(self, root: Path, portfolio: Portfolio, audience: Audience = INTERNAL) -> None:
        self.root = root
        self.audience = audience
        self.checked = portfolio  # every file in projects/, for the findings: a client's site is gated on all
        self.shown = for_audience(portfolio, audience)  # every plan the site may name: the client's own
        self.portfolio = publishable(self.shown)  # those that may have a page: all shown, once they pass
        self.pages: dict[str, PlanPage] = {}  # by the page's source address, projects/<ID>.md
        self._held: dict[str, TrustedHtml] = {}  # by page address: HTML the page's Markdown only names
        self._exports: list[PendingExports] = []
        #: Plan pages an earlier build made (`use_page_cache`); None: every page is made here.
        self.page_cache: PlanPageCache | None = None
        self._page_keys: dict[str, str] = {}  # by page address: the key its page is kept under
        #: By page address, projects/<ID>/<key>.md: its plan's page, the document, and the way back to the plan.
        self.companion_pages: dict[str, tuple[PlanPage, Companion, str]] = {}

    @classmethod
    def begin(cls, root: Path, audience: Audience = INTERNAL) -> SiteBuild:
        """A new build of the project at `root` for `audience`: its plans loaded (reusing those unchanged
        since the last build, as `mkdocs serve` rebuilds on every edit) and checked. AudienceError when the
        audience is a client no plan names: no site is built for nobody."""
        plan_template.activate(root := Path(root).absolute())  # the project's template, read again when changed
        portfolio = load_portfolio(root / PROJECTS_DIR, today=today())  # read once a build
        require_plans(audience, (client_of(result) for result in portfolio.results))
        build = cls(root, portfolio, audience)
        cls._current[root] = build
        return build

    @classmethod
    def under_way(cls) -> list[SiteBuild]:
        return list(cls._current.values())

    @classmethod
    def current(cls, root: Path) -> SiteBuild:
        """The build the hooks began for the project at `root`; one is begun when there is none (the
        macros of a site whose hooks are not installed)."""
        return cls._current.get(Path(root).absolute()) or cls.begin(root)

    # -- the plans ---------------------------------------------------------------------------

    def findings(self) -> tuple[list[str], list[str]]:
        """(errors, warnings) of every plan, as check's lines with paths relative to the project."""
        errors: list[str] = []
        warnings: list[str] = []
        for path, result in zip(self.checked.files, self.checked.results):
            shown = f"{PROJECTS_DIR}/{path.name}"  # relative to the repository, whatever the cwd
            for finding in result.findings:
                # one line each, whatever the file's name holds (a log line a plan cannot forge); a companion's, its own
                own = finding.path == result.path
                line = str(dataclasses.replace(finding, path=shown if own else self._shown(finding.path)))
                (errors if finding.severity == "error" else warnings).append(line)
        return errors, warnings

    def _shown(self, path: str) -> str:
        return one_line(os.path.relpath(Path(path).absolute(), self.root)).replace(os.sep, "/")

    @property
    def failing(self) -> int:
        return sum(not result.ok for result in self.checked.results)

    def plan_pages(self) -> list[PlanPage]:
        """A page for every plan, with its last commits; call once the plans pass."""
        histories = plan_histories(self.portfolio.files, limit=HISTORY_LIMIT, known=self.portfolio.current_versions)
        self.pages = {}
        folio = self.portfolio
        for path, result, folio_row in zip(folio.files, folio.results, folio.rows):
            page = PlanPage(path.stem, path, result, folio.facts.get(path), histories.get(path, []), folio_row.tracking)
            self.pages[f"{PROJECTS_DIR}/{path.stem}.md"] = page
        return list(self.pages.values())

    # -- the pages ---------------------------------------------------------------------------

    def is_plan_page(self, uri: str) -> bool:
        return uri in self.pages

    def plan_markdown(self, uri: str, *, edit_url: str | None) -> str:
        """The Markdown of the plan page at `uri`, through the engine's template; its own HTML (badges,
        progress, the download link) held aside until `finish_html`. A draft (a plan with errors, which
        only the preview publishes) starts with its findings, each linking to the edit."""
        page = self.pages[uri]
        held = self._held.setdefault(uri, TrustedHtml())
        banner = ""
        if not page.result.ok:
            banner = held.hold(drafts.findings_banner(page.result, f"{PROJECTS_DIR}/{page.source.name}", edit_url))
            if page.result.plan is None or any(finding.code == "PB109" for finding in page.result.findings):
                # Nothing to render until the file loads; notes over PB109's bounds would hold every
                # rebuild for minutes, which is what the bounds are for.
                return f"# {page.plan_id}\n\n{banner}\n"
        assert page.result.plan is not None
        context = RenderContext(
            git=page.git,
            edit_url=edit_url,
            history=[row.as_dict() for row in page.history],
            downloads=[(label, url) for label, url in (("HTML", page.download), ("PDF", page.pdf_download)) if url],
            trusted_html=held,
            tracking=page.tracking,
            companions=page.result.companions,
            reference_urls=page.reference_urls,
        )
        markdown = render_plan(page.result.plan, flavor="site", context=context, internal=self.audience.internal)
        if not banner:
            return markdown
        title, _, rest = markdown.partition("\n")  # the findings under the page's first heading
        return f"{title}\n\n{banner}\n\n{rest}" if title.startswith("# ") else f"{banner}\n\n{markdown}"

    def companion_markdown(self, uri: str) -> str:
        """The Markdown of a companion document's page: the document under its plan (`companion_render`)."""
        page, companion, plan_url = self.companion_pages[uri]
        assert page.result.plan is not None
        held = self._held.setdefault(uri, TrustedHtml())
        back = held.hold(
            f'<p class="pb-part-of">Part of the plan <a href="{html_text(plan_url)}">{html_text(page.plan_id)}</a></p>'
        )
        plan, internal_shown = page.result.plan, self.audience.internal
        markdown = companion_markdown(
            plan, companion, site=True, internal_shown=internal_shown, box=held.internal_class
        )
        title, _, rest = markdown.partition("\n")
        return f"{title}\n\n{back}\n{rest}"

    def hold(self, uri: str, html: str) -> str:
        """The marker that stands for `html` in the Markdown of the page at `uri`: Python-Markdown reads a
        word, not a thousand rows of table, and the page's HTML gets the table back in `finish_html`."""
        return self._held.setdefault(uri, TrustedHtml()).hold(html)

    def finish_html(self, uri: str, html: str) -> str:
        """The page's HTML as it is published: a plan page's cleaned, and every held block put back."""
        if self.is_plan_page(uri) or uri in self.companion_pages:
            html = clean_plan_html(html)
            if self.is_plan_page(uri) and not self.pages[uri].result.ok:
                html = drafts.mark_placeholders(html)
        held = self._held.pop(uri, None)
        return held.restore(html) if held is not None else html

    # -- plan pages an earlier build made ---------------------------------------------------

    def cached_page(self, uri: str, dest: str, markdown: str) -> dict[str, Any] | None:
        """What an earlier build made of the plan page at `uri` from this very `markdown` (and the HTML
        held for it), or None; the key is kept either way, for `keep_page`."""
        if self.page_cache is None or not self.is_plan_page(uri):
            return None
        key = self.page_cache.key(uri, dest, markdown, self._held.get(uri), draft=not self.pages[uri].result.ok)
        self._page_keys[uri] = key
        found = self.page_cache.get(key)
        if found is not None:
            self._held.pop(uri, None)  # its HTML is in the page kept
        return found

    def keep_page(self, uri: str, payload: dict[str, Any]) -> None:
        """Keep what this build made of the plan page at `uri`, under the key `cached_page` made."""
        key = self._page_keys.pop(uri, None)
        if self.page_cache is not None and key is not None:
            self.page_cache.put(key, payload)

    def forget_page(self, uri: str) -> None:
        """The page at `uri` is not to be kept (it depends on more than its Markdown)."""
        self._page_keys.pop(uri, None)

    # -- the home page -----------------------------------------------------------------------

    def portfolio_table(self, uri: str, url_for: Callable[[str], str]) -> str:
        return self.hold(uri, portfolio_view.portfolio_table_html(self.portfolio, url_for))

    def portfolio_charts(self, uri: str, limit: int = portfolio_view.TIMELINE_LIMIT) -> str:
        return self.hold(uri, portfolio_view.portfolio_charts_html(self.portfolio, limit))

    # -- what changed -----------------------------------------------------------------------

    def what_changed(self, uri: str, url_for: Callable[[str], str], days: int = CHANGES_DAYS) -> str:
        """What changed in the plans in the `days` days up to today; a plan's ID links to its page."""
        ids, files, results = self.portfolio.blob_ids, self.portfolio.files, self.portfolio.results
        known = {ids[path]: result.plan for path, result in zip(files, results) if result.plan and path in ids}

        def page_of(plan_id: str) -> str | None:
            return url_for(plan_id) if self.is_plan_page(f"{PROJECTS_DIR}/{plan_id}.md") else None

        html = changes_page.what_changed_html(
            self.root, self.portfolio.today, days, page_of, known, for_client=self.audience.includes
        )
        return self.hold(uri, html)

    # -- the people page ---------------------------------------------------------------------

    def people_list(self, uri: str, url_for: Callable[[str], str], max_active_roles: int) -> str:
        """Everyone the plans name, from every plan that loaded (a draft's people count too, as its
        roles are real); only the plans the site publishes are linked."""
        return self.hold(uri, people_view.people_html(self.shown, self.portfolio, url_for, max_active_roles))

    # -- the downloads -----------------------------------------------------------------------

    def start_exports(self, targets: dict[str, Path], *, pdf: bool = False) -> None:
        """Write each plan's HTML export to `targets[uri]`, and with `pdf` its PDF beside it (plans changed
        since their export was written only), in worker processes while MkDocs renders the pages."""
        exports: dict[str, list[PlanExport]] = {".html": [], ".pdf": []}
        for uri, target in targets.items():
            page = self.pages[uri]
            for suffix in (".html", ".pdf") if pdf else (".html",):
                if page.result.ok and stale(target.with_suffix(suffix), page.source):
                    context = RenderContext(git=page.git, tracking=page.tracking)
                    exports[suffix].append(PlanExport(page.source, context, target.with_suffix(suffix)))
        html = start_html_exports(exports[".html"], cache=BuildCache.for_project(self.root, "exports"))
        self._exports = [html, start_pdf_exports(exports[".pdf"])]

    def wait_for_exports(self, *, quietly: bool = False, prune: bool = False) -> None:
        """Wait for the exports; `quietly` when the build failed anyway, whose own error is the one to say."""
        pending, self._exports = self._exports, []
        failure: Exception | None = None
        for exports in pending:
            try:
                exports.wait()
            except Exception as error:
                failure = failure or error  # wait for the others all the same: no worker outlives the build
            else:  # the cached exports this build did not use go
                if prune and exports.cache is not None:
                    exports.cache.prune()
        if failure is not None and not quietly:
            raise failure


def stale(target: Path, source: Path) -> bool:
    """Whether `target` (an export, a page) is missing or older than `source` (a clean build empties the site)."""
    try:
        return target.stat().st_mtime_ns < source.stat().st_mtime_ns
    except OSError:
        return True
