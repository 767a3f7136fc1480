"""Fixtures of the browser tests: Debian's chromium driven by Playwright, the site built once
and served on 127.0.0.1, and pages that fail the test when they reach beyond it.

Every test here is slow (``--slow``). Without chromium or Playwright the tests skip, unless
``INFOSOC_REQUIRE_BROWSER=1`` (CI), where they fail. Playwright's own browser download
(``playwright install``) is never used: see docs/decisions/0023-browser-tests.md.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from infosoc.site.browser import CHROMIUM_ARGS, chromium_path
from tests.browser.harness import LOCAL_HOST, Visit, make_server, new_visit
from tests.site_build import built_site

HERE = Path(__file__).resolve().parent

OpenPage = Callable[..., Visit]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # tryfirst: the marker must be there before tests/conftest.py skips the slow tests.
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.slow)


def _unavailable(reason: str) -> None:
    if os.environ.get("INFOSOC_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (INFOSOC_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Any) -> Iterator[Any]:
    """Debian's chromium, headless; one for the session."""
    path = chromium_path()
    if path is None:
        _unavailable("chromium is not installed (apt-get install chromium fonts-noto-core)")
    browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory, ingested_home: Path) -> Path:
    """The site for en, ru, kk and KAZ, UZB, KGZ, built once per session."""
    return built_site(tmp_path_factory, ingested_home)


def serve(root: Path) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 from a thread; yield the base URL, ending in "/"."""
    httpd = make_server(root)
    host, port = httpd.server_address[:2]
    assert host == LOCAL_HOST, f"the server listens on {host}, not {LOCAL_HOST}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{port}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="session")
def server(site_dir: Path) -> Iterator[str]:
    """The base URL of the built site, served on 127.0.0.1."""
    yield from serve(site_dir)


@pytest.fixture
def open_page(browser: Any, server: str) -> Iterator[OpenPage]:
    """``open_page(path=None, *, width=1280, height=800, js=True)``: a fresh context and page
    on the served site, going to ``path`` if given.

    Every request is recorded; one to any host but 127.0.0.1 is aborted and fails the test,
    as does a console error: through ``Visit.check_clean``, or at the end for a visit the
    test did not check.
    """
    visits: list[Visit] = []

    def open_(path: str | None = None, **options: Any) -> Visit:
        visit = new_visit(browser, server, **options)
        visits.append(visit)
        if path is not None:
            visit.goto(path)
        return visit

    yield open_
    unchecked = [v for v in visits if not v.checked and (v.external or v.console_errors)]
    for visit in visits:
        visit.context.close()
    if unchecked:
        pytest.fail(
            "; ".join(f"external {v.external}, console {v.console_errors}" for v in unchecked)
        )
