"""Everything the site shows about the world, read from the library once per build.

A country page, an indicator page and a ranking all draw on the same few tables: every edition
of the UN E-Government Survey, each connectivity indicator for every country, the Monte Carlo
rank intervals and the files behind them. Reading them once, in bulk, keeps a build of 193
countries in three languages a matter of the charts, not of the queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..analysis.connectivity import income_groups, indicator_meta
from ..errors import InfosocError
from ..geo.countries import member_states
from ..i18n import N_
from .data import SiteData

#: The E-Government Survey's index and components, in the order the pages list them.
EGOV = ("egdi", "osi", "tii", "hci", "epi")


@dataclass(frozen=True)
class Indicator:
    """One indicator page of the site: its slug (the URL), where its values come from, and
    whether lower is better."""

    slug: str
    name: str  # an English msgid, translated on the page
    code: str  # the store's indicator code, or the survey column (egdi, osi, ...)
    survey: bool = False  # a column of the UN E-Government Survey, not a store series
    lower_is_better: bool = False
    digits: int = 4


INDICATORS: tuple[Indicator, ...] = (
    Indicator("egdi", N_("E-Government Development Index (EGDI)"), "egdi", survey=True),
    Indicator("osi", N_("Online Service Index (OSI)"), "osi", survey=True),
    Indicator("tii", N_("Telecommunication Infrastructure Index (TII)"), "tii", survey=True),
    Indicator("hci", N_("Human Capital Index (HCI)"), "hci", survey=True),
    Indicator("epi", N_("E-Participation Index (EPI)"), "epi", survey=True),
    Indicator("internet-users", N_("Internet users"), "IT.NET.USER.ZS", digits=1),
    Indicator("fixed-broadband", N_("Fixed broadband subscriptions"), "IT.NET.BBND.P2", digits=1),
    Indicator(
        "mobile-subscriptions", N_("Mobile cellular subscriptions"), "IT.CEL.SETS.P2", digits=1
    ),
    Indicator(
        "download-speed", N_("Fixed download speed"), "speed.ookla_sgi.fixed.download", digits=1
    ),
)
INDICATOR = {i.slug: i for i in INDICATORS}
#: Speed series shown on a country page, each with its own statistic and method.
SPEEDS = (
    "speed.ookla_sgi.fixed.download",
    "speed.ookla_sgi.mobile.download",
    "speed.cableco.fixed.download.mean",
    "speed.ookla_si.fixed.download.median",
    "speed.ookla_si.mobile.download.median",
    "speed.ookla_open.fixed.download.weighted_median",
    "speed.ookla_open.mobile.download.weighted_median",
)
#: Monte Carlo replications for each edition's rank intervals, and their seed.
RANK_SAMPLES = 1000
RANK_SEED = 0


@dataclass
class Series:
    """One indicator for every country: its description and ``values[iso3]`` = rows of
    ``period, value, file_name`` (oldest period first)."""

    code: str
    meta: dict[str, Any]
    values: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def latest(self, iso3: str) -> dict[str, Any] | None:
        """The country's latest row with a value."""
        rows = [r for r in self.values.get(iso3, []) if r["value"] is not None]
        return rows[-1] if rows else None


@dataclass
class World:
    """The tables every page draws on."""

    members: list[str]  # the 193 UN Member States, ISO3
    editions: list[int]  # survey years held, oldest first
    survey: dict[int, dict[str, dict[str, Any]]]  # year -> iso3 -> the ranking's row
    intervals: dict[int, dict[str, dict[str, Any]]]  # year -> iso3 -> rank interval row
    interval_notes: dict[int, str]
    series: dict[str, Series]  # store code -> series
    sources: list[dict[str, Any]]  # every file held, with its provenance
    income: dict[str, dict[str, Any]]  # iso3 -> income group row
    built: frozenset[str] = frozenset()  # the countries given a page in this build

    def source_of(self, file_name: str | None) -> dict[str, Any] | None:
        """The provenance row of one file."""
        return next((s for s in self.sources if s["file_name"] == file_name), None)

    def survey_rows(self, iso3: str) -> list[dict[str, Any]]:
        """The country's row in every edition, oldest first (editions without it left out)."""
        return [self.survey[y][iso3] for y in self.editions if iso3 in self.survey[y]]

    def survey_file(self, year: int) -> dict[str, Any] | None:
        """The provenance of one edition's file."""
        name = f"EGOV_DATA_{year}.csv"
        return next((s for s in self.sources if str(s["file_name"]).upper() == name.upper()),
                    None)  # fmt: skip


