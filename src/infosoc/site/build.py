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
from ..geo.countries import lookup
from ..i18n import LANGS, Lang, parse_lang
from ..records import Progress
from ..report.localiser import Localiser
from . import figures as drawing
from . import manifest
from .data import SiteData
from .datafiles import write_page_data
from .downloads import write_if_changed
from .maps import map_drawing
from .model import Page
from .pages.country import country_page
from .pages.home import countries_page, embed_page, home_page, sources_page
from .pages.indicators import indicator_pages, indicator_series_rows
from .pages.kazakhstan import report_pages
from .render import render_page, write_assets
from .world import INDICATORS, World, gather

#: Worker processes drawing charts, and the fewest charts worth starting them for: each
#: worker's chart engine takes about as long to start as a few charts take to draw.
WORKERS = 2
POOL_MIN = 12


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
    parts = [p.strip() for p in (langs.split(",") if isinstance(langs, str) else list(langs))]
    bad = [p for p in parts if p and p not in LANGS]
    if bad:
        raise InputError(f"--lang must list en, ru or kk, not: {', '.join(bad)}")
    chosen = tuple(dict.fromkeys(parse_lang(p) for p in parts if p))
    if not chosen:
        raise InputError("--lang must name at least one of en, ru, kk")
    return chosen


def parse_countries(countries: str | Sequence[str] | None, members: Sequence[str]) -> list[str]:
    """The member states to give pages: all of them for None or "all"; otherwise each code or
    name resolved, and every one that is not a UN member state named in one InputError."""
    if (
        countries is None
        or (isinstance(countries, str) and countries.strip().lower() == "all")
        or [str(c).strip().lower() for c in countries] == ["all"]
    ):
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
    code = manifest.code_digest()
    inputs = manifest.inputs_digest(data.sources(), languages, chosen, code)
    known = manifest.read(root)
    same = manifest.unchanged_site(root, inputs, known)
    if same is not None:
        return SiteResult(root, pages=same, unchanged=same, languages=languages,
                          countries=chosen)  # fmt: skip
    world = gather(data)
    world.built = frozenset(chosen)
    built = max((str(s.get("retrieved_at") or "")[:10] for s in world.sources), default="")
    result = SiteResult(root, languages=languages, countries=chosen)
    root.mkdir(parents=True, exist_ok=True)
    assets = write_assets(root)
    _write_search(root, chosen)
    plans = [(lang, _pages(data, world, chosen, lang)) for lang in languages]
    digests = {f"{lang}/{page.path}": manifest.page_digest(page, lang, code)
               for lang, pages in plans for page in pages}  # fmt: skip
    before = known.get("pages") if known.get("inputs") else None
    old = before if isinstance(before, dict) else {}

    def fresh(lang: Lang, page: Page) -> bool:
        key = f"{lang}/{page.path}"
        return old.get(key) == digests[key] and (root / key / "index.html").is_file()

    day = today or (dt.date.fromisoformat(built) if built else dt.date.today())
    jobs = _plan_drawings(plans, root)
    total = len(jobs) + sum(len(pages) for _, pages in plans)
    with _Drawing(jobs, tell, total) as drawing_jobs:
        seen_data: set[str] = set()
        for lang, pages in plans:  # the downloads are written while the charts are drawn
            for page in pages:
                if not fresh(lang, page):
                    write_page_data(root, page, seen_data, today=day)
        _write_country_data(root, world, chosen, day)
    result.charts = len(jobs) and sum(len(j.langs) for j in jobs.values())
    done = drawing_jobs.done
    sizes: dict[str, tuple[int, int]] = {}
    for lang, pages in plans:
        built_on = Localiser(lang).date(built) if built else ""
        for page in pages:
            tell(done, total, f"{lang}/{page.path}")
            result.pages += 1
            done += 1
            if fresh(lang, page):
                result.unchanged += 1
                continue
            _sizes(page, root, sizes)
            html = render_page(page, lang, assets, languages, built=built_on)
            if write_if_changed(root / lang / page.path / "index.html", html.encode("utf-8")):
                result.written += 1
            else:
                result.unchanged += 1
    redirect = render_page(Page("", "redirect.html.j2", "infosoc"), "en", assets, languages,
                           built="", at_root=True)  # fmt: skip
    write_if_changed(root / "index.html", redirect.encode("utf-8"))
    manifest.write(root, inputs, digests)
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
             countries_page(world, loc, alphabetical(list(countries), lang)),
             *(country_page(world, c, loc) for c in countries),
             *indicator, *report_pages(data, loc), sources_page(world, loc)]  # fmt: skip
    embeds: dict[str, Page] = {}
    for page in pages:
        for figure in page.figures:
            if figure.drawing is not None and figure.id not in embeds:
                embeds[figure.id] = embed_page(figure, f"{page.path}#{figure.id}", loc)
    return pages + list(embeds.values())


