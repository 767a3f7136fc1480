"""The World Bank's rules for economies and indicators, the collector of a file's observations,
and the API v2 layout.

Economies are countries when their code is ISO 3166 alpha-3, or one of ``non_iso_countries``
of the metadata; every other code is an aggregate. Every value must lie within its indicator's
plausibility rule (``[plausibility]`` of the metadata): a value outside is an input error, not
data. The CSV layouts are read by worldbank_csv and the bulk download's country metadata by
worldbank_countries (see docs/sources/worldbank.md); the metadata is loaded by worldbank.py,
which hands it over as ``Rules``.
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
from ..structured import load_json
from .base import (
    EntityRecord,
    IndicatorMeta,
    Observation,
    RawFile,
    parse_number,
)
from .plausible import Plausibility

YEAR = re.compile(r"[0-9]{4}")
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
    plain_columns: list[str]
    plain_optional: list[str]
    country_columns: list[str]
    indicators: Mapping[str, Any]
    title: str
    #: The years and plausible values of the indicators (``[plausibility]`` of the metadata).
    plausible: Plausibility
    #: The World Bank's income group names -> the names infosoc stores ("high income").
    income_groups: dict[str, str]

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any]) -> Rules:
        return cls(
            missing=tuple(meta["missing"]),
            non_iso_countries=dict(meta["non_iso_countries"]),
            aggregate_ids=dict(meta["aggregate_ids"]),
            wide_columns=list(meta["wide"]["columns"]),
            long_columns=dict(meta["long"]["columns"]),
            long_optional=dict(meta["long"]["optional"]),
            plain_columns=list(meta["plain"]["columns"]),
            plain_optional=list(meta["plain"]["optional"]),
            country_columns=list(meta["countries"]["columns"]),
            indicators=meta["indicators"],
            title=meta["title"],
            plausible=Plausibility.from_meta(dict(meta)),
            income_groups=dict(meta["income_groups"]),
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
        value_column: str | None = None,
    ) -> None:
        """Record one value; ``column`` names the row's key for a repeat, ``value_column`` (by
        default ``column``) the cell of a value outside the indicator's plausible range."""
        bound = self.rules.plausible.rule(indicator)
        if value is not None and bound is not None and not bound.admits(value):
            raise InputError(
                f"{entity} {indicator} {period} = {value:g} is outside its plausible range, "
                f"{bound.describe()} (worldbank.meta.toml)",
                file=self.file,
                row=row,
                column=value_column or column,
            )
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
        self.observations.append(
            Observation(
                entity, indicator, period, value, note, row=row, column=value_column or column
            )
        )


def period_of(text: str, *, file: str, row: int, column: str) -> str:
    """A year cell as a period, or an InputError."""
    period = text.strip()
    if not YEAR.fullmatch(period):
        raise InputError(f"'{period}' is not a year", file=file, row=row, column=column)
    return period


def note_of(status: str) -> str | None:
    """The note of a World Bank observation status ("E": estimate), None without one."""
    return f"World Bank observation status '{status}'" if status else None


def is_json(raw: RawFile) -> bool:
    """Whether a file is JSON (an API answer) rather than CSV: by its suffix or first byte."""
    start = raw.data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return raw.path.suffix.lower() == ".json" or start in (b"[", b"{")


# the API v2 layout --------------------------------------------------------------------------
def header_count(value: Any) -> int | None:
    """A page count from an API header: an int, or digits (older answers quote them)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
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


def read_json(raw: RawFile, out: Collector) -> str | None:
    """Read an API v2 answer into ``out``; returns its ``lastupdated``.

    Any fault is an InputError naming file, row (the record's position from 1) and column.
    """
    file = raw.path.name
    doc = load_json(raw.data, file=file)  # size and depth bounded (decision 0027)
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
        period = period_of(date, file=file, row=row, column="date")
        value = _json_value(
            _field(record, "value", file=file, row=row), missing, file=file, row=row
        )
        status = record.get("obs_status") or ""
        note = note_of(status.strip()) if isinstance(status, str) else None
        out.add(
            entity, indicator, period, value, note, row=row, column="date", value_column="value"
        )
    updated = header.get("lastupdated")
    return updated if isinstance(updated, str) and updated else None
