"""Chinese search that lands on the right item; see `format.py`, `indexing.py`, `ranking.py`,
`engine.js` and `search.js`."""

from importlib import resources

ENGINE = "engine.js"  # the engine without a page (Node runs it in the tests)
FACETS = "facets.js"  # the facets' counts and browsing, without a page: loaded when first needed
FILTERS = "filters.js"  # the facets as filters in Material's search dialog
SCRIPT = "search.js"  # drawn into Material's search dialog
SCRIPTS = (ENGINE, FILTERS, SCRIPT)  # the page's scripts, in the order they load
WORKER = "worker.js"  # stands in for Material's worker; docs/overrides/main.html names it


def assets() -> dict[str, bytes]:
    """The browser side, by file name."""
    here = resources.files(__name__)
    return {name: (here / name).read_bytes() for name in (*SCRIPTS, FACETS, WORKER)}
