"""The static web observatory as its readers see it, without a browser: the pages' HTML, the
charts and downloads they link, a rebuild that changes nothing, numbers in each language's
way, bad input refused before anything is written, and the local server.

The site is built once per session for three countries (tests marked slow). The browser's view
(axe, layout, transfer sizes, JavaScript) is tested in tests/browser/ and every link by
tests/test_site_links.py.
"""

from __future__ import annotations

import csv
import functools
import gzip
import http.client
import io
import json
import os
import re
import threading
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from infosoc import Observatory
from infosoc.errors import InputError
from infosoc.geo.countries import country, lookup, member_states
from infosoc.i18n import translations
from infosoc.i18n.format import format_number
from infosoc.site import build_site, make_server, parse_countries, parse_langs
from infosoc.site.figures import localise_numerals

from . import site_build
from .conftest import Cli

LANGS = ("en", "ru", "kk")
COUNTRIES = ("KAZ", "UZB", "KGZ")
SLUGS = ("egdi", "osi", "tii", "hci", "epi", "internet-users", "fixed-broadband",
         "mobile-subscriptions", "download-speed")  # fmt: skip
#: Kazakhstan's EGDI and rank in the 2024 Survey, as the UN published them.
KAZ_EGDI_2024 = {"en": "0.9009", "ru": "0,9009", "kk": "0,9009"}
KAZ_RANK_2024 = "24"
#: What a country page may weigh, gzipped, with its stylesheet and wide charts.
PAGE_BUDGET = 60 * 1024
MEMBERS = sorted(c.iso3 for c in member_states())


# -- reading pages ----------------------------------------------------------------------


