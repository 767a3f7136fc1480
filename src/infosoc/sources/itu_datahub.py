"""ITU DataHub: the long CSV export of the World Telecommunication/ICT Indicators.

One row per series, economy and year: ``seriesID, seriesCode, seriesName, seriesParent,
seriesUnits, entityID, entityIso, entityName, dataValue, dataYear, dataNote, dataSource,
seriesDescription`` (see docs/sources/itu-datahub.md). Quirks handled here: a UTF-8
byte-order mark; counts in C-style scientific notation (``2.61701e+007``); the ``i911`` rows
(per 100 inhabitants) saying ``seriesUnits="count"``, so series are keyed on ``seriesCode``
and labelled from the metadata only; ITU codes that are not ISO 3166 (``AAA`` Guernsey,
``KSO`` Kosovo); the export's date, in milliseconds since the epoch, at the end of its name.

Indicators are stored as ``ITU.<seriesCode>`` (``ITU.i911``). A series the metadata does
not list is refused: the file's own label and unit cannot be trusted.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..geo.countries import lookup
from .base import (
    EntityRecord,
    IndicatorMeta,
    Observation,
    ParsedFile,
    RawFile,
    check_row_length,
    column_positions,
    csv_rows,
    load_meta,
    parse_number,
    provenance_of,
)
from .plausible import Plausibility

META = load_meta(__file__)
NAME: str = META["name"]
PREFIX: str = META["indicator_prefix"]
REQUIRED: list[str] = list(META["columns"]["required"])
OPTIONAL: list[str] = list(META["columns"]["optional"])
ALL_COLUMNS: frozenset[str] = frozenset(META["columns"]["all"])
SERIES: dict[str, dict[str, Any]] = dict(META["series"])
ECONOMIES: dict[str, dict[str, str]] = dict(META["economies"])
PLAUSIBLE = Plausibility.from_meta(META)
#: A file is taken for a DataHub export when its header has at least this many of the
#: export's columns: a renamed or missing column is then reported by ``parse``, not passed over.
SNIFF_MIN_COLUMNS = 5
_EXPORT_STAMP = re.compile(r"_([0-9]{13})$")
_YEAR = re.compile(r"[0-9]{4}")


def indicator_code(series: str) -> str:
    """The infosoc indicator code of an ITU series code: "i911" -> "ITU.i911"."""
    return f"{PREFIX}{series}"


def indicator_meta(series: str) -> IndicatorMeta:
    """Label and unit of a known series, from the metadata (never from the file)."""
    known = SERIES[series]
    return IndicatorMeta(
        indicator_code(series), known["label"], known["unit"], "year", method=META["method"]
    )


def export_date(path: Path) -> str | None:
    """The date ("YYYY-MM-DD", UTC) of the export stamped in a DataHub file name, or None.

    The DataHub names its exports ``<indicator>_<milliseconds since the epoch>.csv``:
    ``mobile-cellular-subscriptions_1758627613877.csv`` was exported on 2025-09-23.
    """
    stamp = _EXPORT_STAMP.search(path.stem)
    if stamp is None:
        return None
    when = datetime.fromtimestamp(int(stamp.group(1)) / 1000, tz=UTC)
    return when.date().isoformat()


# finding files ------------------------------------------------------------------------------
def _sniff(path: Path) -> bool:
    """Whether a CSV file's first line is a DataHub export header (only its start is read)."""
    try:
        with path.open("rb") as handle:
            start = handle.read(8 * 1024)
    except OSError:
        return False
    lines = start.decode("utf-8-sig", errors="replace").splitlines()
    if not lines:
        return False
    header = {f.strip() for f in next(csv.reader(io.StringIO(lines[0])), [])}
    return len(header & ALL_COLUMNS) >= SNIFF_MIN_COLUMNS


def find_files(mirror: Path) -> list[Path]:
    """DataHub exports in ``mirror/itu/`` (or in ``mirror`` itself without that folder).

    A file is taken for its header, whatever its name; other CSV files there are left alone.
    """
    folder = mirror / META["mirror_folder"]
    if not folder.is_dir():
        folder = mirror
    if not folder.is_dir():
        return []
    return [p for p in sorted(folder.glob("*.csv")) if p.is_file() and _sniff(p)]


# parsing ------------------------------------------------------------------------------------
@dataclass
class _Economies:
    """Entity codes of the file's economies, and records of those that are not ISO countries."""

    file: str
    codes: dict[str, str]
    records: dict[str, EntityRecord]

    def entity(self, iso: str, name: str, *, row: int, column: str) -> str:
        code = iso.strip().upper()
        known = self.codes.get(code)
        if known is not None:
            return known
        if not code:
            raise InputError("the economy has no code", file=self.file, row=row, column=column)
        if len(code) == 3 and lookup(code) == code:
            entity = code
        elif code in ECONOMIES:
            entity = ECONOMIES[code]["code"]
            if lookup(entity) != entity:
                self.records.setdefault(
                    entity, EntityRecord(entity, "country", ECONOMIES[code]["name"])
                )
        else:
            named = lookup(name) if name.strip() else None
            if named is not None:
                # A country's name with a code that is not its ISO code: a typo or a new ITU
                # code, which only the metadata may map (guessing could merge two economies).
                raise InputError(
                    f"code '{code}' is not the ISO3 code of {name.strip()} ({named}); "
                    "map it under [economies] in itu_datahub.meta.toml",
                    file=self.file,
                    row=row,
                    column=column,
                )
            entity = code
            self.records.setdefault(code, EntityRecord(code, "aggregate", name.strip() or code))
        self.codes[code] = entity
        return entity


