"""A country's page: the E-Government Survey over every edition with rank intervals,
connectivity and speeds with their statistics and methods, peers, and the files behind them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...geo.borders import neighbours
from ...geo.countries import country as geo_country
from ...i18n import N_
from ...report.localiser import Localiser
from ...report.sections.egdi import level_name
from ..model import Cell, Figure, Page, Table
from ..world import EGOV, SPEEDS, World
from .common import country_cell, header, num_cell, number, series_figure, tr

#: The country with programme targets, a SWOT and the article's pages.
PROGRAMME_COUNTRY = "KAZ"
COMPONENT_NAMES = {
    "egdi": N_("EGDI"), "osi": N_("OSI"), "tii": N_("TII"), "hci": N_("HCI"), "epi": N_("EPI"),
}  # fmt: skip
CONNECTIVITY = (
    ("IT.NET.USER.ZS", N_("Internet users, % of population")),
    ("IT.NET.BBND.P2", N_("Fixed broadband subscriptions per 100 people")),
    ("IT.CEL.SETS.P2", N_("Mobile subscriptions per 100 people")),
)


def country_page(world: World, iso3: str, loc: Localiser) -> Page:
    """The page of one member state in the localiser's language."""
    info = geo_country(iso3)
    name = info.name(loc.lang)
    page = Page(f"country/{iso3}/", "page.html.j2", name)
    blocks: list[tuple[str, Any]] = []
    history = world.survey_rows(iso3)
    blocks.append(("facts", _facts(world, iso3, history, loc)))
    blocks.append(("heading", ("egov", loc._("E-government"))))
    egov = _egov_figure(world, iso3, history, loc)
    if egov is None:
        blocks.append(("paragraph", loc._("The store holds no edition of the UN E-Government "
                                          "Survey for %(country)s.", country=name)))  # fmt: skip
    else:
        blocks += [("figure", egov), ("table", _rank_table(world, iso3, history, loc))]
        page.figures.append(egov)
    blocks.append(("heading", ("connectivity", loc._("Internet use and subscriptions"))))
    for figure in _connectivity_figures(world, iso3, loc):
        blocks.append(("figure", figure))
        page.figures.append(figure)
    blocks.append(("heading", ("speeds", loc._("Internet speeds"))))
    speeds = _speed_table(world, iso3, loc)
    blocks.append(("table", speeds) if speeds.rows else
                  ("paragraph", loc._("No speed measurement is held for %(country)s.",
                                      country=name)))  # fmt: skip
    blocks.append(("heading", ("peers", loc._("Peers"))))
    blocks += _peers(world, iso3, loc)
    if iso3 == PROGRAMME_COUNTRY:
        blocks.append(("heading", ("programme", loc._("Targets and SWOT"))))
        blocks.append(("links", [
            ("kazakhstan/targets/", loc._("The programme's targets against what was achieved")),
            ("kazakhstan/swot/", loc._("The SWOT analysis, backed by evidence")),
            ("kazakhstan/regions/", loc._("The digital divide between the regions")),
            ("article/", loc._("The review article's claims, checked")),
        ]))  # fmt: skip
    blocks.append(("heading", ("sources", loc._("Sources"))))
    blocks.append(("table", _sources_table(world, page.figures, loc)))
    page.context = {"blocks": blocks}
    return page


def _facts(world: World, iso3: str, history: Sequence[Mapping[str, Any]],
           loc: Localiser) -> list[tuple[str, Cell]]:  # fmt: skip
    info = geo_country(iso3)
    facts = [(loc._("Region"), Cell(_area(loc, info.subregion or info.region)))]
    group = world.income.get(iso3, {}).get("value")
    facts.append((loc._("Income group"), Cell(tr(loc, str(group)) if group else loc.auto(None))))
    latest = next((r for r in reversed(history) if r.get("egdi") is not None), None)
    if latest is not None:
        year = int(latest["year"])
        facts.append((loc._("EGDI %(year)s", year=year), num_cell(loc, latest["egdi"], 4)))
        rank = latest.get("rank")
        of = sum(1 for r in world.survey[year].values() if r.get("rank") is not None)
        facts.append(
            (
                loc._("Rank %(year)s", year=year),
                Cell(loc._("%(rank)s of %(of)s", rank=number(loc, rank, 0), of=of)),
            )
        )
        interval = world.intervals.get(year, {}).get(iso3)
        if interval is not None:
            facts.append((loc._("Rank, 90 %% Monte Carlo interval"),
                          Cell(f"{number(loc, interval['q05'], 0)}–"
                               f"{number(loc, interval['q95'], 0)}")))  # fmt: skip
        facts.append((loc._("EGDI level"), Cell(level_name(loc, latest.get("level")))))
    users = world.series.get("IT.NET.USER.ZS")
    last = users.latest(iso3) if users else None
    if last is not None:
        facts.append(
            (
                loc._("Internet users, %(period)s", period=loc.period(last["period"])),
                Cell(loc.pct(last["value"])),
            )
        )
    return facts


