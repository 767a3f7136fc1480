"""One indicator of one country by a disaggregation: a row per period, the total and a column
per value of one breakdown key (``urban``, ``rural``; ``KZ-11`` ...).

Only observations whose breakdown is exactly ``<by>=<value>`` count: "region=KZ-11;sex=female"
is not mixed into the regions. A cell for which the newest release gives several different
values is left empty (None) and listed in :attr:`BreakdownTable.conflicts`; deciding between
the Bureau's two figures is not infosoc's business. See docs/connectivity.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ..errors import InputError, NotFoundError
from ..geo.countries import country
from ..store import Store
from .connectivity import indicator_meta

TOTAL = "total"
KEY = re.compile(r"[a-z][a-z0-9_]*")
#: Column order of the keys whose values have a natural order; other keys' values are sorted.
ORDER: dict[str, tuple[str, ...]] = {
    "urbanisation": ("urban", "rural"),
    "sex": ("female", "male"),
    "technology": ("gsm", "3g", "lte", "5g"),
    "speed": ("256kbps-2mbps", "2-10mbps", "10mbps-plus"),
}


@dataclass(frozen=True)
class Conflict:
    """Several values published for one cell of the table (``column`` "total" or a value)."""

    period: str
    column: str
    values: tuple[float, ...]
    files: tuple[str, ...]


@dataclass(frozen=True)
class CellNote:
    """A note the source attached to a value shown in the table."""

    period: str
    column: str
    note: str


@dataclass
class BreakdownTable:
    """Rows ``{"period", "total", <value>...}``, their columns, and what a reader must know:
    conflicts, notes, the sources, and (by region in Kazakhstan) each period's region layout."""

    rows: list[dict[str, Any]]
    columns: list[str]
    conflicts: list[Conflict] = field(default_factory=list)
    notes: list[CellNote] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    layouts: dict[str, str] = field(default_factory=dict)


def parse_breakdown(text: str | None) -> dict[str, str]:
    """The parts of a stored breakdown: "region=KZ-11;sex=female" -> {"region": "KZ-11",
    "sex": "female"}; None (the total) -> {}."""
    if not text:
        return {}
    return dict(part.split("=", 1) for part in text.split(";"))


