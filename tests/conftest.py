"""Shared fixtures: the real site built once per session, served on loopback, and a browser."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.harness import CHROMIUM, build_site, chromium, serve

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
