"""Kazakhstan's own pages (regions, targets, SWOT), the article's claims and the methods: the
country report's sections, gathered by :mod:`infosoc.report` and laid out as web pages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ...errors import InfosocError
from ...geo.countries import country as geo_country
from ...report.context import Context
from ...report.localiser import Localiser
from ...report.model import Chart, MapChart, Section
from ...report.notes import Notes, cells_of, renumber
from ...report.sections.article import article_section
from ...report.sections.divide import divide_section
from ...report.sections.methodology import methodology_section
from ...report.sections.official_divide import official_divide_section
from ...report.sections.swot import swot_section
from ...report.sections.targets import targets_section
from ..data import SiteData
from ..figures import NARROW, Drawing
from ..model import Cell, DataFile, Figure, Page, Table
from ..world import INDICATORS
from .common import header, num_cell, tr
from .indicators import METHODS

COUNTRY = "KAZ"
Builder = Callable[[Context], Section | None]


def report_pages(data: SiteData, loc: Localiser) -> list[Page]:
    """Kazakhstan's regions, targets and SWOT, the article, and the methods, in one language."""
    info = geo_country(COUNTRY)
    with data.reading() as store:
        notes = Notes(data.sources(), loc)
        ctx = Context(data, store, COUNTRY, info.name(loc.lang), loc, notes)
        plan: list[tuple[str, str, Sequence[Builder]]] = [
            ("kazakhstan/regions/", loc._("The digital divide in Kazakhstan's regions"),
             (official_divide_section, divide_section)),
            ("kazakhstan/targets/", loc._("Digital Kazakhstan: the targets against what was "
                                          "achieved"), (targets_section,)),
            ("kazakhstan/swot/", loc._("Kazakhstan's SWOT, backed by evidence"), (swot_section,)),
            ("article/", loc._("The review article's claims, checked"), (article_section,)),
        ]  # fmt: skip
        gathered = []
        for path, title, builders in plan:
            sections = []
            for build in builders:
                try:
                    section = build(ctx)
                except InfosocError as exc:
                    section = Section(build.__name__, title, missing=str(exc))
                if section is not None:
                    sections.append(section)
            gathered.append((path, title, sections))
        methods = methodology_section(ctx)
    pages = []
    for path, title, sections in gathered:
        pages.append(_page(path, title, sections, notes, loc))
    method_page = _page("methods/", loc._("Methods"), [methods], notes, loc)
    indicators: list[tuple[str, Any]] = [("heading", ("indicators", loc._("The indicators")))]
    for spec in INDICATORS:
        indicators += [
            ("subheading", tr(loc, spec.name)),
            ("paragraph", tr(loc, METHODS[spec.slug])),
        ]
    method_page.context["blocks"][1:1] = indicators
    pages.append(method_page)
    return pages


def _page(path: str, title: str, sections: list[Section], notes: Notes,
          loc: Localiser) -> Page:  # fmt: skip
    cited = {n for cell in cells_of(sections) for n in cell.notes}
    sources = {chart.key: notes.sources_of(chart.source.notes)
               for section in sections for chart in section.charts}  # fmt: skip
    used = renumber(sections, [n for n in notes.entries if n.number in cited])
    page = Page(path, "page.html.j2", title)
    figures: dict[str, Figure] = {}
    for section in sections:
        for chart in section.charts:
            figure = _figure(chart, path, loc, sources.get(chart.key, []))
            if figure is not None:
                figures[chart.key] = figure
                page.figures.append(figure)
        if not section.title:
            section.title = title
    blocks: list[tuple[str, Any]] = [("section", s) for s in sections]
    if not sections:
        blocks.append(("paragraph", loc._("No data.")))
    blocks.append(("notes", used))
    page.context = {"blocks": blocks, "figures_by_key": figures}
    return page


def _figure(chart: Chart, path: str, loc: Localiser, sources: list[dict[str, Any]]
            ) -> Figure | None:  # fmt: skip
    """A report chart as a site figure: drawn without its title (the HTML holds it)."""
    from ...report.render import chart_spec

    try:
        spec = chart_spec(chart, loc.lang)
    except InfosocError:
        spec = None
    fig_id = f"{path.strip('/').replace('/', '-')}-{chart.key}"
    rows = [dict(r) for r in chart.rows]
    columns = [chart.x, chart.series, chart.y]
    if isinstance(chart, MapChart):
        columns = [chart.x, "name", chart.y]
    drawing = None
    if spec is not None:
        spec.pop("title", None)
        narrow = dict(spec)
        width = int(spec.get("width", 520))
        narrow["width"] = NARROW
        if "height" in spec:
            narrow["height"] = max(160, int(int(spec["height"]) * NARROW / max(width, 1)))
        drawing = Drawing(spec, narrow)
    table = Table(
        header(*(tr(loc, c) if c else "" for c in
                 (chart.x_title or chart.x, chart.legend_title or chart.series,
                  chart.y_title or chart.y)), numeric=(2,)),
        [[Cell(str(r.get(columns[0], ""))), Cell(str(r.get(columns[1], ""))),
          num_cell(loc, r.get(chart.y), 2)] for r in rows],
        caption=chart.title,
    )  # fmt: skip
    first = next((r for r in rows if r.get(chart.y) is not None), None)
    summary = chart.title
    if first is not None:
        present = [r for r in rows if r.get(chart.y) is not None]
        best = max(present, key=lambda r: r[chart.y])
        worst = min(present, key=lambda r: r[chart.y])
        summary = loc._("%(title)s: from %(low)s (%(worst)s) to %(high)s (%(best)s).",
                        title=chart.title, low=loc.auto(worst[chart.y]),
                        worst=worst.get(columns[1]), high=loc.auto(best[chart.y]),
                        best=best.get(columns[1]))  # fmt: skip
    return Figure(
        id=fig_id, title=chart.title,
        caption=chart.source.text,
        notes=chart.source.notes,
        summary=summary, drawing=drawing, key=[], table=table,
        data=DataFile(f"data/charts/{fig_id}", chart.title, columns,
                      [{c: r.get(c) for c in columns} for r in rows], chart.y_title or "", sources),
    )  # fmt: skip
