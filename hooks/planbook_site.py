"""MkDocs hooks: the site's events, each handed to the engine's `SiteBuild` (planbook/site/build.py).

- `on_startup`: `mkdocs serve` previews drafts; every other command is strict about them.
- `on_serve`: the preview looks for edits five times as often as MkDocs would.
- `on_env`: the theme's templates are compiled once a process, not once a rebuild.
- `on_config`: a client's site (`PLANBOOK_CLIENT`) has no link to the repository and a nav of the
  pages for clients only; every site says in `extra.planbook_audience` whom it is for, which the theme
  reads for the internal site's banner.
- `on_files`: check every plan and fail the build with check's own `path:line:col: CODE message`
  lines (in the preview, a plan with findings is a draft page instead); add a page for each plan at
  `projects/<ID>/`, read from the plan file itself, kept out of the nav (the portfolio is the plans'
  index; a nav of a thousand plans would be copied into every page). A client's site gets the client's
  plans only, and of docs/ only what is for clients (planbook/site/client_site.py).
- `on_page_read_source`: a plan page's source is the engine's constant `PLAN_PAGE_SOURCE`, which
  mkdocs-macros renders by calling the `plan_page()` macro (macros/main.py); MkDocs never reads a plan.
- `on_page_markdown`, after every other plugin: a plan page an earlier build made from this very
  Markdown is taken from the build cache (`planbook.site.page_cache`), and MkDocs converts nothing.
- `on_page_content`: a plan page's HTML is cleaned, and HTML held out of Markdown is put back; the
  page is kept in the build cache when it depends on nothing but its Markdown.
- `on_post_build`: wait for the plans' downloads, written by worker processes meanwhile: HTML always,
  PDF too when PLANBOOK_PDF_DOWNLOADS=1 (the deploy workflow sets it; `make serve` does not).

Nothing is written into docs/, and a dirty build (`mkdocs serve --dirty`) rebuilds a plan's page only
when that plan changed; hand-written pages, the portfolio among them, are rebuilt every time.
"""

from __future__ import annotations

import functools
import logging
import os
import posixpath
import re
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, get_toc
from watchdog.observers.polling import PollingObserver

from planbook.audience import Audience, AudienceError, audience_from
from planbook.build_cache import CACHE_DIR, BuildCache
from planbook.dates import TodayError
from planbook.escape import one_line
from planbook.export.batch import pdf_downloads_wanted
from planbook.export.errors import ExportError
from planbook.export.to_pdf import chromium_executable
from planbook.html_policy import namespaced_id, plain_text
from planbook.markdown_ext import TaskLabelsExtension
from planbook.paths import PROJECTS_DIR
from planbook.plan_template import TEMPLATE_DIR, TemplateError
from planbook.site import client_site
from planbook.site.build import COMPANION_PAGE_SOURCE, PLAN_PAGE_SOURCE, PlanPage, SiteBuild, stale
from planbook.site.compiled_templates import COMPILED_TEMPLATES
from planbook.site.page_cache import KIND as PAGES
from planbook.site.page_cache import PlanPageCache

log = logging.getLogger("mkdocs.hooks.planbook_site")  # under `mkdocs`, so --strict counts its warnings


def _build(config: MkDocsConfig) -> SiteBuild:
    # The project's root as MkDocs sees it (not resolved: docs/ or the config may be symlinks).
    return SiteBuild.current(Path(os.path.dirname(os.path.abspath(config.config_file_path))))


def on_startup(*, command: str, dirty: bool) -> None:
    """`mkdocs serve` previews drafts: a plan with findings gets its page, its findings at the top, and
    the preview never stops on a plan's content. Every other command fails the build on them."""
    SiteBuild.preview = command == "serve"
    global _BUILD_OVER_OLD_SITE
    _BUILD_OVER_OLD_SITE = command != "serve" and dirty
    _DIRTY[0] = dirty


#: `mkdocs build --dirty` or `gh-deploy --dirty`: the pages of an earlier build stay in the site folder
#: and go out with it (`serve` builds into a folder of its own).
_BUILD_OVER_OLD_SITE = False


