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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import InfosocError, NotFoundError
from ..geo.kz_regions import kz_region
from ..i18n.format import MISSING
from .country import Cell, Chart, Section, Table
from .two_measures import two_measures

if TYPE_CHECKING:
    from ..analysis.breakdowns import BreakdownTable
    from .country import _Context

# The analysis modules (numpy, the store) are imported where used: render.py imports this
# module for MapChart, and the process that draws the report must start fast.

CODE = "KZ.SDG.17.8.1"
URBAN, RURAL, TOTAL = "urban", "rural", "total"  # columns of breakdown_table
#: Simplification of the region outlines, in degrees (about 5 km: under a pixel on the map,
#: and the inline SVG weighs about 32 kB instead of 1.2 MB, which WeasyPrint draws faster).
MAP_TOLERANCE = 0.05
#: The gap's trend is also fitted over this many last years, when the series is long enough.
RECENT_YEARS = 5
Fact = tuple[str, Cell]


@dataclass
class MapChart(Chart):
    """A choropleth of regions: ``rows`` hold ``region`` (the code), ``name`` and ``value``
    (None: no data); ``shapes`` each region's outline as a GeoJSON geometry, simplified when
    gathered so that the report stays small to send to the renderer. render.py draws it."""

    shapes: dict[str, dict[str, Any]] = field(default_factory=dict)
    width: int = 560
    height: int = 330


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