class Html(HTMLParser):
    """A page as it reads without scripts: its elements in order, its text (not that of
    scripts, styles or text areas) and its tables as rows of cell texts."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.tables: list[list[list[str]]] = []
        self.parts: list[str] = []
        self._hidden = 0
        self._cell: list[str] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        if tag in ("script", "style", "textarea"):
            self._hidden += 1
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables and self.tables[-1]:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "textarea"):
            self._hidden -= 1
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        self.parts.append(data)
        if self._cell is not None:
            self._cell.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())

    def all(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        """Every ``tag`` element whose attributes include ``attrs`` (``class_`` for class)."""
        wanted = {k.rstrip("_"): v for k, v in attrs.items()}
        return [a for t, a in self.elements
                if t == tag and all(a.get(k) == v for k, v in wanted.items())]  # fmt: skip

    def rows(self) -> list[list[str]]:
        return [row for table in self.tables for row in table]


@dataclass
class Site:
    root: Path

    def path(self, lang: str, page: str) -> Path:
        return self.root / lang / page / "index.html"

    def html(self, lang: str, page: str) -> Html:
        return parsed(self.path(lang, page))

    def pages(self) -> list[Path]:
        return sorted(self.root.rglob("index.html"))

    def language_pages(self) -> int:
        """How many pages the languages' folders hold (all but the root's redirect)."""
        return sum(1 for lang in LANGS for _ in (self.root / lang).rglob("index.html"))


@functools.cache
def parsed(path: Path) -> Html:
    """A built page, parsed once per session (pages are not changed by the tests)."""
    return Html(path.read_text(encoding="utf-8"))


def resolve(page: Path, href: str) -> Path:
    """Where a relative link of a page leads on disk (a folder's index.html)."""
    assert not re.match(r"^(/|[a-z][a-z0-9+.-]*:)", href, re.I), f"not relative: {href}"
    target = (page.parent / href.split("#", 1)[0]).resolve()
    return target / "index.html" if href.endswith("/") or target.is_dir() else target


def is_svg(path: Path) -> bool:
    return ET.fromstring(path.read_bytes()).tag == "{http://www.w3.org/2000/svg}svg"


def svg_texts(path: Path) -> list[str]:
    root = ET.fromstring(path.read_bytes())
    return [(t.text or "").strip() for t in root.iter("{http://www.w3.org/2000/svg}text")]


def mtimes(root: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(root).as_posix(): (p.stat().st_mtime_ns, p.stat().st_size)
            for p in root.rglob("*") if p.is_file()}  # fmt: skip


@pytest.fixture(scope="session")
def site(ingested_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The site for KAZ, UZB and KGZ in en, ru and kk, built once for every test module."""
    assert (site_build.LANGS, tuple(site_build.COUNTRIES)) == (LANGS, COUNTRIES)
    return Site(site_build.built_site(tmp_path_factory, ingested_home))


# -- the country page: the acceptance test ----------------------------------------------


@pytest.mark.slow
def test_every_language_has_a_page_for_each_country_asked_for_and_no_other(site: Site) -> None:
    for lang in LANGS:
        for iso3 in COUNTRIES:
            assert site.path(lang, f"country/{iso3}").is_file()
        assert sorted(p.name for p in (site.root / lang / "country").iterdir()) == sorted(COUNTRIES)
        # The list of countries leads to the pages there are, and to no missing one.
        path = site.path(lang, "countries")
        listed = [a for a in site.html(lang, "countries").all("a") if "/country/" in a["href"]]
        assert {resolve(path, a["href"]) for a in listed} == {
            site.path(lang, f"country/{iso3}").resolve() for iso3 in COUNTRIES
        }


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_kazakhstans_page_shows_its_2024_egdi_and_rank_in_the_html(site: Site, lang: str) -> None:
    page = site.html(lang, "country/KAZ")
    assert page.all("html")[0]["lang"] == lang
    rows_2024 = [r for r in page.rows() if r and r[0] == "2024"]
    # The chart's data table (period, EGDI, OSI ...) and the rank table (edition, rank ...).
    assert any(r[1] == KAZ_EGDI_2024[lang] for r in rows_2024), rows_2024
    assert any(r[1] == KAZ_RANK_2024 for r in rows_2024), rows_2024
    assert KAZ_EGDI_2024[lang] in page.text
    other = "0,9009" if lang == "en" else "0.9009"
    assert other not in page.text


@pytest.mark.slow
def test_kazakhstans_russian_page_needs_no_javascript_for_its_content(site: Site) -> None:
    path = site.path("ru", "country/KAZ")
    page = site.html("ru", "country/KAZ")
    # Scripts are files loaded after the page, never inline; nothing is drawn by a script.
    scripts = page.all("script")
    assert scripts and all(s.get("src") and "defer" in s for s in scripts)
    assert not page.all("canvas") and not page.all("iframe") and not page.all("object")
    # Charts are pictures with a text alternative, each with its numbers in an HTML table.
    figures = page.all("figure", class_="chart")
    images = page.all("img")
    assert len(figures) >= 2 and len(images) == len(figures)
    for img in images:
        assert img["alt"].strip() and img["src"].endswith(".svg")
        assert int(img["width"]) > 0 and int(img["height"]) > 0
        target = resolve(path, img["src"])
        assert target.is_file() and is_svg(target), img["src"]
    assert len(page.tables) >= len(figures)
    # The SVG is also linked for download, and that file is an SVG too.
    links = [a["href"] for a in page.all("a") if a.get("href", "").endswith(".svg")]
    assert links and all(is_svg(resolve(path, href)) for href in links)
    assert {resolve(path, h) for h in links} == {resolve(path, i["src"]) for i in images}


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_kazakhstans_page_links_its_other_languages(site: Site, lang: str) -> None:
    path = site.path(lang, "country/KAZ")
    page = site.html(lang, "country/KAZ")
    alternates = {a["hreflang"]: a["href"] for a in page.all("link", rel="alternate")}
    assert set(alternates) == set(LANGS)
    for code, href in alternates.items():
        assert resolve(path, href) == site.path(code, "country/KAZ").resolve()
    # The visible switch leads to the same page in the other languages.
    switch = [a for a in page.all("a") if a.get("hreflang") and a.get("lang")]
    assert {a["hreflang"] for a in switch} == set(LANGS) - {lang}
    for a in switch:
        assert resolve(path, a["href"]) == site.path(a["hreflang"], "country/KAZ").resolve()


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_a_country_page_with_its_css_and_wide_charts_stays_within_60_kb_gzipped(
    site: Site, lang: str
) -> None:
    path = site.path(lang, "country/KAZ")
    page = site.html(lang, "country/KAZ")
    files = [path]
    files += [resolve(path, a["href"]) for a in page.all("link", rel="stylesheet")]
    files += [resolve(path, img["src"]) for img in page.all("img")]
    assert len(files) >= 4  # the page, its stylesheet and at least two charts
    total = sum(len(gzip.compress(f.read_bytes())) for f in files)
    assert total <= PAGE_BUDGET, f"{total} bytes gzipped: {[f.name for f in files]}"


# -- every page -------------------------------------------------------------------------


@pytest.mark.slow
def test_every_page_has_one_h1_a_main_a_way_past_the_header_and_three_alternates(
    site: Site,
) -> None:
    problems: dict[str, list[str]] = {}
    for path in site.pages():
        rel = path.relative_to(site.root)
        lang = rel.parts[0] if len(rel.parts) > 1 else "en"
        page = parsed(path)
        found = []
        if len(page.all("h1")) != 1:
            found.append(f"{len(page.all('h1'))} h1")
        if len(page.all("main")) != 1 or len(page.all("main", id="main")) != 1:
            found.append("no single <main id=main>")
        if page.all("html")[0].get("lang") != lang:
            found.append("html lang")
        # A skip link to the main content; a page whose body starts with <main> (the embed
        # pages, the root's redirect) has nothing to skip.
        tags = [t for t, _ in page.elements]
        starts_with_main = tags[tags.index("body") + 1] == "main"
        skip = [a for a in page.all("a") if a.get("href") == "#main"]
        if not skip and not starts_with_main:
            found.append("no skip link")
        if skip and tags.index("a") > tags.index("main"):
            found.append("skip link after main")
        alternates = page.all("link", rel="alternate")
        if sorted(a["hreflang"] for a in alternates) != sorted(LANGS):
            found.append("alternates: " + ",".join(a["hreflang"] for a in alternates))
        for a in alternates:
            if not resolve(path, a["href"]).is_file():
                found.append(f"alternate {a['href']} missing")
        viewport = page.all("meta", name="viewport")
        if [v["content"] for v in viewport] != ["width=device-width, initial-scale=1"]:
            found.append("viewport")
        if found:
            problems[rel.as_posix()] = found
    assert len(site.pages()) == site.language_pages() + 1  # and the root's redirect
    assert not problems, dict(list(problems.items())[:10])


# -- embed pages ------------------------------------------------------------------------


def _chart_ids(site: Site, lang: str) -> dict[str, Path]:
    """Every drawn chart in ``lang`` outside the embed pages, with a page that shows it."""
    charts: dict[str, Path] = {}
    for path in sorted((site.root / lang).rglob("index.html")):
        if "embed" in path.relative_to(site.root / lang).parts:
            continue
        for figure in parsed(path).all("figure", class_="chart"):
            charts.setdefault(figure["id"], path)
    return charts


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_every_chart_has_an_embed_page_with_that_figure_alone(site: Site, lang: str) -> None:
    charts = _chart_ids(site, lang)
    assert {"KAZ-egov", "map-egdi"} <= set(charts)
    embeds = {p.name for p in (site.root / lang / "embed").iterdir()}
    assert embeds == set(charts)
    for chart, origin in charts.items():
        path = site.path(lang, f"embed/{chart}")
        page = parsed(path)
        figures = page.all("figure")
        assert [f["id"] for f in figures] == [chart]
        assert not page.all("header") and not page.all("nav") and not page.all("form")
        # The same picture as on the page the chart comes from.
        shown = parsed(origin)
        img = page.all("img")
        assert len(img) == 1
        own = [i for i in shown.all("img") if i["alt"] == img[0]["alt"]]
        assert own and resolve(origin, own[0]["src"]) == resolve(path, img[0]["src"])


# -- downloads --------------------------------------------------------------------------


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _assert_sources_named(metadata: dict[str, Any], where: str) -> None:
    assert metadata["sources"], f"{where}: no source named"
    for source in metadata["sources"]:
        for key in ("publisher", "release", "licence"):
            assert str(source.get(key) or "").strip(), f"{where}: no {key}"
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", str(source.get("retrieved"))), where


@pytest.mark.slow
def test_the_country_charts_have_csv_json_and_metadata_naming_their_sources(site: Site) -> None:
    path = site.path("en", "country/KAZ")
    page = site.html("en", "country/KAZ")
    figures = page.all("figure", class_="chart")
    for figure in figures:
        chart = figure["id"]
        base = site.root / "data" / "charts" / chart
        rows = _read_csv(base.with_suffix(".csv"))
        records = json.loads(base.with_suffix(".json").read_text(encoding="utf-8"))
        assert rows and len(rows) == len(records)
        assert list(rows[0]) == list(records[0])
        metadata = json.loads(Path(f"{base}.metadata.json").read_text(encoding="utf-8"))
        assert metadata["columns"] == list(rows[0]) and metadata["rows"] == len(rows)
        _assert_sources_named(metadata, chart)
        # The page links these very files.
        links = {resolve(path, a["href"]) for a in page.all("a") if "download" in a}
        for suffix in (".csv", ".json", ".metadata.json"):
            assert Path(f"{base}{suffix}").resolve() in links, (chart, suffix)
    egov = json.loads((site.root / "data/charts/KAZ-egov.json").read_text(encoding="utf-8"))
    assert next(r for r in egov if str(r["period"]) == "2024")["egdi"] == pytest.approx(0.90093)


@pytest.mark.slow
def test_every_charts_metadata_names_its_sources(site: Site) -> None:
    charts = sorted((site.root / "data" / "charts").glob("*.metadata.json"))
    assert charts
    unnamed = []
    for path in charts:
        try:
            _assert_sources_named(json.loads(path.read_text(encoding="utf-8")), path.name)
        except AssertionError:
            unnamed.append(path.name)
    assert not unnamed


@pytest.mark.slow
@pytest.mark.parametrize("slug", SLUGS)
def test_each_indicator_has_files_per_country_and_a_zip(site: Site, slug: str) -> None:
    for iso3 in COUNTRIES:
        base = site.root / "data" / slug / iso3
        rows = _read_csv(base.with_suffix(".csv"))
        assert rows and list(rows[0]) == ["period", "value"]
        records = json.loads(base.with_suffix(".json").read_text(encoding="utf-8"))
        assert len(records) == len(rows)
        metadata = json.loads(Path(f"{base}.metadata.json").read_text(encoding="utf-8"))
        _assert_sources_named(metadata, f"{slug}/{iso3}")
    with zipfile.ZipFile(site.root / "data" / f"{slug}.zip") as archive:
        assert archive.testzip() is None
        names = set(archive.namelist())
        assert names == {f"{c}.csv" for c in COUNTRIES} | {"metadata.json", "README.txt"}
        for iso3 in COUNTRIES:
            inside = archive.read(f"{iso3}.csv")
            assert inside == (site.root / "data" / slug / f"{iso3}.csv").read_bytes()
        metadata = json.loads(archive.read("metadata.json"))
        _assert_sources_named(metadata, f"{slug}.zip")
        readme = archive.read("README.txt").decode("utf-8")
        assert "Licences:" in readme and metadata["sources"][0]["publisher"] in readme
    kaz = _read_csv(site.root / "data" / "egdi" / "KAZ.csv")
    assert {r["period"]: r["value"] for r in kaz}["2024"] == "0.90093"


# -- missing values ---------------------------------------------------------------------

MISSING_MARK = "—"


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_a_missing_value_is_a_dash_with_no_data_for_screen_readers_and_empty_in_csv(
    site: Site, lang: str
) -> None:
    rankings = sorted((site.root / lang / "ranking" / "download-speed").iterdir())
    assert rankings
    period = rankings[-1].name
    path = site.path(lang, f"ranking/download-speed/{period}")
    html = path.read_text(encoding="utf-8")
    page = Html(html)
    no_data = translations(lang).gettext("no data")
    if lang != "en":
        assert no_data != "no data"  # said in the page's language
    mark = (f'<span class="missing"><span aria-hidden="true">{MISSING_MARK}</span>'
            f'<span class="sr">{no_data}</span></span>')  # fmt: skip
    assert mark in html
    # The CSV linked from the page, row by row against the table.
    csv_link = next(a["href"] for a in page.all("a") if a.get("href", "").endswith(".csv"))
    rows = _read_csv(resolve(path, csv_link))
    table = next(t for t in page.tables if len(t) == len(rows) + 1)  # a header and the rows
    header = table[0]
    value_at = len(header) - 1
    country_at = next(i for i, r in enumerate(table[1]) if not re.search(r"\d", r))
    missing = 0
    for row, record in zip(table[1:], rows, strict=True):
        assert row[country_at] == country(record["iso3"]).name(lang), (row, record)
        shown = row[value_at]
        if record["value"] == "":
            missing += 1
            assert shown == MISSING_MARK + no_data, row
        else:
            assert shown == format_number(float(record["value"]), lang, 1), (row, record)
    assert missing > 0  # some member has no speed measured in that month


# -- rebuild ----------------------------------------------------------------------------


@pytest.mark.slow
def test_a_rebuild_with_the_same_data_writes_nothing(site: Site, ingested_home: Path) -> None:
    if os.environ.get("INFOSOC_SITE_DIR"):
        pytest.skip("INFOSOC_SITE_DIR may have been built from other data")
    before = mtimes(site.root)
    pages = site.language_pages()
    again = build_site(Observatory(home=ingested_home), site.root, countries=",".join(COUNTRIES))
    assert (again.pages, again.written, again.unchanged, again.charts) == (pages, 0, pages, 0)
    assert again.root == site.root and again.languages == LANGS
    assert again.countries == list(COUNTRIES)
    after = mtimes(site.root)
    assert after.keys() == before.keys()
    changed = [name for name in before if before[name] != after[name]]
    assert not changed, changed[:10]


@pytest.mark.slow
def test_site_build_prints_one_row_the_same_in_json_csv_and_ndjson(
    site: Site, ingested_home: Path, cli: Cli
) -> None:
    if os.environ.get("INFOSOC_SITE_DIR"):
        pytest.skip("INFOSOC_SITE_DIR may have been built from other data")
    args = ("site", "build", "--out", site.root, "--countries", ",".join(COUNTRIES),
            "--home", ingested_home)  # fmt: skip
    runs = {fmt: cli(*args, "-f", fmt) for fmt in ("json", "csv", "ndjson")}
    assert all(r.exit_code == 0 for r in runs.values()), [r.stderr for r in runs.values()]
    rows = json.loads(runs["json"].stdout)
    assert isinstance(rows, list) and len(rows) == 1 and isinstance(rows[0], dict)
    assert rows[0]["pages"] == rows[0]["unchanged"] == site.language_pages()
    assert rows[0]["written"] == 0 and rows[0]["languages"] == "en,ru,kk"
    table = list(csv.reader(io.StringIO(runs["csv"].stdout)))
    assert table[0] == list(rows[0]) and len(table) == 2
    assert [json.loads(line) for line in runs["ndjson"].stdout.splitlines()] == rows
    assert cli(*args, "-f", "bogus").exit_code == 2  # a format it cannot print is refused


# -- numbers in each language's way -----------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "decimal"), [("en", "."), ("ru", ","), ("kk", ",")])
def test_chart_axes_write_numbers_the_languages_way(site: Site, lang: str, decimal: str) -> None:
    path = site.path(lang, "country/KAZ")
    page = site.html(lang, "country/KAZ")
    egov = next(f for f in page.all("img") if "0,9009" in f["alt"] or "0.9009" in f["alt"])
    assert KAZ_EGDI_2024[lang] in egov["alt"]
    svg = resolve(path, egov["src"])
    assert (".comma." in svg.name) == (decimal == ",")
    labels = [t for t in svg_texts(svg) if re.fullmatch(r"\d+[.,]\d+", t)]
    assert labels, svg_texts(svg)
    assert all(decimal in t for t in labels), labels
    narrow = page.all("source")
    assert narrow and all((".comma." in s["srcset"]) == (decimal == ",") for s in narrow)


@pytest.mark.slow
def test_a_line_chart_is_shared_by_languages_that_write_numbers_alike(site: Site) -> None:
    def pictures(lang: str) -> list[str]:
        return [img["src"] for img in site.html(lang, "country/KAZ").all("img")]

    assert pictures("ru") == pictures("kk")
    assert [s.replace(".comma", "") for s in pictures("ru")] == pictures("en")


# -- bad input --------------------------------------------------------------------------


class Untouchable:
    """Data that fails a test when anything is read from it."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the data was read ({name}) before the arguments were checked")


def test_unknown_countries_are_all_named_before_anything_is_read_or_written(
    tmp_path: Path,
) -> None:
    out = tmp_path / "site"
    with pytest.raises(InputError) as raised:
        build_site(Untouchable(), out, countries="KAZ,Narnia,XXX")  # type: ignore[arg-type]
    message = str(raised.value)
    assert "Narnia" in message and "XXX" in message and "KAZ" not in message
    assert "\n" not in message
    assert not out.exists()


@pytest.mark.parametrize("langs", ["en,fr", ["en", "fr"], "", "de"])
def test_unknown_languages_are_refused_before_anything_is_written(
    tmp_path: Path, langs: Any
) -> None:
    out = tmp_path / "site"
    with pytest.raises(InputError) as raised:
        build_site(Untouchable(), out, langs=langs)  # type: ignore[arg-type]
    assert "\n" not in str(raised.value)
    assert not out.exists()


def test_the_cli_refuses_an_unknown_country_in_one_line(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = cli("site", "build", "--out", out, "--countries", "Narnia",
                 "--home", tmp_path / "home")  # fmt: skip
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "Narnia" in lines[0]
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert not out.exists() and not (tmp_path / "home").exists()


def test_the_cli_refuses_an_unknown_language_in_one_line(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = cli("site", "build", "--out", out, "--lang", "en,fr", "--home", tmp_path / "home")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "fr" in lines[0]
    assert not out.exists()


def test_serving_a_folder_that_is_not_a_site_is_one_line(cli: Cli, tmp_path: Path) -> None:
    for folder in (tmp_path / "nowhere", tmp_path):
        result = cli("site", "serve", folder, "--port", "0")
        assert result.exit_code == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
        assert "Traceback" not in result.stderr


# -- the local server -------------------------------------------------------------------


@pytest.fixture
def served(site: Site) -> Iterator[tuple[str, int]]:
    server = make_server(site.root, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield str(host), int(port)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _get(address: tuple[str, int], path: str, headers: dict[str, str]) -> tuple[Any, bytes]:
    connection = http.client.HTTPConnection(*address, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        answer = connection.getresponse()
        return answer, answer.read()
    finally:
        connection.close()


@pytest.mark.slow
def test_the_server_answers_gzip_when_asked_and_plain_otherwise(
    site: Site, served: tuple[str, int]
) -> None:
    assert served[0] == "127.0.0.1"
    page = site.path("ru", "country/KAZ").read_bytes()
    zipped, body = _get(served, "/ru/country/KAZ/", {"Accept-Encoding": "gzip, deflate, br"})
    assert zipped.status == 200 and zipped.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(body) == page and len(body) < len(page) / 3
    assert zipped.getheader("Content-Type", "").startswith("text/html")
    plain, body = _get(served, "/ru/country/KAZ/", {"Accept-Encoding": "identity"})
    assert plain.status == 200 and plain.getheader("Content-Encoding") is None
    assert body == page
    # Pictures and styles too; a folder without its slash is sent to it.
    svg = next(site.root.glob("charts/*.comma.svg"))
    answer, body = _get(served, f"/charts/{svg.name}", {"Accept-Encoding": "gzip"})
    assert answer.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(body) == svg.read_bytes()
    moved, _ = _get(served, "/ru/country/KAZ", {})
    assert moved.status == 301 and moved.getheader("Location", "").endswith("/ru/country/KAZ/")
    missing, _ = _get(served, "/ru/country/XXX/", {"Accept-Encoding": "gzip"})
    assert missing.status == 404


@pytest.mark.slow
def test_the_server_does_not_gzip_for_a_client_that_refuses_it(
    site: Site, served: tuple[str, int]
) -> None:
    answer, body = _get(served, "/ru/country/KAZ/", {"Accept-Encoding": "gzip;q=0, identity"})
    assert answer.getheader("Content-Encoding") is None
    assert body == site.path("ru", "country/KAZ").read_bytes()


def test_the_server_serves_only_a_built_site_on_localhost(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        make_server(tmp_path, 0)
    (tmp_path / "index.html").write_text("<!doctype html><title>x</title>", encoding="utf-8")
    with pytest.raises(InputError):
        make_server(tmp_path, 70000)
    server = make_server(tmp_path, 0)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()


# -- properties -------------------------------------------------------------------------

GROUP = "\xa0"  # the group mark of ru and kk in Babel's data
NUMBER = st.one_of(
    st.integers(0, 10**9).map(str),
    st.integers(0, 10**9).map(lambda n: f"{n:,}"),
    st.tuples(st.floats(0, 1e7, allow_nan=False), st.integers(1, 4)).map(
        lambda p: f"{p[0]:,.{p[1]}f}"
    ),
)
LABEL_WORDS = st.text(
    alphabet=st.sampled_from("abcXYZ Год жыл%.,-0123456789"), min_size=1, max_size=12
).filter(lambda s: re.search(r"[^\d\s.,%\-]", s) is not None)
ATTRS = st.sampled_from(['', ' x="0.5" y="1,000"', ' transform="translate(12.5,7)"',
                         ' font-size="11px" opacity="0.5"'])  # fmt: skip


def _text(attrs: str, body: str) -> str:
    return f"<text{attrs}>{body}</text>"


@given(st.lists(st.tuples(ATTRS, st.one_of(NUMBER, LABEL_WORDS)), max_size=8), st.text())
def test_english_numerals_are_left_as_drawn(labels: list[tuple[str, str]], noise: str) -> None:
    svg = "<svg>" + "".join(_text(a, b) for a, b in labels) + noise + "</svg>"
    once = localise_numerals(svg, "en")
    assert once == svg and localise_numerals(once, "en") == once


@given(
    st.sampled_from(["ru", "kk"]),
    st.tuples(st.floats(0, 1e7, allow_nan=False), st.integers(0, 4)),
    ATTRS,
)
def test_a_number_alone_is_written_as_the_html_writes_it(
    lang: str, number: tuple[float, int], attrs: str
) -> None:
    value, digits = number
    drawn = f"{value:,.{digits}f}"  # as d3 writes an English axis label
    local = localise_numerals(f"<svg>{_text(attrs, drawn)}</svg>", lang)
    expected = format_number(float(drawn.replace(",", "")), lang, digits)
    assert local == f"<svg>{_text(attrs, expected)}</svg>"


@given(
    st.sampled_from(["ru", "kk"]),
    st.lists(st.tuples(ATTRS, st.one_of(NUMBER, LABEL_WORDS)), min_size=1, max_size=8),
)
def test_only_numbers_in_text_elements_are_rewritten(
    lang: str, labels: list[tuple[str, str]]
) -> None:
    svg = '<svg width="520.5"><g>' + "".join(_text(a, b) for a, b in labels) + "</g></svg>"
    local = localise_numerals(svg, lang)
    # Outside the labels (attributes included) nothing changes, and so do labels with words.
    bodies = re.compile(r"(<text\b[^>]*>)[^<]*(</text>)")
    assert bodies.sub(r"\1\2", local) == bodies.sub(r"\1\2", svg)
    got = re.findall(r"<text\b[^>]*>([^<]*)</text>", local)
    assert len(got) == len(labels)
    for (_attrs, body), out in zip(labels, got, strict=True):
        if re.search(r"[^\d\s.,%\-]", body):
            assert out == body
        else:
            assert "." not in out and out.replace(GROUP, "").replace(",", "") == body.replace(
                ",", ""
            ).replace(".", "")


VALID_COUNTRIES = st.one_of(
    st.sampled_from(MEMBERS),
    st.sampled_from(["Kazakhstan", "Казахстан", "Қазақстан", "uzb", "KZ", "Kyrgyzstan", " KGZ "]),
)
INVALID_COUNTRIES = st.sampled_from(
    ["Narnia", "XXX", "Atlantis", "TWN", "Taiwan", "Holy See", "PSE", "Kosovo", "Q1"]
)


@given(st.lists(st.tuples(st.booleans(), VALID_COUNTRIES, INVALID_COUNTRIES), min_size=1))
@example([(True, "KAZ", "Narnia"), (False, "KAZ", "XXX")])
def test_parse_countries_names_exactly_the_ones_that_are_not_members(
    picks: list[tuple[bool, str, str]],
) -> None:
    tokens = [valid if ok else invalid for ok, valid, invalid in picks]
    bad = {t.strip() for ok, _, t in picks if not ok}
    text = ", ".join(tokens)
    if not bad:
        chosen = parse_countries(text, MEMBERS)
        assert chosen == list(dict.fromkeys(lookup(t) for t in tokens))
        assert parse_countries(tokens, MEMBERS) == chosen
        return
    for given_as in (text, tokens):
        with pytest.raises(InputError) as raised:
            parse_countries(given_as, MEMBERS)
        message = str(raised.value)
        assert "\n" not in message
        listed = re.search(r":\s*(.+?);", message)
        assert listed is not None, message
        assert set(listed.group(1).split(", ")) == bad


@pytest.mark.parametrize("everything", [None, "all", ["all"]])
def test_parse_countries_all_is_every_member_state(everything: Any) -> None:
    assert parse_countries(everything, MEMBERS) == MEMBERS
    assert len(MEMBERS) == 193


VALID_LANGS = st.sampled_from(LANGS)
INVALID_LANGS = st.sampled_from(["fr", "zh", "english", "kz", "xx"])


@given(st.lists(st.tuples(st.booleans(), VALID_LANGS), min_size=1))
def test_parse_langs_keeps_each_language_once_in_order(picks: list[tuple[bool, str]]) -> None:
    tokens = [f" {code} " if pad else code for pad, code in picks]
    expected = tuple(dict.fromkeys(code for _, code in picks))
    assert parse_langs(",".join(tokens)) == expected
    assert parse_langs(tokens) == expected


@given(st.lists(st.tuples(st.booleans(), VALID_LANGS, INVALID_LANGS), min_size=1))
def test_parse_langs_names_an_invalid_language(picks: list[tuple[bool, str, str]]) -> None:
    tokens = [valid if ok else invalid for ok, valid, invalid in picks]
    bad = [t for t in tokens if t not in LANGS]
    if not bad:
        return
    with pytest.raises(InputError) as raised:
        parse_langs(",".join(tokens))
    assert "\n" not in str(raised.value)
    assert any(re.search(rf"\b{t}\b", str(raised.value)) for t in bad)


@given(st.lists(st.tuples(st.booleans(), VALID_LANGS, INVALID_LANGS), min_size=1))
@example([(False, "en", "fr"), (True, "en", "fr"), (False, "ru", "zh")])
def test_parse_langs_names_every_invalid_language(picks: list[tuple[bool, str, str]]) -> None:
    tokens = [valid if ok else invalid for ok, valid, invalid in picks]
    bad = {t for t in tokens if t not in LANGS}
    if not bad:
        return
    with pytest.raises(InputError) as raised:
        parse_langs(",".join(tokens))
    for name in bad:
        assert re.search(rf"\b{name}\b", str(raised.value)), (name, str(raised.value))
