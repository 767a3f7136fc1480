"""Indicator pages (a world map, the leaders and the method) and full rankings by period."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ...geo.countries import country as geo_country
from ...i18n import N_
from ...ranks import competition_ranks
from ...report.localiser import Localiser
from ..figures import Drawing, KeyEntry
from ..model import DataFile, Figure, Page, Table
from ..world import INDICATOR, INDICATORS, Indicator, World, periods_of, provenance, values_of
from .common import country_cell, header, num_cell, number, sources_caption, tr

#: How each indicator is made, for its page (English msgids, translated on the page).
METHODS = {
    "egdi": N_(
        "The UN E-Government Development Index is the mean of three normalised indices: "
        "online services (OSI), telecommunication infrastructure (TII) and human capital (HCI). "
        "infosoc recomputes it from the components and checks the published ranks."
    ),
    "osi": N_(
        "The Online Service Index scores national portals against the UN's questionnaire, "
        "normalised to 0-1 by the survey."
    ),
    "tii": N_(
        "The Telecommunication Infrastructure Index combines internet users, mobile and "
        "fixed broadband subscriptions per 100 people from ITU, normalised to 0-1."
    ),
    "hci": N_(
        "The Human Capital Index combines adult literacy, enrolment and years of schooling "
        "from UNESCO, normalised to 0-1."
    ),
    "epi": N_(
        "The E-Participation Index scores e-information, e-consultation and "
        "e-decision-making, normalised to 0-1."
    ),
    "internet-users": N_(
        "Individuals who used the internet in the last three months, as a share of "
        "the population: ITU's estimate, published by the World Bank."
    ),
    "fixed-broadband": N_(
        "Fixed broadband subscriptions (256 kbit/s or more) per 100 people: ITU, "
        "published by the World Bank and Our World in Data."
    ),
    "mobile-subscriptions": N_(
        "Mobile cellular subscriptions per 100 people: ITU, published by the "
        "World Bank and Our World in Data. One person may hold several subscriptions."
    ),
    "download-speed": N_(
        "The median of a month's fixed broadband download tests in Ookla's "
        "Speedtest Global Index. Tests are taken by volunteers, so they measure what users got, "
        "not what plans promise."
    ),
}
TOP = 20

MapBuilder = Callable[[Mapping[str, Any], Indicator, Localiser], Drawing | None]


def indicator_pages(world: World, loc: Localiser, world_map: MapBuilder) -> list[Page]:
    """Every indicator's page and its ranking for every period with values."""
    pages = []
    for spec in INDICATORS:
        periods = periods_of(world, spec.slug)
        if not periods:
            continue
        pages.append(_indicator_page(world, spec, periods, loc, world_map))
        for period in periods:
            pages.append(ranking_page(world, spec, period, loc))
    return pages


def _name(spec: Indicator, loc: Localiser) -> str:
    return loc._(spec.name)


def _unit(world: World, spec: Indicator, loc: Localiser) -> str:
    if spec.survey:
        return "0–1"
    meta = world.series[spec.code].meta if spec.code in world.series else {}
    return tr(loc, str(meta.get("unit") or ""))


def _ranked(world: World, spec: Indicator, period: str) -> list[dict[str, Any]]:
    _, values = values_of(world, spec.slug, period)
    signed = {c: (None if v is None else (-v if spec.lower_is_better else v))
              for c, v in values.items()}  # fmt: skip
    ranks = competition_ranks(signed)
    rows = [{"iso3": c, "rank": ranks[c], "value": values[c]} for c in values]
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["iso3"]))
    return rows


def _table(world: World, spec: Indicator, rows: list[dict[str, Any]], loc: Localiser,
           caption: str) -> Table:  # fmt: skip
    body = []
    for r in rows:
        body.append(
            [
                num_cell(loc, r["rank"], 0),
                country_cell(world, r["iso3"], loc),
                num_cell(loc, r["value"], spec.digits),
            ]
        )
    return Table(header(loc._("Rank"), loc._("Country"), _unit(world, spec, loc) or loc._("Value"),
                        numeric=(0, 2)), body, caption=caption)  # fmt: skip