def _plan_drawings(plans: Sequence[tuple[Lang, Sequence[Page]]], root: Path
                   ) -> dict[str, drawing.DrawJob]:  # fmt: skip
    """Name every chart's files on its figure, and the charts whose files are missing."""
    jobs: dict[str, drawing.DrawJob] = {}
    for lang, pages in plans:
        for page in pages:
            for figure in page.figures:
                if figure.drawing is None:
                    continue
                figure.files = drawing.chart_files(figure.drawing, lang)
                if drawing.missing_files(figure.files, root):
                    name = drawing.digest(figure.drawing.wide)
                    job = jobs.setdefault(name, drawing.DrawJob(
                        name, figure.drawing.wide, figure.drawing.narrow, root))  # fmt: skip
                    job.langs.setdefault(drawing.numeral_style(lang), lang)
    return jobs


class _Drawing:
    """Draws the charts in worker processes while the block runs, and waits for them at its
    end (decision 0024). A few charts, as in a rebuild, are drawn here instead."""

    def __init__(self, jobs: dict[str, drawing.DrawJob], tell: Progress, total: int) -> None:
        self.jobs, self.tell, self.total, self.done = list(jobs.values()), tell, total, 0
        self.pool: Any = None
        self.futures: list[Any] = []

    def __enter__(self) -> _Drawing:
        if len(self.jobs) >= POOL_MIN:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(
                max_workers=WORKERS, mp_context=_context(multiprocessing),
                initializer=drawing.warm_up,
            )  # fmt: skip
            self.futures = [self.pool.submit(drawing.run_job, job) for job in self.jobs]
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if exc[0] is not None:
                return
            if self.pool is None:
                for job in self.jobs:
                    self.tell(self.done, self.total, f"drawing {job.name}")
                    drawing.run_job(job)
                    self.done += 1
                return
            from concurrent.futures import as_completed

            for future in as_completed(self.futures):
                self.tell(self.done, self.total, f"drawing {future.result()}")
                self.done += 1
        finally:
            if self.pool is not None:
                self.pool.shutdown(cancel_futures=True)


def _sizes(page: Page, root: Path, sizes: dict[str, tuple[int, int]]) -> None:
    """Each drawn figure's width and height, and its picture files among the downloads."""
    for figure in page.figures:
        if figure.files is None:
            continue
        for path in (figure.files.svg, figure.files.narrow):
            if path not in sizes:
                sizes[path] = drawing.svg_size(root, path)
        figure.size = sizes[figure.files.svg]
        figure.narrow_size = sizes[figure.files.narrow]
        figure.downloads.update({"svg": figure.files.svg, "png": figure.files.png})


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


def _context(multiprocessing: Any) -> Any:
    """Fork where the platform offers it: a spawned worker re-runs the caller's script, which
    breaks a plain script without an ``if __name__ == "__main__"`` guard. Forking is safe
    here: the parent has closed its store and never started the chart engine."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")
