"""The SWOT's checks: one function per kind of test, in a registry keyed by the test's
``kind``, each turning a check and the country's data into a :class:`Finding`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from ...i18n import Lang
from ...ranks import competition_ranks
from ..growth import period_in_years
from .data import CountryData, PeerGroup
from .rules import (
    Check,
    PeerBy,
    PeerMedianTest,
    PeerRankTest,
    PeerTrendTest,
    RankTest,
    TargetsTest,
    ThresholdTest,
    TrendTest,
    _Span,
)
from .texts import few_peers, localise, phrase


@dataclass
class Finding:
    """What one check found: whether it holds (None: no data), with evidence and numbers."""

    holds: bool | None
    evidence: dict[str, Any] | None = None
    #: Raw values for the text templates (numbers formatted later, in the item's language).
    numbers: dict[str, Any] = field(default_factory=dict)
    missing: str | None = None
    latest: tuple[str, float] | None = None


def _missing(why: str) -> Finding:
    return Finding(None, missing=why)


def _period_end(period: str) -> float:
    """The end of a period in years: 2020 -> 2021.0, 2020-Q2 -> 2020.5, 2020-04 -> 2020.333."""
    start = period_in_years(period)
    if "-Q" in period:
        return start + 0.25
    if "-" in period:
        return start + 1 / 12
    return start + 1


def _within(period: str, until: str | None) -> bool:
    return until is None or period_in_years(period) < _period_end(until) - 1e-9


def _sign(check: Check) -> int:
    return 1 if check.higher_is_better else -1


def _label(check: Check, meta: dict[str, Any], lang: Lang) -> str:
    """The indicator's name in ``lang``: the rule's, else the store's with its statistic."""
    if check.label is not None:
        return localise(check.label, lang, "indicator")
    label = str(meta["label"])
    statistic = meta.get("statistic")
    if statistic and str(statistic) not in label:
        # "Speed (Speedtest Global Index)" + "median" -> "Speed (Speedtest Global Index; median)"
        label = f"{label[:-1]}; {statistic})" if label.endswith(")") else f"{label} ({statistic})"
    return label


def _evidence(
    check: Check,
    data: CountryData,
    meta: dict[str, Any],
    row: dict[str, Any],
    *,
    group: PeerGroup | None = None,
    peer_median: float | None = None,
    peers: int | None = None,
    trend: dict[str, Any] | None = None,
) -> dict[str, Any]:
    assert check.indicator is not None
    return {
        "indicator": check.indicator,
        "label": _label(check, meta, data.lang),
        "value": float(row["value"]),
        "period": row["period"],
        "unit": meta.get("unit"),
        "peer_median": peer_median,
        "peer_group": group.label(data.lang, data.iso3) if group else None,
        "peers": peers,
        "trend": trend,
        "source": {
            "source": row["source"],
            "file_name": row["file_name"],
            "retrieved": row["retrieved"],
        },
    }


def _own(data: CountryData, code: str, until: str | None) -> list[tuple[str, dict[str, Any]]]:
    """The country's periods with a value, oldest first, up to ``until``."""
    own = data.series(code).get(data.iso3, {})
    periods = sorted((p for p in own if _within(p, until)), key=period_in_years)
    return [(p, own[p]) for p in periods]


def _span(
    test: _Span, own: list[tuple[str, dict[str, Any]]], data: CountryData, code: str
) -> tuple[dict[str, Any], dict[str, Any]] | str:
    """The two rows a trend compares (older, newer), or why they cannot be found."""
    by_period = dict(own)
    if test.from_ is not None:
        end = test.to or own[-1][0]
        for p in (test.from_, end):
            if p not in by_period:
                return phrase("no_value_in", data.lang, code=code, country=data.name, period=p)
        if period_in_years(end) <= period_in_years(test.from_):
            return phrase("too_short", data.lang, code=code, country=data.name, period=end)
        return by_period[test.from_], by_period[end]
    last_period, last = own[-1]
    if test.editions is not None:
        if len(own) <= test.editions:
            return phrase("too_short", data.lang, code=code, country=data.name, period=last_period)
        return own[-1 - test.editions][1], last
    assert test.years is not None
    cutoff = period_in_years(last_period) - test.years + 1e-9
    earlier = [row for p, row in own if period_in_years(p) <= cutoff]
    if not earlier:
        return phrase("too_short", data.lang, code=code, country=data.name, period=last_period)
    return earlier[-1], last


