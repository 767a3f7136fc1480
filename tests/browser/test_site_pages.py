"""The built site in a real browser: accessibility, no requests beyond the site, the country
page with and without JavaScript, its weight, phones, the interactive chart and missing
values (issue 17's acceptance points, one test each)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

import pytest

from infosoc import Observatory
from infosoc.i18n.format import format_number, missing
from tests.browser.conftest import OpenPage
from tests.browser.harness import Visit, serious_violations
from tests.browser.pages import LANGS, PAGE_TYPES, page_path

pytestmark = pytest.mark.slow

COUNTRY = "ru/country/KAZ/"
WEIGHT_BUDGET = 60 * 1024
PHONE = {"width": 360, "height": 740}
# /charts/<sha>.svg and <sha>-narrow.svg, with the numerals' variant where it differs
# (<sha>-narrow.comma.svg).
WIDE = re.compile(r"/charts/[0-9a-f]+(\.[a-z]+)?\.svg$")
NARROW = re.compile(r"/charts/[0-9a-f]+-narrow(\.[a-z]+)?\.svg$")
# What reaches past the right edge of the screen outside any scrolling box, for the message:
# the outermost such elements, absolutely placed ones, and text nodes (a long word overflows
# its box without widening it).
OVERFLOWING = """width => {
  const past = r => r.right > width + 0.5;
  const clipped = e => {
    for (let a = e; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + [...e.classList].map(c => '.' + c).join('');
  // An absolutely placed element escapes a scrolling box that is not its containing block.
  const placed = e => ['absolute', 'fixed'].includes(getComputedStyle(e).position);
  const found = [...document.querySelectorAll('body *')]
    .filter(e => past(e.getBoundingClientRect()))
    .filter(e => placed(e) || (!clipped(e.parentElement || e)
                 && !(e.parentElement && past(e.parentElement.getBoundingClientRect()))))
    .map(e => name(e) + ' right=' + Math.round(e.getBoundingClientRect().right));
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(t);
    const rect = range.getBoundingClientRect();
    if (t.textContent.trim() && past(rect) && !clipped(t.parentElement)) {
      found.push(name(t.parentElement) + ' text "' + t.textContent.trim().slice(0, 60)
                 + '" right=' + Math.round(rect.right));
    }
  }
  return found.slice(0, 8);
}"""
CASES = [(lang, kind) for lang in LANGS for kind in PAGE_TYPES]
CASE_IDS = [f"{lang}-{kind}" for lang, kind in CASES]


def first_chart_source(page: Any) -> str:
    """The URL the first chart's image was loaded from, once it is loaded."""
    image = page.locator("figure.chart img").first
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    return str(image.evaluate("img => img.currentSrc"))


@pytest.mark.parametrize(("lang", "kind"), CASES, ids=CASE_IDS)
def test_every_page_type_is_accessible_and_self_contained(
    open_page: OpenPage, site_dir: Path, lang: str, kind: str
) -> None:
    visit = open_page(page_path(site_dir, kind, lang))
    visit.page.wait_for_load_state("networkidle")
    assert visit.page.locator("html").get_attribute("lang") == lang
    assert serious_violations(visit.page) == []
    visit.check_clean()


def test_country_page_shows_egdi_rank_chart_and_alternates(
    open_page: OpenPage, ingested_home: Path
) -> None:
    row = next(r for r in Observatory(home=ingested_home).egdi("KAZ") if r["year"] == 2024)
    visit = open_page(COUNTRY)
    page = visit.page
    text = page.locator("main").inner_text()
    assert format_number(row["egdi"], "ru", 4) in text  # 0,9009
    assert re.search(rf"(?<![\d,.]){row['rank']}(?![\d,.])", text), f"rank {row['rank']}"
    source = first_chart_source(page)
    assert WIDE.search(source), f"the desktop loaded {source}"
    for lang in ("en", "kk"):
        link = page.locator(f'link[rel="alternate"][hreflang="{lang}"]')
        assert link.count() == 1, f"hreflang {lang}"
        href = link.get_attribute("href") or ""
        assert visit.page.evaluate("h => new URL(h, location.href).href", href) == visit.url(
            f"{lang}/country/KAZ/"
        )
    visit.check_clean()


def test_country_page_without_javascript_shows_chart_and_table(open_page: OpenPage) -> None:
    visit = open_page(COUNTRY, js=False)
    page = visit.page
    assert first_chart_source(page).endswith(".svg")
    figure = page.locator("figure.chart").first
    details = figure.locator("details.data")
    details.locator("summary").click()
    table = details.locator("table")
    assert table.is_visible()
    assert table.locator("td").count() > 0
    visit.check_clean()


def test_language_switch_keeps_the_page(open_page: OpenPage) -> None:
    visit = open_page(COUNTRY)
    page = visit.page
    page.locator('nav.langs a[href*="kk/"]').first.click()
    page.wait_for_url(re.compile(r"/kk/country/KAZ/(index\.html)?$"))
    assert page.locator("html").get_attribute("lang") == "kk"
    visit.check_clean()


def transferred_gzip(visit: Visit) -> dict[str, int]:
    """Each loaded URL and its body's gzip size (what a gzip server sends, headers aside)."""
    sizes = {}
    for response in visit.responses:
        if 300 <= response.status < 400:
            continue
        sizes[response.url] = len(gzip.compress(response.body(), compresslevel=6))
    return sizes


@pytest.mark.parametrize("lang", LANGS)
def test_country_page_weighs_at_most_60_kb_gzipped(open_page: OpenPage, lang: str) -> None:
    visit = open_page()
    visit.goto(f"{lang}/country/KAZ/", wait_until="networkidle")
    sizes = transferred_gzip(visit)
    total = sum(sizes.values())
    listing = ", ".join(f"{url.rsplit('/', 2)[-2:]} {size}" for url, size in sizes.items())
    assert total <= WEIGHT_BUDGET, f"{total} bytes gzipped > {WEIGHT_BUDGET}: {listing}"
    visit.check_clean()


@pytest.mark.parametrize(("lang", "kind"), CASES, ids=CASE_IDS)
def test_every_page_type_fits_a_phone(
    open_page: OpenPage, site_dir: Path, lang: str, kind: str
) -> None:
    visit = open_page(page_path(site_dir, kind, lang), **PHONE)
    page = visit.page
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        wide = page.evaluate(OVERFLOWING, PHONE["width"])
        pytest.fail(f"scrollWidth {width} > {PHONE['width']}: {wide}")
    if page.locator("figure.chart picture img").count():
        source = first_chart_source(page)
        assert NARROW.search(source), f"the phone loaded {source}"
    visit.check_clean()


def test_interactive_button_draws_the_chart_from_the_site(open_page: OpenPage) -> None:
    visit = open_page(COUNTRY)
    page = visit.page
    figure = page.locator("figure.chart").first
    button = figure.locator("button.interactive")
    button.wait_for(state="visible")
    spec = visit.page.evaluate(
        "b => new URL(b.dataset.vega, location.href).href", button.element_handle()
    )
    button.click()
    figure.locator(".vega-embed .marks").first.wait_for(state="visible")
    assert spec in visit.requests, f"{spec} not loaded"
    vega = [u for u in visit.requests if re.search(r"/static/vega\.[0-9a-f]+\.js$", u)]
    assert vega, f"no /static/vega.<hash>.js among {visit.requests}"
    assert serious_violations(page) == []
    visit.check_clean()


def broadband_gaps(home: Path, iso3: str) -> list[str]:
    """Periods with a mobile subscriptions value but no fixed broadband one, after the first
    broadband value: gaps inside the subscriptions chart's span."""
    obs = Observatory(home=home)
    fixed = obs.indicator([iso3], indicator="IT.NET.BBND.P2")
    mobile = obs.indicator([iso3], indicator="IT.CEL.SETS.P2")
    have = {r["period"] for r in fixed if r["value"] is not None}
    return sorted(
        r["period"]
        for r in mobile
        if r["value"] is not None and r["period"] not in have and r["period"] > min(have)
    )


@pytest.mark.parametrize("lang", LANGS)
def test_a_missing_value_shows_the_missing_text_not_zero(
    open_page: OpenPage, ingested_home: Path, lang: str
) -> None:
    gaps = broadband_gaps(ingested_home, "KAZ")
    assert gaps, "the snapshot has no gap in Kazakhstan's fixed broadband any more: pick another"
    visit = open_page(f"{lang}/country/KAZ/")
    rows = visit.page.evaluate(
        """() => [...document.querySelectorAll('figure.chart#KAZ-subscriptions details.data tr')]
             .map(tr => [...tr.cells].map(c => {
               const mark = c.querySelector('.missing [aria-hidden="true"]')
                 || c.querySelector('.missing');
               return mark ? 'MISSING:' + mark.textContent.trim() : c.textContent.trim();
             }))"""
    )
    assert rows, "no data table in figure#KAZ-subscriptions"
    for period in gaps:
        row = next((cells for cells in rows if cells[0].startswith(period)), None)
        assert row is not None, f"no row {period} in {rows}"
        assert f"MISSING:{missing(lang)}" in row, f"{period}: {row}"
        zeros = [c for c in row[1:] if re.fullmatch(r"0([.,]0*)?\s*%?", c)]
        assert not zeros, f"{period}: a zero in {row}"
    visit.check_clean()


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_page_frame_is_translated(open_page: OpenPage, lang: str) -> None:
    # The skip link, the search label and the menu come from the templates' catalogue.
    frame = "a.skip, label[for='country-search'], nav.menu a"
    english = open_page("en/").page.locator(frame).all_inner_texts()
    visit = open_page(f"{lang}/")
    texts = visit.page.locator(frame).all_inner_texts()
    same = [text for text in texts if text in english]
    assert not same, f"{lang}/: still in English: {same}"
    visit.check_clean()
