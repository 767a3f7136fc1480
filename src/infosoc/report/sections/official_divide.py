"""The report's section on the divide inside Kazakhstan from official statistics.

The Bureau of National Statistics publishes the share of individuals using the internet (SDG
indicator 17.8.1, ``KZ.SDG.17.8.1``) by region and for urban and rural areas. The section shows
the latest year by region (a choropleth, a table, and the best-to-worst ratio, coefficient of
variation and Gini across regions), the same measures year by year with each year's region
layout, and the urban-rural gap over every year held with its least-squares trend. It needs no
speed tiles. Only Kazakhstan has these data: for any other country the section is absent.

Regions are compared only within one layout (docs/regions.md): a year's measures are taken
across that year's regions, a change between two years is shown only when both have the same
layout, and a year whose regions were redrawn is marked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...analysis.breakdowns import BreakdownTable, breakdown_table
from ...analysis.inequality import best_to_worst, coefficient_of_variation, gini
from ...analysis.trend import fit
from ...errors import InfosocError, NotFoundError
from ...geo.kz_regions import kz_region
from ...i18n.format import MISSING
from ..context import Context
from ..model import Cell, Chart, MapChart, Section, Table
from .two_measures import two_measures

CODE = "KZ.SDG.17.8.1"
URBAN, RURAL, TOTAL = "urban", "rural", "total"  # columns of breakdown_table
#: Simplification of the region outlines, in degrees (about 5 km: under a pixel on the map,
#: and the inline SVG weighs about 32 kB instead of 1.2 MB, which WeasyPrint draws faster).
MAP_TOLERANCE = 0.05
#: The gap's trend is also fitted over this many last years, when the series is long enough.
RECENT_YEARS = 5
Fact = tuple[str, Cell]


@dataclass(frozen=True)
class _Year:
    """One year's values by region (regions without a value left out) and the measures."""

    period: str
    layout: str | None
    values: dict[str, float]
    total: float | None
    ratio: float | None
    cv: float | None
    gini: float | None


def official_divide_section(ctx: Context) -> Section | None:
    """The section on ``ctx``'s country: None for a country the store has no values of
    ``CODE`` for (any but Kazakhstan); for Kazakhstan without them, a sentence saying so."""
    loc = ctx.loc
    rows = ctx.store.breakdowns(CODE, ctx.iso3)
    if not rows and ctx.iso3 != "KAZ":
        return None  # the Bureau's figures are Kazakhstan's: elsewhere the section is absent
    section = Section("official-divide", loc._("The divide inside Kazakhstan: official statistics"))
    build = _Builder(ctx, section, rows)
    regions, areas = build.table("region"), build.table("urbanisation")
    if regions is None and areas is None:
        section.missing = loc._(
            "The store holds no official figures on internet use by region or by urban and "
            "rural areas (indicator_17-8-1.csv of the Bureau of National Statistics, source "
            "kz-bns-sdg)."
        )
        return section
    section.paragraphs.append(
        loc._(
            "The Bureau of National Statistics measures the share of individuals using the "
            "internet in its yearly household survey on ICT use (SDG indicator 17.8.1), for "
            "each region and for urban and rural areas. It counts people, not connections or "
            "speeds, and differs from the ITU estimate in the connectivity section. Each region "
            "counts once, whatever its population."
        )
    )
    # Key figures: the country and its areas, then the regions; the rest in the order built.
    region_facts = build.regions(regions) if regions is not None else []
    area_facts = build.urban_rural(areas) if areas is not None else []
    section.facts = area_facts + region_facts
    compared = two_measures(ctx)  # the ITU estimate beside the survey: neither hidden
    if compared is not None:
        section.tables.append(compared[0])
        section.paragraphs.append(compared[1])
    cells = {URBAN: loc._("Urban areas"), RURAL: loc._("Rural areas"), TOTAL: ctx.name}
    for table in (regions, areas):
        for c in table.conflicts if table is not None else []:
            section.notes_after.append(
                loc._(
                    "%(year)s, %(cell)s: the Bureau publishes %(values)s; the cell is left empty.",
                    year=c.period,
                    cell=cells.get(c.column) or build.name(c.column),
                    values=" / ".join(loc.auto(v) for v in c.values),
                )
            )
    return section


