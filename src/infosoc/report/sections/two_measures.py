"""Internet users by two official measures, side by side: ITU's estimate (as the World Bank's
WDI republishes it, ``IT.NET.USER.ZS``) and the Bureau of National Statistics' household
survey (``KZ.SDG.17.8.1``).

They measure the same thing by different methods and differ by a point or two; the report
shows both with their methods and their difference, and never folds one into the other
(docs/decisions/0003-newest-release-answers.md).
"""

from __future__ import annotations

from ..context import Context
from ..model import Cell, Table

ESTIMATE = "IT.NET.USER.ZS"
SURVEY = "KZ.SDG.17.8.1"
#: The years shown: the last ones either measure has, at most this many.
YEARS = 8


def two_measures(ctx: Context) -> tuple[Table, str] | None:
    """The table of both measures, year by year, and a sentence on the latest year both hold;
    None when the store holds only one of them for ``ctx``'s country."""
    loc = ctx.loc
    estimate = {r["period"]: r for r in ctx.store.series(ESTIMATE, [ctx.iso3])}
    survey = {r["period"]: r for r in ctx.store.series(SURVEY, [ctx.iso3])}
    if not estimate or not survey:
        return None
    both = sorted(p for p in estimate if p in survey)
    if not both:
        return None
    periods = sorted(set(estimate) | set(survey))[-YEARS:]
    columns = [
        Cell(loc._("Year")),
        Cell(loc._("ITU estimate, %%"), numeric=True, sub=loc._("World Bank WDI")),
        Cell(
            loc._("Household survey, %%"), numeric=True, sub=loc._("Bureau of National Statistics")
        ),
        Cell(loc._("Difference, pp"), numeric=True),
    ]
    rows = []
    for period in periods:
        a, b = estimate.get(period), survey.get(period)
        low, high = (a or {}).get("value"), (b or {}).get("value")
        difference = high - low if low is not None and high is not None else None
        rows.append(
            [
                Cell(period),
                Cell(loc.num(low, 1), ctx.notes.file((a or {}).get("file_name")), numeric=True),
                Cell(loc.num(high, 1), ctx.notes.file((b or {}).get("file_name")), numeric=True),
                Cell(loc.num(difference, 1), numeric=True),
            ]
        )
    caption = loc._("Individuals using the internet, two official measures")
    table = Table(columns, rows, caption=caption, css="two-measures", widths=(16, 28, 32, 24))
    year = both[-1]
    sentence = loc._(
        "Two official measures of internet use differ by method: ITU estimates %(estimate)s "
        "for %(year)s (published by the World Bank), and the Bureau of National Statistics' "
        "household survey finds %(survey)s. Both are shown; neither replaces the other.",
        year=year,
        estimate=loc.pct(estimate[year]["value"]),
        survey=loc.pct(survey[year]["value"]),
    )
    return table, sentence