def _area(loc: Localiser, name: str | None) -> str:
    return tr(loc, name) if name else loc.auto(None)


def _egov_figure(world: World, iso3: str, history: Sequence[Mapping[str, Any]],
                 loc: Localiser) -> Figure | None:  # fmt: skip
    rows = []
    for r in history:
        file = world.survey_file(int(r["year"]))
        row: dict[str, Any] = {"period": str(r["year"])}
        for c in EGOV:
            row[c] = r.get(c)
        row["file_name"] = file["file_name"] if file else None
        rows.append(row)
    return series_figure(
        world, loc, fig_id=f"{iso3}-egov", title=loc._("EGDI and its components"),
        rows=rows, series=[(c, loc._(COMPONENT_NAMES[c])) for c in EGOV], unit="0–1",
        digits=4, highlight="egdi", indicator="egdi",
    )  # fmt: skip


def _rank_table(world: World, iso3: str, history: Sequence[Mapping[str, Any]],
                loc: Localiser) -> Table:  # fmt: skip
    rows = []
    for r in history:
        year = int(r["year"])
        interval = world.intervals.get(year, {}).get(iso3)
        low = interval["q05"] if interval else None
        high = interval["q95"] if interval else None
        of = sum(1 for x in world.survey[year].values() if x.get("rank") is not None)
        rows.append([
            Cell(str(year)), num_cell(loc, r.get("rank"), 0), num_cell(loc, of, 0),
            Cell(f"{number(loc, low, 0)}–{number(loc, high, 0)}" if interval else loc.auto(None),
                 numeric=True),
            Cell(level_name(loc, r.get("level"))),
        ])  # fmt: skip
    return Table(
        header(loc._("Edition"), loc._("Rank"), loc._("States ranked"),
               loc._("Rank, 90 %% Monte Carlo interval"), loc._("EGDI level"),
               numeric=(1, 2, 3)),
        rows,
        caption=loc._("Rank in every edition, and how firm it is: the 5th to 95th percentile of "
                      "the rank when weights, normalisation and aggregation vary (1,000 runs)."),
    )  # fmt: skip


def _connectivity_figures(world: World, iso3: str, loc: Localiser) -> list[Figure]:
    figures = []
    users = _rows(world, ["IT.NET.USER.ZS"], iso3)
    figure = series_figure(
        world, loc, fig_id=f"{iso3}-internet-users", title=tr(loc, CONNECTIVITY[0][1]),
        rows=users, series=[("IT.NET.USER.ZS", loc._("Internet users"))],
        unit=loc._("%% of population"), digits=1, indicator="internet-users",
    )  # fmt: skip
    if figure is not None:
        figure.caption += " " + _method(world, "IT.NET.USER.ZS", loc)
        figures.append(figure)
    subs = _rows(world, ["IT.NET.BBND.P2", "IT.CEL.SETS.P2"], iso3)
    figure = series_figure(
        world, loc, fig_id=f"{iso3}-subscriptions", title=loc._("Subscriptions per 100 people"),
        rows=subs, series=[("IT.NET.BBND.P2", loc._("Fixed broadband")),
                           ("IT.CEL.SETS.P2", loc._("Mobile cellular"))],
        unit=loc._("per 100 people"), digits=1, indicator="subscriptions",
    )  # fmt: skip
    if figure is not None:
        figure.caption += " " + _method(world, "IT.NET.BBND.P2", loc)
        figures.append(figure)
    return figures


def _method(world: World, code: str, loc: Localiser) -> str:
    meta = world.series[code].meta if code in world.series else {}
    parts = [p for p in (meta.get("statistic"), meta.get("method")) if p]
    return (
        loc._("Method: %(method)s.", method="; ".join(tr(loc, str(p)) for p in parts))
        if parts
        else ""
    )