def _series(text: str, label: str, *, file: str, row: int, column: str) -> str:
    series = text.strip()
    if series not in SERIES:
        shown = f" ('{label.strip()}')" if label.strip() else ""
        raise InputError(
            f"unknown ITU series '{series}'{shown}: its label and unit are not known to infosoc "
            f"(known: {', '.join(SERIES)}); add it under [series] in itu_datahub.meta.toml",
            file=file,
            row=row,
            column=column,
        )
    return series


def _year(text: str, *, file: str, row: int, column: str) -> str:
    year = text.strip()
    if not _YEAR.fullmatch(year):
        raise InputError(f"'{year}' is not a year", file=file, row=row, column=column)
    PLAUSIBLE.year(year, file=file, row=row, column=column)
    return year


def _checked(
    value: float | None, series: str, entity: str, year: str, *, file: str, row: int, column: str
) -> str | None:
    """The note of a value outside its series' plausible range that the metadata lists as an
    exception, None for a value inside it; any other value outside it is an InputError."""
    if value is None:
        return None
    indicator = indicator_code(series)
    bound = PLAUSIBLE.rule(indicator)
    if bound is None:
        raise InputError(
            f"{indicator} has no plausibility rule in itu_datahub.meta.toml",
            file=file,
            row=row,
            column=column,
        )
    if bound.whole and not value.is_integer():
        raise InputError(
            f"{value:g} is not a whole number of {SERIES[series]['unit']}",
            file=file,
            row=row,
            column=column,
        )
    if bound.admits(value):
        return None
    known = PLAUSIBLE.exception(indicator, entity, year, value)
    if known is not None:
        return known
    raise InputError(
        f"{value:g} {SERIES[series]['unit']} is not plausible for {series} "
        f"(must be {bound.describe()})",
        file=file,
        row=row,
        column=column,
    )


def parse(raw: RawFile) -> ParsedFile:
    """Parse one DataHub export; any fault is an InputError naming file, row and column.

    Refused: a missing column, a row with missing or extra fields, an unknown series, an
    economy without a code or with a country's name under a non-ISO code, a year outside
    the source's years, a value that is not a number or is implausible for its series, and a second
    row for the same series, economy and year with a different value (an identical repeat is
    kept once).
    """
    file = raw.path.name
    header, rows = csv_rows(raw)
    at = column_positions(header, REQUIRED, file=file)
    opt = {c: header.index(c) for c in OPTIONAL if c in header}
    if not rows:
        raise InputError("the file has a header but no data rows", file=file, row=2)
    economies = _Economies(file, {}, {})
    seen: dict[tuple[str, str, str], tuple[int, float | None]] = {}
    observations: list[Observation] = []
    used: dict[str, None] = {}
    for line, fields in rows:
        check_row_length(fields, header, file=file, row=line)
        label = fields[opt["seriesName"]] if "seriesName" in opt else ""
        series = _series(fields[at["seriesCode"]], label, file=file, row=line, column="seriesCode")
        entity = economies.entity(
            fields[at["entityIso"]], fields[at["entityName"]], row=line, column="entityIso"
        )
        year = _year(fields[at["dataYear"]], file=file, row=line, column="dataYear")
        value = parse_number(fields[at["dataValue"]], file=file, row=line, column="dataValue")
        anomaly = _checked(value, series, entity, year, file=file, row=line, column="dataValue")
        key = (series, entity, year)
        if key in seen:
            first, earlier = seen[key]
            if earlier == value:
                continue
            raise InputError(
                f"{series} {entity} {year} appears twice with different values "
                f"({earlier:g} in row {first}, {value:g} here)"
                if earlier is not None and value is not None
                else f"{series} {entity} {year} appears twice (rows {first} and {line})",
                file=file,
                row=line,
                column="dataValue",
            )
        seen[key] = (line, value)
        note_text = fields[opt["dataNote"]].strip() if "dataNote" in opt else ""
        notes = [n for n in (note_text, anomaly) if n]
        observations.append(
            Observation(
                entity,
                indicator_code(series),
                year,
                value,
                "; ".join(notes) if notes else None,
                row=line,
                column="dataValue",
            )
        )
        used.setdefault(series, None)

    exported = export_date(raw.path)
    released = exported or raw.released
    codes = ", ".join(used)
    title = f"{META['title']}: {codes}" + (f" (DataHub export of {released})" if released else "")
    online = raw.retrieved_from.startswith(("http://", "https://"))
    provenance = provenance_of(
        raw,
        source=NAME,
        # The series are part of the edition: two exports of one day (mobile, internet users)
        # are two editions, not two versions of which only the last would count.
        edition=f"DataHub export {released or raw.path.stem} ({codes})",
        publisher=META["publisher"],
        title=title,
        url=raw.retrieved_from if online else META["landing_url"],
        licence=META["licence"],
        released=exported,
    )
    return ParsedFile(
        provenance=provenance,
        observations=observations,
        indicators=[indicator_meta(s) for s in used],
        entities=list(economies.records.values()),
    )
