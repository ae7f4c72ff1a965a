"""Every internal link of the built site leads somewhere: to a file, and to an id in that page."""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

# Attributes that hold an address the reader follows or the browser loads.
LINK_ATTRS = {"a": "href", "link": "href", "script": "src", "img": "src", "iframe": "src",
              "source": "src", "area": "href"}


def target_file(site: Path, page: str, path: str) -> Path | None:
    """The file a link path resolves to from `page` (a path relative to `site`), or None."""
    if path.startswith("/"):
        joined = path.lstrip("/")
    else:
        joined = posixpath.join(posixpath.dirname(page), path)
    joined = posixpath.normpath(unquote(joined))
    if joined.startswith(".."):
        return None
    candidate = site / joined if joined != "." else site
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def broken_links(site: Path) -> list[tuple[str, str, str]]:
    """(page, href, what is wrong) for every internal link that does not resolve."""
    ids: dict[Path, set[str]] = {}

    def ids_of(file: Path) -> set[str]:
        if file not in ids:
            soup = BeautifulSoup(file.read_text("utf-8"), "html.parser")
            ids[file] = {el["id"] for el in soup.find_all(id=True)}
        return ids[file]

    broken = []
    for file in sorted(site.rglob("*.html")):
        page = file.relative_to(site).as_posix()
        soup = BeautifulSoup(file.read_text("utf-8"), "html.parser")
        for tag, attr in LINK_ATTRS.items():
            for el in soup.find_all(tag, attrs={attr: True}):
                href = el[attr]
                parts = urlsplit(href)
                if parts.scheme or parts.netloc or href.startswith("//"):
                    continue  # another origin (or javascript:, mailto:): not ours to check
                target = target_file(site, page, parts.path) if parts.path else file
                if target is None:
                    broken.append((page, href, "no such file"))
                elif (parts.fragment and target.suffix == ".html"
                      and unquote(parts.fragment) not in ids_of(target)):
                    broken.append((page, href, "no such id"))
    return broken


def test_every_internal_link_resolves(site_dir):
    assert broken_links(site_dir) == []


def test_the_checker_finds_broken_links(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(
        '<p id="here"><a href="#here">ok</a><a href="#gone">x</a>'
        '<a href="../b/">x</a><a href="../">ok</a><a href="/a/#here">ok</a>'
        '<a href="/a/#nope">x</a><a href="https://example.org/">other origin</a>'
        '<img src="../missing.png"></p>', encoding="utf-8")
    (tmp_path / "index.html").write_text('<a href="a/">ok</a><a href="a/#here">ok</a>',
                                         encoding="utf-8")
    assert broken_links(tmp_path) == [
        ("a/index.html", "#gone", "no such id"),
        ("a/index.html", "../b/", "no such file"),
        ("a/index.html", "/a/#nope", "no such id"),
        ("a/index.html", "../missing.png", "no such file"),
    ]


def test_the_site_has_many_links(site_dir):
    """Guard against a checker that passes because it saw nothing."""
    soup = BeautifulSoup((site_dir / "keywords" / "index.html").read_text("utf-8"), "html.parser")
    assert len(soup.select("article a[href]")) > 50