#: How often `mkdocs serve` looks for edits. MkDocs polls every 0.5 s, which alone is half the second
#: an edit has to show in (P5); a look at a thousand plans costs about 4 ms.
PREVIEW_POLL_SECONDS = 0.1


def on_serve(server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Callable[..., None]) -> LiveReloadServer:
    """The preview looks for edits every PREVIEW_POLL_SECONDS. MkDocs offers no setting for it, so the
    server, not yet started, gets a new observer, and what it watched is watched again; where MkDocs
    has changed shape, its own interval stays. The project's template is watched too, where it has one
    (a `watch:` entry in mkdocs.yml would stop a project without `template/` from building)."""
    template = Path(os.path.dirname(os.path.abspath(config.config_file_path))) / TEMPLATE_DIR
    if template.is_dir():
        server.watch(str(template))
    watched = getattr(server, "_watched_paths", None)
    if not isinstance(watched, dict) or server.observer.is_alive():
        log.info("the preview keeps MkDocs' own interval between looks for edits")
        return server
    again = dict(watched)
    for path, count in again.items():
        for _ in range(count):
            server.unwatch(path)
    server.observer = PollingObserver(timeout=PREVIEW_POLL_SECONDS)
    for path, count in again.items():
        for _ in range(count):
            server.watch(path)
    return server


def _audience() -> Audience:
    try:
        return audience_from()
    except AudienceError as e:
        raise PluginError(str(e)) from None


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    config.markdown_extensions.append(TaskLabelsExtension())  # type: ignore[arg-type]
    for logger in (logging.getLogger(), logging.getLogger("mkdocs")):  # mkdocs' does not propagate
        for handler in [h for h in logger.handlers if isinstance(h, _LogCounter) or type(h).__name__ == "_LogCounter"]:
            logger.removeHandler(handler)  # the one a former rebuild's hooks module added
        logger.addHandler(_LOGGED)
    audience = _audience()
    config.extra["planbook_audience"] = "internal" if audience.internal else "client"
    if not audience.internal and _BUILD_OVER_OLD_SITE:
        raise PluginError(
            "a client's site is built clean: drop --dirty, which keeps the pages of an earlier build, "
            "perhaps the internal site's, in the site folder"
        )
    if not audience.internal:
        # The repository is the team's: no link to it, and no edit button on any page.
        config.repo_url = config.repo_name = config.edit_uri = None  # type: ignore[assignment]
        if config.nav is not None:
            config.nav = client_site.nav_for_clients(
                config.nav, lambda uri: client_site.page_for_clients(os.path.join(config.docs_dir, uri))
            )
    return config


