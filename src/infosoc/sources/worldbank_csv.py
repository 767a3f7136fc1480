"""Reading the World Bank's CSV layouts into observations.

Four headers are recognised (see docs/sources/worldbank.md): the wide CSV of data.worldbank.org
(one column per year, with or without the "Data Source" / "Last Updated Date" lines before the
header), the long CSV written from the API (``ind_id, cty_iso, date, value, ...``), the plain
long CSV (``Country Name, Country Code, Year, Value``, the indicator in the file's name when it
has no indicator column) and the bulk download's country metadata (``Country Code, Region,
IncomeGroup, ...``), which holds no observations and is read by worldbank_countries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import InputError
from .base import RawFile, check_row_length, column_positions, csv_rows, parse_number
from .worldbank_files import YEAR, Collector, note_of, period_of

#: A WDI indicator code at the start of a file's name: "SP.POP.TOTL_long_1960-2024" (an
#: ``API_`` prefix, as in the bulk downloads, is allowed).
NAME_CODE = re.compile(r"(?:API_)?([A-Z]{2}(?:\.[A-Z0-9]+){2,})(?:_|$)")
#: A release date as the World Bank writes it in "Last Updated Date": 2021-07-30.
ISO_DATE = re.compile(r"[0-9]{4}(?:-[0-9]{2}){0,2}")

LAYOUT_NAMES = {
    "wide": "wide CSV",
    "long": "long CSV from the API",
    "plain": "plain long CSV",
    "countries": "country metadata",
}


@dataclass(frozen=True)
class Table:
    """A World Bank CSV file: its header (at file line ``line``), data rows and layout."""

    header: list[str]
    line: int
    rows: list[tuple[int, list[str]]]
    layout: str
    #: The "Last Updated Date" of a download that opens with one, as written.
    updated: str | None = None

    @property
    def released(self) -> str | None:
        """The update date when it is an ISO date ("2021-07-30"), for the store's vintages."""
        return self.updated if self.updated and ISO_DATE.fullmatch(self.updated) else None


def csv_layout(header: list[str]) -> str | None:
    """The layout a header (even partly) belongs to: "plain", "wide", "long", "countries"."""
    if {"Country Code", "Year", "Value"} <= set(header):
        return "plain"
    if "Indicator Code" in header and ("Country Code" in header or "Country Name" in header):
        return "wide"
    if "ind_id" in header or "cty_iso" in header:
        return "long"
    if "Country Code" in header and "IncomeGroup" in header:
        return "countries"
    return None


def code_in_name(stem: str) -> str | None:
    """The WDI code a file's name starts with ("SP.POP.TOTL_long" -> "SP.POP.TOTL"), if any."""
    found = NAME_CODE.match(stem)
    return found.group(1) if found else None


def _header_of(rows: list[tuple[int, list[str]]], columns: list[str]) -> int:
    """Index in ``rows`` of the real header when a download starts with a "Data Source" block."""
    for index, (_, fields) in enumerate(rows[:10]):
        if [f.strip() for f in fields[:2]] == columns[:2]:
            return index
    return -1


def read_table(raw: RawFile, wide_columns: list[str]) -> Table:
    """The header, rows and layout of a World Bank CSV, or an InputError naming what is wrong.

    A download that opens with "Data Source" and "Last Updated Date" lines (the older
    data.worldbank.org layout) is read from its real header on; the bulk files of 2024 start
    with the header itself. ``wide_columns`` are the wide layout's first columns.
    """
    file = raw.path.name
    header, rows = csv_rows(raw)
    line0, updated = 1, None
    if header and header[0] == "Data Source":
        index = _header_of(rows, wide_columns)
        if index >= 0:
            for _, fields in rows[:index]:
                if fields and fields[0].strip() == "Last Updated Date" and len(fields) > 1:
                    updated = fields[1].strip() or None
            line0 = rows[index][0]
            header = [h.strip() for h in rows[index][1]]
            rows = rows[index + 1 :]
    layout = csv_layout(header)
    if layout is None:
        raise InputError(
            "is not a World Bank file: its header has neither 'Indicator Code' (wide layout), "
            "'ind_id' (long layout), 'Year' and 'Value' (plain long layout) nor 'IncomeGroup' "
            "(country metadata)",
            file=file,
            row=line0,
            column=header[0],
        )
    return Table(header, line0, rows, layout, updated)


def need_rows(table: Table, file: str) -> None:
    """A file with a header but no data rows is refused (checked once its columns are)."""
    if not table.rows:
        raise InputError("the file has a header but no data rows", file=file, row=table.line + 1)


