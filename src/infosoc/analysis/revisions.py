"""How a series was revised, release by release: every vintage the store holds of one
indicator for one country, and which of them answers by default.

Some publishers' series are the same series under another code: the World Bank's
``IT.CEL.SETS.P2`` is ITU's ``i911`` (WDI republishes ITU's World Telecommunication/ICT
Indicators). The store's ``EQUIVALENT_SERIES`` lists those pairs, so that a revision made by
ITU shows beside the World Bank's older copy. Series that measure the same thing by another
method (the Bureau of National Statistics' household survey against ITU's estimate of
internet users) are not equivalent: they are compared side by side, with their methods.
"""

from __future__ import annotations

from typing import Any

from ..errors import NotFoundError
from ..store import Store, equivalent_codes


def revisions(
    store: Store, code: str, iso3: str, *, start: str | None = None, end: str | None = None
) -> list[dict[str, Any]]:
    """Every value of ``code`` (and its equivalents) for ``iso3`` in every release held,
    period by period, oldest release first.

    Each row: ``period, indicator, value, note, source, edition, released, file_name, current``
    (whether that file is its edition's current version), ``answers`` (whether it is the
    value a plain query gives) and ``change`` (the value less the previous release's value
    for the same period, None for the first release or a missing value). ``start`` and
    ``end`` bound the periods, both included.
    """
    codes = equivalent_codes(code)
    rows: list[dict[str, Any]] = []
    for each in codes:
        rows += [{"indicator": each, **r} for r in store.revisions(each, iso3)]
    if not rows:
        raise NotFoundError(f"the store holds no value of {code} for {iso3}")
    rows = [
        r for r in rows
        if (start is None or r["period"] >= start) and (end is None or r["period"] <= end)
    ]  # fmt: skip
    answering = {
        (r["period"], r["source"], r["edition"])
        for r in store.series(code, [iso3], countries_only=False)
    }
    rows.sort(key=lambda r: (r["period"], r["released"] or "", r["indicator"], r["version"]))
    previous: dict[str, float | None] = {}
    for row in rows:
        key = (row["period"], row["source"], row["edition"])
        row["answers"] = key in answering and row["current"]
        before = previous.get(row["period"])
        value = row["value"]
        # Rounded: a value copied through single precision differs in its eighth digit.
        row["change"] = None if before is None or value is None else round(value - before, 6)
        if value is not None:
            previous[row["period"]] = value
    return [
        {k: r[k] for k in (
            "period", "indicator", "value", "change", "answers", "source", "edition",
            "released", "file_name", "current", "note",
        )}
        for r in rows
    ]  # fmt: skip
