"""Links never rot silently: the manifest of every permalink ever published, and its check.

`proposals/permalinks.txt` is the record of what was published, kept in the repository like a
lock file: one site-relative permalink a line (`<slug>/` and `<slug>/#<id>`), sorted. A published
permalink must keep landing on its item: either it still exists, or the YAML records where it
went (`aliases` of an item for an old id, `aliases` of a proposal for an old slug). New
permalinks are recorded by `python -m cppcc permalinks --update`; it never forgets one.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from . import urls
from .model import Corpus

MANIFEST = "permalinks.txt"
UPDATE = "python -m cppcc permalinks --update"
HEADER = (f"# Every permalink this site has published, one a line; kept by `{UPDATE}`.\n"
          "# A line may leave only when the YAML says where it went (`aliases`); see README.md.\n")


def permalinks(corpus: Corpus) -> list[str]:
    """The permalinks the corpus publishes now, sorted."""
    out = set()
    for proposal in corpus.proposals:
        out.add(urls.proposal(proposal.slug))
        out.update(urls.item(proposal.slug, item.id) for item in proposal.items())
    return sorted(out)


def landing(corpus: Corpus) -> dict[str, str]:
    """Every link that lands on an item or a page (current or aliased) -> its current permalink."""
    out: dict[str, str] = {}
    for proposal in corpus.proposals:
        for slug in (proposal.slug, *proposal.aliases):
            out[urls.proposal(slug)] = urls.proposal(proposal.slug)
            for item in proposal.items():
                for name in (item.id, *item.aliases):
                    out.setdefault(urls.item(slug, name), urls.item(proposal.slug, item.id))
    return out


def read_manifest(path: Path) -> list[str]:
    """The recorded permalinks; a byte-order mark (as some editors save) is read as nothing."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def write_manifest(path: Path, links: list[str]) -> None:
    path.write_text(HEADER + "".join(f"{link}\n" for link in sorted(set(links))),
                    encoding="utf-8")


@dataclass
class Check:
    missing: list[str]  # published, gone, and not aliased: a broken link
    new: list[str]  # published now, not yet recorded

    def problems(self, manifest: str) -> list[str]:
        return [f"{manifest}: {link}: was published and no longer lands anywhere: restore it, or "
                "list its old id (or slug) under `aliases` of what replaced it"
                for link in self.missing]

    def advice(self, manifest: str) -> str:
        count = len(self.new)
        return (f"{count} new permalink{'s are' if count != 1 else ' is'} not yet recorded in "
                f"{manifest}: run `{UPDATE}`")


def missing_advice(manifest: str) -> str:
    return (f"{manifest} is missing, so no published permalink is protected: run `{UPDATE}` to "
            "record them")


def check(corpus: Corpus, recorded: list[str]) -> Check:
    lands = landing(corpus)
    missing = sorted(link for link in set(recorded) if link not in lands)
    new = sorted(set(permalinks(corpus)) - set(recorded))
    return Check(missing, new)


def redirect_page(old: str, to: str, title: str) -> str:
    """A page at the old URL `old`: plain HTML that sends the reader to `to`, fragment kept by
    `redirect.js` (no inline script, so that it works under a strict Content-Security-Policy)."""
    href = escape(urls.relative(old, to))
    script = escape(urls.relative(old, urls.asset("redirect.js")))
    return (f'<!doctype html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f"<title>已移至：{escape(title)}</title>\n"
            f'<link rel="canonical" href="{href}">\n'
            f'<meta http-equiv="refresh" content="0; url={href}">\n'
            f'<meta name="robots" content="noindex">\n'
            f'<script src="{script}"></script>\n</head>\n<body>\n'
            f'<p>本页已移至 <a href="{href}">{escape(title)}</a>。</p>\n</body>\n</html>\n')


def redirects(corpus: Corpus) -> dict[str, str]:
    """`<old-slug>/index.html` -> its redirect page, for every proposal's old slugs."""
    return {urls.redirect_file(alias): redirect_page(urls.proposal(alias), urls.proposal(p.slug),
                                                     p.title)
            for p in corpus.proposals for alias in p.aliases}
