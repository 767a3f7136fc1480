"""The section on the digital divide between regions, from Ookla's speed tiles: one row per
quarter held, and the trend of the Gini index."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...errors import InfosocError
from ..context import Context
from ..localiser import Localiser
from ..model import Cell, Section, Table

MEASURE = "median_download_mbps"


def divide_section(ctx: Context) -> Section:
    """The divide's indicators quarter by quarter; without tiles, how to get them; when they
    cannot be measured, why."""
    loc = ctx.loc
    section = Section("divide", loc._("The digital divide inside the country"))
    if not ctx.data.divide.quarters("fixed"):
        section.missing = loc._(
            "No speed-tile files are held, so the divide between regions cannot be measured. "
            "Fetch a quarter of Ookla's open tiles with “infosoc divide tiles --network fixed "
            "--period YEAR-QN” (or put them in the data folder under "
            "speed/ookla_open_data_tiles/), then make the report again."
        )
        return section
    try:
        report = ctx.data.divide.report(ctx.iso3, lang=loc.lang)
    except InfosocError as exc:
        section.missing = _why_not_measured(ctx, exc)
        return section
    quarters = report.get("quarters") or []
    if not quarters:
        section.missing = loc._("The speed tiles held give no quarter to report on.")
        return section
    section.tables.append(_quarters_table(ctx, quarters))
    section.paragraphs.append(_trend_sentence(loc, report))
    section.notes_after.append(
        loc._(
            "Regions with too few tests (fewer than %(n)s) are left out of the indicators, "
            "never counted as 0.",
            n=loc.num(report.get("min_tests")),
        )
    )
    return section


def _why_not_measured(ctx: Context, exc: InfosocError) -> str:
    """The sentence saying why the tiles held could not be measured: the boundaries missing
    (checked on their own, so that a fault in a tile file is never blamed on them), or the
    error itself."""
    loc = ctx.loc
    try:
        ctx.data.divide.regions(country=ctx.iso3, layout="2022")
    except InfosocError:
        return loc._(
            "Speed tiles are held, but the divide cannot be measured without the region "
            "boundaries of %(country)s (infosoc ships Kazakhstan's; they are read from the data "
            "folder given with --from).",
            country=ctx.name,
        )
    return loc._(
        "Speed tiles are held, but the divide could not be measured: %(reason)s",
        reason=" ".join(str(exc).split()),
    )


def _quarters_table(ctx: Context, quarters: list[Mapping[str, Any]]) -> Table:
    loc = ctx.loc
    columns = [
        Cell(loc._("Quarter")),
        Cell(loc._("Regions reported"), numeric=True),
        Cell(loc._("Tests"), numeric=True),
        Cell(loc._("Best ÷ worst region"), numeric=True),
        Cell(loc._("Coefficient of variation"), numeric=True),
        Cell(loc._("Gini"), numeric=True),
        Cell(loc._("Theil"), numeric=True),
        Cell(loc._("Town ÷ village"), numeric=True),
    ]
    body = []
    for q in quarters:
        ind = q["indicators"][MEASURE]
        gap = (q.get("town_village") or {}).get("gap") or {}
        notes = ctx.notes.text(
            "tiles:" + q["file"],
            loc._(
                "Ookla Open Data speed tiles, %(quarter)s (file %(file)s), CC BY-NC-SA 4.0.",
                quarter=loc.period(q["quarter"]),
                file=q["file"].rsplit("/", 1)[-1],
            ),
        )
        body.append(
            [
                Cell(loc.period(q["quarter"]), notes),
                Cell(loc.num(q.get("regions_reported")), numeric=True),
                Cell(loc.num(q.get("tests")), numeric=True),
                Cell(loc.num(ind.get("best_to_worst"), 2), numeric=True),
                Cell(loc.num(ind.get("coefficient_of_variation"), 3), numeric=True),
                Cell(loc.num(ind.get("gini"), 3), numeric=True),
                Cell(loc.num(ind.get("theil"), 3), numeric=True),
                Cell(loc.num(gap.get(f"{MEASURE}_ratio"), 2), numeric=True),
            ]
        )
    return Table(
        columns,
        body,
        caption=loc._("Median download speed across regions, by quarter"),
        css="divide",
        widths=(12, 11, 12, 13, 14, 12, 12, 14),
    )


def _trend_sentence(loc: Localiser, report: Mapping[str, Any]) -> str:
    trend = next(
        (
            t
            for t in report.get("trends") or ()
            if t.get("measure") == MEASURE and t.get("indicator") == "gini"
        ),
        None,
    )
    if not trend or trend.get("per_quarter") is None:
        return loc._("One quarter is held, so the divide's trend cannot be estimated yet.")
    return loc._(
        "Over %(n)s quarters the Gini index of the regions' median download speed changes by "
        "%(slope)s a quarter (least squares).",
        n=loc.num(trend["quarters"]),
        slope=loc.signed(trend["per_quarter"], 4),
    )
