"""The site's URL scheme: the one place that spells a path.

Every URL is site-relative and a page's ends in `/` (directory URLs): the home page is `""`, a
proposal `<slug>/`, one of its items `<slug>/#<id>`, a meeting `meetings/<id>/`, a year
`years/<yyyy>/`, page n of an index `<index>/<n>/`, a feed `feeds/<...>.xml`. Everything else asks this module; the names the site itself takes (its top-level
folders, the ids of a proposal page's own sections) are reserved from here, so that no proposal
slug or item id can take them. Nothing here depends on MkDocs or on the model.
"""

from __future__ import annotations


def index(name: str) -> str:
    """The first page of the index `name` (`indexes.py`); page n is `numbered`."""
    return f"{name}/"


HOME = ""
MEETINGS = index("meetings")  # the archive of meetings; a meeting's page is below it
PARTIES = index("parties")
KEYWORDS = index("keywords")
YEARS = index("years")  # the archive by year; a year's page is below it
ABOUT = "about/"  # about this site: its source, its editing, citing, the open data, errors
ASSETS = "assets/cppcc/"  # our stylesheet and scripts
SEARCH_ASSETS = f"{ASSETS}search/"  # the browser side of the search
SEARCH_INDEX = "search/cppcc/"  # the search index (`search.indexing`)
SCHEMA = "schema/"  # the JSON Schemas of the data formats
SOURCES = "sources/"  # the printed sources of the meetings, as they are in proposals/
PROPOSALS_JSON = "proposals.json"  # open data: the whole model
RECOMMENDATIONS_CSV = "recommendations.csv"  # open data: a recommendation a row
FEEDS = "feeds/"  # the Atom feeds (`feeds.py`)
SITE_FEED = f"{FEEDS}all.xml"  # the newest proposals of the whole site

# The ids of a proposal page's own sections: fragments of the page, never an item's id. The
# speaker line is one of them: search links a match of the speaker's name, role or body there.
SPEAKER = "speaker"
SECTIONS = (SPEAKER, "background", "problems", "recommendations", "notes", "related")
# Ids that the site's own code (`cppcc-`: our scripts and styles) and the theme (`__`: Material's
# `__config`, `__search`, `__drawer`...) give elements of a page; no item may take one.
ID_PREFIXES = ("cppcc-", "__")



def reserved_slugs() -> frozenset[str]:
    """The folders at the top of the site that are not proposals, which no slug may take: ours
    (the about page's among them) and every index's (an index names its own, in
    `indexes.INDEXES`)."""
    from .indexes import INDEXES

    paths = (ABOUT, ASSETS, SEARCH_INDEX, SCHEMA, SOURCES, FEEDS, *(i.url for i in INDEXES))
    return frozenset(path.split("/", 1)[0] for path in paths)


def proposal(slug: str) -> str:
    return f"{slug}/"


def item(slug: str, item_id: str) -> str:
    return f"{slug}/#{item_id}"


def meeting(meeting_id: str) -> str:
    return f"{MEETINGS}{meeting_id}/"


def year(value: int | None) -> str:
    """A year's page, four digits (`years/2024/`); the meetings of no known year have theirs
    at `years/undated/`, never under a guessed year."""
    return f"{YEARS}{value:04d}/" if value is not None else f"{YEARS}undated/"


def meeting_feed(meeting_id: str) -> str:
    return f"{FEEDS}meetings/{meeting_id}.xml"


def party_feed(slug: str) -> str:
    """The feed of a party or body, `slug` being `feeds.slug` of its name."""
    return f"{FEEDS}parties/{slug}.xml"


def folder(url: str) -> str:
    """The folder a file's URL is in (`feeds/meetings/x.xml` -> `feeds/meetings/`), from which
    `relative` finds hrefs inside that file."""
    return url.rpartition("/")[0] + "/" if "/" in url else ""


def numbered(url: str, number: int) -> str:
    """Page `number` (from 1) of the paginated index whose first page is `url`."""
    return url if number == 1 else f"{url}{number}/"


def schema(name: str) -> str:
    return f"{SCHEMA}{name}"


def source(path: str) -> str:
    """A meeting's printed source, `path` being where it is in proposals/ (`Meeting.source`)."""
    return f"{SOURCES}{path}"


def asset(name: str) -> str:
    return f"{ASSETS}{name}"


def search_asset(name: str) -> str:
    return f"{SEARCH_ASSETS}{name}"


def source_file(url: str) -> str:
    """The file a page URL is written from: `<url>index.md` (the builder makes `index.html`)."""
    return f"{url}index.md"


def redirect_file(slug: str) -> str:
    """The file of the page that sends an old slug's readers on."""
    return f"{proposal(slug)}index.html"


def absolute(base: str, url: str) -> str:
    """`url` under the site's address `base`, where it is known (else left site-relative)."""
    return (base.rstrip("/") + "/" + url) if base else url


def relative(from_page: str, to: str) -> str:
    """A relative href from a page URL (`a/`) to a site URL (`b/#x`, `data.csv`), as
    `posixpath.relpath` finds it (in a tenth of its time: index pages hold thousands of links)."""
    path, _, fragment = to.partition("#")
    here = [part for part in from_page.split("/") if part]
    *there, name = path.split("/")
    common = 0
    while common < min(len(here), len(there)) and here[common] == there[common]:
        common += 1
    rel = "/".join([".."] * (len(here) - common) + there[common:] + ([name] if name else [])) or "."
    rel = "./" if rel == "." else rel + ("/" if path.endswith("/") else "")
    return rel + (f"#{fragment}" if fragment else "")
