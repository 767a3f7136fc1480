"""The harness itself can fail: a request beyond 127.0.0.1, a console error and a serious
axe-core violation are each caught, on a hand-made page served like the site."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import serve
from tests.browser.harness import new_visit, serious_violations

pytestmark = pytest.mark.slow

GOOD = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Good</title></head>
<body><main id="main"><h1>Good</h1><img src="dot.svg" alt="A dot"></main></body></html>"""
# 192.0.2.0/24 is TEST-NET-1: never routed, and the harness aborts the request anyway.
BAD = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bad</title>
<link rel="stylesheet" href="http://192.0.2.1/font.css"></head>
<body><main id="main"><h1>Bad</h1><img src="dot.svg"><script>console.error("boom")</script>
</main></body></html>"""
DOT = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4"/></svg>'


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root: Path = tmp_path_factory.mktemp("pages")
    (root / "index.html").write_text(GOOD, encoding="utf-8")  # the site's server wants one
    (root / "good.html").write_text(GOOD, encoding="utf-8")
    (root / "bad.html").write_text(BAD, encoding="utf-8")
    (root / "dot.svg").write_text(DOT, encoding="utf-8")
    yield from serve(root)


def test_a_clean_page_passes(browser: Any, pages: str) -> None:
    visit = new_visit(browser, pages)
    try:
        visit.goto("good.html", wait_until="networkidle")
        assert serious_violations(visit.page) == []
        visit.check_clean()
        assert visit.url("dot.svg") in visit.requests
    finally:
        visit.context.close()


def test_external_requests_console_errors_and_violations_are_caught(
    browser: Any, pages: str
) -> None:
    visit = new_visit(browser, pages)
    try:
        visit.goto("bad.html", wait_until="networkidle")
        assert visit.external == ["http://192.0.2.1/font.css"]
        assert any("boom" in message for message in visit.console_errors)
        found = serious_violations(visit.page)
        assert any(line.startswith("image-alt (critical)") for line in found), found
        with pytest.raises(AssertionError, match=r"beyond 127\.0\.0\.1"):
            visit.check_clean()
    finally:
        visit.context.close()