class _LogCounter(logging.Handler):
    """Counts what is logged, so that a page whose making logged anything (a link MkDocs warned of) is
    never taken from the build cache, which would make the page without saying it again."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


_LOGGED = _LogCounter()


def on_env(env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment:
    env.bytecode_cache = COMPILED_TEMPLATES  # a rebuild of `mkdocs serve` compiles no unchanged template
    return env


def on_files(files: Files, /, *, config: MkDocsConfig) -> Files:
    audience = _audience()
    try:
        site = SiteBuild.begin(Path(os.path.dirname(os.path.abspath(config.config_file_path))), audience)
    except TodayError as e:  # a build must not measure "late" or "the last 30 days" from a day it made up
        raise PluginError(str(e)) from None
    except AudienceError as e:  # no site, rather than an empty one, for a client no plan names
        raise PluginError(str(e)) from None
    except TemplateError as e:  # the repository's template/ cannot be read: no page could follow it
        raise PluginError(str(e)) from None
    errors, warnings = site.findings()
    for line in warnings:
        log.info(line)  # check passes plans with warnings, and so does the site
    failed = f"{site.failing} plan{'s' if site.failing != 1 else ''} in {PROJECTS_DIR}/ failed `planbook check`"
    if errors and not SiteBuild.preview:
        raise PluginError(f"{failed}:\n" + "\n".join(errors))
    if errors:  # info, not a warning: `serve --strict` would stop on a warning, and the preview must not
        log.info(f"{failed}; their pages are previewed as drafts, with their findings:\n" + "\n".join(errors))
    if not audience.internal:
        files = _for_clients(files, config)
    for file in files.documentation_pages():
        if client_site.front_matter_says(file.abs_src_path or "", "shows_plans") is not False:
            # The portfolio, People, What changed: a dirty build must make them again on every edit.
            file.is_modified = _always_modified  # type: ignore[method-assign]
    try:
        pdf = pdf_downloads_wanted(os.environ)
        if pdf:
            chromium_executable()  # say now, not after every page, that PDFs cannot be printed here
    except (ValueError, ExportError) as e:
        raise PluginError(f"PDF downloads: {e}") from None
    downloads = {}
    written = {file.dest_uri: file.src_uri for file in files}  # what docs/ writes, which no document may overwrite
    for page in site.plan_pages():
        uri = f"{PROJECTS_DIR}/{page.plan_id}.md"
        if files.get_file_from_path(uri) is not None:
            raise PluginError(
                f"docs/{uri} would hide the page of the plan {PROJECTS_DIR}/{page.source.name}; rename or remove it"
            )
        file = File.generated(config, uri, abs_src_path=str(page.source), inclusion=InclusionLevel.NOT_IN_NAV)
        # The download is projects/<ID>/<ID>.html with directory URLs or without: a folder no plan's page
        # can be, since an ID holds no `/` (`<ID>.plan.html` was the page of the plan `<ID>.plan`).
        if page.result.ok:  # a draft has no download: export refuses it too
            downloads[uri] = f"{PROJECTS_DIR}/{page.plan_id}/{page.plan_id}.html"
            page.download = posixpath.relpath(downloads[uri], posixpath.dirname(file.dest_uri))
            page.pdf_download = page.download.removesuffix(".html") + ".pdf" if pdf else ""
        # The edit button: MkDocs joins `edit_uri` (docs/ in the repository) and this path, which climbs out of docs/.
        file.edit_uri = Path(os.path.relpath(page.source, config.docs_dir)).as_posix()
        files.append(file)
        _add_companion_pages(site, page, file, files, config, written)
    _refuse_downloads_over_files(files, downloads, pdf=pdf)
    site.page_cache = _page_cache(site.root, config)
    site.start_exports({uri: Path(config.site_dir, download) for uri, download in downloads.items()}, pdf=pdf)
    return files


def _add_companion_pages(
    site: SiteBuild, page: PlanPage, plan_file: File, files: Files, config: MkDocsConfig, written: dict[str, str]
) -> None:
    """A page for each of the plan's companion documents that is a file, at `projects/<ID>/<key>/`, linked
    from the plan's reference lines. The plan page shows the data mapping, so a dirty build makes it again
    when a companion changes, as when the plan does."""
    sources = []
    # Asked once, before any page is written: the plan's page, written first, would make it false.
    plan_modified = functools.cache(plan_file.is_modified)
    for companion in page.result.companions or ():
        if companion.document is None or companion.path is None:
            continue
        uri = f"{PROJECTS_DIR}/{page.plan_id}/{companion.slug}.md"
        if files.get_file_from_path(uri) is not None:
            raise PluginError(f"docs/{uri} would hide the page of {companion.shown}; rename or remove it")
        file = File.generated(config, uri, abs_src_path=str(companion.path), inclusion=InclusionLevel.NOT_IN_NAV)
        if file.dest_uri in written:
            raise PluginError(
                f"docs/{written[file.dest_uri]} would take the place of the page of {companion.shown}; rename it"
            )
        file.edit_uri = Path(os.path.relpath(companion.path, config.docs_dir)).as_posix()
        files.append(file)
        site.companion_pages[uri] = (page, companion, plan_file.url_relative_to(file))
        page.reference_urls[companion.name] = file.url_relative_to(plan_file)
        sources.append(str(companion.path))
        _follow(file, plan_modified)  # the page shows the plan's systems and success criteria too
    folder = page.source.parent / page.plan_id
    if folder.is_dir():  # a document written or deleted there changes the folder's time
        sources.append(str(folder))
    if sources:

        def modified() -> bool:
            dest = plan_file.abs_dest_path
            return plan_modified() or any(stale(Path(dest), Path(source)) for source in sources)

        plan_file.is_modified = modified  # type: ignore[method-assign]


def _follow(file: File, also: Callable[[], bool]) -> None:
    own = file.is_modified
    file.is_modified = lambda: own() or also()  # type: ignore[method-assign]


def _refuse_downloads_over_files(files: Files, downloads: dict[str, str], *, pdf: bool) -> None:
    """A page or file of docs/ where a plan's download goes: one would overwrite the other."""
    written = {file.dest_uri: file.src_uri for file in files}
    for uri, download in downloads.items():
        for path in (download, download.removesuffix(".html") + ".pdf") if pdf else (download,):
            if path in written:
                raise PluginError(
                    f"docs/{written[path]} would take the place of the download of the plan {uri}; rename it"
                )


