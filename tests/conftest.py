"""Shared fixtures: the real site built once per session, served on loopback, and a browser."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bench.harness import CHROMIUM, build_site, chromium, serve
from helpers import DESKTOP

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory) -> Path:
    """The real site, built once from the repository by `mkdocs build --strict`."""
    return build_site(tmp_path_factory.mktemp("built") / "site")


@pytest.fixture(scope="session")
def base_url(site_dir) -> str:
    """The built site served over HTTP on loopback; ends in `/`."""
    with serve(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run the tests with `python3 scripts/dev.py test`")
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser):
    """A fresh browser tab (desktop size) that fails the test on any uncaught page error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert not errors, f"uncaught errors in the page: {errors}"


LOCAL_SCHEMES = {"data", "blob", "about"}


@pytest.fixture
def open_tab(browser, base_url):
    """Open a tab (`open_tab(viewport=..., **context options)`); checks errors and requests:
    no uncaught error in the page, no request that leaves 127.0.0.1."""
    contexts, errors, away = [], [], []

    def record(request):
        parts = urlsplit(request.url)
        if parts.scheme not in LOCAL_SCHEMES and parts.hostname != "127.0.0.1":
            away.append(request.url)

    def open_(viewport=DESKTOP, **options):
        context = browser.new_context(viewport=viewport, locale="zh-CN", **options)
        contexts.append(context)
        tab = context.new_page()
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.on("request", record)
        return tab

    yield open_
    for context in contexts:
        context.close()
    assert errors == [], "uncaught errors in the page"
    assert away == [], "requests that left 127.0.0.1"
