"""Reading the World Bank layouts into observations: API v2 answers and WDI CSV files.

Three layouts are read (see docs/sources/worldbank.md): the API v2 answer ``[header, records]``,
the wide CSV of data.worldbank.org (one column per year) and the long CSV written from the API
(one row per economy, indicator and year). Economies are countries when their code is ISO 3166
alpha-3, or one of ``non_iso_countries`` of the metadata; every other code is an aggregate.

The metadata is loaded by worldbank.py, which hands it over as ``Rules``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..errors import InputError
from ..geo.countries import lookup
from .base import (
    EntityRecord,
    IndicatorMeta,
    Observation,
    RawFile,
    check_row_length,
    column_positions,
    csv_rows,
    parse_number,
)

YEAR = re.compile(r"\d{4}")
CODE = re.compile(r"[A-Za-z0-9_.-]+")
_UNIT = re.compile(r"\(([^()]+)\)\s*$")


# entities and indicators --------------------------------------------------------------------
@cache
def is_iso3(code: str) -> bool:
    """Whether ``code`` is an ISO 3166 alpha-3 code (names and ISO2 codes do not count)."""
    return len(code) == 3 and lookup(code) == code


@dataclass(frozen=True)
class Rules:
    """What the metadata says about economies, indicators and the two CSV layouts."""

    missing: tuple[str, ...]
    non_iso_countries: dict[str, str]
    aggregate_ids: dict[str, str]
    wide_columns: list[str]
    long_columns: dict[str, str]
    long_optional: dict[str, str]
    indicators: Mapping[str, Any]
    title: str

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any]) -> Rules:
        return cls(
            missing=tuple(meta["missing"]),
            non_iso_countries=dict(meta["non_iso_countries"]),
            aggregate_ids=dict(meta["aggregate_ids"]),
            wide_columns=list(meta["wide"]["columns"]),
            long_columns=dict(meta["long"]["columns"]),
            long_optional=dict(meta["long"]["optional"]),
            indicators=meta["indicators"],
            title=meta["title"],
        )

    def classify(self, code: str, name: str, wb_id: str = "") -> tuple[str, EntityRecord | None]:
        """The entity code of a World Bank economy, and its record unless it is an ISO country.

        An empty ISO3 code (the API gives income groups such as "High income" none) is replaced
        through ``aggregate_ids`` of the metadata, or by "wb:<World Bank id>".
        """
        code = code.strip().upper()
        if not code:
            code = self.aggregate_ids.get(wb_id.strip(), f"wb:{wb_id.strip()}")
        if is_iso3(code):
            return code, None
        if code in self.non_iso_countries:
            return code, EntityRecord(code, "country", self.non_iso_countries[code])
        named = lookup(name) if name.strip() else None
        if named is not None:
            # A country's name with a code that is not its ISO code: a typo, not an aggregate.
            raise ValueError(f"code '{code}' is not the ISO3 code of {name.strip()} ({named})")
        return code, EntityRecord(code, "aggregate", name.strip() or code)

    def indicator_meta(self, code: str, label: str | None = None) -> IndicatorMeta:
        """Label, unit and method of a WDI indicator: from the metadata, else from its label."""
        known = self.indicators.get(code)
        if known is not None:
            return IndicatorMeta(
                code, known["label"], known["unit"], "year", method=known["method"]
            )
        text = (label or "").strip() or code
        unit = _UNIT.search(text)
        # WDI labels end with their unit in parentheses ("GDP (current US$)"), when they have one.
        return IndicatorMeta(
            code,
            text,
            unit.group(1) if unit else "as stated in the label",
            "year",
            method=f"World Bank {self.title}",
        )


class Collector:
    """The observations of one file, with the entities and indicators they use.

    Refuses a second value for the same entity, indicator and period (``add``). ``entity``
    classifies World Bank economies by ``rules``; other sources put their records in
    ``entities`` directly.
    """

    def __init__(self, file: str, rules: Rules) -> None:
        self.file = file
        self.rules = rules
        self.observations: list[Observation] = []
        self.entities: dict[str, EntityRecord] = {}
        self.labels: dict[str, str] = {}
        self._codes: dict[tuple[str, str], str] = {}
        self._rows: dict[tuple[str, str, str], int] = {}

    def entity(self, iso3: str, name: str, wb_id: str, *, row: int, column: str) -> str:
        key = (iso3, wb_id)
        code = self._codes.get(key)
        if code is None:
            if not iso3.strip() and not wb_id.strip():
                raise InputError("the economy has no code", file=self.file, row=row, column=column)
            try:
                code, record = self.rules.classify(iso3, name, wb_id)
            except ValueError as exc:
                raise InputError(str(exc), file=self.file, row=row, column=column) from None
            if record is not None:
                self.entities.setdefault(code, record)
            self._codes[key] = code
        return code

    def indicator(self, code: str, label: str, *, row: int, column: str) -> str:
        code = code.strip()
        if code not in self.labels:
            if not CODE.fullmatch(code):
                raise InputError(
                    f"'{code}' is not an indicator code", file=self.file, row=row, column=column
                )
            self.labels[code] = label.strip()
        return code

    def add(
        self,
        entity: str,
        indicator: str,
        period: str,
        value: float | None,
        note: str | None,
        *,
        row: int,
        column: str,
    ) -> None:
        key = (entity, indicator, period)
        if key in self._rows:
            # Two values for one cell (two rows, or two columns of one row): which one is right
            # cannot be guessed.
            first = self._rows[key]
            where = f"rows {first} and {row}" if first != row else f"twice in row {row}"
            raise InputError(
                f"{entity} {indicator} {period} appears twice ({where})",
                file=self.file,
                row=row,
                column=column,
            )
        self._rows[key] = row
        self.observations.append(Observation(entity, indicator, period, value, note))


def _period(text: str, *, file: str, row: int, column: str) -> str:
    period = text.strip()
    if not YEAR.fullmatch(period):
        raise InputError(f"'{period}' is not a year", file=file, row=row, column=column)
    return period


def _note(status: str) -> str | None:
    return f"World Bank observation status '{status}'" if status else None


def read(raw: RawFile, out: Collector) -> str | None:
    """Read an API answer or a WDI CSV into ``out``; returns the answer's ``lastupdated``.

    Any fault is an InputError naming file, row and column.
    """
    start = raw.data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if raw.path.suffix.lower() == ".json" or start in (b"[", b"{"):
        return _parse_json(raw, out)
    _parse_csv(raw, out)
    return None


# the API v2 layout --------------------------------------------------------------------------
def header_count(value: Any) -> int | None:
    """A page count from an API header: an int, or digits (older answers quote them)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def api_message(first: dict[str, Any]) -> str:
    """The messages of an API error answer's first element, on one line."""
    messages = first.get("message")
    parts = [
        " ".join(str(m.get(k, "")) for k in ("id", "key")).strip() + f": {m.get('value', '')}"
        for m in (messages if isinstance(messages, list) else [])
        if isinstance(m, dict)
    ]
    return " ".join("; ".join(parts).split()) or "no message"