def _rows(world: World, codes: Sequence[str], iso3: str) -> list[dict[str, Any]]:
    """One row per period: each code's value and the file it came from."""
    by_period: dict[str, dict[str, Any]] = {}
    for code in codes:
        found = world.series.get(code)
        for r in found.values.get(iso3, []) if found else []:
            row = by_period.setdefault(r["period"], {"period": r["period"]})
            row[code] = r["value"]
            row[f"file_name:{code}"] = r["file_name"]
    rows = [by_period[p] for p in sorted(by_period)]
    # Leading and trailing years without any value are not shown (1960 for internet users).
    present = [i for i, r in enumerate(rows) if any(r.get(c) is not None for c in codes)]
    return rows[present[0] : present[-1] + 1] if present else []


def _speed_table(world: World, iso3: str, loc: Localiser) -> Table:
    rows = []
    for code in SPEEDS:
        found = world.series.get(code)
        last = found.latest(iso3) if found else None
        if found is None or last is None:
            continue
        meta = found.meta
        source = world.source_of(last["file_name"])
        rows.append([
            Cell(tr(loc, str(meta.get("label") or code))),
            Cell(loc.period(last["period"])),
            num_cell(loc, last["value"], 1),
            Cell(tr(loc, str(meta.get("statistic") or "")) or loc.auto(None),
                 sub=tr(loc, str(meta.get("method") or ""))),
            Cell(str(source["publisher"]) if source else loc.auto(None)),
        ])  # fmt: skip
    return Table(
        header(loc._("Measure"), loc._("Period"), loc._("Mbit/s"), loc._("Statistic and method"),
               loc._("Publisher"), numeric=(2,)),
        rows,
        caption=loc._("Speeds are not comparable across sources: each is a different statistic "
                      "of different tests."),
    )  # fmt: skip


def _peers(world: World, iso3: str, loc: Localiser) -> list[tuple[str, Any]]:
    info = geo_country(iso3)
    year = world.editions[-1] if world.editions else None
    if year is None:
        return []
    table = world.survey[year]
    groups = [
        (loc._("Subregion: %(name)s", name=_area(loc, info.subregion)),
         [c for c in world.members if geo_country(c).subregion == info.subregion]),
        (loc._("Neighbours"), [iso3, *[c for c in neighbours(iso3) if c in world.members]]),
    ]  # fmt: skip
    group = world.income.get(iso3, {}).get("value")
    if group:
        same = [c for c in world.members if world.income.get(c, {}).get("value") == group]
        groups.append((loc._("Income group: %(name)s", name=tr(loc, str(group))), same))
    blocks: list[tuple[str, Any]] = []
    users = world.series.get("IT.NET.USER.ZS")
    for title, members in groups:
        if len(members) < 2:
            continue
        ranked = sorted(members, key=lambda c: (table.get(c, {}).get("rank") is None,
                                                table.get(c, {}).get("rank") or 0))  # fmt: skip
        if len(ranked) > 12:  # the country with the five above and below it
            at = ranked.index(iso3)
            ranked = ranked[max(0, at - 5) : at + 6]
        rows = []
        for c in ranked:
            r = table.get(c, {})
            last = users.latest(c) if users else None
            rows.append([
                country_cell(world, c, loc, mark=c == iso3),
                num_cell(loc, r.get("rank"), 0), num_cell(loc, r.get("egdi"), 4),
                num_cell(loc, last["value"] if last else None, 1),
                Cell(loc.period(last["period"]) if last else loc.auto(None)),
            ])  # fmt: skip
        blocks.append(("table", Table(
            header(loc._("Country"), loc._("EGDI rank %(year)s", year=year), loc._("EGDI"),
                   loc._("Internet users, %%"), loc._("Year"), numeric=(1, 2, 3)),
            rows, caption=title)))  # fmt: skip
    return blocks


def _sources_table(world: World, figures: Sequence[Figure], loc: Localiser) -> Table:
    cited: list[dict[str, Any]] = []
    for f in figures:
        for s in f.data.sources:
            if s not in cited:
                cited.append(s)
    return sources_rows(cited, loc)


def sources_rows(sources: Sequence[Mapping[str, Any]], loc: Localiser) -> Table:
    """A table of source files: publisher, title, release, licence, SHA-256 and retrieval."""
    return Table(
        header(loc._("Publisher"), loc._("Title"), loc._("File"), loc._("Released"),
               loc._("Licence"), loc._("Retrieved"), "SHA-256"),
        [[Cell(str(s["publisher"])), Cell(str(s["title"])), Cell(str(s["file_name"])),
          Cell(str(s.get("released") or loc.auto(None))), Cell(str(s.get("licence") or "")),
          Cell(loc.date(s["retrieved_at"]) if s.get("retrieved_at") else loc.auto(None)),
          Cell(str(s.get("sha256") or ""), css="hash")] for s in sources],
        caption=loc._("The files behind this page"),
    )  # fmt: skip