def _per_year(first: dict[str, Any], last: dict[str, Any]) -> float:
    years = period_in_years(last["period"]) - period_in_years(first["period"])
    return (float(last["value"]) - float(first["value"])) / years


def _peer_values(data: CountryData, code: str, group: PeerGroup, period: str) -> dict[str, float]:
    series = data.series(code)
    return {
        m: float(series[m][period]["value"])
        for m in group.members
        if m in series and period in series[m]
    }


def _too_few(data: CountryData, code: str, group: PeerGroup, period: str, n: int, need: int) -> str:
    return few_peers(
        n,
        data.lang,
        min=need,
        code=code,
        period=period,
        country=data.name,
        peer_group=group.label(data.lang, data.iso3),
    )


def _group_or_why(data: CountryData, by: PeerBy) -> PeerGroup | Finding:
    group = data.group(by)
    if isinstance(group, str):
        return _missing(phrase("no_group", data.lang, by=by, detail=group))
    return group


def _latest_among_peers(
    check: Check,
    test: PeerMedianTest | PeerRankTest,
    data: CountryData,
    own: list[tuple[str, dict[str, Any]]],
) -> tuple[PeerGroup, dict[str, Any], dict[str, float]] | Finding:
    """The peer group, the country's latest row and the peers' values in its period; or the
    finding that says why they cannot be compared (no group, too few peers)."""
    group = _group_or_why(data, test.peers)
    if isinstance(group, Finding):
        return group
    assert check.indicator is not None
    period, row = own[-1]
    values = _peer_values(data, check.indicator, group, period)
    if len(values) < test.min_peers:
        return _missing(_too_few(data, check.indicator, group, period, len(values), test.min_peers))
    return group, row, values


def _peer_median(
    check: Check,
    test: PeerMedianTest,
    data: CountryData,
    meta: dict[str, Any],
    own: list[tuple[str, dict[str, Any]]],
) -> Finding:
    peers = _latest_among_peers(check, test, data, own)
    if isinstance(peers, Finding):
        return peers
    group, row, values = peers
    mid = float(median(values.values()))
    value = float(row["value"])
    gap = (value - mid) * _sign(check) * (1 if test.direction == "better" else -1)
    holds = gap > 0 and gap >= test.margin_pct / 100 * abs(mid)
    diff_pct = abs(value / mid - 1) * 100 if mid else None
    evidence = _evidence(check, data, meta, row, group=group, peer_median=mid, peers=len(values))
    numbers = {
        "peer_median": mid,
        "peers": len(values),
        "diff_pct": diff_pct,
        "dir": "above" if value >= mid else "below",
    }
    return Finding(holds, evidence, numbers)


def _peer_rank(
    check: Check,
    test: PeerRankTest,
    data: CountryData,
    meta: dict[str, Any],
    own: list[tuple[str, dict[str, Any]]],
) -> Finding:
    peers = _latest_among_peers(check, test, data, own)
    if isinstance(peers, Finding):
        return peers
    group, row, values = peers
    value = float(row["value"])
    sign = _sign(check)
    ranks = competition_ranks({**{k: v * sign for k, v in values.items()}, data.iso3: value * sign})
    rank, of = ranks[data.iso3], len(values) + 1
    assert rank is not None
    holds = rank <= test.places if test.direction == "better" else rank > of - test.places
    mid = float(median(values.values()))
    evidence = _evidence(check, data, meta, row, group=group, peer_median=mid, peers=len(values))
    return Finding(
        holds, evidence, {"peer_median": mid, "peers": len(values), "rank": rank, "of": of}
    )


def _threshold(
    check: Check,
    test: ThresholdTest,
    data: CountryData,
    meta: dict[str, Any],
    own: list[tuple[str, dict[str, Any]]],
) -> Finding:
    _, row = own[-1]
    value = float(row["value"])
    reached = (value - test.value) * _sign(check) >= 0
    holds = reached if test.direction == "better" else not reached
    at_or_above = value >= test.value
    return Finding(
        holds,
        _evidence(check, data, meta, row),
        {"threshold": test.value, "dir": "at_or_above" if at_or_above else "under"},
    )


