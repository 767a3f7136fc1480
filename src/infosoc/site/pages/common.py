"""What every page builder shares: numbers in the page's language, table cells, and a figure
from a series of rows."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ...i18n import Lang
from ...i18n.format import MISSING
from ...report.localiser import Localiser
from ..figures import KeyEntry, line_specs
from ..model import Cell, DataFile, Figure, Table
from ..world import World


def number(loc: Localiser, value: Any, digits: int) -> str:
    """A value with ``digits`` decimals in the page's language; the missing mark for None."""
    if value is None or isinstance(value, bool):
        return MISSING
    return loc.num(value, digits)


def num_cell(loc: Localiser, value: Any, digits: int) -> Cell:
    """A right-aligned number cell (the missing mark for None, never 0)."""
    return Cell(number(loc, value, digits), numeric=True)


def country_cell(world: World, iso3: str, loc: Localiser, *, mark: bool = False) -> Cell:
    """A country's name, linked to its page when this build gives it one; ``mark`` flags the
    page's own country."""
    from ...geo.countries import country

    name = country(iso3).name(loc.lang)
    return Cell(f"{name} ★" if mark else name, css="own" if mark else "",
                link=f"country/{iso3}/" if iso3 in world.built else "")  # fmt: skip


def header(*texts: str, numeric: Sequence[int] = ()) -> list[Cell]:
    """Header cells; the columns listed in ``numeric`` are right-aligned."""
    return [Cell(t, numeric=i in numeric) for i, t in enumerate(texts)]


def trend(loc: Localiser, values: Sequence[tuple[str, Any]], digits: int) -> str:
    """ "first → last" of a series' values with their periods, in the page's language."""
    present = [(p, v) for p, v in values if v is not None]
    if not present:
        return loc._("No data.")
    (p0, v0), (p1, v1) = present[0], present[-1]
    if p0 == p1:
        return f"{loc.period(p1)}: {number(loc, v1, digits)}"
    return (
        f"{loc.period(p0)}–{loc.period(p1)}: {number(loc, v0, digits)} → {number(loc, v1, digits)}"
    )


def sources_caption(loc: Localiser, sources: Sequence[Mapping[str, Any]], periods: str) -> str:
    """ "Source: publisher, title (releases). Period: ..." for a figure's caption; the files of
    one publication (the survey's editions) are named once, with their release years."""
    releases: dict[tuple[str, str], list[str]] = {}
    for s in sources:
        # "Survey ..., 2024" and "Survey ..., 2022" are one publication in two releases.
        title = re.sub(r",?\s*(?:19|20)\d{2}$", "", str(s["title"]))
        years = releases.setdefault((str(s["publisher"]), title), [])
        year = str(s.get("released") or "")[:4]
        if year and year not in years:
            years.append(year)
    named = "; ".join(
        f"{publisher}, {title}" + (f" ({', '.join(sorted(years))})" if years else "")
        for (publisher, title), years in releases.items()
    )
    return loc._(
        "Source: %(sources)s. Period: %(periods)s.", sources=named or MISSING, periods=periods
    )


def series_figure(
    world: World,
    loc: Localiser,
    *,
    fig_id: str,
    title: str,
    rows: Sequence[Mapping[str, Any]],
    series: Sequence[tuple[str, str]],
    unit: str,
    digits: int,
    highlight: str | None = None,
    indicator: str = "",
    reverse_y: bool = False,
) -> Figure | None:
    """A line chart of ``rows`` (``period, <series key>: value, file_name``) with one line per
    series (key, label) and its data table; None when no value is present.

    Periods must be years ("2024") to be drawn on a numeric axis; others are drawn as an
    ordinal axis.
    """
    periods = sorted({str(r["period"]) for r in rows})
    keys = [k for k, _ in series if any(r.get(k) is not None for r in rows)]
    if not keys:
        return None
    labels = dict(series)
    integer = all(p.isdigit() for p in periods)
    # The spec holds the series' keys, not their names: one drawing serves every language.
    points = [
        {"x": int(r["period"]) if integer else str(r["period"]), "y": r.get(k), "s": k}
        for r in rows for k in keys
    ]  # fmt: skip
    drawing, key = line_specs(
        points, series=keys, highlight=highlight,
        reverse_y=reverse_y, integer_x=integer,
    )  # fmt: skip
    table = Table(
        header(loc._("Period"), *(labels[k] for k in keys), numeric=range(1, len(keys) + 1)),
        [[Cell(loc.period(r["period"])), *(num_cell(loc, r.get(k), digits) for k in keys)]
         for r in rows],
        caption=f"{title} ({unit})" if unit else title,
    )  # fmt: skip
    sources = _sources(world, rows)
    first_key = highlight or keys[0]
    summary_values = [(str(r["period"]), r.get(first_key)) for r in rows]
    summary = f"{title}, {labels[first_key]}: {trend(loc, summary_values, digits)}"
    span = f"{loc.period(periods[0])}–{loc.period(periods[-1])}" if periods else MISSING
    data = DataFile(
        stem=f"data/charts/{fig_id}",
        title=title,
        columns=["period", *keys],
        rows=[{"period": r["period"], **{k: r.get(k) for k in keys}} for r in rows],
        unit=unit,
        sources=sources,
        indicator=indicator,
    )
    return Figure(
        id=fig_id,
        title=title,
        caption=sources_caption(loc, sources, span),
        summary=summary,
        drawing=drawing,
        key=[KeyEntry(c, d, labels[k]) for c, d, k in key],
        table=table,
        data=data,
    )


def _sources(world: World, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    names: list[str] = []
    for r in rows:
        for k, v in r.items():
            if k.startswith("file_name") and v and v not in names:
                names.append(str(v))
    found = [world.source_of(n) for n in names]
    return [f for f in found if f is not None]


def localiser(lang: Lang) -> Localiser:
    """The report's translator and number formatter, in ``lang``."""
    return Localiser(lang)


def tr(loc: Localiser, text: str) -> str:
    """A text from the data (a unit, a method, a region's name) in the page's language when
    the catalogue has it, else as it is; never %-formatted."""
    from ...i18n import translations

    return str(translations(loc.lang).gettext(text)) if text else text
