"""Chinese search that lands on the right item; see `indexing.py`, `ranking.py` and `search.js`."""

from importlib import resources

SCRIPT = "search.js"  # drawn into Material's search dialog
WORKER = "worker.js"  # stands in for Material's worker; docs/overrides/main.html names it


def assets() -> dict[str, bytes]:
    """The browser side, by file name."""
    here = resources.files(__name__)
    return {name: (here / name).read_bytes() for name in (SCRIPT, WORKER)}
