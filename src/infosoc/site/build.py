"""Writing the whole site: every page in every language, its charts, downloads and search index.

A rebuild draws only charts whose data changed (their files are named by their content) and
rewrites only files whose bytes changed, so an unchanged site is left as it was, file dates
included. Every page is written whole (atomically) or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..geo.countries import country as geo_country
from ..geo.countries import lookup
from ..i18n import LANGS, Lang, parse_lang
from ..records import Progress
from ..report.localiser import Localiser
from . import figures as drawing
from .data import SiteData
from .datafiles import write_page_data
from .model import Figure, Page
from .pages.country import country_page
from .pages.home import countries_page, embed_page, home_page, sources_page
from .pages.indicators import indicator_pages, indicator_series_rows
from .pages.kazakhstan import report_pages
from .render import render_page, write_assets, write_if_changed
from .world import INDICATORS, World, gather
from .maps import map_drawing


@dataclass
class SiteResult:
    """What a build did: pages written and left unchanged, charts drawn, where the site is."""

    root: Path
    pages: int = 0
    written: int = 0
    unchanged: int = 0
    charts: int = 0
    languages: tuple[Lang, ...] = ()
    countries: list[str] = field(default_factory=list)


def parse_langs(langs: str | Sequence[str]) -> tuple[Lang, ...]:
    """Languages from "en,ru,kk" or a sequence, each once; an unknown one is an InputError."""
    parts = langs.split(",") if isinstance(langs, str) else list(langs)
    chosen = tuple(dict.fromkeys(parse_lang(p.strip()) for p in parts if p.strip()))
    if not chosen:
        raise InputError("--lang must name at least one of en, ru, kk")
    return chosen


def parse_countries(countries: str | Sequence[str] | None, members: Sequence[str]) -> list[str]:
    """The member states to give pages: all of them for None or "all"; otherwise each code or
    name resolved, and every one that is not a UN member state named in one InputError."""
    if countries is None or countries == "all" or list(countries) == ["all"]:
        return list(members)
    parts = countries.split(",") if isinstance(countries, str) else list(countries)
    chosen, bad = [], []
    for part in (p.strip() for p in parts if p.strip()):
        code = lookup(part)
        if code is None or code not in members:
            bad.append(part)
        elif code not in chosen:
            chosen.append(code)
    if bad:
        raise InputError(
            f"not UN member states (or not known): {', '.join(bad)}; give ISO3 codes or names, "
            "or 'all'"
        )
    if not chosen:
        raise InputError("--countries must name at least one country, or 'all'")
    return chosen


def build_site(
    data: SiteData,
    out: Path | str,
    *,
    langs: str | Sequence[str] = LANGS,
    countries: str | Sequence[str] | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> SiteResult:
    """Write the site into ``out``: home, a page per country (``countries``: all 193 member
    states by default), indicators, rankings, Kazakhstan's regions, targets and SWOT, the
    article, sources and methods, each in every language of ``langs``, with charts, downloads
    under ``data/`` and the search index.

    Arguments are checked before anything is read or written; ``progress`` is told each page.
    """
    languages = parse_langs(langs)
    from ..geo.countries import member_states

    members = sorted(c.iso3 for c in member_states())
    chosen = parse_countries(countries, members)
    root = Path(out)
    if root.exists() and not root.is_dir():
        raise InputError(f"{root}: not a folder; give --out a folder for the site")
    tell = progress or (lambda done, total, what: None)
    tell(0, None, "reading the data")
    world = gather(data)
    built = max((str(s.get("retrieved_at") or "")[:10] for s in world.sources), default="")
    result = SiteResult(root, languages=languages, countries=chosen)
    root.mkdir(parents=True, exist_ok=True)
    assets = write_assets(root)
    _write_search(root, members)
    plans = [(lang, _pages(data, world, chosen, lang)) for lang in languages]
    total = sum(len(pages) for _, pages in plans)
    done = 0
    seen_data: set[str] = set()
    drawn: drawing.Drawn = {}
    for lang, pages in plans:
        built_on = Localiser(lang).date(built) if built else ""
        for page in pages:
            tell(done, total, f"{lang}/{page.path}")
            result.charts += _draw(page, root, lang, drawn)
            write_page_data(root, page, seen_data, today=today)
            html = render_page(page, lang, assets, languages, built=built_on)
            if write_if_changed(root / lang / page.path / "index.html", html.encode("utf-8")):
                result.written += 1
            else:
                result.unchanged += 1
            result.pages += 1
            done += 1
    _write_country_data(root, world, chosen, today)
    redirect = render_page(Page("", "redirect.html.j2", "infosoc"), "en", assets, languages,
                           built="", at_root=True)  # fmt: skip
    write_if_changed(root / "index.html", redirect.encode("utf-8"))
    tell(total, total, "done")
    return result


def _pages(data: SiteData, world: World, countries: Sequence[str], lang: Lang) -> list[Page]:
    """Every page of the site in one language, each chart's embed page last."""
    loc = Localiser(lang)

    def world_map(values: Any, spec: Any, loc: Localiser) -> drawing.Drawing | None:
        return map_drawing(values, spec, loc)

    indicator = indicator_pages(world, loc, world_map)
    egdi_map = next((f for p in indicator for f in p.figures if f.id == "map-egdi"), None)
    from .search import alphabetical

    pages = [home_page(world, loc, egdi_map),
             countries_page(world, loc, alphabetical(world.members, lang)),
             *(country_page(world, c, loc) for c in countries),
             *indicator, *report_pages(data, loc), sources_page(world, loc)]  # fmt: skip
    embeds: dict[str, Page] = {}
    for page in pages:
        for figure in page.figures:
            if figure.drawing is not None and figure.id not in embeds:
                embeds[figure.id] = embed_page(figure, f"{page.path}#{figure.id}", loc)
    return pages + list(embeds.values())


def _draw(page: Page, root: Path, lang: Lang, drawn: drawing.Drawn) -> int:
    """Draw the page's charts (or find them drawn); how many were drawn now."""
    count = 0
    for figure in page.figures:
        if figure.drawing is None:
            continue
        before = len(figure.drawing.files)
        figure.files = drawing.draw(figure.drawing, root, lang, drawn)
        count += len(figure.drawing.files) - before
        figure.size = drawing.svg_size(root, figure.files.svg)
        figure.narrow_size = drawing.svg_size(root, figure.files.narrow)
        figure.downloads.update({"svg": figure.files.svg, "png": figure.files.png})
    return count


def _write_search(root: Path, members: Sequence[str]) -> None:
    from .search import index_json

    write_if_changed(root / "search" / "names.json", index_json(members))


def _write_country_data(root: Path, world: World, countries: Sequence[str],
                        today: dt.date | None) -> None:  # fmt: skip
    """``data/{slug}/{ISO3}.csv|json`` for every indicator and country, and one zip each."""
    from .datafiles import write_indicator_data

    for spec in INDICATORS:
        per_country = {c: indicator_series_rows(world, spec.slug, c) for c in countries}
        write_indicator_data(root, world, spec, per_country, today=today)


def figures_of(pages: Sequence[Page]) -> list[Figure]:
    """Every figure of some pages, in order."""
    return [f for p in pages for f in p.figures]


def name_of(iso3: str, lang: Lang) -> str:
    """A member state's name in ``lang``."""
    return geo_country(iso3).name(lang)