def _trend_dict(
    first: dict[str, Any], last: dict[str, Any], per_year: float, peer_per_year: float | None = None
) -> dict[str, Any]:
    return {
        "per_year": per_year,
        "from_period": first["period"],
        "to_period": last["period"],
        "from_value": float(first["value"]),
        "peer_median_per_year": peer_per_year,
    }


def _trend_numbers(first: dict[str, Any], last: dict[str, Any], per_year: float) -> dict[str, Any]:
    start = float(first["value"])
    change_pct = (float(last["value"]) / start - 1) * 100 if start else None
    return {
        "from_value": start,
        "from_period": first["period"],
        "per_year": per_year,
        "change_pct": change_pct,
    }


def _trend(
    check: Check,
    test: TrendTest,
    data: CountryData,
    meta: dict[str, Any],
    own: list[tuple[str, dict[str, Any]]],
) -> Finding:
    assert check.indicator is not None
    span = _span(test, own, data, check.indicator)
    if isinstance(span, str):
        return _missing(span)
    first, last = span
    per_year = _per_year(first, last)
    moved = per_year * _sign(check) * (1 if test.direction == "better" else -1)
    holds = moved > 0 and moved >= test.min_per_year
    evidence = _evidence(check, data, meta, last, trend=_trend_dict(first, last, per_year))
    return Finding(holds, evidence, _trend_numbers(first, last, per_year))


def _peer_trend(
    check: Check,
    test: PeerTrendTest,
    data: CountryData,
    meta: dict[str, Any],
    own: list[tuple[str, dict[str, Any]]],
) -> Finding:
    assert check.indicator is not None
    group = _group_or_why(data, test.peers)
    if isinstance(group, Finding):
        return group
    span = _span(test, own, data, check.indicator)
    if isinstance(span, str):
        return _missing(span)
    first, last = span
    series = data.series(check.indicator)
    peer_rates = {
        m: _per_year(series[m][first["period"]], series[m][last["period"]])
        for m in group.members
        if m in series and first["period"] in series[m] and last["period"] in series[m]
    }
    if len(peer_rates) < test.min_peers:
        return _missing(
            _too_few(
                data,
                check.indicator,
                group,
                f"{first['period']}–{last['period']}",
                len(peer_rates),
                test.min_peers,
            )
        )
    per_year, peer_rate = _per_year(first, last), float(median(peer_rates.values()))
    gap = (per_year - peer_rate) * _sign(check) * (1 if test.direction == "better" else -1)
    holds = gap > 0 and gap >= test.margin_per_year
    level = float(median(float(series[m][last["period"]]["value"]) for m in peer_rates))
    evidence = _evidence(
        check,
        data,
        meta,
        last,
        group=group,
        peer_median=level,
        peers=len(peer_rates),
        trend=_trend_dict(first, last, per_year, peer_rate),
    )
    numbers = {
        **_trend_numbers(first, last, per_year),
        "peer_median": level,
        "peers": len(peer_rates),
        "peer_per_year": peer_rate,
    }
    return Finding(holds, evidence, numbers)


def _rank_in(data: CountryData, code: str, group: PeerGroup, period: str, sign: int) -> int:
    """The country's rank within the group in a period where it has a value."""
    values = _peer_values(data, code, group, period)
    own = data.series(code)[data.iso3][period]["value"]
    ranks = competition_ranks({**{k: v * sign for k, v in values.items()}, data.iso3: own * sign})
    rank = ranks[data.iso3]
    assert rank is not None  # the country has a value in this period
    return rank


def _rank(
    check: Check,
    test: RankTest,
    data: CountryData,
    meta: dict[str, Any],
    own: list[tuple[str, dict[str, Any]]],
) -> Finding:
    assert check.indicator is not None
    group: PeerGroup | None = None
    if test.peers is not None:
        found = _group_or_why(data, test.peers)
        if isinstance(found, Finding):
            return found
        group = found
    span = _span(test, own, data, check.indicator)
    if isinstance(span, str):
        return _missing(span)
    first, last = span
    if group is None:
        rank_from, rank_to = float(first["value"]), float(last["value"])
        peers = None
    else:
        sign = _sign(check)
        rank_from = float(_rank_in(data, check.indicator, group, first["period"], sign))
        rank_to = float(_rank_in(data, check.indicator, group, last["period"], sign))
        peers = len(_peer_values(data, check.indicator, group, last["period"]))
    places = rank_from - rank_to  # positive: moved up
    holds = (places if test.direction == "up" else -places) >= test.min_places
    years = period_in_years(last["period"]) - period_in_years(first["period"])
    row = {**last, "value": rank_to}
    trend = _trend_dict({**first, "value": rank_from}, row, (rank_to - rank_from) / years)
    evidence = _evidence(check, data, meta, row, group=group, peers=peers, trend=trend)
    numbers = {
        "from_value": rank_from,
        "from_period": first["period"],
        "places": abs(places),
        "value": rank_to,
    }
    if group is not None:
        numbers.update(peers=peers)
    return Finding(holds, evidence, numbers)