def is_error_answer(doc: Any) -> bool:
    """Whether a decoded API answer is an error answer ``[{"message": [...]}]``."""
    return (
        isinstance(doc, list) and len(doc) >= 1 and isinstance(doc[0], dict) and "message" in doc[0]
    )


def _field(record: dict[str, Any], key: str, *, file: str, row: int) -> Any:
    try:
        return record[key]
    except KeyError:
        raise InputError(f"record has no '{key}'", file=file, row=row, column=key) from None


def _text(value: Any, column: str, *, file: str, row: int) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise InputError(f"{json.dumps(value)} is not text", file=file, row=row, column=column)


def _id_value(record: dict[str, Any], key: str, *, file: str, row: int) -> tuple[str, str]:
    """The ``{"id", "value"}`` pair of ``indicator`` or ``country``."""
    pair = _field(record, key, file=file, row=row)
    if not isinstance(pair, dict) or "id" not in pair:
        raise InputError(f"'{key}' has no 'id'", file=file, row=row, column=f"{key}.id")
    ident = _text(pair["id"], f"{key}.id", file=file, row=row)
    label = _text(pair.get("value") or "", f"{key}.value", file=file, row=row)
    return ident, label


def _json_value(value: Any, missing: tuple[str, ...], *, file: str, row: int) -> float | None:
    if value is None:
        return None
    if isinstance(value, str):
        return parse_number(value, file=file, row=row, column="value", missing=missing)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{json.dumps(value)} is not a number", file=file, row=row, column="value")
    number = float(value)
    if not math.isfinite(number):
        raise InputError(f"'{value}' is not a finite number", file=file, row=row, column="value")
    return number


