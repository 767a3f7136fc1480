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

Only values of periods that had ended by ``as_of`` are used. The trend is an OLS line on the
last ``TREND_YEARS`` years of values with a 90 % prediction interval (:mod:`.trend`).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from ..errors import NotFoundError
from ..geo.countries import Lang, resolve
from ..store import Store
from . import trend
from .growth import period_in_years
from .target_registry import Registry, Target, builtin_registries, load_registry

Status = Literal["met", "missed", "on_track", "off_track", "no_data"]
STATUSES: tuple[Status, ...] = ("met", "missed", "on_track", "off_track", "no_data")

#: The trend is fitted to the values of the last this many years before the latest one.
TREND_YEARS = 5

_PERIOD = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|(\d{2})))?$")


@dataclass(frozen=True)
class _Point:
    period: str
    time: float
    value: float
    source: dict[str, Any]


def evaluate_targets(
    store: Store,
    country: str,
    *,
    registry: Path | None = None,
    as_of: date | None = None,
    lang: Lang = "en",
) -> dict[str, Any]:
    """Every target declared for ``country`` with its status, evidence and a scorecard.

    ``registry`` is a YAML file (docs/targets.md); by default the registries shipped with
    infosoc. ``as_of`` (default: today) decides which deadlines have passed.
    """
    iso3 = resolve(country)
    day = as_of or date.today()
    registries = [load_registry(registry)] if registry is not None else builtin_registries()
    chosen = [(r, t) for r in registries for t in r.targets if t.country == iso3]
    if not chosen:
        where = str(registry) if registry is not None else "the shipped registries"
        hint = "" if registry is not None else "; pass your own with --file"
        raise NotFoundError(f"{where} declare no targets for {iso3}{hint}")
    results = [evaluate_target(store, t, r, day, lang) for r, t in chosen]
    return {
        "country": iso3,
        "as_of": day.isoformat(),
        "registry": ", ".join(dict.fromkeys(r.label for r, _ in chosen)),
        "targets": results,
        "scorecard": scorecard(results),
    }


def scorecard(results: list[dict[str, Any]]) -> dict[str, Any]:
    """How many targets have each status, the share met and the share that cannot be checked."""
    counts: dict[str, int] = {s: sum(r["status"] == s for r in results) for s in STATUSES}
    declared = len(results)
    return {
        "declared": declared,
        **counts,
        "share_achieved": counts["met"] / declared if declared else None,
        "share_uncheckable": counts["no_data"] / declared if declared else None,
    }


def evaluate_target(
    store: Store, target: Target, registry: Registry, as_of: date, lang: Lang = "en"
) -> dict[str, Any]:
    """One target's status, the value it rests on, the projection and the growth rates."""
    points = [p for p in _points(store, target, registry.file_name) if _end(p.period) <= as_of]
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
        projection = _projection(fitted, window, deadline_period, deadline_time, target.unit)
    reached = next((p for p in points if _meets(target, p.value)), None)
    status = _status(target, passed, final, projection, reached)
    start = _growth_start(target, observed if final is None else None, deadline_time)
    if status == "met" and final is None and reached is not None:
        observed = reached  # the evidence is the first value that reached the target
    return {
        "id": target.id,
        "title": target.title.get(lang),
        "indicator": target.indicator,
        "unit": target.unit,
        "baseline": target.baseline.model_dump() if target.baseline else None,
        "target": {
            "value": target.target.value,
            "direction": target.target.direction,
            "deadline": target.deadline,
        },
        "source_document": target.source_document.model_dump(),
        "status": status,
        "observed": _observed(observed),
        "projection": projection,
        "required_growth": _required(target, start, deadline_time),
        "observed_growth": _observed_growth(fitted, window, target.unit),
        "reason": _reason(target, status, observed, projection, len(points), passed),
    }


# evidence -----------------------------------------------------------------------------------------
def _points(store: Store, target: Target, file_name: str) -> list[_Point]:
    """The store's series for the target, with the registry's own values filling its gaps."""
    found: dict[str, _Point] = {}
    if target.indicator is not None:
        for row in store.series(target.indicator, [target.country]):
            if row["value"] is None:  # missing stays missing: never a zero
                continue
            source = {k: row[k] for k in ("source", "file_name", "retrieved")}
            found[row["period"]] = _Point(
                row["period"], period_in_years(row["period"]), float(row["value"]), source
            )
    for obs in target.observed:
        retrieved = obs.retrieved.isoformat() if obs.retrieved else None
        source = {"source": obs.source, "file_name": file_name, "retrieved": retrieved}
        found.setdefault(
            obs.period, _Point(obs.period, period_in_years(obs.period), obs.value, source)
        )
    return sorted(found.values(), key=lambda p: (p.time, _end(p.period)))


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


