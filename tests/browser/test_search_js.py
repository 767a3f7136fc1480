"""static/search.js in Debian's Chromium: typed queries find the right country, the keys work,
and the script answers as infosoc.site.search.search does."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from infosoc.site.search import fold, index_json, name_index, search, un_members

PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>search</title></head><body>
<form class="search" role="search" action="../{lang}/countries/">
<label for="country-search">Country</label>
<input id="country-search" name="q" type="search" role="combobox" aria-autocomplete="list"
 aria-controls="country-results" aria-expanded="false" autocomplete="off"
 data-index="../search/names.json" data-base="../{lang}/country/" data-lang="{lang}">
<ul id="country-results" role="listbox" hidden></ul>
</form>
<script src="../static/search.js" defer></script>
</body></html>
"""

QUERIES = {
    "qazaq": "KAZ",
    "қаз": "KAZ",
    "каз": "KAZ",
    "kyrgyz": "KGZ",
    "россия": "RUS",
    "сша": "USA",
}


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    """A tiny site with the search form, served on 127.0.0.1; yields its base URL."""
    for lang in ("en", "ru", "kk"):
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "index.html").write_text(PAGE.format(lang=lang), encoding="utf-8")
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "names.json").write_bytes(index_json(un_members()))
    (tmp_path / "static").mkdir()
    script = resources.files("infosoc.site").joinpath("static/search.js").read_bytes()
    (tmp_path / "static" / "search.js").write_bytes(script)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.mark.slow
def test_search_in_the_browser(site: str, browser: Any) -> None:
    # One Playwright per session (tests/browser/conftest.py): a second sync_playwright()
    # in the same thread fails.
    from playwright.sync_api import expect

    context = browser.new_context()
    try:
        page = context.new_page()
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(f"{site}/kk/index.html")
        box = page.locator("#country-search")
        results = page.locator("#country-results")
        expect(results).to_be_hidden()
        for query, iso3 in QUERIES.items():
            box.fill("")
            box.press_sequentially(query)
            first = page.locator("#country-results li[role=option] > a").first
            expect(first).to_have_attribute("href", f"../kk/country/{iso3}/")
            expect(box).to_have_attribute("aria-expanded", "true")
        expect(first).to_have_text("АҚШ")  # the name in data-lang

        box.press("Escape")
        expect(results).to_be_hidden()
        expect(box).to_have_attribute("aria-expanded", "false")

        # The browser answers as the Python reference does, to the same order.
        index = name_index(un_members())
        words = [
            "Қазақстан",
            "Türkiye",
            "Кот-д’Ивуар",
            "ǅemal İstanbul ﬁ Ё",
            "ГВИНЕЯ",
            "a-b  c",
        ]
        queries = ["гвинея", "korea", "а", "конго", "niger", "isl", "ұлы", "респ"]
        answers = page.evaluate(
            """async ([words, queries]) => {
                const index = await (await fetch("../search/names.json")).json();
                return [words.map(w => window.infosocSearch.fold(w)),
                        queries.map(q => window.infosocSearch.search(index, q, "ru", 10)
                                           .map(e => e.iso3))];
            }""",
            [words, queries],
        )
        assert answers[0] == [fold(w) for w in words]
        assert answers[1] == [search(index, q, "ru") for q in queries]

        # Arrow keys move the selection; Enter follows the selected link.
        box.fill("")
        box.press_sequentially("гвинея")
        expect(page.locator("#country-results li").first).to_be_visible()
        box.press("ArrowDown")
        box.press("ArrowDown")
        second = page.locator("#country-result-1")
        expect(second).to_have_attribute("aria-selected", "true")
        expect(box).to_have_attribute("aria-activedescendant", "country-result-1")
        target = second.locator("a").get_attribute("href")
        assert target is not None
        box.press("Enter")
        page.wait_for_url(f"**/kk/country/{target.split('/')[-2]}/")
        assert all(url.startswith(site) for url in requested), requested
    finally:
        context.close()