def _parse_json(raw: RawFile, out: Collector) -> str | None:
    """Read an API v2 answer; returns its ``lastupdated``. Rows are record positions from 1."""
    file = raw.path.name
    try:
        doc = json.loads(raw.data)
    except UnicodeDecodeError as exc:
        line = raw.data[: exc.start].count(b"\n") + 1
        raise InputError("is not a UTF-8 JSON file", file=file, row=line) from exc
    except json.JSONDecodeError as exc:
        raise InputError(
            f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})",
            file=file,
            row=exc.lineno,
        ) from exc
    if is_error_answer(doc):
        raise InputError(f"is a World Bank API error answer: {api_message(doc[0])}", file=file)
    if not (isinstance(doc, list) and len(doc) == 2 and isinstance(doc[0], dict)):
        raise InputError(
            "is not a World Bank API v2 answer (a list [header, records])", file=file, row=1
        )
    header, records = doc
    counts = {key: header_count(header.get(key)) for key in ("pages", "total")}
    for key, count in counts.items():
        if count is None:
            raise InputError(f"the header has no count '{key}'", file=file, row=1, column=key)
    if not isinstance(records, list) or not records:
        raise InputError("holds no records", file=file, row=1, column="records")
    if counts["pages"] != 1:
        # Page 1 of several is a partial download: the rest of the indicator would be missing.
        raise InputError(
            f"holds one page of {counts['pages']}; combine all pages into one file "
            "(infosoc's fetch does)",
            file=file,
            row=1,
            column="pages",
        )
    if counts["total"] != len(records):
        raise InputError(
            f"holds {len(records)} records, its header announces {counts['total']}",
            file=file,
            row=1,
            column="total",
        )
    missing = out.rules.missing
    labels: dict[str, str] = {}
    for row, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise InputError("record is not an object", file=file, row=row)
        ind_id, ind_label = _id_value(record, "indicator", file=file, row=row)
        indicator = labels.get(ind_id)
        if indicator is None:
            indicator = out.indicator(ind_id, ind_label, row=row, column="indicator.id")
            labels[ind_id] = indicator
        wb_id, name = _id_value(record, "country", file=file, row=row)
        iso3 = _text(
            _field(record, "countryiso3code", file=file, row=row),
            "countryiso3code",
            file=file,
            row=row,
        )
        entity = out.entity(iso3, name, wb_id, row=row, column="countryiso3code")
        date = _text(_field(record, "date", file=file, row=row), "date", file=file, row=row)
        period = _period(date, file=file, row=row, column="date")
        value = _json_value(
            _field(record, "value", file=file, row=row), missing, file=file, row=row
        )
        status = record.get("obs_status") or ""
        note = _note(status.strip()) if isinstance(status, str) else None
        out.add(entity, indicator, period, value, note, row=row, column="date")
    updated = header.get("lastupdated")
    return updated if isinstance(updated, str) and updated else None


# the CSV layouts ----------------------------------------------------------------------------
def csv_layout(header: list[str]) -> str | None:
    """ "wide" or "long" when the header is (even partly) one of the WDI CSV layouts."""
    if "Indicator Code" in header and ("Country Code" in header or "Country Name" in header):
        return "wide"
    if "ind_id" in header or "cty_iso" in header:
        return "long"
    return None


