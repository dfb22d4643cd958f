"""The build cache (planbook/build_cache.py, planbook/site/page_cache.py): a warm build makes the same
bytes as a cold one, an edit is never served stale, and a cache entry that is corrupt, misplaced,
hostile or committed gives a page made afresh, never a crash or another page's content."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from planbook.build_cache import CACHE_DIR, BuildCache

from sitebuild import GIT_DATE, Build, SiteProject, load_module, site_project  # noqa: F401 - fixtures

FROM_CACHE = re.compile(r"plan pages from the build cache \(\.cache/planbook/\): (\d+) of (\d+)")


def files_of(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def from_cache(build: Build) -> tuple[int, int]:
    found = FROM_CACHE.search(build.output)
    assert found, build.output
    return int(found[1]), int(found[2])


def entries(project: SiteProject) -> list[Path]:
    return sorted((project.path / CACHE_DIR / "pages").rglob("*.json"))


@pytest.fixture
def samples(site_project: SiteProject) -> SiteProject:
    site_project.add_samples()
    site_project.commit("Add the sample plans", date=GIT_DATE)
    return site_project


def build(project: SiteProject, site: str) -> Build:
    done = project.build("-d", str(project.path / site), env={"PLANBOOK_TODAY": "2026-03-10"})
    assert done.ok, done.output
    return done


def test_a_warm_build_makes_the_same_bytes_as_a_cold_one(samples: SiteProject) -> None:
    cold = build(samples, "site-cold")
    hits, pages = from_cache(cold)
    assert hits == 0 and pages > 0 and len(entries(samples)) == pages
    warm = build(samples, "site-warm")
    assert from_cache(warm) == (pages, pages)
    shutil.rmtree(samples.path / ".cache")
    again = build(samples, "site-cold-again")  # a second cold build, in another process: the same bytes too
    assert from_cache(again) == (0, pages)
    expected = files_of(cold.site)
    assert files_of(warm.site) == expected
    assert files_of(again.site) == expected


def test_an_edited_plan_is_made_afresh_and_the_others_come_from_the_cache(samples: SiteProject) -> None:
    build(samples, "site-1")
    plan = sorted((samples.path / "projects").glob("*.md"))[0]
    text = plan.read_text(encoding="utf-8")
    plan.write_text(re.sub(r"(?m)^client: .*$", "client: Renamed Client Ltd.", text, count=1), encoding="utf-8")
    warm = build(samples, "site-2")
    hits, pages = from_cache(warm)
    assert hits == pages - 1
    page = (warm.site / "projects" / plan.stem / "index.html").read_text(encoding="utf-8")
    assert "Renamed Client Ltd." in page
    assert len(entries(samples)) == pages  # the old page's entry is pruned
    download = warm.site / "projects" / plan.stem / f"{plan.stem}.html"
    assert "Renamed Client Ltd." in download.read_text(encoding="utf-8")  # its export is made afresh too
    exports = sorted((samples.path / CACHE_DIR / "exports").rglob("*.json"))
    assert len(exports) == pages


def _entry(header: dict[str, object], body: bytes) -> bytes:
    return json.dumps(header).encode() + b"\n" + body


def _hostile_entries(first: Path, second: Path) -> list[tuple[str, bytes]]:
    key = first.stem
    head, _, body = first.read_bytes().partition(b"\n")
    header = json.loads(head)
    payload = json.loads(body)
    payload["content"] = "<script>alert(1)</script>"
    forged = json.dumps(payload).encode()
    return [
        ("truncated", first.read_bytes()[:-100]),
        ("not UTF-8", b"\xff\xfe\x00garbage"),
        ("not JSON", b"{{{"),
        ("deeply nested", _entry({**header, "digest": _sha(b"[" * 100_000)}, b"[" * 100_000)),
        ("a list", _entry({**header, "digest": _sha(b"[]")}, b"[]")),
        ("another key", second.read_bytes()),  # a real entry, under the wrong name
        ("payload changed", _entry(header, forged)),
        ("wrong shape", _entry({**header, "digest": _sha(b'{"content": 1}')}, b'{"content": 1}')),
        ("format", _entry({**header, "format": 99}, body)),
        ("key inside", _entry({**header, "key": key[::-1]}, body)),
    ]


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("case", range(10))
def test_a_corrupt_or_hostile_entry_is_a_rebuild(samples: SiteProject, case: int) -> None:
    cold = build(samples, "site-cold")
    first, second = entries(samples)[:2]
    name, content = _hostile_entries(first, second)[case]
    first.write_bytes(content)
    warm = build(samples, "site-warm")
    hits, pages = from_cache(warm)
    assert hits == pages - 1, name
    assert files_of(warm.site) == files_of(cold.site), name
    assert json.loads(first.read_bytes().partition(b"\n")[0])["key"] == first.stem  # written again, whole


@pytest.mark.parametrize("kind", ["link", "fifo", "folder"])
def test_an_entry_that_is_not_a_regular_file_is_a_rebuild(samples: SiteProject, tmp_path: Path, kind: str) -> None:
    cold = build(samples, "site-cold")
    first = entries(samples)[0]
    first.unlink()
    if kind == "link":
        target = tmp_path / "elsewhere.json"
        shutil.copy(entries(samples)[0], target)
        first.symlink_to(target)
    elif kind == "fifo":
        os.mkfifo(first)
    else:
        first.mkdir()
    warm = build(samples, "site-warm")
    assert from_cache(warm)[0] == from_cache(warm)[1] - 1
    assert files_of(warm.site) == files_of(cold.site)


def test_a_cache_committed_to_git_is_not_used(samples: SiteProject) -> None:
    build(samples, "site-1")
    samples.git("add", "-f", CACHE_DIR)
    samples.commit("Commit the cache, which no one should")
    warm = build(samples, "site-2")
    assert "plan pages from the build cache" not in warm.output


def test_a_page_that_links_to_its_own_headings_is_kept_with_its_links(
    site_project: SiteProject, sample_text: str
) -> None:
    """MkDocs checks a page's links to its own anchors once every page is made: a kept page brings them."""
    plan = sample_text.replace('id: "NORTHWIND-001"', "id: LINKS-001") + "\nSee [the risks](#nowhere-at-all).\n"
    site_project.add_plan("LINKS-001", plan)
    site_project.commit("A plan whose notes link to a heading it lacks", date=GIT_DATE)
    cold = build(site_project, "site-1")
    warm = build(site_project, "site-2")
    assert from_cache(warm) == (1, 1)
    said = [line for line in cold.output.splitlines() if "nowhere-at-all" in line]
    assert said and said == [line for line in warm.output.splitlines() if "nowhere-at-all" in line]
    assert files_of(warm.site) == files_of(cold.site)


@pytest.mark.parametrize(
    ("html", "relative"),
    [
        ('<a href="https://example.com/x">x</a>', False),
        ('<a href="#risks">x</a>', False),
        ('<a href="mailto:a@example.com">x</a>', False),
        ('<img src="data:image/png;base64,AAAA">', False),
        ('<a href="../guide/">x</a>', True),
        ('<a href="other.md">x</a>', True),
        ("<a href=other.md>x</a>", True),
        ('<img src="pic.png">', True),
    ],
)
def test_a_page_with_a_link_that_other_pages_resolve_is_not_kept(html: str, relative: bool) -> None:
    hooks = load_module("hooks/planbook_site.py")
    assert bool(hooks._RELATIVE_LINK.search(html)) is relative


def test_keys_change_with_every_part(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path, "pages", "fingerprint")
    other = BuildCache(tmp_path, "pages", "another fingerprint")
    assert cache.key("a", "bc") != cache.key("ab", "c") != other.key("ab", "c")
    cache.put(cache.key("x"), {"content": "<p>x</p>"})
    assert cache.get(cache.key("x")) == {"content": "<p>x</p>"}
    assert other.get(other.key("x")) is None
