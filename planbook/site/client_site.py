"""What of docs/ a client's site holds, besides the client's own plans.

A client's site (`PLANBOOK_CLIENT`, see `planbook.audience`) leaves out everything written for the team,
failing closed:

- a page is published only when its front matter says `for_clients: true` (the portfolio and What
  changed do; the guide, the reference and the architecture do not, nor any page added later that
  does not say so);
- a file that is not a page is published only when it is part of the site's look: the theme's
  `extra_css`, `extra_javascript`, logo and favicon, and what lies under `assets/stylesheets/`,
  `assets/javascripts/` and `assets/fonts/`. The authoring guide's screenshots, which show the sample
  plans, stay out, and so does any other image: a folder every client's site shared would show each
  client the others' logos.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

#: Folders under docs/ whose files every site needs: the site's look.
PUBLIC_FOLDERS = ("assets/stylesheets/", "assets/javascripts/", "assets/fonts/")


def front_matter_says(path: str | Path, key: str) -> bool | None:
    """Whether the page at `path` says `key: true` in its front matter; None when it cannot be read.
    Read line by line from the first 4 KB, never run as YAML: the hooks ask this before MkDocs reads pages."""
    try:
        with open(path, encoding="utf-8", errors="replace") as source:
            head = source.read(4096)
    except OSError:
        return None
    front = head.split("\n---", 1)[0] if head.startswith("---") else ""
    return any(line.strip() == f"{key}: true" for line in front.splitlines())


def page_for_clients(path: str | Path) -> bool:
    """A page goes out on a client's site only when it says so; one that cannot be read does not."""
    return front_matter_says(path, "for_clients") is True


def file_for_clients(src_uri: str, named_by_theme: Iterable[str]) -> bool:
    """A file that is not a page: part of the site's look."""
    return src_uri in set(named_by_theme) or src_uri.startswith(PUBLIC_FOLDERS)


def nav_for_clients(nav: list[Any], keep_page: Callable[[str], bool]) -> list[Any]:
    """MkDocs' `nav` setting with the pages a client may not see taken out, and sections left empty
    by that; links to other sites stay. Each item is a path, or a mapping of a title to a path, a
    link or a list of items."""
    kept: list[Any] = []
    for item in nav:
        if isinstance(item, dict):
            entries: dict[Any, Any] = {}
            for title, value in item.items():
                if isinstance(value, list):
                    inner = nav_for_clients(value, keep_page)
                    if inner:
                        entries[title] = inner
                elif isinstance(value, str) and (_is_link(value) or keep_page(value)):
                    entries[title] = value
            if entries:
                kept.append(entries)
        elif isinstance(item, str) and (_is_link(item) or keep_page(item)):
            kept.append(item)
    return kept


def _is_link(value: str) -> bool:
    return "://" in value or value.startswith("/")