def _indicator_page(world: World, spec: Indicator, periods: list[str], loc: Localiser,
                    world_map: MapBuilder) -> Page:  # fmt: skip
    name = _name(spec, loc)
    page = Page(f"indicator/{spec.slug}/", "page.html.j2", name)
    period, values = values_of(world, spec.slug, None)
    blocks: list[tuple[str, Any]] = [("lead", tr(loc, METHODS[spec.slug]))]
    sources = provenance(world, spec.slug, period)
    rows = _ranked(world, spec, period or periods[-1])
    present = [r for r in rows if r["value"] is not None]
    figure = Figure(
        id=f"map-{spec.slug}",
        title=loc._("%(indicator)s, %(period)s", indicator=name, period=loc.period(period)),
        caption=sources_caption(loc, sources, loc.period(period)),
        summary=loc._("%(n)s of %(of)s member states have a value; highest %(top)s (%(high)s), "
                      "lowest %(bottom)s (%(low)s).", n=len(present), of=len(rows),
                      top=geo_country(present[0]["iso3"]).name(loc.lang) if present else "",
                      high=number(loc, present[0]["value"], spec.digits) if present else "",
                      bottom=geo_country(present[-1]["iso3"]).name(loc.lang) if present else "",
                      low=number(loc, present[-1]["value"], spec.digits) if present else ""),
        drawing=world_map(values, spec, loc),
        key=[KeyEntry("#bdbdbd", "", loc._("no data"))] if len(present) < len(rows) else [],
        table=_table(world, spec, rows, loc, loc._("Every member state")),
        data=DataFile(f"data/charts/map-{spec.slug}", name, ["iso3", "period", "value"],
                      [{"iso3": r["iso3"], "period": period, "value": r["value"]} for r in rows],
                      _unit(world, spec, loc), sources, spec.slug),
    )  # fmt: skip
    blocks.append(("figure", figure))
    page.figures.append(figure)
    blocks.append(("heading", ("top", loc._("The top %(n)s", n=TOP))))
    blocks.append(("table", _table(world, spec, present[:TOP], loc,
                                   loc._("%(indicator)s, %(period)s", indicator=name,
                                         period=loc.period(period)))))  # fmt: skip
    blocks.append(("heading", ("rankings", loc._("Full rankings by period"))))
    blocks.append(("links", [(f"ranking/{spec.slug}/{p}/", loc.period(p))
                             for p in reversed(periods)]))  # fmt: skip
    blocks.append(("heading", ("data", loc._("Data"))))
    blocks.append(("links", [(f"../data/{spec.slug}.zip", loc._("Every country and period, "
                                                                 "zipped (CSV, metadata, "
                                                                 "README)"))]))  # fmt: skip
    page.context = {"blocks": blocks}
    return page


def ranking_page(world: World, spec: Indicator, period: str, loc: Localiser) -> Page:
    """The full ranking of every member state in one period, as a table that needs no
    JavaScript; members without a value are listed last, marked missing."""
    name = _name(spec, loc)
    page = Page(f"ranking/{spec.slug}/{period}/", "page.html.j2",
                loc._("%(indicator)s: ranking, %(period)s", indicator=name,
                      period=loc.period(period)))  # fmt: skip
    rows = _ranked(world, spec, period)
    sources = provenance(world, spec.slug, period)
    data = DataFile(f"data/{spec.slug}/ranking-{period}", page.title,
                    ["rank", "iso3", "country", "value"],
                    [{"rank": r["rank"], "iso3": r["iso3"],
                      "country": geo_country(r["iso3"]).name_en, "value": r["value"]}
                     for r in rows], _unit(world, spec, loc), sources, spec.slug)  # fmt: skip
    page.data_files.append(data)
    table = _table(world, spec, rows, loc, page.title)
    blocks: list[tuple[str, Any]] = [
        ("paragraph", sources_caption(loc, sources, loc.period(period))),
        ("table", table),
        ("links", [(f"indicator/{spec.slug}/", loc._("About this indicator"))]),
    ]
    page.context = {"blocks": blocks, "page_data": data}
    return page


def indicator_series_rows(world: World, slug: str, iso3: str) -> list[dict[str, Any]]:
    """Every period of one indicator for one country (the /data/{slug}/{ISO3} files)."""
    spec = INDICATOR[slug]
    if spec.survey:
        return [{"period": str(r["year"]), "value": r.get(spec.code)}
                for r in world.survey_rows(iso3)]  # fmt: skip
    found = world.series.get(spec.code)
    return [{"period": r["period"], "value": r["value"]}
            for r in (found.values.get(iso3, []) if found else [])]  # fmt: skip
