"""MkDocs hooks: one page per plan in `projects/`, at `projects/<ID>/`, rendered by the engine.

Plans live outside docs/, so each is added as a generated file whose source file is the plan itself.
Nothing is written into docs/, and a dirty build (`mkdocs serve --dirty`) rebuilds a plan's page only
when that plan changed.

Plan text never reaches a template engine of the site:

- Every plan is loaded and checked in `on_files`, before MkDocs reads any page. One with an error fails
  the build with check's own `path:line:col: CODE message` lines, so a front matter that smuggles in
  `render_macros: true` (an unknown field) or a YAML alias bomb stops there.
- MkDocs never parses a plan's YAML: `on_page_read_source` hands it the rendered plan instead, under a
  front matter of ours that says `render_macros: false`, which mkdocs-macros honours even over forced
  rendering.
- `on_page_markdown` runs after mkdocs-macros and puts back the rendered Markdown and a meta of ours,
  whatever any plugin before it did.

Plans stay out of the nav (`not_in_nav`): the portfolio is their index, and a nav of a thousand plans
would be copied into every page.

Each plan page shows the plan's last commits (one `git log` and one `git cat-file` for every plan; the
newest version is mostly the file as checked, and is not loaded again) and links to the plan exported
as one HTML file beside the page. The exports are written by worker processes while MkDocs renders the
pages, and only for plans changed since their export was written, so a dirty rebuild exports one.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import posixpath
import secrets
from pathlib import Path

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from planbook.paths import resolved
from planbook.check import CheckResult
from planbook.export.batch import HtmlExport, PendingExports, start_html_exports
from planbook.history import GitFacts, blob_id, plan_histories
from planbook.html_policy import TrustedHtml
from planbook.portfolio import load_portfolio
from planbook.render import RenderContext, render_plan

PROJECTS_DIR = "projects"
#: The meta key that marks a page as a plan page, for the HTML cleaner and the theme.
PLAN_META_KEY = "planbook_plan"
# The front matter MkDocs reads for a plan page, in place of the plan's own.
_SAFE_FRONT_MATTER = "---\nrender_macros: false\n---\n\n"
HISTORY_LIMIT = 5  # commits in a plan page's history table

log = logging.getLogger("mkdocs.hooks.plan_pages")  # under `mkdocs`, so --strict counts its warnings


class PlanFile(File):
    """A plan's page in the site, `projects/<ID>.md`, read from the plan file itself."""

    result: CheckResult
    facts: GitFacts | None
    history: list[dict[str, str]]
    download: str  # the exported plan's address, relative to the page
    rendered: str | None = None
    trusted_html: TrustedHtml | None = None  # the template's own HTML, put back once the page is clean


_pending: PendingExports | None = None

#: The config key under which the macros find the `RawHtmlBlocks` of the build.
RAW_HTML_KEY = "planbook_raw_html"


class RawHtmlBlocks(Extension):
    """HTML that the macros wrote (escaped by their autoescaping templates), handed to Python-Markdown
    as stashed raw HTML instead of text it must parse.

    The portfolio's table is a thousand rows; Python-Markdown's HTML parser took about 0.3 s of every
    rebuild to find where that block ends. The macro puts a marker line in the page instead
    (`hold`), and a preprocessor of ours, running before the HTML block one, swaps each marker for
    the stash's placeholder, which Python-Markdown replaces with the HTML as it is. A marker carries
    a random token of this build, so no page text can name a block.
    """

    def __init__(self) -> None:
        super().__init__()
        self.token = secrets.token_hex(8)
        self.blocks: dict[str, str] = {}

    def hold(self, html: str) -> str:
        """The marker line that stands for `html` in a page's Markdown."""
        marker = f"<!-- planbook-raw-html {self.token} {len(self.blocks)} -->"
        self.blocks[marker] = html
        return marker

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(_SwapRawHtml(md, self.blocks), "planbook-raw-html", 25)


class _SwapRawHtml(Preprocessor):
    def __init__(self, md: Markdown, blocks: dict[str, str]) -> None:
        super().__init__(md)
        self.blocks = blocks

    def run(self, lines: list[str]) -> list[str]:
        if not self.blocks:
            return lines
        return [self.md.htmlStash.store(self.blocks[line]) if line in self.blocks else line for line in lines]


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    blocks = RawHtmlBlocks()
    config.markdown_extensions.append(blocks)  # type: ignore[arg-type]
    config[RAW_HTML_KEY] = blocks
    return config


