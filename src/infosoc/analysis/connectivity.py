"""Connectivity: indicator series, internet speeds, penetration checks, peers, ratios, growth.

Where two sources give the same indicator (the World Bank's own files and Our World in Data's
copies of them), the World Bank's value is used, and every value says which file it came from.
Aggregates (World, regions, income groups) never enter a ranking or a peer group.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any, Literal

from ..errors import InputError, NotFoundError
from ..geo.countries import country, lookup, match_area
from ..i18n import Lang
from ..ranks import competition_ranks
from ..store import Store, cite
from .growth import Growth, growth

PeerBy = Literal["world", "region", "subregion", "income", "neighbours", "list"]

USERS_PCT = "IT.NET.USER.ZS"
USERS = "owid.internet_users"
POPULATION = "SP.POP.TOTL"
#: Users / population may differ from the published share by rounding and by the population
#: vintage used; beyond this many percentage points the two are reported as inconsistent.
PENETRATION_TOLERANCE_PP = 0.5


def indicator_meta(store: Store, code: str) -> dict[str, Any]:
    """Label, unit, statistic, method and period kind of an indicator held in the store."""
    rows = store.rows("SELECT * FROM indicators WHERE indicator = ?", [code])
    if not rows:
        known = [r["indicator"] for r in store.rows("SELECT indicator FROM indicators ORDER BY 1")]
        # The closest codes first: with a few dozen codes held, a plain list hides the one meant.
        close = difflib.get_close_matches(code, known, n=6, cutoff=0.3)
        hint = f"; closest: {', '.join(close)}" if close else ""
        raise NotFoundError(f"the store holds no indicator '{code}' of its {len(known)}{hint}")
    return rows[0]


def series(
    store: Store, code: str, entities: Sequence[str] | None = None, *, countries_only: bool = True
) -> list[dict[str, Any]]:
    """One value per (entity, period) of an indicator, from the best source that has it.

    Each row: ``entity, period, value, note, source, edition, released, file_name,
    retrieved``.
    """
    return store.series(code, entities, countries_only=countries_only)


def value_at(rows: Sequence[dict[str, Any]], entity: str, period: str) -> dict[str, Any] | None:
    """The row of ``entity`` in ``period`` from :func:`series`, if any."""
    return next((r for r in rows if r["entity"] == entity and r["period"] == period), None)


def latest_period(rows: Sequence[dict[str, Any]], entity: str) -> str | None:
    """The latest period in which ``entity`` has a value."""
    periods = [r["period"] for r in rows if r["entity"] == entity and r["value"] is not None]
    return max(periods) if periods else None


def indicator_table(
    store: Store,
    code: str,
    codes: Sequence[str],
    start: str | None = None,
    end: str | None = None,
    lang: Lang = "en",
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """An indicator's values for several countries, and their metadata.

    A row per period and country, periods oldest first and countries in the order given:
    ``indicator, period, iso3, country`` (the name in ``lang``), ``value, unit, source`` (the
    file that answered), with a None value where a country has none in a period another has.
    The metadata (all strings): the indicator's ``label, unit, statistic, method, ...`` and
    ``sources``, the files cited ("; " between them).
    """
    meta = indicator_meta(store, code)
    places = list({c.iso3: c for c in (country(each) for each in codes)}.values())
    rows = series(store, code, [p.iso3 for p in places])
    rows = [r for r in rows if (start is None or r["period"] >= start)
            and (end is None or r["period"] <= end)]  # fmt: skip
    found = {(r["period"], r["entity"]): r for r in rows}
    table = []
    for period in sorted({r["period"] for r in rows}):
        for place in places:
            r = found.get((period, place.iso3))
            table.append({
                "indicator": code, "period": period, "iso3": place.iso3,
                "country": place.name(lang), "value": r["value"] if r else None,
                "unit": meta.get("unit"), "source": cite(r) if r else None,
            })  # fmt: skip
    info = {k: str(v) for k, v in meta.items() if v is not None}
    info["sources"] = "; ".join(sorted({cite(r) for r in rows}))
    return table, info


def speed_table(
    store: Store,
    code: str,
    *,
    source: str | None = None,
    network: str | None = None,
    measure: str | None = "download",
    start: str | None = None,
    end: str | None = None,
) -> list[dict[str, Any]]:
    """Every speed value held for a country, labelled with statistic, method and unit.

    Each row: ``source`` (the source's registry name, such as "ookla-sgi"), ``network,
    measure, statistic, period, value, unit, method, indicator, file_name, note``. ``source``,
    ``network`` and ``measure`` keep only the rows they name.
    """
    iso3 = country(code).iso3
    where = ["o.entity = ?", "o.indicator LIKE 'speed.%'"]
    params: list[Any] = [iso3]
    if source is not None:
        where.append("s.source = ?")
        params.append(source)
    for part, value in ((2, network), (3, measure)):
        if value is not None:
            where.append(f"split_part(o.indicator, '.', {part + 1}) = ?")
            params.append(value)
    if start is not None:
        where.append("o.period >= ?")
        params.append(start)
    if end is not None:
        where.append("o.period <= ?")
        params.append(end)
    rows = store.rows(
        f"""
        SELECT s.source,
               split_part(o.indicator, '.', 3) AS network,
               split_part(o.indicator, '.', 4) AS measure, i.statistic, o.period, o.value, i.unit,
               i.method, o.indicator, s.file_name, o.note
        FROM current_observations o
        JOIN sources s USING (source_id)
        LEFT JOIN indicators i USING (indicator)
        WHERE {" AND ".join(where)}
        ORDER BY source, network, measure, o.indicator, o.period
        """,
        params,
    )
    if not rows:
        raise NotFoundError(
            f"no speed data for {country(iso3).name_en} ({iso3})"
            + (f" from source '{source}'" if source else "")
            + (f" for measure '{measure}'" if measure else "")
        )
    return rows


def penetration(store: Store, code: str) -> list[dict[str, Any]]:
    """Internet users / population next to the published share of individuals online.

    Each row: ``year, users, population, computed_pct, published_pct, difference_pp,
    consistent`` (None where a part is missing).
    """
    iso3 = country(code).iso3
    users = {r["period"]: r for r in series(store, USERS, [iso3])}
    population = {r["period"]: r for r in series(store, POPULATION, [iso3])}
    published = {r["period"]: r for r in series(store, USERS_PCT, [iso3])}
    out = []
    for year in sorted(set(users) | set(published)):
        u = users.get(year, {}).get("value")
        p = population.get(year, {}).get("value")
        pct = published.get(year, {}).get("value")
        computed = u / p * 100 if u is not None and p else None
        diff = computed - pct if computed is not None and pct is not None else None
        out.append({
            "iso3": iso3, "year": year, "users": u, "population": p, "computed_pct": computed,
            "published_pct": pct, "difference_pp": diff,
            "consistent": None if diff is None else abs(diff) <= PENETRATION_TOLERANCE_PP,
        })  # fmt: skip
    if not out:
        raise NotFoundError(f"no internet-user data for {country(iso3).name_en} ({iso3})")
    return out


def income_groups(store: Store) -> dict[str, dict[str, Any]]:
    """Each country's income group: ``value`` (None when unclassified), ``period`` (the
    classification's year), ``source``, ``file_name`` and ``classified_by`` ("worldbank 2024").

    The World Bank publishes the classification, so its newest release answers for every
    economy it lists, even one it leaves unclassified (Venezuela since 2021); another source's
    copy (unu-egov-countries) answers only for countries no World Bank release lists.
    Aggregates never have one.
    """
    rows = store.rows(
        """
        SELECT a.entity, a.value, a.period, s.source, s.file_name
        FROM current_attributes a
        JOIN sources s USING (source_id)
        JOIN entities e ON e.code = a.entity
        WHERE a.attribute = 'income_group' AND e.kind = 'country'
        QUALIFY row_number() OVER (
            PARTITION BY a.entity
            ORDER BY s.source = 'worldbank' DESC, a.period DESC, s.released DESC NULLS LAST
        ) = 1
        """
    )
    return {r["entity"]: {**r, "classified_by": f"{r['source']} {r['period']}"} for r in rows}


def peer_group(store: Store, code: str, by: PeerBy, members: Sequence[str] = ()) -> list[str]:
    """The ISO3 codes of a country's peers (the country included), never aggregates."""
    iso3 = country(code).iso3
    countries = [r["code"] for r in store.rows("SELECT code FROM entities WHERE kind = 'country'")]
    if by == "world":
        return countries
    if by == "list":
        if not members:
            raise InputError("--by list needs --with C1,C2,...")
        return list(dict.fromkeys([iso3, *(country(m).iso3 for m in members)]))
    if by == "neighbours":
        from ..geo.borders import neighbours

        return [iso3, *neighbours(iso3)]
    if by == "income":
        groups = income_groups(store)
        own = groups.get(iso3)
        if own is None or own["value"] is None:
            raise NotFoundError(
                f"the store holds no income group for {iso3}: ingest a source that has one "
                "(infosoc ingest all --from DIR reads the World Bank's Metadata_Country_*.csv "
                "and unu-egov_countries-data_EN.csv)"
                if own is None
                else f"{own['classified_by']} leaves {iso3} without an income group"
            )
        return [c for c, g in groups.items() if g["value"] == own["value"]]
    level = {"region": "region", "subregion": "subregion"}[by]
    home = getattr(country(iso3), level)
    if home is None:
        raise NotFoundError(f"{iso3} has no M49 {level}")
    _, name = match_area(home)
    return [c for c in countries if lookup(c) == c and getattr(country(c), level) == name]


def _display_name(store: Store, code: str, lang: Lang) -> str:
    """A country's name in ``lang``; for codes outside ISO 3166 (XKX, CHI) the stored name."""
    if lookup(code) == code:
        return country(code).name(lang)
    rows = store.rows("SELECT name_en FROM entities WHERE code = ?", [code])
    return str(rows[0]["name_en"]) if rows and rows[0]["name_en"] else code


def peer_ranking(
    store: Store,
    code: str,
    indicator: str,
    *,
    by: PeerBy = "region",
    members: Sequence[str] = (),
    period: str | None = None,
    lang: Lang = "en",
    higher_is_better: bool = True,
) -> list[dict[str, Any]]:
    """The country's peers on one indicator in one period, ranked, with the ratio to the country.

    Each row: ``period, rank, of`` (how many peers have a value), ``iso3, country`` (the name
    in ``lang``), ``value, ratio_to_reference`` (the peer's value over the country's),
    ``reference`` (the country's ISO3), ``income_group, classified_by`` (by income only, else
    None) and ``source`` (the file that answered). The period defaults to the latest one in
    which the country has a value. Ties share the best rank; peers without a value are listed
    last, unranked.
    """
    iso3 = country(code).iso3
    group = peer_group(store, iso3, by, members)
    rows = series(store, indicator, group)
    chosen = period or latest_period(rows, iso3)
    if chosen is None:
        raise NotFoundError(f"no value of {indicator} for {iso3}")
    in_period = {r["entity"]: r for r in rows if r["period"] == chosen}
    values = {c: in_period[c]["value"] if c in in_period else None for c in group}
    signed = {c: (v if higher_is_better or v is None else -v) for c, v in values.items()}
    ranks = competition_ranks(signed)
    own = values.get(iso3)
    ranked = sum(1 for x in values.values() if x is not None)
    # Which classification (source and year) put each peer in the income group.
    classes = income_groups(store) if by == "income" else {}
    out = []
    for c in sorted(group, key=lambda c: (ranks[c] is None, ranks[c] or 0, c)):
        v = values[c]
        out.append({
            "period": chosen, "rank": ranks[c], "of": ranked,
            "iso3": c, "country": _display_name(store, c, lang), "value": v,
            "ratio_to_reference": v / own if v is not None and own else None,
            "reference": iso3,
            "income_group": classes[c]["value"] if c in classes else None,
            "classified_by": classes[c]["classified_by"] if c in classes else None,
            "source": in_period[c]["file_name"] if c in in_period else None,
        })  # fmt: skip
    return out


def ratio(
    store: Store,
    indicator: str,
    first: str,
    second: str,
    period: str | None = None,
) -> dict[str, Any]:
    """``first`` / ``second`` on one indicator in one period (default: the latest period both
    have a value in): ``indicator, period, a, b`` (their ISO3 codes), ``value_a, value_b,
    ratio``."""
    a, b = country(first).iso3, country(second).iso3
    rows = series(store, indicator, [a, b])
    common = sorted(
        {r["period"] for r in rows if r["entity"] == a and r["value"] is not None}
        & {r["period"] for r in rows if r["entity"] == b and r["value"] is not None}
    )
    chosen = period or (common[-1] if common else None)
    ra = value_at(rows, a, chosen) if chosen else None
    rb = value_at(rows, b, chosen) if chosen else None
    if ra is None or rb is None or ra["value"] is None or rb["value"] is None:
        raise NotFoundError(f"no common period with values of {indicator} for {a} and {b}")
    return {
        "indicator": indicator, "period": chosen, "a": a, "b": b, "value_a": ra["value"],
        "value_b": rb["value"], "ratio": ra["value"] / rb["value"] if rb["value"] else None,
    }  # fmt: skip


def growth_between(store: Store, indicator: str, code: str, start: str, end: str) -> Growth:
    """Absolute, per cent and compound annual growth of a country's indicator."""
    iso3 = country(code).iso3
    rows = series(store, indicator, [iso3])
    first, last = value_at(rows, iso3, start), value_at(rows, iso3, end)
    for period, row in ((start, first), (end, last)):
        if row is None or row["value"] is None:
            raise NotFoundError(f"no value of {indicator} for {iso3} in {period}")
    assert first is not None and last is not None
    return growth(start, first["value"], end, last["value"])


def growth_row(
    store: Store, indicator: str, code: str, start: str, end: str, lang: Lang = "en"
) -> dict[str, Any]:
    """:func:`growth_between` as a row: ``indicator, iso3, country`` (the name in ``lang``),
    then the fields of :class:`~infosoc.analysis.growth.Growth`."""
    place = country(code)
    result = growth_between(store, indicator, place.iso3, start, end)
    return {"indicator": indicator, "iso3": place.iso3, "country": place.name(lang)} | asdict(
        result
    )
