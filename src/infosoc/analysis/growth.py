"""Growth between two periods: absolute, per cent, and compound annual growth rate."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import InputError

_PERIOD = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|(0[1-9]|1[0-2])))?$")


def period_in_years(period: str) -> float:
    """A period ("2020", "2020-Q2", "2020-04") as a point in years, at the period's start."""
    match = _PERIOD.match(period)
    if not match:
        raise InputError(f"'{period}' is not a period such as 2020, 2020-Q2 or 2020-04")
    year, quarter, month = match.groups()
    if quarter:
        return int(year) + (int(quarter) - 1) / 4
    if month:
        return int(year) + (int(month) - 1) / 12
    return float(year)


@dataclass(frozen=True)
class Growth:
    """How a value changed from ``start`` to ``end``; None where it is undefined."""

    start: str
    end: str
    start_value: float
    end_value: float
    change: float
    change_pct: float | None
    years: float
    cagr_pct: float | None


def growth(start: str, start_value: float, end: str, end_value: float) -> Growth:
    """Absolute and per cent change, and the compound annual growth rate between two periods.

    CAGR = (end / start) ** (1 / years) - 1, defined only for positive values and a positive
    span of time; per cent change is undefined from 0.
    """
    years = period_in_years(end) - period_in_years(start)
    if years <= 0:
        raise InputError(f"the end period {end} must come after the start period {start}")
    change_pct = (end_value / start_value - 1) * 100 if start_value != 0 else None
    cagr = (
        ((end_value / start_value) ** (1 / years) - 1) * 100
        if start_value > 0 and end_value > 0
        else None
    )
    return Growth(start, end, start_value, end_value, end_value - start_value, change_pct, years,
                  cagr)  # fmt: skip
