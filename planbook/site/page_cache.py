"""Plan pages made by an earlier build: `PlanPageCache`, the site's share of the build cache.

Converting a plan page's Markdown to HTML, cleaning it and putting back its held HTML is most of what
a plan page costs (about 9 ms of the build's 15 a page, at 1,000 plans). The result is a function of
the page's Markdown as the site's generator receives it, the HTML held aside for it, the page's
address, and the code and config (the cache's fingerprint). So the key is made of exactly those: the
Markdown itself, not the plan's name or stamp, and nothing a render left out can go stale.

A page's held HTML stands in its Markdown as markers holding a token random to each render (see
`planbook.trusted_html`), which would make every render's Markdown new. The key reads the Markdown
split at the token instead: no plan text can hold the token, so the split gives the plan's text and
the markers' places exactly, and two renders that differ only by their token share a key.

Only pages whose making depends on nothing else are kept; the adapter says which (a page that links
to another page, or that logged anything while it was made, is made afresh every time).
"""

from __future__ import annotations

from typing import Any

from planbook.build_cache import BuildCache
from planbook.trusted_html import TrustedHtml

KIND = "pages"


class PlanPageCache:
    """The plan pages of one site build: keys from what makes them, entries in the `BuildCache`."""

    def __init__(self, cache: BuildCache) -> None:
        self.cache = cache
        self.hits = 0  # pages this build took from the cache

    def key(self, uri: str, dest: str, markdown: str, held: TrustedHtml | None, *, draft: bool) -> str:
        """The key of the page at `uri` (written to `dest`), made from `markdown` with `held` aside."""
        token = held.token if held is not None else ""
        blocks = list(held.blocks.values()) if held is not None else []
        parts: list[str] = [uri, dest, "draft" if draft else "ok"]
        for text in (markdown, *blocks):
            pieces = text.split(token) if token else [text]
            parts += [str(len(pieces)), *pieces]
        return self.cache.key(*parts)

    def get(self, key: str) -> dict[str, Any] | None:
        """The page kept under `key`, when it has the shape a kept page has; None otherwise."""
        payload = self.cache.get(key)
        if payload is None or not _is_page(payload):
            return None
        self.hits += 1
        return payload

    def put(self, key: str, payload: dict[str, Any]) -> None:
        self.cache.put(key, payload)

    def prune(self) -> int:
        return self.cache.prune()


def _is_page(payload: dict[str, Any]) -> bool:
    """content: HTML; toc: the table of contents' tokens; anchors: the ids on the page; own_links: the
    page's links to its own anchors."""
    own = payload.get("own_links")
    anchors = payload.get("anchors")
    return (
        isinstance(payload.get("content"), str)
        and _is_toc(payload.get("toc"))
        and isinstance(anchors, list)
        and all(isinstance(anchor, str) for anchor in anchors)
        and isinstance(own, dict)
        and all(isinstance(value, str) for value in own.values())
    )


def _is_toc(tokens: Any, depth: int = 0) -> bool:
    return (
        isinstance(tokens, list)
        and depth < 8
        and all(
            isinstance(token, dict)
            and isinstance(token.get("level"), int)
            and isinstance(token.get("id"), str)
            and isinstance(token.get("name"), str)
            and _is_toc(token.get("children"), depth + 1)
            for token in tokens
        )
    )
