"""EGDI rules: level groups, rating classes, the composition check, ranks and method breaks.

Evidence for each rule is in docs/egdi-method.md and docs/rating-classes.md.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from ..errors import InputError

RatingRule = Literal["quartile", "equal-width"]

#: (lower bound, exclusive?, name, code, classes from highest to lowest)
LEVELS: tuple[tuple[float, str, str, tuple[str, str, str, str]], ...] = (
    (0.75, "Very High", "VH", ("VH", "V3", "V2", "V1")),
    (0.50, "High", "H", ("HV", "H3", "H2", "H1")),
    (0.25, "Middle", "M", ("MH", "M3", "M2", "M1")),
    (0.00, "Low", "L", ("LM", "L3", "L2", "L1")),
)
_UPPER = {"Very High": 1.0, "High": 0.75, "Middle": 0.50, "Low": 0.25}

#: First edition that publishes rating classes.
RATING_CLASSES_FROM = 2020

#: What changed in the method *in* an edition, so that a change from the edition before it
#: crosses a break. Source: UN E-Government Survey 2022, Annex, Table A.1, and the 2022
#: chapter 1 on the OSI sub-indices (see docs/egdi-method.md).
METHOD_CHANGES: dict[int, str] = {
    2008: "TII components changed (fixed broadband added; online population and TVs dropped)",
    2012: "TII components changed (fixed Internet subscriptions replace PC users)",
    2014: "TII components changed (wireless broadband added)",
    2018: "TII components changed (active mobile broadband replaces wireless broadband)",
    2020: "TII components changed (fixed telephone dropped, cap of 120 introduced)",
    2022: "OSI gained five weighted sub-indices",
}


def edition_year(period: str | None) -> int | None:
    """The survey edition ``period`` names ("2022" → 2022), or None for None.

    Editions are years: any other period is an InputError.
    """
    if period is None:
        return None
    text = str(period).strip()
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise InputError(f"an E-Government Survey edition is a year such as 2022, not '{period}'")
    return int(text)


def level(egdi: float | None) -> str | None:
    """EGDI level group: Very High (> 0.75), High (0.50 to 0.75), Middle (0.25 to 0.50), Low."""
    if egdi is None or math.isnan(egdi):
        return None
    if egdi > 0.75:
        return "Very High"
    if egdi >= 0.50:
        return "High"
    if egdi >= 0.25:
        return "Middle"
    return "Low"


def _group_classes(name: str) -> tuple[str, str, str, str]:
    for _, group, _, classes in LEVELS:
        if group == name:
            return classes
    raise ValueError(name)


def rating_classes(
    egdi: Mapping[str, float | None],
    year: int,
    rule: RatingRule = "quartile",
) -> dict[str, str | None]:
    """Rating class of every country in one edition (None before 2020 or without a value).

    ``quartile``: within each level group, countries are split at the quartiles of the
    group's EGDI values (a value on a quartile goes to the upper class).
    ``equal-width``: each group's EGDI range is cut into four intervals of equal width.
    """
    result: dict[str, str | None] = dict.fromkeys(egdi)
    if year < RATING_CLASSES_FROM:
        return result
    groups: dict[str, list[tuple[str, float]]] = {}
    for iso3, value in egdi.items():
        group = level(value)
        if group is not None and value is not None:
            groups.setdefault(group, []).append((iso3, value))
    for group, members in groups.items():
        classes = _group_classes(group)
        values = sorted(v for _, v in members)
        if rule == "quartile":
            cuts = _quartile_cuts(values)
        else:
            low = 0.75 if group == "Very High" else _UPPER[group] - 0.25
            width = (_UPPER[group] - low) / 4
            cuts = [low + 3 * width, low + 2 * width, low + width]
        for iso3, value in members:
            position = next((i for i, cut in enumerate(cuts) if value >= cut - 1e-12), 3)
            result[iso3] = classes[position]
    return result


def _quartile_cuts(values: Sequence[float]) -> list[float]:
    """The upper quartile, the median and the lower quartile of ``values``, interpolated
    linearly between order statistics (numpy.quantile's default method)."""
    if len(values) == 1:
        return [values[0]] * 3
    # the standard library's rather than numpy's: this runs on every EGDI query, and numpy
    # is not otherwise imported by one
    lower, median, upper = statistics.quantiles(values, n=4, method="inclusive")
    return [upper, median, lower]


#: Weights (OSI, TII, HCI) that reproduce the published EGDI where they are not equal thirds.
#: Found in the data: 2008 and 2010 EGDI equal 0.34 OSI + 0.33 TII + 0.33 HCI to within
#: rounding (all but Cameroon and Cambodia in 2008); see docs/egdi-method.md.
EDITION_WEIGHTS: dict[int, tuple[float, float, float]] = {
    2008: (0.34, 0.33, 0.33),
    2010: (0.34, 0.33, 0.33),
}
EQUAL_THIRDS = (1 / 3, 1 / 3, 1 / 3)


@dataclass(frozen=True)
class CompositionCheck:
    """How far published EGDI values are from their components in one edition.

    ``max_deviation`` is against the plain mean of OSI, TII and HCI, over every country;
    ``published_zero`` lists countries published with EGDI 0 although their components are not
    all 0 or are missing (early editions scored states with no national website, or without
    data, 0); ``max_weighted_deviation``
    is against the edition's own weights (``weights``) over the other countries, and
    ``over_tolerance`` lists those beyond the tolerance.
    """

    year: int
    countries: int
    max_deviation: float
    max_deviation_iso3: str | None
    weights: tuple[float, float, float]
    max_weighted_deviation: float
    over_tolerance: list[str]
    published_zero: list[str]


def composition_check(
    year: int,
    rows: Sequence[Mapping[str, object]],
    tolerance: float,
) -> CompositionCheck:
    """Compare EGDI with the mean (and the edition's weighting) of its three components."""
    weights = EDITION_WEIGHTS.get(year, EQUAL_THIRDS)
    worst, worst_iso3, worst_weighted = 0.0, None, 0.0
    over: list[str] = []
    zero: list[str] = []
    counted = 0
    for row in rows:
        egdi, osi, tii, hci = (row.get(k) for k in ("egdi", "osi", "tii", "hci"))
        if egdi == 0.0 and not all(isinstance(v, float) for v in (osi, tii, hci)):
            zero.append(str(row["iso3"]))  # published 0 for a state with missing components
            continue
        if not all(isinstance(v, float) for v in (egdi, osi, tii, hci)):
            continue
        assert isinstance(egdi, float) and isinstance(osi, float)
        assert isinstance(tii, float) and isinstance(hci, float)
        counted += 1
        mean = (osi + tii + hci) / 3
        deviation = abs(egdi - mean)
        if deviation > worst:
            worst, worst_iso3 = deviation, str(row["iso3"])
        if egdi == 0.0 and mean > 0.0:
            zero.append(str(row["iso3"]))
            continue
        weighted = abs(egdi - (weights[0] * osi + weights[1] * tii + weights[2] * hci))
        worst_weighted = max(worst_weighted, weighted)
        if weighted > tolerance:
            over.append(str(row["iso3"]))
    return CompositionCheck(year, counted, worst, worst_iso3, weights, worst_weighted, over, zero)


def method_breaks(previous_year: int, year: int) -> list[str]:
    """Method changes that lie between two editions (after ``previous_year``, up to ``year``)."""
    return [
        f"{edition}: {text}"
        for edition, text in sorted(METHOD_CHANGES.items())
        if previous_year < edition <= year
    ]