class _Builder:
    """The parts of the section, each number cited to the file of its year."""

    def __init__(self, ctx: Context, section: Section, rows: Sequence[Mapping[str, Any]]):
        self.ctx, self.loc, self.section = ctx, ctx.loc, section
        # The files of each period's newest release: the one breakdown_table answers with.
        newest: dict[str, str] = {}
        for r in rows:
            newest[r["period"]] = max(newest.get(r["period"], ""), str(r["released"] or ""))
        self.files: dict[str, list[str]] = {}
        for r in rows:
            names = self.files.setdefault(r["period"], [])
            if str(r["released"] or "") == newest[r["period"]] and r["file_name"] not in names:
                names.append(r["file_name"])

    def table(self, by: str) -> BreakdownTable | None:
        try:
            return breakdown_table(self.ctx.store, CODE, self.ctx.iso3, by)
        except NotFoundError:
            return None

    def cite(self, *periods: str) -> tuple[int, ...]:
        return self.ctx.notes.files(name for p in periods for name in self.files.get(p, []))

    def name(self, code: str) -> str:
        try:
            return kz_region(code).name(self.loc.lang)
        except InfosocError:
            return code

    # By region -------------------------------------------------------------------------------
    def regions(self, table: BreakdownTable) -> list[Fact]:
        """The latest year by region (sentence, map, table) and the measures year by year;
        the latest year's key figures are returned."""
        loc, section = self.loc, self.section
        years = _years(table)
        if not years:
            section.paragraphs.append(
                loc._("The Bureau's file gives no year with values for two regions or more.")
            )
            return []
        latest = years[-1]
        notes, year = self.cite(latest.period), latest.period
        high, low = max(latest.values.values()), min(latest.values.values())
        best, worst = self._named(latest, high), self._named(latest, low)
        facts = [
            (loc._("Highest region, %(year)s", year=year), Cell(f"{best}: {loc.pct(high)}", notes)),
            (loc._("Lowest region, %(year)s", year=year), Cell(f"{worst}: {loc.pct(low)}", notes)),
            (
                loc._("Best ÷ worst region, %(year)s", year=year),
                Cell(loc.num(latest.ratio, 2), notes),
            ),
            (
                loc._("Coefficient of variation across regions, %(year)s", year=year),
                Cell(loc.num(latest.cv, 3), notes),
            ),
            (
                loc._("Gini index across regions, %(year)s", year=year),
                Cell(loc.num(latest.gini, 3), notes),
            ),
        ]
        section.paragraphs.append(
            loc._(
                "In %(year)s the share of individuals using the internet ranged from %(low)s in "
                "%(worst)s to %(high)s in %(best)s, across the %(n)s regions as drawn since "
                "%(layout)s: the best region's share is %(ratio)s times the worst's, with a "
                "coefficient of variation of %(cv)s and a Gini index of %(gini)s.",
                year=year,
                low=loc.pct(low),
                worst=worst,
                high=loc.pct(high),
                best=best,
                layout=latest.layout or MISSING,
                n=loc.num(len(latest.values)),
                ratio=loc.num(latest.ratio, 2),
                cv=loc.num(latest.cv, 3),
                gini=loc.num(latest.gini, 3),
            )
        )
        chart = self._map(latest, notes)
        if chart is not None:
            section.charts.append(chart)
        elif latest.layout is not None:
            section.notes_after.append(
                loc._("The map is left out: the region boundaries could not be read.")
            )
        before = years[-2] if len(years) > 1 else None
        section.tables.append(self._region_table(latest, before, notes))
        if before is not None and before.layout != latest.layout:
            section.notes_after.append(
                loc._(
                    "%(year)s is not compared with %(before)s: the regions were redrawn in "
                    "between, so a region of one year is not the same territory in the other.",
                    year=year,
                    before=before.period,
                )
            )
        if len(years) > 1:
            self._years_table(years)
        return facts

    def _named(self, year: _Year, value: float) -> str:
        """The regions with ``value`` (ties named together)."""
        return ", ".join(sorted(self.name(c) for c, x in year.values.items() if x == value))

    def _region_table(self, year: _Year, before: _Year | None, notes: tuple[int, ...]) -> Table:
        loc = self.loc
        # A change is shown only between two years of one layout: a redrawn region is another
        # territory under the same code.
        old = before if before is not None and before.layout == year.layout else None
        high, low = max(year.values.values()), min(year.values.values())
        columns = [
            Cell(loc._("Rank"), numeric=True),
            Cell(loc._("Region")),
            Cell(loc._("Individuals using the internet, %%"), notes, numeric=True),
        ]
        if old is not None:
            columns.append(Cell(loc._("Change since %(year)s, pp", year=old.period), numeric=True))
        ranked = sorted(year.values.items(), key=lambda kv: (-kv[1], self.name(kv[0])))
        rows = []
        for rank, (code, value) in enumerate(ranked, start=1):
            mark = loc._("highest") if value == high else loc._("lowest") if value == low else ""
            rows.append(
                [
                    Cell(loc.num(rank), numeric=True),
                    Cell(self.name(code), sub=mark),
                    Cell(loc.pct(value), numeric=True),
                ]
            )
            if old is not None:
                change = value - old.values[code] if code in old.values else None
                rows[-1].append(Cell(self.loc.signed(change), numeric=True))
        rows.append([Cell(""), Cell(self.ctx.name), Cell(loc.pct(year.total), numeric=True)])
        if old is not None:
            now, then = year.total, old.total
            change = now - then if now is not None and then is not None else None
            rows[-1].append(Cell(self.loc.signed(change), numeric=True))
        caption = loc._(
            "Individuals using the internet by region, %(year)s (regions as drawn since "
            "%(layout)s)",
            year=year.period,
            layout=year.layout or MISSING,
        )
        widths = (9, 45, 24, 22) if old is not None else (10, 55, 35)
        return Table(columns, rows, caption=caption, css="official-regions", widths=widths)

    def _years_table(self, years: Sequence[_Year]) -> None:
        loc = self.loc
        columns = [
            Cell(loc._("Year")),
            Cell(loc._("Regions"), numeric=True),
            Cell(loc._("Regions as drawn since"), numeric=True),
            Cell(loc._("Best ÷ worst region"), numeric=True),
            Cell(loc._("Coefficient of variation"), numeric=True),
            Cell(loc._("Gini"), numeric=True),
        ]
        rows, changes = [], []
        for i, y in enumerate(years):
            before = years[i - 1] if i else None
            redrawn = before is not None and before.layout != y.layout
            if redrawn and before is not None:
                changes.append(
                    loc._(
                        "%(year)s: %(before)s → %(after)s",
                        year=y.period,
                        before=loc.num(len(before.values)),
                        after=loc.num(len(y.values)),
                    )
                )
            rows.append(
                [
                    Cell(y.period + (" †" if redrawn else ""), self.cite(y.period)),
                    Cell(loc.num(len(y.values)), numeric=True),
                    Cell(y.layout or MISSING, numeric=True),
                    Cell(loc.num(y.ratio, 2), numeric=True),
                    Cell(loc.num(y.cv, 3), numeric=True),
                    Cell(loc.num(y.gini, 3), numeric=True),
                ]
            )
        caption = loc._("Internet use across regions, year by year")
        self.section.tables.append(
            Table(
                columns,
                rows,
                caption=caption,
                css="official-years",
                widths=(14, 12, 18, 20, 20, 16),
            )
        )
        if changes:
            self.section.notes_after.append(
                loc._(
                    "† The regions were redrawn before this year (number of regions: "
                    "%(changes)s): the measures on either side are taken across different sets "
                    "of regions and are not strictly comparable.",
                    changes="; ".join(changes),
                )
            )

    def _map(self, year: _Year, notes: tuple[int, ...]) -> MapChart | None:
        """The choropleth of ``year`` on the boundaries of its layout; None when they cannot
        be read (the table holds the same values)."""
        loc = self.loc
        if year.layout is None:
            return None
        try:
            import shapely
            from shapely.geometry import mapping

            from ...geo.kz_boundaries import kz_official_regions
        except ImportError:
            return None
        try:  # the official boundaries (geokz) where they draw the year's layout
            boundaries = kz_official_regions(year.layout)
            credit = loc._("Region boundaries: geokz (regions by KATO code), CC BY 4.0.")
        except (ImportError, InfosocError):
            try:  # else OpenStreetMap's, merged to the layout through the crosswalk
                boundaries = self.ctx.data.divide.regions(country="KAZ", layout=year.layout)
            except InfosocError:
                return None
            credit = loc._("Region boundaries: © OpenStreetMap contributors, ODbL 1.0.")
        notes = notes + self.ctx.notes.text("boundaries:" + credit, credit)
        outlines = shapely.simplify(boundaries.geometries, MAP_TOLERANCE, preserve_topology=True)
        return MapChart(
            "official-regions",
            [
                {"region": k, "name": self.name(k), "value": year.values.get(k)}
                for k in boundaries.keys
            ],
            "region",
            "value",
            "name",
            title=loc._("Individuals using the internet by region, %(year)s", year=year.period),
            x_title="",
            y_title="",
            legend_title=loc._("%% of individuals"),
            source=Cell(loc._("Source:"), notes),
            shapes={k: mapping(g) for k, g in zip(boundaries.keys, outlines, strict=True)},
        )

    # Urban and rural areas -------------------------------------------------------------------
    def urban_rural(self, table: BreakdownTable) -> list[Fact]:
        """Urban and rural areas over every year held, and the gap with its least-squares
        trend; the latest year's key figures are returned."""
        loc, section = self.loc, self.section
        rows = [r for r in table.rows if r.get(URBAN) is not None or r.get(RURAL) is not None]
        if not rows:
            return []
        gaps = {
            r["period"]: float(r[URBAN]) - float(r[RURAL])
            for r in rows
            if r.get(URBAN) is not None and r.get(RURAL) is not None
        }
        line = fit([int(p) for p in gaps], list(gaps.values()))
        labels = {URBAN: loc._("Urban areas"), RURAL: loc._("Rural areas")}
        latest = rows[-1]
        year = latest["period"]
        notes = self.cite(year)
        facts: list[Fact] = []
        if latest.get(TOTAL) is not None:
            label = loc._("Individuals using the internet, %(year)s", year=year)
            facts.append((label, Cell(loc.pct(latest[TOTAL]), notes)))
        facts += [
            (
                loc._("%(area)s, %(year)s", area=labels[k], year=year),
                Cell(loc.pct(latest[k]), notes),
            )
            for k in (URBAN, RURAL)
            if latest.get(k) is not None
        ]
        if year in gaps:
            label = loc._("Urban − rural gap, %(year)s, pp", year=year)
            facts.append((label, Cell(loc.num(gaps[year], 1), notes)))
        section.paragraphs.append(
            loc._(
                "In %(year)s, %(urban)s of people in urban areas and %(rural)s in rural areas "
                "used the internet.",
                year=year,
                urban=loc.pct(latest.get(URBAN)),
                rural=loc.pct(latest.get(RURAL)),
            )
        )
        if line is not None:
            label = loc._(
                "Trend of the gap, %(first)s–%(last)s, pp a year (least squares)",
                first=min(gaps),
                last=max(gaps),
            )
            facts.append((label, Cell(self.loc.signed(line.slope, 2), self.cite(*gaps))))
            section.paragraphs.append(self._gap_sentence(gaps, line.slope))
        section.charts.append(
            Chart(
                "official-urban-rural",
                [
                    {"year": int(r["period"]), "value": r.get(k), "area": labels[k]}
                    for k in (URBAN, RURAL)
                    for r in rows
                ],
                "year",
                "value",
                "area",
                title=loc._("Individuals using the internet in urban and rural areas"),
                x_title=loc._("Year"),
                y_title=loc._("%% of individuals"),
                legend_title=None,
                source=Cell(loc._("Source:"), self.cite(*(r["period"] for r in rows))),
            )
        )
        section.tables.append(self._gap_table(rows, gaps))
        section.notes_after.append(
            loc._(
                "The gap is the urban share minus the rural share, in percentage points. Its "
                "trend is the slope of the least-squares line through the years given, in points "
                "a year; a negative slope is a gap closing."
            )
        )
        return facts

    def _gap_sentence(self, gaps: Mapping[str, float], slope: float) -> str:
        """What the gap did, in numbers: its first and last values and its trend over every
        year and, when the series is long, over the last ``RECENT_YEARS`` (a straight line
        through a gap that closed fast and then slowly averages the two paces)."""
        loc, years = self.loc, sorted(gaps)
        values = {
            "first": loc.num(gaps[years[0]], 1),
            "first_year": years[0],
            "last": loc.num(gaps[years[-1]], 1),
            "last_year": years[-1],
            "slope": self.loc.signed(slope, 2),
        }
        recent = years[-RECENT_YEARS:]
        line = fit([int(y) for y in recent], [gaps[y] for y in recent])
        if len(years) < RECENT_YEARS + 3 or line is None:
            return loc._(
                "The urban–rural gap went from %(first)s percentage points in %(first_year)s to "
                "%(last)s in %(last_year)s; its trend, fitted by least squares over "
                "%(first_year)s–%(last_year)s, is %(slope)s points a year.",
                **values,
            )
        return loc._(
            "The urban–rural gap went from %(first)s percentage points in %(first_year)s to "
            "%(last)s in %(last_year)s; its trend, fitted by least squares, is %(slope)s points "
            "a year over %(first_year)s–%(last_year)s and %(recent)s over %(recent_year)s–"
            "%(last_year)s.",
            recent=self.loc.signed(line.slope, 2),
            recent_year=recent[0],
            **values,
        )

    def _gap_table(self, rows: Sequence[Mapping[str, Any]], gaps: Mapping[str, float]) -> Table:
        loc = self.loc
        columns = [
            Cell(loc._("Year")),
            Cell(loc._("Total, %%"), numeric=True),
            Cell(loc._("Urban areas, %%"), numeric=True),
            Cell(loc._("Rural areas, %%"), numeric=True),
            Cell(loc._("Gap, pp"), numeric=True),
            Cell(loc._("Change of the gap, pp"), numeric=True),
        ]
        body = []
        for i, r in enumerate(rows):
            gap, old = gaps.get(r["period"]), gaps.get(rows[i - 1]["period"]) if i else None
            change = gap - old if gap is not None and old is not None else None
            body.append(
                [
                    Cell(r["period"], self.cite(r["period"])),
                    *[Cell(loc.pct(r.get(k)), numeric=True) for k in (TOTAL, URBAN, RURAL)],
                    Cell(loc.num(gap, 1), numeric=True),
                    Cell(self.loc.signed(change), numeric=True),
                ]
            )
        caption = loc._("Internet use in urban and rural areas, and the gap")
        return Table(
            columns, body, caption=caption, css="official-gap", widths=(12, 16, 18, 18, 14, 22)
        )


def _years(table: BreakdownTable) -> list[_Year]:
    """Every year with values for at least two regions, with the measures across them (each
    region counts once)."""
    years = []
    for row in table.rows:
        values = {c: float(row[c]) for c in table.columns[2:] if row.get(c) is not None}
        if len(values) < 2:
            continue
        xs = list(values.values())
        layout = table.layouts.get(row["period"])
        ratio, cv, g = best_to_worst(xs), coefficient_of_variation(xs), gini(xs)
        years.append(_Year(row["period"], layout, values, row.get(TOTAL), ratio, cv, g))
    return years
