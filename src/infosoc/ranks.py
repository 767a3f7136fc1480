"""Ranks as publishers compute them: largest first, ties sharing the best rank (1, 2, 2, 4)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TypeVar

K = TypeVar("K")


def competition_ranks(values: Mapping[K, float | None]) -> dict[K, int | None]:
    """Rank by descending value; ties share the best rank; a missing value gets None."""
    present = sorted(
        (v for v in values.values() if v is not None and not math.isnan(v)), reverse=True
    )
    first_at: dict[float, int] = {}
    for position, value in enumerate(present, start=1):
        first_at.setdefault(value, position)
    return {
        k: (first_at[v] if v is not None and not math.isnan(v) else None) for k, v in values.items()
    }