def gather(data: SiteData) -> World:
    """Read every table the site needs, once."""
    members = sorted(c.iso3 for c in member_states())
    with data.reading() as store:
        sources = [dict(r) for r in data.sources()]
        editions = sorted({int(r["year"]) for r in data.egdi("KAZ", lang="en")})
        survey: dict[int, dict[str, dict[str, Any]]] = {}
        for year in editions:
            survey[year] = {r["iso3"]: dict(r) for r in data.rank(str(year))}
        series = {}
        for code in [i.code for i in INDICATORS if not i.survey] + list(SPEEDS):
            if code in series:
                continue
            try:
                meta = dict(indicator_meta(store, code))
            except InfosocError:
                continue
            by_country: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for row in store.series(code):
                by_country[row["entity"]].append(
                    {"period": row["period"], "value": row["value"], "file_name": row["file_name"]}
                )
            for rows in by_country.values():
                rows.sort(key=lambda r: r["period"])
            series[code] = Series(code, meta, dict(by_country))
        income = income_groups(store)
    intervals: dict[int, dict[str, dict[str, Any]]] = {}
    notes: dict[int, str] = {}
    for year in editions:
        try:
            found = data.rank_intervals("egdi", period=str(year), samples=RANK_SAMPLES,
                                        seed=RANK_SEED)  # fmt: skip
        except InfosocError:
            continue
        intervals[year] = {r["iso3"]: dict(r) for r in found}
        notes[year] = found.metadata.get("notes", "")
    return World(members, editions, survey, intervals, notes, series, sources, income)


def values_of(
    world: World, slug: str, period: str | None = None
) -> tuple[str | None, dict[str, Any]]:
    """One indicator's values for every member state in one period (the latest by default):
    ``(period, {iso3: value or None})``."""
    spec = INDICATOR[slug]
    if spec.survey:
        year = int(period) if period else (world.editions[-1] if world.editions else None)
        if year is None or year not in world.survey:
            return None, {}
        table = world.survey[year]
        return str(year), {c: table.get(c, {}).get(spec.code) for c in world.members}
    found = world.series.get(spec.code)
    if found is None:
        return None, {}
    chosen = period or _latest_common(found)
    if chosen is None:
        return None, {}
    values: dict[str, Any] = {}
    for c in world.members:
        row = next((r for r in found.values.get(c, []) if r["period"] == chosen), None)
        values[c] = row["value"] if row else None
    return chosen, values


def _latest_common(found: Series) -> str | None:
    """The latest period in which at least half as many countries have a value as in the
    best-covered one: the newest year a world map can fairly show."""
    counts: dict[str, int] = defaultdict(int)
    for rows in found.values.values():
        for r in rows:
            if r["value"] is not None:
                counts[r["period"]] += 1
    if not counts:
        return None
    best = max(counts.values())
    return max(p for p, n in counts.items() if n * 2 >= best)


#: A ranking is published for a period in which at least this share of the member states
#: have a value; earlier years of a long series (internet users in 1990) rank a handful.
RANKED_SHARE = 0.25


def periods_of(world: World, slug: str) -> list[str]:
    """Every period of an indicator that a ranking covers fairly, oldest first."""
    spec = INDICATOR[slug]
    if spec.survey:
        return [str(y) for y in world.editions]
    found = world.series.get(spec.code)
    if found is None:
        return []
    members = set(world.members)
    counts: dict[str, int] = defaultdict(int)
    for iso3, rows in found.values.items():
        if iso3 in members:
            for r in rows:
                if r["value"] is not None:
                    counts[r["period"]] += 1
    return sorted(p for p, n in counts.items() if n >= RANKED_SHARE * len(members))


def provenance(world: World, slug: str, period: str | None) -> list[dict[str, Any]]:
    """The files that gave an indicator's values in one period (or in all periods)."""
    spec = INDICATOR[slug]
    if spec.survey:
        years = [int(period)] if period else world.editions
        files = [world.survey_file(y) for y in years]
        return [f for f in files if f is not None]
    found = world.series.get(spec.code)
    if found is None:
        return []
    names = {r["file_name"] for rows in found.values.values() for r in rows
             if period is None or r["period"] == period}  # fmt: skip
    return [s for s in world.sources if s["file_name"] in names]
