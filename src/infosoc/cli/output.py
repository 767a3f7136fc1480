"""Print rows as a table, CSV, JSON or NDJSON: the one printer of every command.

The rule (docs/conventions.md, decision 0016): a data command prints rows, the same rows with
the same columns in CSV, JSON and NDJSON, and ``-f json`` is always a JSON list of row objects.
A document (:class:`infosoc.Document`) prints as one JSON object, and its main rows in CSV and
NDJSON. Missing values print as "—" in tables, as empty cells in CSV and as null in JSON: never
as 0, "nan" or "None".

How a table shows a number is declared by the command that prints it, column by column
(:class:`Style`); a column it declares nothing for falls back on its name (``_pct`` two
decimals, ``_change`` a sign, ...).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from ..i18n import Lang
from ..i18n.format import MISSING
from ..i18n.labels import label

__all__ = [
    "MISSING",
    "Format",
    "Style",
    "cell",
    "columns_of",
    "to_csv",
    "to_json",
    "to_ndjson",
    "to_table",
    "uniform",
]


class Format(StrEnum):
    """Output formats."""

    table = "table"
    csv = "csv"
    json = "json"
    ndjson = "ndjson"


class Style(StrEnum):
    """How a table cell shows a value (CSV and JSON always carry the value itself)."""

    #: Six significant digits; thousands separated from 100,000 up.
    number = "number"
    #: A change: six significant digits with its sign.
    signed = "signed"
    #: A value in per cent or percentage points, two decimals.
    percent = "percent"
    #: A change in per cent or percentage points, two decimals with its sign.
    signed_percent = "signed_percent"
    #: A word translated as a label (a level such as "Very High").
    label = "label"
    #: As it is.
    text = "text"


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def _style_by_name(key: str) -> Style:
    """The style a column's name suggests, for columns whose command declares none."""
    if key.endswith(("_change_pct", "_pp")) or key == "change_pct":
        return Style.signed_percent
    if key.endswith("_change") or key == "change":
        return Style.signed
    if key.endswith("_pct"):
        return Style.percent
    if key == "level":
        return Style.label
    return Style.number


def cell(value: Any, lang: Lang, key: str, style: Style | None = None) -> str:
    """The text of one table cell: ``value`` of column ``key`` in ``style`` (by default the
    style the column's name suggests)."""
    value = _clean(value)
    if value is None or value == []:
        return MISSING
    if isinstance(value, bool):
        return label("yes" if value else "no", lang)
    chosen = style or _style_by_name(key)
    if isinstance(value, float) and chosen is not Style.text:
        if chosen is Style.signed_percent:
            return f"{value:+.2f}"
        if chosen is Style.signed:
            return f"{value:+.6g}"
        if chosen is Style.percent:
            return f"{value:.2f}"
        return f"{value:,.0f}" if abs(value) >= 1e5 else f"{value:.6g}"
    if isinstance(value, int) and chosen is not Style.text:
        # Whole numbers (ranks, counts, their changes) print as they are, without a sign.
        return f"{value:,}" if abs(value) >= 1e5 else str(value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if chosen is Style.label:
        return label(str(value), lang)
    return str(value)


def columns_of(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every key of the rows, in the order first seen."""
    return list(dict.fromkeys(k for row in rows for k in row))


def uniform(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The rows with the same keys in the same order, None where a row lacks one."""
    keys = columns_of(rows)
    return [{k: row.get(k) for k in keys} for row in rows]


def to_json(payload: Any) -> str:
    """JSON text with missing values as null and dates in ISO 8601."""
    return json.dumps(_clean(payload), ensure_ascii=False, indent=2)


def to_ndjson(rows: Sequence[Mapping[str, Any]]) -> str:
    """One JSON object per line, a line break after each (nothing for no rows)."""
    return "".join(json.dumps(_clean(dict(r)), ensure_ascii=False) + "\n" for r in rows)


def to_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """CSV text of ``columns`` (default: every key of the rows); lists are joined with "; ",
    missing values are empty cells."""
    cols = list(columns) if columns is not None else columns_of(rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(cols)
    for row in rows:
        cells = []
        for c in cols:
            v = _clean(row.get(c))
            if isinstance(v, dict):
                v = json.dumps(v, ensure_ascii=False)
            cells.append("" if v is None else "; ".join(map(str, v)) if isinstance(v, list) else v)
        writer.writerow(cells)
    return out.getvalue()


def to_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    lang: Lang = "en",
    title: str | None = None,
    styles: Mapping[str, Style] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Any:
    """A rich Table of the chosen columns with headers in ``lang``: each column's label, or
    the label ``headers`` names for it (where one key means two things, such as ``unit``)."""
    from rich.table import Table

    chosen = styles or {}
    table = Table(title=title, show_lines=False)
    for c in columns:
        first = next((_clean(r.get(c)) for r in rows if r.get(c) is not None), None)
        numeric = isinstance(first, int | float) and not isinstance(first, bool)
        header = label((headers or {}).get(c, c), lang)
        table.add_column(header, justify="right" if numeric else "left")
    for row in rows:
        table.add_row(*(cell(row.get(c), lang, c, chosen.get(c)) for c in columns))
    return table
