"""The mkdocs-macros module: every plan page, the portfolio home page, and the reference pages, each a
macro that hands its work to the engine (planbook/site/).

Only pages that opt in with `render_macros: true` call these macros. A plan page is the engine's
constant `PLAN_PAGE_SOURCE`, whose one call, `{{ plan_page() }}`, returns the plan rendered by the
engine's sandboxed template; Jinja inserts that text and never compiles it. The portfolio's HTML is
escaped by the engine's own autoescaping templates, and stands in the page as a marker until the
page's HTML is made (`SiteBuild.hold`), so mkdocs-macros' Jinja, which escapes nothing, never meets a
plan value.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, Template
from mkdocs.exceptions import PluginError

from planbook.model.people import DEFAULT_MAX_ACTIVE_ROLES, max_active_roles
from planbook.paths import PROJECTS_DIR
from planbook.site import reference
from planbook.site.build import CHANGES_DAYS, SiteBuild


def define_env(env: Any) -> None:
    root = Path(env.project_dir)
    role_limit = _max_active_roles(env)

    def site() -> SiteBuild:
        return SiteBuild.current(root)

    def plan_url(plan_id: str) -> str:
        """The plan page's address relative to the page being rendered."""
        target = env.variables["files"].get_file_from_path(f"{PROJECTS_DIR}/{plan_id}.md")
        if target is None:  # pragma: no cover - the hooks add a page for every plan
            raise LookupError(f"no page for the plan {plan_id}")
        url: str = target.url_relative_to(env.page.file)
        return url

    @env.macro
    def plan_page() -> str:
        """The plan whose page this is, through the engine's template."""
        return site().plan_markdown(env.page.file.src_uri, edit_url=env.page.edit_url)

    @env.macro
    def companion_page() -> str:
        """The companion document (a SOW, technical specs) whose page this is, under its plan."""
        return site().companion_markdown(env.page.file.src_uri)

    @env.macro
    def portfolio_table() -> str:
        """Every plan: sortable, filterable by status, type and client (assets/javascripts/portfolio.js)."""
        return site().portfolio_table(env.page.file.src_uri, plan_url)

    @env.macro
    def portfolio_charts(limit: int = 60) -> str:
        """How many plans stand at each status, and the plans that have a start date on a timeline."""
        return site().portfolio_charts(env.page.file.src_uri, limit)

    @env.macro
    def what_changed(days: int = CHANGES_DAYS) -> str:
        """What changed in the plans in the last `days` days, from git (planbook report's HTML)."""
        return site().what_changed(env.page.file.src_uri, plan_url, days)

    @env.macro
    def people_list() -> str:
        """Everyone the plans name, with their roles; those over the limit of active roles marked."""
        return site().people_list(env.page.file.src_uri, plan_url, role_limit)

    @env.macro
    def for_the_team() -> bool:
        """Whether this is the team's internal site, not a client's (`PLANBOOK_CLIENT`, set by the hooks)."""
        return bool(env.conf["extra"].get("planbook_audience") != "client")

    @env.macro
    def field_reference() -> str:
        return reference.field_table()

    @env.macro
    def checklist_reference() -> str:
        return reference.checklist_table()

    @env.macro
    def rule_reference() -> str:
        return reference.rule_table()

    @env.macro
    def cli_reference() -> str:
        return reference.cli_usage()


def _max_active_roles(env: Any) -> int:
    """`extra: planbook: max_active_roles:` of the site's config, checked before any page is built: a
    bad value stops the build with an error naming the config file, not a page's macro."""
    extra = env.conf.get("extra") or {}
    settings = extra.get("planbook") if isinstance(extra, Mapping) else None  # MkDocs' own config type
    if settings is None:
        return DEFAULT_MAX_ACTIVE_ROLES
    config_file = Path(env.conf.config_file_path or "mkdocs.yml")
    if not isinstance(settings, Mapping):
        where = _where(config_file, ("extra", "planbook"))
        raise PluginError(f"{where}: extra.planbook must be a mapping of settings, such as max_active_roles: 3")
    if "max_active_roles" not in settings:
        return DEFAULT_MAX_ACTIVE_ROLES
    try:
        return max_active_roles(settings["max_active_roles"])
    except ValueError as error:
        where = _where(config_file, ("extra", "planbook", "max_active_roles"))
        raise PluginError(f"{where}: extra.planbook.max_active_roles {error}") from error


def _where(config_file: Path, keys: tuple[str, ...]) -> str:
    """`mkdocs.yml:LINE:COL` of the value at `keys`, or the file's name alone. The file is only composed
    (nodes and their positions, no values made), so MkDocs' own tags (`!ENV`, `!!python/name`) are never run."""
    try:
        node = yaml.compose(config_file.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return config_file.name
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            return config_file.name
        found = [value for name, value in node.value if isinstance(name, yaml.ScalarNode) and name.value == key]
        if not found:
            return config_file.name
        node = found[-1]
    return f"{config_file.name}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"


def on_pre_page_macros(env: Any) -> None:
    """Before each page: let mkdocs-macros compile each page source once a build, not once a page.

    It compiles every page's Markdown as a new template (`Environment.from_string`): 0.2 ms a page,
    0.2 s of a 1,000-plan build, where every plan page is the same constant `{{ plan_page() }}`. A
    compiled template renders any number of times, each with its page's variables.
    """
    jinja: Environment = env.env
    if not isinstance(jinja.__dict__.get("from_string"), _CompiledOnce):
        jinja.from_string = _CompiledOnce(jinja.from_string)  # type: ignore[method-assign,assignment]


class _CompiledOnce:
    """`Environment.from_string` that keeps what it compiled, by source (the few sources a site has)."""

    def __init__(self, compile_source: Callable[..., Template]) -> None:
        self._compile = compile_source
        self._compiled = functools.lru_cache(maxsize=64)(compile_source)

    def __call__(self, source: str, *args: Any, **kwargs: Any) -> Template:
        if args or kwargs:  # other globals or another template class: compiled as asked
            return self._compile(source, *args, **kwargs)
        return self._compiled(source)