def _newest(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of the newest release among those given (all of them when they tie)."""
    newest = max(str(r["released"] or "") for r in rows)
    return [r for r in rows if str(r["released"] or "") == newest]


def _cite(row: dict[str, Any]) -> str:
    """A file as :func:`infosoc.store.cite` names it (the breakdown rows hold no retrieval
    date): source, edition, release date and file."""
    return f"{row['source']} {row['edition']}, released {row['released']}: {row['file_name']}"


def _columns(by: str, values: set[str]) -> list[str]:
    """The value columns in their natural order, then any others sorted."""
    known = [v for v in ORDER.get(by, ()) if v in values]
    return known + sorted(values - set(known))


def region_layout(codes: set[str]) -> str | None:
    """The oldest layout of Kazakhstan's regions holding every code, or None (no such
    layout, or codes that are not Kazakhstan's regions)."""
    from ..geo.kz_regions import LAYOUTS, kz_layout_codes  # numpy: only for a table by region

    return next((lay for lay in LAYOUTS if codes <= set(kz_layout_codes(lay))), None)


def breakdown_table(
    store: Store,
    code: str,
    entity: str,
    by: str,
    *,
    start: str | None = None,
    end: str | None = None,
) -> BreakdownTable:
    """``code`` for ``entity`` by period with the total and one column per value of ``by``.

    A period appears when it has the total or any value of ``by``; a column missing in a
    period is None. Several different values for one cell (the newest release's, when the
    store holds several releases) make it None, with a :class:`Conflict`. An unknown key is
    an :class:`InputError`; a key the indicator has no values for, a :class:`NotFoundError`
    naming the keys it has.
    """
    if not KEY.fullmatch(by):
        raise InputError(f"'{by}' is not a breakdown key such as region, urbanisation or sex")
    rows = [
        r for r in store.breakdowns(code, entity)
        if (start is None or r["period"] >= start) and (end is None or r["period"] <= end)
    ]  # fmt: skip
    cells: dict[tuple[str, str], list[dict[str, Any]]] = {}
    keys: set[str] = set()
    for row in rows:
        parts = parse_breakdown(row["breakdown"])
        keys.add(";".join(sorted(parts)))
        if not parts:
            cells.setdefault((row["period"], TOTAL), []).append(row)
        elif list(parts) == [by]:
            cells.setdefault((row["period"], parts[by]), []).append(row)
    values = {column for _, column in cells if column != TOTAL}
    if not values:
        has = ", ".join(sorted(k for k in keys if k)) or "no breakdowns"
        raise NotFoundError(
            f"{code} for {entity} has no values by {by} alone"
            + ("" if start is None and end is None else " in the periods asked")
            + f"; it has: {has}"
        )
    columns = _columns(by, values)
    table: dict[str, dict[str, Any]] = {}
    result = BreakdownTable([], ["period", TOTAL, *columns])
    used: set[str] = set()
    for (period, column), found in sorted(cells.items()):
        row = table.setdefault(period, {"period": period, TOTAL: None, **dict.fromkeys(columns)})
        current = _newest(found)
        published = sorted({r["value"] for r in current if r["value"] is not None})
        used |= {_cite(r) for r in current}
        if len(published) > 1:
            files = tuple(sorted({r["file_name"] for r in current}))
            result.conflicts.append(Conflict(period, column, tuple(published), files))
            continue
        row[column] = published[0] if published else None
        for note in sorted({r["note"] for r in current if r["note"]}):
            result.notes.append(CellNote(period, column, note))
    result.rows = [table[p] for p in sorted(table)]
    result.sources = sorted(used)
    if by == "region":
        for period in sorted(table):
            codes = {c for (p, c) in cells if p == period and c != TOTAL}
            layout = region_layout(codes) if codes else None
            if layout is not None:
                result.layouts[period] = layout
    return result


def indicator_by(
    store: Store,
    code: str,
    countries: Sequence[str],
    by: str,
    *,
    start: str | None = None,
    end: str | None = None,
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The rows of :func:`breakdown_table` for exactly one country, and their metadata.

    Metadata (all strings, as :class:`~infosoc.records.Records` holds them): the indicator's
    ``label, unit, statistic, method, period_kind``, ``entity``, ``by``, ``sources`` ("; "
    between files), and three JSON texts: ``conflicts`` (a list of ``{"period", "column",
    "values", "files"}``), ``notes`` (a list of ``{"period", "column", "note"}``) and, by
    region, ``layouts`` (period -> "1997", "2018" or "2022").
    """
    wanted = list(dict.fromkeys(country(c).iso3 for c in countries))
    if len(wanted) != 1:
        raise InputError(
            f"a breakdown (by {by}) is for exactly one country; {len(wanted)} were given"
        )
    entity = wanted[0]
    meta = indicator_meta(store, code)
    table = breakdown_table(store, code, entity, by, start=start, end=end)
    info = {
        k: str(meta[k])
        for k in ("label", "unit", "statistic", "method", "period_kind")
        if meta.get(k) is not None
    }
    info |= {
        "entity": entity,
        "by": by,
        "sources": "; ".join(table.sources),
        "conflicts": json.dumps([asdict(c) for c in table.conflicts], ensure_ascii=False),
        "notes": json.dumps([asdict(n) for n in table.notes], ensure_ascii=False),
    }
    if by == "region":
        info["layouts"] = json.dumps(table.layouts)
    return table.rows, info


def metadata_lists(meta: dict[str, str]) -> dict[str, Any]:
    """The JSON texts of :func:`indicator_by`'s metadata (conflicts, notes, layouts), decoded."""
    return {k: json.loads(meta[k]) for k in ("conflicts", "notes", "layouts") if k in meta}


def footnotes(extra: dict[str, Any]) -> list[str]:
    """Footnotes of a breakdown table from :func:`metadata_lists`: each conflict, each note,
    the region layouts."""
    notes = [
        f"Conflict, {c['period']} {c['column']}: the source publishes "
        + " and ".join(f"{v:g}" for v in c["values"])
        + f" ({', '.join(c['files'])}); shown as empty"
        for c in extra.get("conflicts", [])
    ]
    notes += [f"Note, {n['period']} {n['column']}: {n['note']}" for n in extra.get("notes", [])]
    layouts: dict[str, str] = extra.get("layouts", {})
    if layouts:
        spans: dict[str, list[str]] = {}
        for period, layout in layouts.items():
            spans.setdefault(layout, []).append(period)
        notes.append(
            "Region layouts: "
            + "; ".join(
                f"{p[0] if len(p) == 1 else f'{p[0]}-{p[-1]}'}: the {lay} layout"
                for lay, p in spans.items()
            )
            + " (docs/regions.md)"
        )
    return notes