def _at_deadline(points: list[_Point], target: Target) -> _Point | None:
    """The value for the deadline: the latest one within the deadline year, not after it."""
    year = target.deadline_date.year
    inside = [p for p in points if _start(p.period).year == year]
    return inside[-1] if inside else None


def _observed(point: _Point | None) -> dict[str, Any] | None:
    if point is None:
        return None
    return {"period": point.period, "value": point.value, "source": point.source}


# trend and growth ---------------------------------------------------------------------------------
def growth_unit(unit: str) -> str:
    """The unit of a change per year: percentage points for shares, else the unit per year."""
    text = unit.strip().lower()
    if text.startswith("%") or "per cent" in text or "percent" in text:
        return "percentage points per year"
    return f"{unit} per year"


def _projection(
    fitted: trend.Trend, window: list[_Point], period: str, time: float, unit: str
) -> dict[str, Any]:
    result = trend.project(fitted, time)
    span = f"{window[0].period}–{window[-1].period}"
    if fitted.residual_sd is None:
        method = (
            f"straight line through the 2 values {span}; no prediction interval "
            "(two points leave no degrees of freedom)"
        )
    else:
        level, df = round(trend.LEVEL * 100), fitted.n - 2
        method = (
            f"OLS linear trend on the {fitted.n} values {span} (at most the last {TREND_YEARS} "
            f"years), slope {fitted.slope:+.3g} {growth_unit(unit)}; {level}% prediction "
            f"interval (Student's t, {df} degree{'s' if df > 1 else ''} of freedom)"
        )
    ends = [v for v in (result.value, result.low, result.high) if v is not None]
    if growth_unit(unit).startswith("percentage") and (min(ends) < 0 or max(ends) > 100):
        method += "; a straight line ignores the 0-100 % bounds of a share"
    return {
        "period": period,
        "value": result.value,
        "low": result.low,
        "high": result.high,
        "method": method,
    }


def _growth_start(
    target: Target, latest: _Point | None, deadline_time: float
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
    fitted: trend.Trend | None, window: list[_Point], unit: str
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
    final: _Point | None,
    projection: dict[str, Any] | None,
    reached: _Point | None = None,
) -> Status:
    if final is not None:
        return "met" if _meets(target, final.value) else "missed"
    if reached is not None:  # the target was reached before its deadline
        return "met"
    if passed or projection is None:
        return "no_data"
    return "on_track" if _meets(target, projection["value"]) else "off_track"


def _num(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def _goal(target: Target) -> str:
    words = "at least" if target.target.direction == "at_least" else "at most"
    return f"{words} {_num(target.target.value)} {target.unit} by {target.deadline}"


def _projected(projection: dict[str, Any]) -> str:
    text = f"the trend projects {_num(projection['value'])} for {projection['period']}"
    if projection["low"] is not None:
        level = round(trend.LEVEL * 100)
        text += f" ({level}% interval {_num(projection['low'])} to {_num(projection['high'])})"
    return text


def _reason(
    target: Target,
    status: Status,
    observed: _Point | None,
    projection: dict[str, Any] | None,
    count: int,
    passed: bool,
) -> str:
    """One sentence saying why the target has its status."""
    goal = _goal(target)
    if status in ("met", "missed") and observed is not None:
        verb = "meets" if status == "met" else "misses"
        text = f"The {observed.period} value, {_num(observed.value)}, {verb} the target ({goal})"
        if status == "met" and _start(observed.period).year < target.deadline_date.year:
            text += "; it was reached ahead of the deadline (the deadline year's value is not held)"
        return text + "."
    if status in ("on_track", "off_track") and projection is not None:
        verb = "meets" if status == "on_track" else "falls short of"
        text = _projected(projection)
        return f"{text[0].upper()}{text[1:]}, which {verb} the target ({goal})."
    if observed is None:
        if target.indicator is None and not target.observed:
            return (
                "No official series measures this target and the registry gives no observed "
                f"value, so it cannot be checked ({goal})."
            )
        when = "at or before the deadline" if passed else "yet"
        held = f"no value of {target.indicator}" if target.indicator else "no observed value"
        return f"The store and the registry hold {held} for {target.country} {when} ({goal})."
    latest = f"the latest value, {_num(observed.value)} in {observed.period}"
    already = "already meets" if _meets(target, observed.value) else "does not meet"
    if passed:
        text = (
            f"The deadline has passed but no value for {target.deadline_date.year} is held; "
            f"{latest}, {already} the target ({goal})"
        )
        return text + (f", and {_projected(projection)}." if projection else ".")
    recent = f" in the last {TREND_YEARS} years" if count > 1 else ""
    return (
        f"Only one value is held{recent}, so no trend can be projected; {latest}, {already} "
        f"the target ({goal})."
    )