def read_observations(raw: RawFile, table: Table, out: Collector) -> None:
    """Read a wide, long or plain table into ``out``; faults name file, row and column."""
    if table.layout == "wide":
        _parse_wide(table, out)
    elif table.layout == "long":
        _parse_long(table, out)
    elif table.layout == "plain":
        _parse_plain(table, out, raw.path.stem)
    else:
        raise InputError(
            f"is a {LAYOUT_NAMES.get(table.layout, table.layout)}, which holds no observations",
            file=out.file,
            row=table.line,
        )


def _parse_wide(table: Table, out: Collector) -> None:
    file, columns, missing = out.file, out.rules.wide_columns, out.rules.missing
    header, line0 = table.header, table.line
    at = column_positions(header, columns, file=file, row=line0)
    years = [(i, h) for i, h in enumerate(header) if YEAR.fullmatch(h)]
    # data.worldbank.org downloads end each line with a comma: an unnamed, empty last column.
    extra = [
        h for i, h in enumerate(header) if h and i not in at.values() and not YEAR.fullmatch(h)
    ]
    if extra:
        raise InputError(f"unexpected column '{extra[0]}'", file=file, row=line0, column=extra[0])
    if not years:
        raise InputError("no year columns", file=file, row=line0, column=header[-1])
    need_rows(table, file)
    name_at, code_at, label_at, ind_at = (at[c] for c in columns)
    for line, fields in table.rows:
        check_row_length(fields, header, file=file, row=line)
        indicator = out.indicator(fields[ind_at], fields[label_at], row=line, column=columns[3])
        entity = out.entity(fields[code_at], fields[name_at], "", row=line, column=columns[1])
        for i, year in years:
            value = parse_number(fields[i], file=file, row=line, column=year, missing=missing)
            out.add(entity, indicator, year, value, None, row=line, column=year)


def _parse_long(table: Table, out: Collector) -> None:
    file, missing, header = out.file, out.rules.missing, table.header
    columns, optional = out.rules.long_columns, out.rules.long_optional
    names = {field: column for column, field in (columns | optional).items()}
    at = {
        columns[c]: i
        for c, i in column_positions(header, list(columns), file=file, row=table.line).items()
    }
    need_rows(table, file)
    status_at = next((i for i, h in enumerate(header) if optional.get(h) == "status"), None)
    for line, fields in table.rows:
        check_row_length(fields, header, file=file, row=line)
        indicator = out.indicator(
            fields[at["indicator"]], fields[at["label"]], row=line, column=names["indicator"]
        )
        entity = out.entity(
            fields[at["iso3"]],
            fields[at["name"]],
            fields[at["wb_id"]],
            row=line,
            column=names["iso3"],
        )
        period = period_of(fields[at["date"]], file=file, row=line, column=names["date"])
        value = parse_number(
            fields[at["value"]], file=file, row=line, column=names["value"], missing=missing
        )
        note = note_of(fields[status_at].strip()) if status_at is not None else None
        out.add(
            entity, indicator, period, value, note,
            row=line, column=names["date"], value_column=names["value"],
        )  # fmt: skip


def _parse_plain(table: Table, out: Collector, stem: str) -> None:
    """``Country Name, Country Code, Year, Value`` (and optionally the indicator's columns)."""
    file, missing, header, line0 = out.file, out.rules.missing, table.header, table.line
    required, optional = out.rules.plain_columns, out.rules.plain_optional
    at = column_positions(header, required, file=file, row=line0)
    extra = [h for h in header if h and h not in required and h not in optional]
    if extra:
        raise InputError(f"unexpected column '{extra[0]}'", file=file, row=line0, column=extra[0])
    name_col, code_col, year_col, value_col = required
    ind_col, label_col = "Indicator Code", "Indicator Name"
    ind_at = header.index(ind_col) if ind_col in header else None
    label_at = header.index(label_col) if label_col in header else None
    named = code_in_name(stem)
    if ind_at is None and named is None:
        raise InputError(
            f"has no '{ind_col}' column and its name does not start with a WDI indicator code "
            "(such as SP.POP.TOTL_...): which indicator its values are cannot be told",
            file=file,
            row=line0,
            column=ind_col,
        )
    need_rows(table, file)
    for line, fields in table.rows:
        check_row_length(fields, header, file=file, row=line)
        code = fields[ind_at] if ind_at is not None else str(named)
        label = fields[label_at] if label_at is not None else ""
        indicator = out.indicator(code, label, row=line, column=ind_col)
        entity = out.entity(
            fields[at[code_col]], fields[at[name_col]], "", row=line, column=code_col
        )
        period = period_of(fields[at[year_col]], file=file, row=line, column=year_col)
        value = parse_number(
            fields[at[value_col]], file=file, row=line, column=value_col, missing=missing
        )
        out.add(
            entity, indicator, period, value, None,
            row=line, column=year_col, value_column=value_col,
        )  # fmt: skip
