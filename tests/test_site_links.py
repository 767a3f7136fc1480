"""Every link of the built site leads to a file inside it, every link is relative, and every
chart's downloads are there (issue 17). Reads the HTML files; no browser."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.site_build import built_site

pytestmark = pytest.mark.slow

# Attributes holding one URL; srcset holds a list. data-vega and data-index are fetched by
# the site's scripts, so they must resolve too; data-base is a prefix, not a file.
URL_ATTRIBUTES = ("href", "src", "action", "data-vega", "data-index", "poster")
LOCAL_SCHEMES = ("data", "mailto")
UN_MEMBERS = 193
# Downloads of every chart; a figure without a drawing (a table only) has no SVG, PNG or
# embed page.
DRAWING_KINDS = ("SVG", "PNG")
DOWNLOAD_KINDS: dict[str, Callable[[str], bool]] = {
    "CSV": lambda name: name.endswith(".csv"),
    "JSON": lambda name: name.endswith(".json") and not name.endswith(".metadata.json"),
    "metadata": lambda name: name.endswith(".metadata.json"),
    "APA": lambda name: name.endswith(".apa.txt"),
    "BibTeX": lambda name: name.endswith(".bib"),
    "SVG": lambda name: name.endswith(".svg"),
    "PNG": lambda name: name.endswith(".png"),
}
INDICATORS = (
    "egdi",
    "osi",
    "tii",
    "hci",
    "epi",
    "internet-users",
    "fixed-broadband",
    "mobile-subscriptions",
    "download-speed",
)


@dataclass
class Downloads:
    """The links of one ``ul.downloads`` and whether its figure has a drawing."""

    hrefs: list[str] = field(default_factory=list)
    drawn: bool = False


class Links(HTMLParser):
    """The URLs of one page's attributes, and the links of each ``ul.downloads``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str, str]] = []  # (tag, attribute, url)
        self.downloads: list[Downloads] = []
        self._in_downloads = 0
        self._drawn = False  # a <picture> in the figure so far

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name in URL_ATTRIBUTES:
            if name in values:
                self.urls.append((tag, name, values[name].strip()))
        if "srcset" in values:
            for candidate in values["srcset"].split(","):
                if candidate.strip():
                    self.urls.append((tag, "srcset", candidate.split()[0]))
        if tag == "figure":
            self._drawn = False
        elif tag == "picture":
            self._drawn = True
        if tag == "ul" and "downloads" in values.get("class", "").split():
            self.downloads.append(Downloads(drawn=self._drawn))
            self._in_downloads += 1
        elif tag == "ul" and self._in_downloads:
            self._in_downloads += 1
        if tag == "a" and self._in_downloads and "href" in values:
            self.downloads[-1].hrefs.append(values["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "ul" and self._in_downloads:
            self._in_downloads -= 1


def parse(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    links.close()
    return links


def target(site: Path, page: Path, url: str) -> Path | None:
    """The file ``url`` on ``page`` leads to (a directory means its index.html); None for a
    fragment of the same page."""
    parts = urlsplit(url)
    if not parts.path:
        return None
    resolved = (page.parent / unquote(parts.path)).resolve()
    if parts.path.endswith("/") or resolved.is_dir():
        resolved = resolved / "index.html"
    return resolved


def unbuilt_country(site: Path, file: Path) -> bool:
    """True for the page of a country left out of a partial build (``--countries KAZ,UZB``):
    the list of countries links to all 193 UN members whichever were built."""
    match = re.fullmatch(r"[a-z]{2}/country/([A-Z]{3})/index\.html", str(file.relative_to(site)))
    if not match:
        return False
    built = {p.name for p in (site / "en" / "country").iterdir()}
    return len(built) < UN_MEMBERS and match[1] not in built


def html_files(site: Path) -> Iterator[Path]:
    yield from sorted(site.rglob("*.html"))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, ingested_home: Path) -> Path:
    return built_site(tmp_path_factory, ingested_home).resolve()


def test_every_link_is_relative_and_leads_to_a_file_of_the_site(site: Path) -> None:
    bad = []
    pages = list(html_files(site))
    assert len(pages) > 30, f"only {len(pages)} pages in {site}"
    for page in pages:
        name = page.relative_to(site)
        for tag, attribute, url in parse(page).urls:
            parts = urlsplit(url)
            if url.startswith("//") or parts.scheme in ("http", "https"):
                bad.append(f"{name}: <{tag} {attribute}> is absolute: {url}")
                continue
            if parts.scheme in LOCAL_SCHEMES:
                continue
            if parts.scheme:
                bad.append(f"{name}: <{tag} {attribute}> has scheme {parts.scheme}: {url}")
                continue
            file = target(site, page, url)
            if file is None:
                continue
            if not file.is_relative_to(site):
                bad.append(f"{name}: <{tag} {attribute}> leaves the site: {url}")
            elif not file.is_file() and not unbuilt_country(site, file):
                bad.append(f"{name}: <{tag} {attribute}> leads nowhere: {url}")
    assert not bad, f"{len(bad)} bad links, first 20:\n" + "\n".join(bad[:20])


def test_every_chart_offers_every_download(site: Path) -> None:
    lists = 0
    bad = []
    for page in html_files(site):
        name = page.relative_to(site)
        for downloads in parse(page).downloads:
            lists += 1
            hrefs = downloads.hrefs
            files = [target(site, page, href) for href in hrefs]
            names = [f.name for f in files if f is not None]
            for kind, matches in DOWNLOAD_KINDS.items():
                if kind in DRAWING_KINDS and not downloads.drawn:
                    continue
                if not any(matches(n) for n in names):
                    bad.append(f"{name}: no {kind} download in {hrefs}")
            embeds = [f for f in files if f is not None and "embed" in f.parts]
            if downloads.drawn and not embeds:
                bad.append(f"{name}: no embed page in {hrefs}")
            bad += [
                f"{name}: missing {href}"
                for href, f in zip(hrefs, files, strict=True)
                if f is not None and not f.is_file()
            ]
    assert lists > 0, "no <ul class='downloads'> in the site"
    assert not bad, f"{len(bad)} problems, first 20:\n" + "\n".join(bad[:20])


@pytest.mark.parametrize("slug", INDICATORS)
def test_every_indicator_has_its_zip(site: Path, slug: str) -> None:
    assert (site / "data" / f"{slug}.zip").is_file()