def on_files(files: Files, /, *, config: MkDocsConfig) -> Files:
    # The project's root as MkDocs sees it (not resolved: docs/ or the config may be symlinks).
    root = os.path.dirname(os.path.abspath(config.config_file_path))
    portfolio = load_portfolio(Path(root, PROJECTS_DIR))
    errors, warnings = [], []
    for path, result in zip(portfolio.files, portfolio.results):
        shown = f"{PROJECTS_DIR}/{path.name}"  # relative to the repository, whatever the cwd
        for finding in result.findings:
            # one line each, whatever the file's name holds: a log line a plan cannot forge
            line = str(dataclasses.replace(finding, path=shown))
            (errors if finding.severity == "error" else warnings).append(line)
    for line in warnings:
        log.info(line)  # check passes plans with warnings, and so does the site
    if errors:
        failing = sum(not result.ok for result in portfolio.results)
        raise PluginError(
            f"{failing} plan{'s' if failing != 1 else ''} in {PROJECTS_DIR}/ failed `planbook check`:\n" + "\n".join(errors)
        )

    for file in files.documentation_pages():
        # Hand-written pages are few, and the portfolio shows every plan: a dirty build must rebuild
        # them whenever it rebuilds anything, or the home page would show stale plans.
        file.is_modified = _always_modified  # type: ignore[method-assign]

    histories = plan_histories(portfolio.files, limit=HISTORY_LIMIT, known=_current_facts(portfolio.files, portfolio.results))
    exports = []
    for path, result in zip(portfolio.files, portfolio.results):
        uri = f"{PROJECTS_DIR}/{path.stem}.md"
        if files.get_file_from_path(uri) is not None:
            raise PluginError(f"docs/{uri} would hide the page of the plan {PROJECTS_DIR}/{path.name}; rename or remove it")
        file = PlanFile.generated(config, uri, abs_src_path=str(path), inclusion=InclusionLevel.NOT_IN_NAV)
        file.result = result
        file.facts = portfolio.facts.get(path)
        file.history = [row.as_dict() for row in histories.get(resolved(path), [])]
        # Beside the page: projects/<ID>/<ID>.html, or projects/<ID>.plan.html without directory URLs.
        page_dir = posixpath.dirname(file.dest_uri)
        file.download = f"{path.stem}.html" if file.dest_uri.endswith("/index.html") else f"{path.stem}.plan.html"
        target = Path(config.site_dir, page_dir, file.download)
        if _stale(target, path):
            context = RenderContext(version=file.facts.commit if file.facts else None,
                                    last_updated=file.facts.date if file.facts else None,
                                    modified=file.facts.modified if file.facts else False)
            exports.append(HtmlExport(path, context, target))
        # The edit button: MkDocs joins `edit_uri` (docs/ in the repository) and this path, which
        # climbs out of docs/ to the plan.
        file.edit_uri = Path(os.path.relpath(os.path.join(root, PROJECTS_DIR, path.name), config.docs_dir)).as_posix()
        files.append(file)
    global _pending
    _pending = start_html_exports(exports)
    return files


def on_post_build(*, config: MkDocsConfig) -> None:
    global _pending
    pending, _pending = _pending, None
    if pending is not None:
        pending.wait()


def on_build_error(*, error: Exception) -> None:
    global _pending
    pending, _pending = _pending, None
    if pending is not None:
        try:
            pending.wait()
        except Exception:  # the build's own error is the one to report
            pass


def _current_facts(paths: tuple[Path, ...], results: tuple[CheckResult, ...]) -> dict[str, tuple[str | None, int | None, int | None]]:
    """Status, confidence and completeness of each plan as it is now, by git blob id, for the history."""
    known = {}
    for path, result in zip(paths, results):
        data = result.plan.data if result.plan is not None else {}
        status, confidence = data.get("status"), data.get("confidence")
        try:
            key = blob_id(path.read_bytes())
        except OSError:
            continue
        known[key] = (
            status if isinstance(status, str) else None,
            confidence if isinstance(confidence, int) and not isinstance(confidence, bool) else None,
            result.completeness,
        )
    return known


def _stale(target: Path, source: Path) -> bool:
    """Whether the export at `target` is missing or older than its plan (a clean build empties the site first)."""
    try:
        return target.stat().st_mtime_ns < source.stat().st_mtime_ns
    except OSError:
        return True


def _always_modified() -> bool:
    return True


def on_page_read_source(*, page: Page, config: MkDocsConfig) -> str | None:
    file = page.file
    if not isinstance(file, PlanFile):
        return None
    assert file.result.plan is not None  # on_files let no plan through that did not load
    facts = file.facts
    context = RenderContext(
        version=facts.commit if facts else None,
        last_updated=facts.date if facts else None,
        modified=facts.modified if facts else False,
        edit_url=page.edit_url,
        history=file.history,
        downloads=[("HTML", file.download)],
        trusted_html=TrustedHtml(),
    )
    file.trusted_html = context.trusted_html
    file.rendered = render_plan(file.result.plan, flavor="site", context=context)
    return _SAFE_FRONT_MATTER + file.rendered


@event_priority(-100)  # after mkdocs-macros (0) and any other plugin: ours is the last word
def on_page_markdown(markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    file = page.file
    if not isinstance(file, PlanFile):
        return markdown
    assert file.rendered is not None
    plan_id = file.result.plan.id if file.result.plan is not None else Path(file.src_uri).stem
    # The title is the ID alone: the theme prints titles unescaped in places, and an ID is
    # letters, digits, `.`, `_` and `-` by the schema.
    page.meta = {"render_macros": False, "title": plan_id, PLAN_META_KEY: plan_id}
    return file.rendered
