"""The section on connectivity: internet users, subscriptions, the latest speeds of each source,
and a chart of internet users beside the country's neighbours."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ...errors import InfosocError, NotFoundError
from ...geo.countries import country as geo_country
from ...i18n.format import MISSING
from ..context import Context, Figure
from ..localiser import Localiser
from ..model import Cell, Chart, Section, Table
from .speeds import speed_table

USERS_PCT = "IT.NET.USER.ZS"
USERS = "owid.internet_users"
POPULATION = "SP.POP.TOTL"
BROADBAND = "IT.NET.BBND.P2"
MOBILE = "IT.CEL.SETS.P2"
#: Years of connectivity shown in the tables (the charts show the whole series from 2000).
TABLE_YEARS = 10
CHART_FROM = "2000"


def connectivity_section(ctx: Context) -> Section:
    """Internet users, subscriptions and speeds, each table only when the store holds data."""
    loc = ctx.loc
    section = Section("connectivity", loc._("Connectivity"))
    users = _users_table(ctx)
    subscriptions = _subscriptions_table(ctx)
    speeds = speed_table(ctx)
    chart = _users_chart(ctx)
    section.tables += [t for t in (users, subscriptions, speeds) if t is not None]
    if chart is not None:
        section.charts.append(chart)
    if users is not None:
        section.notes_after.append(
            loc._(
                "Users ÷ population is checked against the published share: a difference of "
                "more than 0.5 percentage points is marked “no”. The two counts come from other "
                "files than the share, so a gap usually means another population estimate."
            )
        )
    if speeds is not None:
        section.notes_after.append(
            loc._(
                "Speeds from different sources are not comparable: each is a different "
                "statistic of different tests, named in the table. How each source measures:"
            )
        )
        section.notes_after += ctx.found.speed_methods
    if not section.tables:
        section.missing = loc._(
            "The store holds no connectivity data for %(country)s.", country=ctx.name
        )
    return section


def _by_period(rows: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {str(r["period"]): r for r in rows if r.get("value") is not None}


def _users_table(ctx: Context) -> Table | None:
    loc = ctx.loc
    try:
        rows = [dict(r) for r in ctx.data.penetration(ctx.iso3)]
    except NotFoundError:
        return None
    rows = [r for r in rows if r.get("published_pct") is not None or r.get("users") is not None]
    if not rows:
        return None
    rows = rows[-TABLE_YEARS:]
    years = {str(r["year"]) for r in rows}
    files = {
        code: _by_period(ctx.series(code, [ctx.iso3])) for code in (USERS_PCT, USERS, POPULATION)
    }

    def notes(code: str) -> tuple[int, ...]:
        return ctx.notes.files(r["file_name"] for p, r in files[code].items() if p in years)

    latest = next((r for r in reversed(rows) if r.get("published_pct") is not None), None)
    if latest is not None:
        ctx.found.users = Figure(str(latest["year"]), latest["published_pct"], notes(USERS_PCT))
    columns = [
        Cell(loc._("Year")),
        Cell(loc._("Share online, %% (published)"), notes(USERS_PCT), numeric=True),
        Cell(loc._("Users"), notes(USERS), numeric=True),
        Cell(loc._("Population"), notes(POPULATION), numeric=True),
        Cell(loc._("Users ÷ population, %%"), numeric=True),
        Cell(loc._("Difference, pp"), numeric=True),
        Cell(loc._("Consistent")),
    ]
    body = [
        [
            Cell(str(r["year"])),
            Cell(loc.pct(r.get("published_pct")), numeric=True),
            Cell(loc.num(r.get("users")), numeric=True),
            Cell(loc.num(r.get("population")), numeric=True),
            Cell(loc.pct(r.get("computed_pct")), numeric=True),
            Cell(loc.signed(r.get("difference_pp"), 2), numeric=True),
            Cell(_yes_no(loc, r.get("consistent"))),
        ]
        for r in rows
    ]
    return Table(
        columns,
        body,
        caption=loc._("Internet users"),
        css="users",
        widths=(7, 17, 17, 14, 17, 15, 13),
    )


def _yes_no(loc: Localiser, value: Any) -> str:
    return MISSING if value is None else loc._("yes") if value else loc._("no")


def _subscriptions_table(ctx: Context) -> Table | None:
    loc = ctx.loc
    series = {code: _by_period(ctx.series(code, [ctx.iso3])) for code in (BROADBAND, MOBILE)}
    periods = sorted(set(series[BROADBAND]) | set(series[MOBILE]))[-TABLE_YEARS:]
    if not periods:
        return None
    if series[BROADBAND]:
        ctx.found.broadband = _latest(ctx, series[BROADBAND])
    if series[MOBILE]:
        ctx.found.mobile = _latest(ctx, series[MOBILE])

    def notes(code: str) -> tuple[int, ...]:
        return ctx.notes.files(series[code][p]["file_name"] for p in periods if p in series[code])

    columns = [
        Cell(loc._("Year")),
        Cell(loc._("Fixed broadband subscriptions per 100 people"), notes(BROADBAND), numeric=True),
        Cell(loc._("Mobile subscriptions per 100 people"), notes(MOBILE), numeric=True),
    ]
    body = [
        [Cell(p)]
        + [
            Cell(
                loc.num(series[code][p]["value"], 1) if p in series[code] else MISSING,
                numeric=True,
            )
            for code in (BROADBAND, MOBILE)
        ]
        for p in periods
    ]
    return Table(
        columns, body, caption=loc._("Subscriptions"), css="subscriptions", widths=(20, 40, 40)
    )


def _latest(ctx: Context, by_period: Mapping[str, Mapping[str, Any]]) -> Figure:
    last = max(by_period)
    return Figure(last, by_period[last]["value"], ctx.notes.file(by_period[last]["file_name"]))


def _users_chart(ctx: Context) -> Chart | None:
    loc = ctx.loc
    peers: list[str] = []
    for by in ("neighbours", "subregion"):  # an island has no neighbours: its sub-region then
        try:
            rows = list(ctx.data.peers(ctx.iso3, indicator=USERS_PCT, by=by, lang=loc.lang))
        except InfosocError:
            continue
        if len(rows) > 1:
            peers = [r["iso3"] for r in rows]
            ctx.found.peers_by, ctx.found.peers = by, rows
            break
    codes = list(dict.fromkeys([ctx.iso3, *peers]))[:8]
    rows = [r for r in ctx.series(USERS_PCT, codes) if str(r["period"]) >= CHART_FROM]
    if not rows:
        return None
    notes = ctx.notes.files(r["file_name"] for r in rows)
    data = [
        {
            "year": int(r["period"]),
            "value": r["value"],
            "country": geo_country(r["entity"]).name(loc.lang),
        }
        for r in rows
        if str(r["period"]).isdigit()
    ]
    title = (
        loc._("Internet users, %% of population: %(country)s and its neighbours", country=ctx.name)
        if len(codes) > 1
        else loc._("Internet users, %% of population: %(country)s", country=ctx.name)
    )
    return Chart(
        "users",
        data,
        "year",
        "value",
        "country",
        title=title,
        x_title=loc._("Year"),
        y_title=loc._("%% of population"),
        highlight=ctx.name,
        legend_title=None,
        source=Cell(loc._("Source:"), notes),
    )
