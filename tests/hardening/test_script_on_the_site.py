"""Class 1 of the trust issue: script on the published site, with no click.

A plan's notes are free Markdown, and Markdown passes raw HTML and attribute lists through. The HTML
policy (`planbook.html_policy`) keeps ids from a plan out of the theme's way (Material reads its whole
configuration from `#__config`), classes to an allowlist, remote images unloaded, and Mermaid
unconfigurable from a diagram; `???` at the start of a value's line stays text. Checked in the
cleaner, through a real strict build, and in Chromium, where the theme's search must still work.
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser

import markdown
import pytest
import yaml

from planbook import escape
from planbook.html_policy import DIAGRAM_LEAD, ID_NAMESPACE, clean_plan_html, is_reserved_id, namespaced_id
from planbook.loader import load_plan

from conftest import PROJECTS, ROOT

sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from e2e_browser import browser, new_page, screenshot, served  # noqa: E402,F401 - fixtures

PLAN_ID = "ATTACK-001"
# What Material would read as its configuration if this heading came first in the page: a search
# worker from a data: URL (script), and instant navigation from a host of the author's choosing.
FORGED_CONFIG = (
    '{"base": "https://evil.invalid/", "features": ["navigation.instant"], '
    '"search": "data:text/javascript,postMessage(1)", "translations": {}, "version": null}'
)
ATTACK_NOTES = f"""
<h2 id="__config">{FORGED_CONFIG}</h2>

## x {{: #__search }}

## Drawer {{: #__drawer .md-sidebar .md-search }}

<p id="__palette_0" class="md-header md-search__input">not the palette</p>

