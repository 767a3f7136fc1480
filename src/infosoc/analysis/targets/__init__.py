"""Programme targets: what a government declared, checked against the data.

Each target gets one status (rules in docs/targets.md):

- the deadline has passed (``as_of`` is after it) and a value for the deadline period is held
  (or the latest one within the deadline year, at or before the deadline): **met** or
  **missed**;
- no value for the deadline period is held, but an earlier one already reaches the target:
  **met** (reached ahead of the deadline; the reason names the period);
- the deadline has passed and no value is held that decides it: **no_data**, still showing
  the latest earlier value and the trend projected to the deadline;
- the deadline is still ahead: **on_track** when the trend projected to the deadline meets the
  target, else **off_track**; one value alone gives no trend and is **no_data**;
- no series measures the target and no value was supplied: **no_data**.

Only values of periods that had ended by ``as_of`` are used (and a reported value only from
the date of its statement). The trend is an OLS line on the last ``TREND_YEARS`` years of values
with a 90 % prediction interval (:mod:`.trend`).

Each status also says what it rests on (``evidence``): ``statistics`` when only official
statistics decide it, ``reported`` when a value reported in an official statement does (such a
value is never a statistical series; :mod:`.series`). A target measured by several
official series (the ITU estimate and the national household survey) is judged by each, side by
side, in ``measured_by``; its own status is its first series'. The scorecard counts statuses by
evidence too.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from pathlib import Path
from typing import Any, Literal

from ...errors import NotFoundError
from ...geo.countries import resolve
from ...i18n import Lang
from ...records import Document
from ...store import Store
from .. import trend
from ..growth import period_in_years
from . import reasons
from .registry import Registry, Target, builtin_registries, last_day, load_registry
from .series import (
    EVIDENCE,
    Conflict,
    Evidence,
    SeriesValues,
    Value,
    merge,
    read_series,
    registry_values,
    statements,
)

Status = Literal["met", "missed", "on_track", "off_track", "no_data"]
STATUSES: tuple[Status, ...] = ("met", "missed", "on_track", "off_track", "no_data")
#: The statuses that rest on values (no_data rests on none).
JUDGED: tuple[Status, ...] = ("met", "missed", "on_track", "off_track")

#: The trend is fitted to the values of the last this many years before the latest one.
TREND_YEARS = 5

_PERIOD = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|(\d{2})))?$")


def evaluate_targets(
    store: Store,
    country: str,
    *,
    registry: Path | None = None,
    as_of: date | None = None,
    lang: Lang = "en",
) -> Document:
    """Every target declared for ``country`` with its status, evidence and a scorecard, its
    title, reason and projection method in ``lang``.

    ``registry`` is a YAML file (docs/targets.md); by default the registries shipped with
    infosoc. ``as_of`` (default: today) decides which deadlines have passed; a target whose
    declaring document is dated after ``as_of`` had not been declared yet and is left out
    (its id listed in ``declared_later``). A document of kind ``targets`` whose rows are its
    ``targets``, with the keys ``country, lang, as_of, registry, targets, declared_later,
    scorecard``.
    """
    iso3 = resolve(country)
    day = as_of or date.today()
    registries = [load_registry(registry)] if registry is not None else builtin_registries()
    chosen = [(r, t) for r in registries for t in r.targets if t.country == iso3]
    where = str(registry) if registry is not None else "the shipped registries"
    if not chosen:
        hint = "" if registry is not None else "; pass your own with --file"
        raise NotFoundError(f"{where} declare no targets for {iso3}{hint}")
    declared = [(r, t) for r, t in chosen if _declared_by(t, day)]
    if not declared:
        raise NotFoundError(f"{where} declare no targets for {iso3} before {day.isoformat()}")
    results = [evaluate_target(store, t, r, day, lang) for r, t in declared]
    content = {
        "country": iso3,
        "lang": lang,
        "as_of": day.isoformat(),
        "registry": ", ".join(dict.fromkeys(r.label for r, _ in declared)),
        "targets": results,
        "declared_later": [t.id for r, t in chosen if not _declared_by(t, day)],
        "scorecard": scorecard(results),
    }
    return Document("targets", content, "targets")


def _declared_by(target: Target, day: date) -> bool:
    """Whether the target had been declared on ``day`` (undated documents always count)."""
    said = target.source_document.date
    return said is None or last_day(said) <= day


def scorecard(results: list[dict[str, Any]]) -> dict[str, Any]:
    """How many targets have each status, and how many of those rest on official statistics
    and how many on reported statements (``by_evidence``); the share met (in all, and by
    official statistics alone), the share resting on reported statements, and the share that
    cannot be checked at all."""
    counts: dict[str, int] = {s: sum(r["status"] == s for r in results) for s in STATUSES}
    by_evidence = {
        e: {s: sum(r["status"] == s and r.get("evidence") == e for r in results) for s in JUDGED}
        for e in EVIDENCE
    }
    declared = len(results)

    def share(count: int) -> float | None:
        return count / declared if declared else None

    return {
        "declared": declared,
        **counts,
        "by_evidence": by_evidence,
        "share_achieved": share(counts["met"]),
        "share_achieved_statistics": share(by_evidence["statistics"]["met"]),
        "share_reported": share(sum(by_evidence["reported"].values())),
        "share_uncheckable": share(counts["no_data"]),
    }


def evaluate_target(
    store: Store, target: Target, registry: Registry, as_of: date, lang: Lang = "en"
) -> dict[str, Any]:
    """One target's status, what it rests on, the value used, the projection, the growth
    rates, each official series that measures it and the statements made about it; its
    title, reason and projection method in ``lang``."""
    series: list[SeriesValues] = []
    if target.indicator is not None:
        series.append(read_series(store, target.indicator, target.breakdown, target.country))
        series += [
            read_series(store, s.indicator, s.breakdown, target.country)
            for s in target.also_measured_by
        ]
    own = registry_values(target, registry.file_name)
    values = merge(series[0].values if series else [], own, _end)
    conflicts = series[0].conflicts if series else []
    judged = judge(target, values, as_of, conflicts=conflicts, lang=lang)
    measured = [_measured(target, one, as_of, lang) for one in series]
    reason = judged.pop("reason")
    for other in measured[1:] if len(measured) > 1 else []:
        name = _series_name(other["indicator"], other["breakdown"])
        reason += " " + reasons.side_by_side(other, name, lang)
    said = statements(target, as_of)
    if said:
        reason += " " + reasons.statements(len(said), lang)
    return {
        "id": target.id,
        "title": target.title.get(lang),
        "registry": registry.label,
        "indicator": target.indicator,
        "breakdown": target.breakdown,
        "unit": target.unit,
        "baseline": target.baseline.model_dump() if target.baseline else None,
        "target": {
            "value": target.target.value,
            "direction": target.target.direction,
            "deadline": target.deadline,
        },
        "source_document": target.source_document.model_dump(),
        **judged,
        "reason": reason,
        "measured_by": measured,
        "statements": said,
    }


def judge(
    target: Target,
    values: list[Value],
    as_of: date,
    *,
    conflicts: list[Conflict] | None = None,
    series: str | None = None,
    lang: Lang = "en",
) -> dict[str, Any]:
    """A target judged by one list of values: ``status``, ``evidence``, ``observed``,
    ``projection``, ``required_growth``, ``observed_growth`` and ``reason`` in ``lang``
    (``series`` names the indicator the values are of, when it is not the target's own)."""
    points = [v for v in values if _known(v, as_of)]
    passed = as_of > target.deadline_date
    if passed:  # what came after the deadline cannot meet it
        points = [p for p in points if _start(p.period) <= target.deadline_date]
    deadline_period = _deadline_period(target, points[-1].period if points else None)
    deadline_time = period_in_years(deadline_period)
    window = [p for p in points if p.time > points[-1].time - TREND_YEARS] if points else []
    fitted = trend.fit([p.time for p in window], [p.value for p in window])
    final = _at_deadline(points, target) if passed else None
    observed = final or (points[-1] if points else None)
    projection = None
    if fitted is not None and final is None:
        projection = _projection(fitted, window, deadline_period, deadline_time, target, lang)
    reached = next((p for p in points if _meets(target, p.value)), None)
    status = _status(target, passed, final, projection, reached)
    start = _growth_start(target, observed if final is None else None, deadline_time)
    if status == "met" and final is None and reached is not None:
        observed = reached  # the evidence is the first value that reached the target
    resting = ([observed] if observed else []) if status in ("met", "missed") else window
    evidence = _evidence(resting) if status != "no_data" else None
    early = (
        status == "met"
        and observed is not None
        and _start(observed.period).year < (target.deadline_date.year)
    )
    reason = reasons.reason(
        target,
        status,
        observed,
        projection,
        count=len(points),
        passed=passed,
        early=early,
        meets=observed is not None and _meets(target, observed.value),
        series=series or _series_name(target.indicator, target.breakdown),
        level=round(trend.LEVEL * 100),
        trend_years=TREND_YEARS,
        lang=lang,
    )
    if evidence == "reported":
        reason += " " + reasons.rests_on_reports(lang)
    if projection is not None and _beyond_bounds(projection, target.unit):
        reason += " " + reasons.beyond_bounds(lang)
    for conflict in conflicts or []:
        if _end(conflict.period) <= as_of:
            reason += " " + reasons.conflict(conflict.period, conflict.values, lang)
    return {
        "status": status,
        "evidence": evidence,
        "observed": observed.as_dict() if observed else None,
        "projection": projection,
        "required_growth": _required(target, start, deadline_time),
        "observed_growth": _observed_growth(fitted, window, target.unit),
        "reason": reason,
    }


def _known(value: Value, as_of: date) -> bool:
    """Whether a value could be known on ``as_of``: its period had ended and, for a reported
    value, the statement had been made."""
    said = value.known_from is None or value.known_from <= as_of
    return said and _end(value.period) <= as_of


def _evidence(values: list[Value]) -> Evidence:
    """What a status rests on: reported as soon as one reported value is among its values."""
    return "reported" if any(v.evidence == "reported" for v in values) else "statistics"


def _measured(target: Target, series: SeriesValues, as_of: date, lang: Lang) -> dict[str, Any]:
    """The target judged by one official series alone, with the series' label and method."""
    name = _series_name(series.indicator, series.breakdown)
    judged = judge(target, series.values, as_of, conflicts=series.conflicts, series=name, lang=lang)
    return {
        "indicator": series.indicator,
        "breakdown": series.breakdown,
        "label": series.label,
        "method": series.method,
        **judged,
        "conflicts": [
            {"period": c.period, "values": list(c.values), "files": list(c.files)}
            for c in series.conflicts
        ],
    }


def _series_name(indicator: str | None, breakdown: str | None) -> str | None:
    """An indicator and its breakdown as the reasons name them: "KZ.SDG.17.8.1 (urbanisation=
    rural)"."""
    if indicator is None:
        return None
    return indicator + (f" ({breakdown})" if breakdown else "")


# evidence -----------------------------------------------------------------------------------------
def _bounds(period: str) -> tuple[date, date]:
    """First and last day of a period (2020, 2020-Q2, 2020-04)."""
    match = _PERIOD.match(period)
    if match is None:
        period_in_years(period)  # raises the usual InputError
        raise AssertionError(period)
    year, quarter, month = match.groups()
    first, last = (1, 12)
    if quarter:
        first, last = 3 * int(quarter) - 2, 3 * int(quarter)
    elif month:
        first = last = int(month)
    y = int(year)
    return date(y, first, 1), date(y, last, calendar.monthrange(y, last)[1])


def _start(period: str) -> date:
    return _bounds(period)[0]


def _end(period: str) -> date:
    return _bounds(period)[1]


def _deadline_period(target: Target, like: str | None) -> str:
    """The period holding the deadline, in the series' own granularity (year, quarter, month)."""
    day = target.deadline_date
    if like is None or len(like) == 4:
        return str(day.year)
    if "Q" in like:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def _at_deadline(points: list[Value], target: Target) -> Value | None:
    """The value for the deadline: the latest one within the deadline year, not after it."""
    year = target.deadline_date.year
    inside = [p for p in points if _start(p.period).year == year]
    return inside[-1] if inside else None


# trend and growth ---------------------------------------------------------------------------------
def growth_unit(unit: str) -> str:
    """The unit of a change per year: percentage points for shares, else the unit per year."""
    return "percentage points per year" if reasons.is_share(unit) else f"{unit} per year"


def _projection(
    fitted: trend.Trend,
    window: list[Value],
    period: str,
    time: float,
    target: Target,
    lang: Lang,
) -> dict[str, Any]:
    result = trend.project(fitted, time)
    projection: dict[str, Any] = {
        "period": period,
        "value": result.value,
        "low": result.low,
        "high": result.high,
    }
    projection["method"] = reasons.method(
        n=fitted.n,
        span=f"{window[0].period}–{window[-1].period}",
        slope=fitted.slope,
        unit_text=target.unit,
        level=round(trend.LEVEL * 100),
        trend_years=TREND_YEARS,
        interval=fitted.residual_sd is not None,
        bounded=_beyond_bounds(projection, target.unit),
        lang=lang,
    )
    return projection


def _beyond_bounds(projection: dict[str, Any], unit: str) -> bool:
    """Whether the straight line of a share passes 0 or 100 % (the projection or its ends)."""
    ends = [projection[k] for k in ("value", "low", "high") if projection[k] is not None]
    return reasons.is_share(unit) and (min(ends) < 0 or max(ends) > 100)


def _growth_start(
    target: Target, latest: Value | None, deadline_time: float
) -> tuple[str, float] | None:
    """Where the required growth starts: the latest value, else the declared baseline."""
    if latest is not None and latest.time < deadline_time:
        return latest.period, latest.value
    base = target.baseline
    if base is not None and period_in_years(base.period) < deadline_time:
        return base.period, base.value
    return None


def _required(
    target: Target, start: tuple[str, float] | None, deadline_time: float
) -> dict[str, Any] | None:
    if start is None:
        return None
    period, value = start
    years = deadline_time - period_in_years(period)
    goal = target.target.value
    return {
        "per_year": trend.per_year_needed(period_in_years(period), value, deadline_time, goal),
        "from_period": period,
        "from_value": value,
        "cagr_pct": trend.cagr_pct(value, goal, years),
        "unit": growth_unit(target.unit),
    }


def _observed_growth(
    fitted: trend.Trend | None, window: list[Value], unit: str
) -> dict[str, Any] | None:
    """The trend's slope over the window, and the compound rate between its ends."""
    if fitted is None:
        return None
    first, last = window[0], window[-1]
    return {
        "per_year": fitted.slope,
        "from_period": first.period,
        "to_period": last.period,
        "cagr_pct": trend.cagr_pct(first.value, last.value, last.time - first.time),
        "unit": growth_unit(unit),
    }


# status and reason --------------------------------------------------------------------------------
def _meets(target: Target, value: float) -> bool:
    goal = target.target.value
    return value >= goal if target.target.direction == "at_least" else value <= goal


def _status(
    target: Target,
    passed: bool,
    final: Value | None,
    projection: dict[str, Any] | None,
    reached: Value | None = None,
) -> Status:
    if final is not None:
        return "met" if _meets(target, final.value) else "missed"
    if reached is not None:  # the target was reached before its deadline
        return "met"
    if passed or projection is None:
        return "no_data"
    return "on_track" if _meets(target, projection["value"]) else "off_track"