def _share(card: dict[str, Any], measure: str, count: str) -> float | None:
    """A share of the declared targets: the scorecard's own, else counted."""
    share = card.get(measure)
    if isinstance(share, int | float) and 0 <= share <= 1:
        return float(share)
    declared, part = card.get("declared"), card.get(count)
    if isinstance(declared, int) and declared > 0 and isinstance(part, int):
        return part / declared
    return None


def _targets_source(result: dict[str, Any]) -> dict[str, Any]:
    """Where the scorecard comes from, in the evidence's shape: the registry of targets."""
    found = result.get("source")
    if isinstance(found, dict):
        return {k: found.get(k) for k in ("source", "file_name", "retrieved")}
    registry = result.get("registry") or "infosoc"
    return {
        "source": f"programme targets: {registry}",
        "file_name": result.get("file_name"),
        "retrieved": result.get("as_of"),
    }


def _targets(check: Check, test: TargetsTest, data: CountryData) -> Finding:
    result = data.targets()
    if isinstance(result, str):
        return _missing(result)
    card = result.get("scorecard") or {}
    share = _share(card, test.measure, "no_data" if test.measure == "share_uncheckable" else "met")
    if share is None or not card.get("declared"):
        return _missing(phrase("no_declared_targets", data.lang))
    holds = share >= test.at_least if test.at_least is not None else share <= (test.at_most or 0)
    achieved = _share(card, "share_achieved", "met")
    if check.label is not None:
        label = localise(check.label, data.lang, "indicator")
    else:
        measured = "uncheckable" if test.measure == "share_uncheckable" else "achieved"
        label = phrase(f"targets_{measured}", data.lang)
    period = str(result.get("as_of") or "")
    evidence = {
        "indicator": check.indicator or f"targets.{test.measure}",
        "label": label,
        "value": share,
        "period": period,
        "unit": "share of declared targets (0 to 1)",
        "peer_median": None,
        "peer_group": None,
        "peers": None,
        "trend": None,
        "source": _targets_source(result),
    }
    numbers = {
        "share": share * 100,
        "declared": int(card["declared"]),
        "uncheckable": card.get("no_data"),
        "achieved": achieved * 100 if achieved is not None else None,  # missing is not 0 %
        "value": share,
        "period": period,
    }
    return Finding(holds, evidence, numbers)


_HANDLERS: dict[str, Callable[..., Finding]] = {
    "peer_median": _peer_median,
    "peer_rank": _peer_rank,
    "threshold": _threshold,
    "trend": _trend,
    "peer_trend": _peer_trend,
    "rank": _rank,
}


def evaluate_check(check: Check, data: CountryData, until: str | None = None) -> Finding:
    """Run one check against the store."""
    if isinstance(check.test, TargetsTest):
        return _targets(check, check.test, data)
    assert check.indicator is not None
    limit = check.until or until
    meta = data.meta(check.indicator)
    if meta is None:
        named = f" ({localise(check.label, data.lang, 'indicator')})" if check.label else ""
        return _missing(phrase("no_indicator", data.lang, code=check.indicator + named))
    own = _own(data, check.indicator, limit)
    if not own:
        where = {"code": check.indicator, "country": data.name}
        if limit:
            return _missing(phrase("no_value_upto", data.lang, until=limit, **where))
        return _missing(phrase("no_value", data.lang, **where))
    finding = _HANDLERS[check.test.kind](check, check.test, data, meta, own)
    later = _own(data, check.indicator, None)
    fixed_window = getattr(check.test, "from_", None) is not None
    if finding.evidence is not None and not fixed_window and later[-1][0] != own[-1][0]:
        finding.latest = (later[-1][0], float(later[-1][1]["value"]))
    return finding
