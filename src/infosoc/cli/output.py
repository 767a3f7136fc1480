"""Print rows as a table, CSV or JSON: the same switch on every command that prints data.

Missing values print as "—" in tables, as empty cells in CSV and as null in JSON: never as 0,
"nan" or "None".
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from ..i18n import Lang
from ..i18n.labels import label

MISSING = "—"


class Format(StrEnum):
    """Output formats."""

    table = "table"
    csv = "csv"
    json = "json"
    ndjson = "ndjson"


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def _cell(value: Any, lang: Lang, key: str) -> str:
    value = _clean(value)
    if value is None or value == []:
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if key.endswith(("_change_pct", "_pp")) or key == "change_pct":
            return f"{value:+.2f}"
        if key.endswith("_change") or key == "change":
            return f"{value:+.6g}"
        if key.endswith("_pct"):
            return f"{value:.2f}"
        if abs(value) >= 1e5:
            return f"{value:,.0f}"
        return f"{value:.6g}"
    if isinstance(value, int) and abs(value) >= 1e5:
        return f"{value:,}"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if key in ("level",):
        return label(str(value), lang)
    return str(value)


def to_json(payload: Any) -> str:
    """JSON text with missing values as null and dates in ISO 8601."""
    return json.dumps(_clean(payload), ensure_ascii=False, indent=2)


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    """CSV text; lists are joined with "; ", missing values are empty cells."""
    cols = list(columns or (rows[0].keys() if rows else []))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(cols)
    for row in rows:
        cells = []
        for c in cols:
            v = _clean(row.get(c))
            cells.append("" if v is None else "; ".join(map(str, v)) if isinstance(v, list) else v)
        writer.writerow(cells)
    return out.getvalue()


def to_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    lang: Lang = "en",
    title: str | None = None,
) -> Any:
    """A rich Table of the chosen columns with headers in ``lang``."""
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for c in columns:
        numeric = bool(rows) and isinstance(_clean(rows[0].get(c)), int | float)
        table.add_column(label(c, lang), justify="right" if numeric else "left")
    for row in rows:
        table.add_row(*(_cell(row.get(c), lang, c) for c in columns))
    return table