def _for_clients(files: Files, config: MkDocsConfig) -> Files:
    """The files a client's site holds, before its plans' pages are added: the theme's own, and of
    docs/ the pages that say `for_clients: true` and the files of the site's look."""
    theme = config.theme
    named = [*map(str, config.extra_css), *(str(script) for script in config.extra_javascript)]
    named += [str(theme[key]) for key in ("logo", "favicon") if theme.get(key)]
    docs = os.path.abspath(config.docs_dir)

    def kept(file: File) -> bool:
        if file.generated_by is None and os.path.abspath(file.src_dir or "") != docs:
            return True  # the theme's
        if file.is_documentation_page():
            return client_site.page_for_clients(file.abs_src_path or "")
        return file.generated_by is None and client_site.file_for_clients(file.src_uri, named)

    return Files([file for file in files if kept(file)])


def _always_modified() -> bool:
    return True


def _page_cache(root: Path, config: MkDocsConfig) -> PlanPageCache | None:
    """The build cache of plan pages, keyed also by what shapes a page here: the site's config file,
    these hooks, and the generator that runs them."""
    try:
        site_config = Path(config.config_file_path).read_bytes()
        hooks = Path(__file__).read_bytes()
    except OSError:
        return None
    generator = f"{Page.__module__} {_version('mkdocs')} {_version('properdocs')}"
    cache = BuildCache.for_project(root, PAGES, site_config, hooks, generator)
    return PlanPageCache(cache) if cache is not None else None


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "-"


def on_page_read_source(*, page: Page, config: MkDocsConfig) -> str | None:
    site = _build(config)
    if page.file.src_uri in site.companion_pages:
        plan, companion, _ = site.companion_pages[page.file.src_uri]
        # The theme prints the title unescaped: the template's words, without what HTML would read.
        title = re.sub(r"[<>&\"'`]", "", one_line(companion.title))
        page.title = f"{plan.plan_id}: {title}"  # type: ignore[misc]
        return COMPANION_PAGE_SOURCE
    if not site.is_plan_page(page.file.src_uri):
        return None
    page.title = site.pages[page.file.src_uri].plan_id  # type: ignore[misc]  # an ID: letters, digits, `.`, `_`, `-`
    return PLAN_PAGE_SOURCE