<a href="#__search">to the search box</a> and [to the drawer](#__drawer)

![tracking pixel](https://tracker.invalid/pixel.gif)

<img src="https://tracker.invalid/raw.gif" alt="raw pixel">

```mermaid
---
config:
  themeCSS: "@import url(https://evil.invalid/front-matter.css);"
---
graph TD
  A-->B
```

```mermaid
%%{{init: {{"securityLevel": "loose", "themeCSS": "@import url(https://evil.invalid/init.css);"}}}}%%
graph LR
  C-->D
```

<pre class="mermaid"><code>&#37;&#37;{{init: {{"themeCSS": "@import url(https://evil.invalid/entity.css);"}}}}%%
graph LR
  E-->F
</code></pre>

## Rollout notes {{: id='rollout" autofocus onfocus="alert(document.domain)' }}

## Styled {{: id='st" style="background-image:url(https://evil.invalid/toc-style.png)' }}

<div markdown="1">
<h3 markdown="1" id="b&quot; onmouseover=&quot;alert(2)">Quoted id</h3>
</div>

```mermaid
flowchart TD
  A["<img src='https://evil.invalid/label.png'>"] --> B
  K@{{ img: "https://evil.invalid/shape.png", label: "k", pos: "t", w: 60, h: 60 }}
```

```{{.mermaid title="diagram"}}
%%{{init: {{"themeCSS": ".node rect {{ fill: url(https://evil.invalid/fence-title.svg#a) }}"}}}}%%
graph TD
  G --> H
```

<pre title="t" class="mermaid mermaid">---\u00a0
config:
  themeCSS: ".node {{ background: url(https://evil.invalid/nbsp.png) }}"
---
graph TD
  I --> J</pre>

<pre class="mermaid">---&#13;config:&#13;  themeCSS: ".node {{ background: url(https://evil.invalid/cr.png) }}"&#13;---&#13;graph TD&#13;  L --> M</pre>

<div class="pb-downloads">Download: <a class="pb-download" href="https://evil.invalid/fake.html" download>HTML</a></div>

## Mermaid's own {{: #d__mermaid_0 }}
"""
MULTILINE_VALUE = 'First line\n??? note "Collapsed"\n    hidden text\n!!! danger\n    alarm'


def attack_plan() -> str:
    data = load_plan(PROJECTS / "NORTHWIND-001.md").data
    data = {**data, "id": PLAN_ID, "problem": MULTILINE_VALUE, "summary": "??? tip\n    inside"}
    return "---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True) + "---\n" + ATTACK_NOTES


class Ids(HTMLParser):
    """Every id and class in a page, each with whether it comes from the page's content: the article
    from its first heading on (before it, the theme writes its edit button)."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.in_article = False
        self.in_content = False
        self.ids: list[tuple[str, bool]] = []
        self.classes: list[tuple[str, str]] = []
        self.images: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.in_article = True
        if self.in_article and tag == "h1":
            self.in_content = True
        values = dict(attrs)
        if values.get("id"):
            self.ids.append((values["id"] or "", self.in_content))
        if self.in_content and values.get("class"):
            self.classes += [(tag, token) for token in (values["class"] or "").split()]
        if self.in_content and tag == "img":
            self.images.append(values.get("src") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.in_article = self.in_content = False


# -- the cleaner ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<h2 id="__config">{}</h2>', '<h2 id="plan-__config">{}</h2>'),
        ('<h3 id="pb-timeline-title">t</h3>', '<h3 id="plan-pb-timeline-title">t</h3>'),
        ('<h2 id="md-sidebar">t</h2>', '<h2 id="plan-md-sidebar">t</h2>'),
        ('<h2 id="_x">t</h2>', '<h2 id="plan-_x">t</h2>'),
        ('<h2 id="meeting-notes">t</h2>', '<h2 id="meeting-notes">t</h2>'),  # an ordinary id stays
        ('<p id="__search">t</p>', "<p>t</p>"),  # ids only on headings
        ('<a href="#__search">t</a>', '<a href="#plan-__search" rel="noopener noreferrer">t</a>'),
        ('<div class="md-search admonition warning evil">t</div>', '<div class="admonition warning">t</div>'),
        # the template's own classes are not a plan's to use: its badges are held aside, never cleaned
        ('<span class="md-typeset pb-badge">t</span>', "<span>t</span>"),
        (
            '<div class="pb-downloads"><a class="pb-download" href="https://evil.test/x.html">HTML</a></div>',
            '<div><a rel="noopener noreferrer" href="https://evil.test/x.html">HTML</a></div>',
        ),
        (
            '<pre class="mermaid mermaid highlight"><code>graph TD</code></pre>',
            f'<pre class="mermaid"><code>{DIAGRAM_LEAD}\ngraph TD</code></pre>',
        ),
        ("<h2 id='a\" onfocus=\"alert(1)'>t</h2>", '<h2 id="a--onfocus--alert-1-">t</h2>'),
        ('<h2 id="d__mermaid_0">t</h2>', '<h2 id="plan-d__mermaid_0">t</h2>'),
    ],
)
def test_ids_never_the_themes_and_classes_only_from_the_allowlist(html: str, expected: str) -> None:
    assert clean_plan_html(html) == expected


def test_remote_images_become_links_and_load_nothing() -> None:
    cleaned = clean_plan_html(
        '<p><img src="https://tracker.invalid/p.gif?u=1&amp;v=2" alt="logo"> '
        '<img src="data:image/gif;base64,R0lGOD" alt="inline"></p>'
    )
    assert '<img src="https' not in cleaned
    assert (
        'href="https://tracker.invalid/p.gif?u=1&amp;v=2"' in cleaned
        and "logo (image at tracker.invalid, not loaded)" in cleaned
    )
    assert '<img src="data:image/gif;base64,R0lGOD" alt="inline">' in cleaned


@pytest.mark.parametrize(
    "diagram",
    [
        '%%{init: {"themeCSS": "@import url(https://evil.invalid/a.css);"}}%%\ngraph TD\n  A-->B',
        '%%{ init: { "securityLevel": "loose" } }%%\ngraph TD\n  A-->B',
        "graph TD\n  A-->B\n  %%{wrap}%%",
        '---\nconfig:\n  themeCSS: "@import url(https://evil.invalid/b.css);"\n---\ngraph TD\n  A-->B',
        "\n\n---\nconfig:\n  securityLevel: loose\n---\ngraph TD\n  A-->B",
    ],
)
def test_mermaid_diagrams_cannot_configure_mermaid(diagram: str) -> None:
    html = f'<pre class="mermaid"><code>{escape.html_text(diagram)}</code></pre>'
    cleaned = clean_plan_html(html)
    text = re.sub(r"<[^>]+>", "", cleaned).replace("&quot;", '"').replace("&gt;", ">").replace("&amp;", "&")
    assert (
        "%%{" not in text and "config:" not in text.split("graph")[0] and "securityLevel" not in text.split("graph")[0]
    )
    assert "graph TD" in text and "A-->B" in text  # the diagram itself stays


def test_mermaid_directives_spelled_with_entities_are_removed_too() -> None:
    cleaned = clean_plan_html('<pre class="mermaid"><code>&#37;&#37;{init: {}}%%\ngraph TD</code></pre>')
    assert "%%{" not in cleaned and "&#37;" not in cleaned


@pytest.mark.parametrize("value", ['??? note "Collapsed"\n    hidden', "x\n???+ tip\n    open", "x\n  ??? danger"])
def test_a_values_line_never_starts_a_collapsible_block(value: str) -> None:
    html = markdown.markdown(escape.block(value), extensions=["pymdownx.details", "admonition"])
    assert "<details" not in html and "???" in html.replace("&#63;", "?")
    html = markdown.markdown(escape.inline(value), extensions=["pymdownx.details", "admonition"])
    assert "<details" not in html


def test_the_toc_gets_the_same_names_as_the_headings() -> None:
    assert namespaced_id("__search") == "plan-__search" and namespaced_id("notes") == "notes"
    assert all(
        is_reserved_id(name) for name in ("__config", "__search", "__drawer", "__palette_0", "pb-filters", "md-x")
    )


# -- a real build -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def attack_site(tmp_path_factory, request):
    def fill(project) -> None:
        project.add_samples()
        project.add_plan(PLAN_ID, attack_plan())
        project.commit("Add a plan that goes for the theme's ids")

    return served("theme-ids", tmp_path_factory, request, fill)


def test_no_element_from_a_plan_carries_a_theme_id(attack_site) -> None:
    page = (attack_site.site / "projects" / PLAN_ID / "index.html").read_text(encoding="utf-8")
    ids = Ids(page)
    from_plan = [value for value, inside in ids.ids if inside]
    chrome = [value for value, inside in ids.ids if not inside]
    assert [value for value in from_plan if is_reserved_id(value) and not value.startswith(ID_NAMESPACE)] == []
    assert {"plan-__config", "plan-__search", "plan-__drawer"} <= set(from_plan)
    # Every id the theme itself writes is one our rule reserves (a drift test against Material),
    # and each stands once in the page.
    assert "__config" in chrome and "__search" in chrome and "__drawer" in chrome
    assert [value for value in chrome if not is_reserved_id(value)] == []
    assert len(chrome) == len(set(chrome))
    assert [(tag, name) for tag, name in ids.classes if name.startswith("md-")] == []
    assert ids.images == []  # no image from the plan loads from anywhere
    assert 'href="#plan-__search"' in page and 'href="#plan-__drawer"' in page
    article = page[page.index("<article") : page.index("</article>")]
    assert "%%{" not in article and "evil.invalid" not in article.split("</h1>")[0]
    assert "<details" not in article  # `???` in a value stays text
    assert "onfocus=" not in page and "onmouseover=" not in page and 'style="background' not in page  # toc included
    diagrams = re.findall(r'<pre\b[^>]*class="mermaid"[^>]*>(.*?)</pre>', article, re.S)
    assert len(diagrams) >= 6
    for diagram in diagrams:
        text = re.sub(r"<[^>]+>", "", diagram)
        assert (
            text.startswith(DIAGRAM_LEAD) and "config:" not in text and "%%{" not in text and "themeCSS" not in text
        ), text
    assert article.count('class="pb-downloads"') == 1  # ours; the plan's copy lost its class
    assert "https://evil.invalid/fake.html" in article  # as a plain link
    assert "content=\"default-src 'self'" in page  # the second wall: a Content-Security-Policy


@pytest.mark.browser
def test_in_chromium_nothing_runs_and_the_themes_search_still_works(attack_site, new_page) -> None:
    page, log = new_page(open_shadow_roots=True)
    requests: list[str] = []  # every request that reached the network layer for another host
    failures: list[str] = []

    def outside(route) -> None:
        requests.append(route.request.url)
        route.abort("blockedbyclient")

    page.route(re.compile(r"^(?!http://127\.0\.0\.1:)"), outside)
    page.on("requestfailed", lambda request: failures.append(f"{request.url} {request.failure}"))
    workers: list[str] = []
    page.on("worker", lambda worker: workers.append(worker.url))
    page.goto(attack_site.url + f"projects/{PLAN_ID}/")
    page.wait_for_load_state("load")
    page.wait_for_function(
        "document.querySelectorAll('pre.mermaid svg, .mermaid svg').length > 0 || "
        "[...document.querySelectorAll('.mermaid')].some(e => e.shadowRoot && e.shadowRoot.querySelector('svg'))"
    )
    page.wait_for_timeout(300)
    assert log.dialogs == []
    # Mermaid's image shape throws when the policy refuses its remote image: that diagram stays empty.
    assert not [
        error for error in log.errors if error.startswith("uncaught") and "image cannot be decoded" not in error
    ]
    assert page.evaluate("document.getElementById('__config').tagName") == "SCRIPT"
    reserved = page.evaluate(
        "[...document.querySelectorAll('article [id]')].map(e => e.id).filter(id => /^(_|md-|pb-)/.test(id))"
    )
    assert reserved == []
    # No tracking pixel, no remote style sheet: the Content-Security-Policy stops them before the network.
    assert requests == [], (requests, failures)
    assert not [url for url in workers if not url.startswith(attack_site.url)], workers
    screenshot(page, "hardening-theme-ids-plan")

    # The theme's search: the real `#__search` toggle opens it, and it finds a plan by its client.
    page.click(".md-search__input")
    page.keyboard.type("Northwind")
    page.locator(".md-search-result__item").first.wait_for()
    assert page.locator(".md-search-result__item").count() >= 1
    assert page.evaluate("document.getElementById('__search').checked") is True
    assert log.dialogs == []


# -- second review: addresses and attributes the first policy let through ----------------------

from planbook.export.to_html import clean_html, markdown_to_html  # noqa: E402 - grouped with its tests


@pytest.mark.parametrize(
    ("notes", "forbidden"),
    [
        ("[x](d&#9;ata:text/html,hi)", "href"),  # a tab the browser strips from the scheme
        ('<a href="d&#9;ata:text/html;base64,PHNjcmlwdD4=">x</a>', "href"),
        ('<a href="java&#x0A;script:alert(1)">y</a>', "href"),
        ('<a href="vbscript:msgbox(1)">v</a>', "href"),
        ('[link](https://ok.example){: href="javascript:alert(1)" }', "javascript"),  # attr_list replacing an address
        ('<a href="https://x.example/f.pdf" download="invoice.exe">f</a>', "download"),
        ('<img src="data:image/png;base64,iVBO" height="999999" width="5" alt="a">', "height"),
        (
            '<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="vector">',
            "data:image/svg",
        ),  # SVG is a document, scripts and all
        ('<div class="admonition internal"><p class="admonition-title">Internal</p><p>fake</p></div>', 'internal"'),
        ('!!! internal "Internal"\n    a fake box of ours\n', "admonition internal"),
    ],
    ids=[
        "tab-in-data",
        "raw-tab-in-data",
        "newline-in-javascript",
        "vbscript",
        "attr-list-href",
        "download",
        "image-height",
        "svg-data",
        "raw-internal-box",
        "admonition-internal-box",
    ],
)
def test_the_second_reviews_bypasses_are_cleaned(notes: str, forbidden: str) -> None:
    assert forbidden not in clean_html(markdown_to_html(notes))


def test_a_link_to_a_reserved_id_through_a_relative_address_is_renamed_too() -> None:
    assert 'href="./#plan-__drawer"' in clean_html(markdown_to_html("[d](./#__drawer)"))


@pytest.mark.parametrize(
    "address",
    [
        "ftp://files.example/spec",
        "javascript://x%0aalert(1)",
        "mailto://x",
        "//evil.example/x",
        "https:/evil.example",
        "data://text/html,x",
    ],
)
def test_a_reference_is_a_link_only_when_it_is_a_full_web_address(address: str) -> None:
    assert not escape.is_web_address(address)
    assert escape.is_web_address("https://docs.example/spec#runbook")