def _positions(header: list[str], wanted: list[str], *, file: str, line: int) -> dict[str, int]:
    return column_positions(header, wanted, file=file, row=line)


def _check_length(fields: list[str], header: list[str], *, file: str, line: int) -> None:
    check_row_length(fields, header, file=file, row=line)


def _need_rows(rows: list[tuple[int, list[str]]], *, file: str, line: int) -> None:
    if not rows:
        raise InputError("the file has a header but no data rows", file=file, row=line + 1)


def _parse_wide(
    header: list[str], line0: int, rows: list[tuple[int, list[str]]], out: Collector
) -> None:
    file, columns, missing = out.file, out.rules.wide_columns, out.rules.missing
    at = _positions(header, columns, file=file, line=line0)
    years = [(i, h) for i, h in enumerate(header) if YEAR.fullmatch(h)]
    # data.worldbank.org downloads end each line with a comma: an unnamed, empty last column.
    extra = [
        h for i, h in enumerate(header) if h and i not in at.values() and not YEAR.fullmatch(h)
    ]
    if extra:
        raise InputError(f"unexpected column '{extra[0]}'", file=file, row=line0, column=extra[0])
    if not years:
        raise InputError("no year columns", file=file, row=line0, column=header[-1])
    _need_rows(rows, file=file, line=line0)
    name_at, code_at, label_at, ind_at = (at[c] for c in columns)
    for line, fields in rows:
        _check_length(fields, header, file=file, line=line)
        indicator = out.indicator(fields[ind_at], fields[label_at], row=line, column=columns[3])
        entity = out.entity(fields[code_at], fields[name_at], "", row=line, column=columns[1])
        for i, year in years:
            value = parse_number(fields[i], file=file, row=line, column=year, missing=missing)
            out.add(entity, indicator, year, value, None, row=line, column=year)


def _parse_long(
    header: list[str], line0: int, rows: list[tuple[int, list[str]]], out: Collector
) -> None:
    file, missing = out.file, out.rules.missing
    columns, optional = out.rules.long_columns, out.rules.long_optional
    names = {field: column for column, field in (columns | optional).items()}
    at = {
        columns[c]: i for c, i in _positions(header, list(columns), file=file, line=line0).items()
    }
    _need_rows(rows, file=file, line=line0)
    status_at = next((i for i, h in enumerate(header) if optional.get(h) == "status"), None)
    for line, fields in rows:
        _check_length(fields, header, file=file, line=line)
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
        period = _period(fields[at["date"]], file=file, row=line, column=names["date"])
        value = parse_number(
            fields[at["value"]], file=file, row=line, column=names["value"], missing=missing
        )
        note = _note(fields[status_at].strip()) if status_at is not None else None
        out.add(entity, indicator, period, value, note, row=line, column=names["date"])


def _header_of(rows: list[tuple[int, list[str]]], columns: list[str]) -> int:
    """Index in ``rows`` of the real header when a download starts with a "Data Source" block."""
    for index, (_, fields) in enumerate(rows[:10]):
        if [f.strip() for f in fields[:2]] == columns[:2]:
            return index
    return -1


def _parse_csv(raw: RawFile, out: Collector) -> None:
    file = out.file
    header, rows = csv_rows(raw)
    line0 = 1
    if header and header[0] == "Data Source":
        # data.worldbank.org downloads open with "Data Source" and "Last Updated Date" lines.
        index = _header_of(rows, out.rules.wide_columns)
        if index >= 0:
            line0 = rows[index][0]
            header = [h.strip() for h in rows[index][1]]
            rows = rows[index + 1 :]
    layout = csv_layout(header)
    if layout is None:
        raise InputError(
            "is not a World Bank file: its header has neither 'Country Code' (wide layout) "
            "nor 'ind_id' (long layout)",
            file=file,
            row=line0,
            column=header[0],
        )
    (_parse_wide if layout == "wide" else _parse_long)(header, line0, rows, out)