@event_priority(-300)  # after every other plugin: the Markdown as MkDocs will convert it
def on_page_markdown(markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    """A plan page made from this very Markdown by an earlier build is not converted again: MkDocs gets
    no Markdown, and `on_page_content` gives the page what the cache kept."""
    site = _build(config)
    kept = site.cached_page(page.file.src_uri, page.file.dest_uri, markdown)
    if kept is not None:
        _KEPT[page.file.src_uri] = kept
        return ""
    _LOGGED_BEFORE[page.file.src_uri] = _LOGGED.count
    return markdown


#: By page address, for one page at a time: what the cache kept, or how much was logged before MkDocs
#: converted the page.
_KEPT: dict[str, dict[str, object]] = {}
_LOGGED_BEFORE: dict[str, int] = {}


@event_priority(-100)  # last, so that nothing another plugin adds to a plan page escapes cleaning
def on_page_content(html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    site = _build(config)
    uri = page.file.src_uri
    if uri in site.companion_pages:
        _clean_toc(page.toc)
    if not site.is_plan_page(uri):
        return site.finish_html(uri, html)
    kept = _KEPT.pop(uri, None)
    if kept is not None:
        return _kept_page(page, kept)
    keep = _LOGGED_BEFORE.pop(uri, None) == _LOGGED.count and _depends_on_its_markdown_alone(page, html)
    _clean_toc(page.toc)
    html = site.finish_html(uri, html)
    if keep:
        site.keep_page(uri, _page_payload(page, html))
    else:
        site.forget_page(uri)
    return html


#: A link or source that is not absolute (`https:`, `mailto:`, `//host`) nor a place on the page (`#…`):
#: MkDocs resolves it against the other pages, so the page depends on them.
_RELATIVE_LINK = re.compile(r"""\b(?:href|src)\s*=\s*["']?(?![a-zA-Z][a-zA-Z0-9+.-]*:|//|#|["'])""")


def _depends_on_its_markdown_alone(page: Page, html: str) -> bool:
    anchors = page.links_to_anchors or {}
    return not _RELATIVE_LINK.search(html) and all(target is page.file for target in anchors)


def _page_payload(page: Page, html: str) -> dict[str, object]:
    own = (page.links_to_anchors or {}).get(page.file, {})
    return {
        "content": html,
        "toc": [_toc_token(item) for item in page.toc],
        "anchors": sorted(page.present_anchor_ids or ()),
        "own_links": dict(own),
    }


def _toc_token(item: AnchorLink) -> dict[str, object]:
    return {"level": item.level, "id": item.id, "name": item.title, "children": [_toc_token(c) for c in item.children]}


def _kept_page(page: Page, kept: dict[str, object]) -> str:
    """The page as the build that kept it made it: content, table of contents, anchors and the links to
    its own anchors (which MkDocs checks once every page is made)."""
    page.toc = get_toc(kept.get("toc") or [])  # type: ignore[arg-type]
    page.present_anchor_ids = set(kept.get("anchors") or ())  # type: ignore[call-overload]
    own = kept.get("own_links")
    if own and page.links_to_anchors is not None:
        page.links_to_anchors[page.file] = dict(own)  # type: ignore[call-overload]
    return str(kept["content"])


def _clean_toc(items: list[AnchorLink]) -> None:
    """The table of contents, which the theme prints outside the content, unescaped: text only, and the
    same ids as the headings' cleaned ones."""
    for item in items:
        if "<" in item.title or ">" in item.title:
            item.title = plain_text(item.title)
        item.id = namespaced_id(item.id)
        _clean_toc(item.children)


def on_post_build(*, config: MkDocsConfig) -> None:
    site = _build(config)
    try:
        site.wait_for_exports(prune=not _DIRTY[0])
    except ExportError as e:  # `SiteBuild` names the downloads that failed, and why
        raise PluginError(str(e)) from None
    except Exception as e:  # a worker or Chromium died in a way nobody named: one line, not a traceback
        raise PluginError(f"downloads: {type(e).__name__}: {one_line(e)}; build again") from None
    cache = site.page_cache
    if cache is not None:
        log.info(f"plan pages from the build cache ({CACHE_DIR}/): {cache.hits} of {len(site.pages)}")
        if not _DIRTY[0]:
            cache.prune()  # a full build used every page it will need again


_DIRTY = [False]  # `--dirty` (on_startup): a build of a few pages, whose cache use says nothing of the others


def on_build_error(*, error: Exception) -> None:
    for site in SiteBuild.under_way():
        site.wait_for_exports(quietly=True)