def official_divide(ctx: _Context) -> Section | None:
    """The section on ``ctx``'s country: None for a country the store has no values of
    ``CODE`` for (any but Kazakhstan); for Kazakhstan without them, a sentence saying so."""
    s = ctx.s
    rows = ctx.store.breakdowns(CODE, ctx.iso3)
    if not rows and ctx.iso3 != "KAZ":
        return None  # the Bureau's figures are Kazakhstan's: elsewhere the section is absent
    section = Section("official-divide", s._("The divide inside Kazakhstan: official statistics"))
    build = _Builder(ctx, section, rows)
    regions, areas = build.table("region"), build.table("urbanisation")
    if regions is None and areas is None:
        section.missing = s._(
            "The store holds no official figures on internet use by region or by urban and "
            "rural areas (indicator_17-8-1.csv of the Bureau of National Statistics, source "
            "kz-bns-sdg)."
        )
        return section
    section.paragraphs.append(
        s._(
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
    cells = {URBAN: s._("Urban areas"), RURAL: s._("Rural areas"), TOTAL: ctx.name}
    for table in (regions, areas):
        for c in table.conflicts if table is not None else []:
            section.notes_after.append(
                s._(
                    "%(year)s, %(cell)s: the Bureau publishes %(values)s; the cell is left empty.",
                    year=c.period,
                    cell=cells.get(c.column) or build.name(c.column),
                    values=" / ".join(s.auto(v) for v in c.values),
                )
            )
    return section


class _Builder:
    """The parts of the section, each number cited to the file of its year."""

    def __init__(self, ctx: _Context, section: Section, rows: Sequence[Mapping[str, Any]]):
        self.ctx, self.s, self.section = ctx, ctx.s, section
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
        from ..analysis.breakdowns import breakdown_table

        try:
            return breakdown_table(self.ctx.store, CODE, self.ctx.iso3, by)
        except NotFoundError:
            return None

    def cite(self, *periods: str) -> tuple[int, ...]:
        return self.ctx.notes.files(name for p in periods for name in self.files.get(p, []))

    def signed(self, value: float | None, digits: int = 1) -> str:
        if value is None:
            return MISSING
        sign = "+" if value > 0 else "−" if value < 0 else ""
        return sign + self.s.num(abs(value), digits)

    def name(self, code: str) -> str:
        try:
            return kz_region(code).name(self.s.lang)
        except InfosocError:
            return code

    # By region -------------------------------------------------------------------------------
    def regions(self, table: BreakdownTable) -> list[Fact]:
        """The latest year by region (sentence, map, table) and the measures year by year;
        the latest year's key figures are returned."""
        s, section = self.s, self.section
        years = _years(table)
        if not years:
            section.paragraphs.append(
                s._("The Bureau's file gives no year with values for two regions or more.")
            )
            return []
        latest = years[-1]
        notes, year = self.cite(latest.period), latest.period
        high, low = max(latest.values.values()), min(latest.values.values())
        best, worst = self._named(latest, high), self._named(latest, low)
        facts = [
            (s._("Highest region, %(year)s", year=year), Cell(f"{best}: {s.pct(high)}", notes)),
            (s._("Lowest region, %(year)s", year=year), Cell(f"{worst}: {s.pct(low)}", notes)),
            (s._("Best ÷ worst region, %(year)s", year=year), Cell(s.num(latest.ratio, 2), notes)),
            (
                s._("Coefficient of variation across regions, %(year)s", year=year),
                Cell(s.num(latest.cv, 3), notes),
            ),
            (
                s._("Gini index across regions, %(year)s", year=year),
                Cell(s.num(latest.gini, 3), notes),
            ),
        ]
        section.paragraphs.append(
            s._(
                "In %(year)s the share of individuals using the internet ranged from %(low)s in "
                "%(worst)s to %(high)s in %(best)s, across the %(n)s regions as drawn since "
                "%(layout)s: the best region's share is %(ratio)s times the worst's, with a "
                "coefficient of variation of %(cv)s and a Gini index of %(gini)s.",
                year=year,
                low=s.pct(low),
                worst=worst,
                high=s.pct(high),
                best=best,
                layout=latest.layout or MISSING,
                n=s.num(len(latest.values)),
                ratio=s.num(latest.ratio, 2),
                cv=s.num(latest.cv, 3),
                gini=s.num(latest.gini, 3),
            )
        )
        chart = self._map(latest, notes)
        if chart is not None:
            section.charts.append(chart)
        elif latest.layout is not None:
            section.notes_after.append(
                s._("The map is left out: the region boundaries could not be read.")
            )
        before = years[-2] if len(years) > 1 else None
        section.tables.append(self._region_table(latest, before, notes))
        if before is not None and before.layout != latest.layout:
            section.notes_after.append(
                s._(
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
        s = self.s
        # A change is shown only between two years of one layout: a redrawn region is another
        # territory under the same code.
        old = before if before is not None and before.layout == year.layout else None
        high, low = max(year.values.values()), min(year.values.values())
        columns = [
            Cell(s._("Rank"), numeric=True),
            Cell(s._("Region")),
            Cell(s._("Individuals using the internet, %%"), notes, numeric=True),
        ]
        if old is not None:
            columns.append(Cell(s._("Change since %(year)s, pp", year=old.period), numeric=True))
        ranked = sorted(year.values.items(), key=lambda kv: (-kv[1], self.name(kv[0])))
        rows = []
        for rank, (code, value) in enumerate(ranked, start=1):
            mark = s._("highest") if value == high else s._("lowest") if value == low else ""
            rows.append(
                [
                    Cell(s.num(rank), numeric=True),
                    Cell(self.name(code), sub=mark),
                    Cell(s.pct(value), numeric=True),
                ]
            )
            if old is not None:
                change = value - old.values[code] if code in old.values else None
                rows[-1].append(Cell(self.signed(change), numeric=True))
        rows.append([Cell(""), Cell(self.ctx.name), Cell(s.pct(year.total), numeric=True)])
        if old is not None:
            now, then = year.total, old.total
            change = now - then if now is not None and then is not None else None
            rows[-1].append(Cell(self.signed(change), numeric=True))
        caption = s._(
            "Individuals using the internet by region, %(year)s (regions as drawn since "
            "%(layout)s)",
            year=year.period,
            layout=year.layout or MISSING,
        )
        widths = (9, 45, 24, 22) if old is not None else (10, 55, 35)
        return Table(columns, rows, caption=caption, css="official-regions", widths=widths)

    def _years_table(self, years: Sequence[_Year]) -> None:
        s = self.s
        columns = [
            Cell(s._("Year")),
            Cell(s._("Regions"), numeric=True),
            Cell(s._("Regions as drawn since"), numeric=True),
            Cell(s._("Best ÷ worst region"), numeric=True),
            Cell(s._("Coefficient of variation"), numeric=True),
            Cell(s._("Gini"), numeric=True),
        ]
        rows, changes = [], []
        for i, y in enumerate(years):
            before = years[i - 1] if i else None
            redrawn = before is not None and before.layout != y.layout
            if redrawn and before is not None:
                changes.append(
                    s._(
                        "%(year)s: %(before)s → %(after)s",
                        year=y.period,
                        before=s.num(len(before.values)),
                        after=s.num(len(y.values)),
                    )
                )
            rows.append(
                [
                    Cell(y.period + (" †" if redrawn else ""), self.cite(y.period)),
                    Cell(s.num(len(y.values)), numeric=True),
                    Cell(y.layout or MISSING, numeric=True),
                    Cell(s.num(y.ratio, 2), numeric=True),
                    Cell(s.num(y.cv, 3), numeric=True),
                    Cell(s.num(y.gini, 3), numeric=True),
                ]
            )
        caption = s._("Internet use across regions, year by year")
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
                s._(
                    "† The regions were redrawn before this year (number of regions: "
                    "%(changes)s): the measures on either side are taken across different sets "
                    "of regions and are not strictly comparable.",
                    changes="; ".join(changes),
                )
            )

    def _map(self, year: _Year, notes: tuple[int, ...]) -> MapChart | None:
        """The choropleth of ``year`` on the boundaries of its layout; None when they cannot
        be read (the table holds the same values)."""
        s = self.s
        if year.layout is None:
            return None
        try:
            import shapely
            from shapely.geometry import mapping

            from ..geo.kz_boundaries import kz_official_regions
        except ImportError:
            return None
        try:  # the official boundaries (geokz) where they draw the year's layout
            boundaries = kz_official_regions(year.layout)
            credit = s._("Region boundaries: geokz (regions by KATO code), CC BY 4.0.")
        except (ImportError, InfosocError):
            try:  # else OpenStreetMap's, merged to the layout through the crosswalk
                boundaries = self.ctx.obs.divide.regions(country="KAZ", layout=year.layout)
            except InfosocError:
                return None
            credit = s._("Region boundaries: © OpenStreetMap contributors, ODbL 1.0.")
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
            title=s._("Individuals using the internet by region, %(year)s", year=year.period),
            x_title="",
            y_title="",
            legend_title=s._("%% of individuals"),
            source=Cell(s._("Source:"), notes),
            shapes={k: mapping(g) for k, g in zip(boundaries.keys, outlines, strict=True)},
        )

    # Urban and rural areas -------------------------------------------------------------------
    def urban_rural(self, table: BreakdownTable) -> list[Fact]:
        """Urban and rural areas over every year held, and the gap with its least-squares
        trend; the latest year's key figures are returned."""
        from ..analysis.trend import fit

        s, section = self.s, self.section
        rows = [r for r in table.rows if r.get(URBAN) is not None or r.get(RURAL) is not None]
        if not rows:
            return []
        gaps = {
            r["period"]: float(r[URBAN]) - float(r[RURAL])
            for r in rows
            if r.get(URBAN) is not None and r.get(RURAL) is not None
        }
        line = fit([int(p) for p in gaps], list(gaps.values()))
        labels = {URBAN: s._("Urban areas"), RURAL: s._("Rural areas")}
        latest = rows[-1]
        year = latest["period"]
        notes = self.cite(year)
        facts: list[Fact] = []
        if latest.get(TOTAL) is not None:
            label = s._("Individuals using the internet, %(year)s", year=year)
            facts.append((label, Cell(s.pct(latest[TOTAL]), notes)))
        facts += [
            (s._("%(area)s, %(year)s", area=labels[k], year=year), Cell(s.pct(latest[k]), notes))
            for k in (URBAN, RURAL)
            if latest.get(k) is not None
        ]
        if year in gaps:
            label = s._("Urban − rural gap, %(year)s, pp", year=year)
            facts.append((label, Cell(s.num(gaps[year], 1), notes)))
        section.paragraphs.append(
            s._(
                "In %(year)s, %(urban)s of people in urban areas and %(rural)s in rural areas "
                "used the internet.",
                year=year,
                urban=s.pct(latest.get(URBAN)),
                rural=s.pct(latest.get(RURAL)),
            )
        )
        if line is not None:
            label = s._(
                "Trend of the gap, %(first)s–%(last)s, pp a year (least squares)",
                first=min(gaps),
                last=max(gaps),
            )
            facts.append((label, Cell(self.signed(line.slope, 2), self.cite(*gaps))))
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
                title=s._("Individuals using the internet in urban and rural areas"),
                x_title=s._("Year"),
                y_title=s._("%% of individuals"),
                legend_title=None,
                source=Cell(s._("Source:"), self.cite(*(r["period"] for r in rows))),
            )
        )
        section.tables.append(self._gap_table(rows, gaps))
        section.notes_after.append(
            s._(
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
        from ..analysis.trend import fit

        s, years = self.s, sorted(gaps)
        values = {
            "first": s.num(gaps[years[0]], 1),
            "first_year": years[0],
            "last": s.num(gaps[years[-1]], 1),
            "last_year": years[-1],
            "slope": self.signed(slope, 2),
        }
        recent = years[-RECENT_YEARS:]
        line = fit([int(y) for y in recent], [gaps[y] for y in recent])
        if len(years) < RECENT_YEARS + 3 or line is None:
            return s._(
                "The urban–rural gap went from %(first)s percentage points in %(first_year)s to "
                "%(last)s in %(last_year)s; its trend, fitted by least squares over "
                "%(first_year)s–%(last_year)s, is %(slope)s points a year.",
                **values,
            )
        return s._(
            "The urban–rural gap went from %(first)s percentage points in %(first_year)s to "
            "%(last)s in %(last_year)s; its trend, fitted by least squares, is %(slope)s points "
            "a year over %(first_year)s–%(last_year)s and %(recent)s over %(recent_year)s–"
            "%(last_year)s.",
            recent=self.signed(line.slope, 2),
            recent_year=recent[0],
            **values,
        )

    def _gap_table(self, rows: Sequence[Mapping[str, Any]], gaps: Mapping[str, float]) -> Table:
        s = self.s
        columns = [
            Cell(s._("Year")),
            Cell(s._("Total, %%"), numeric=True),
            Cell(s._("Urban areas, %%"), numeric=True),
            Cell(s._("Rural areas, %%"), numeric=True),
            Cell(s._("Gap, pp"), numeric=True),
            Cell(s._("Change of the gap, pp"), numeric=True),
        ]
        body = []
        for i, r in enumerate(rows):
            gap, old = gaps.get(r["period"]), gaps.get(rows[i - 1]["period"]) if i else None
            change = gap - old if gap is not None and old is not None else None
            body.append(
                [
                    Cell(r["period"], self.cite(r["period"])),
                    *[Cell(s.pct(r.get(k)), numeric=True) for k in (TOTAL, URBAN, RURAL)],
                    Cell(s.num(gap, 1), numeric=True),
                    Cell(self.signed(change), numeric=True),
                ]
            )
        caption = s._("Internet use in urban and rural areas, and the gap")
        return Table(
            columns, body, caption=caption, css="official-gap", widths=(12, 16, 18, 18, 14, 22)
        )


def _years(table: BreakdownTable) -> list[_Year]:
    """Every year with values for at least two regions, with the measures across them (each
    region counts once)."""
    from ..analysis.inequality import best_to_worst, coefficient_of_variation, gini

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
