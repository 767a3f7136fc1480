"""Helpers shared by the sources read from local tables (the speed sources first).

Finding a source's files by their header, reading records with their line numbers, checking
columns, resolving country names, and the provenance of a local file.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..geo.countries import normalise, resolve_many
from .base import (
    EntityRecord,
    Provenance,
    RawFile,
    check_row_length,
    column_positions,
    csv_rows,
    parse_number,
    provenance_of,
)

SPEED_FOLDER = "speed"
_SNIFF_BYTES = 65536
Record = dict[str, str]

# ISO 3166 has no code for Kosovo; XKX is the user-assigned code the World Bank and the EU use.
NON_ISO: dict[str, EntityRecord] = {
    normalise(key): EntityRecord("XKX", "country", "Kosovo") for key in ("Kosovo", "XK", "XKX")
}


NETWORK_LABEL = {"fixed": "fixed broadband", "mobile": "mobile"}
MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


def month_number(word: str) -> int | None:
    """1 to 12 for an English month name or its first three letters or more ("aug", "Sept")."""
    word = word.lower()
    for position, month in enumerate(MONTHS, start=1):
        if len(word) >= 3 and month.startswith(word):
            return position
    return None


def read_header(path: Path) -> list[str] | None:
    """The header cells of a CSV file, or None if the file does not start as UTF-8 CSV text.

    Only the first 64 KiB are read, so that large binary files in a mirror folder (such as
    Ookla's parquet tiles) cost nothing to pass over.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return None
    if b"\x00" in head:
        return None
    try:
        line = head.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8-sig")
        cells = next(csv.reader([line]), [])
    except (UnicodeDecodeError, csv.Error):
        return None
    return [cell.strip() for cell in cells]


def find_speed_files(mirror: Path, recognise: Callable[[set[str]], bool]) -> list[Path]:
    """CSV files under ``mirror/speed/`` (or ``mirror`` itself) whose header ``recognise`` accepts.

    Files are recognised by their columns, not their names, so that a renamed download is
    still found and a look-alike table (such as cable.co.uk's pricing study) is not.
    """
    root = mirror / SPEED_FOLDER
    if not root.is_dir():
        root = mirror
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.rglob("*")):
        if path.suffix.lower() != ".csv" or path.name.startswith(".") or not path.is_file():
            continue
        header = read_header(path)
        if header is not None and recognise(set(header)):
            found.append(path)
    return found


def records(
    raw: RawFile, required: Sequence[str], optional: Sequence[str] = ()
) -> list[tuple[int, Record]]:
    """(line, {column: stripped cell}) for the columns asked for, after checking the file's shape.

    Refuses a file without data rows, a missing or repeated column, and a row whose number of
    fields differs from the header's.
    """
    file = raw.path.name
    header, rows = csv_rows(raw)
    if not rows:
        raise InputError("the file has a header but no data rows", file=file, row=2)
    column_positions(header, list(required), file=file)
    wanted = [c for c in (*required, *optional) if c in header]
    for column in wanted:
        if header.count(column) > 1:
            raise InputError("the column appears twice", file=file, row=1, column=column)
    at = {column: header.index(column) for column in wanted}
    result = []
    for line, fields in rows:
        check_row_length(fields, header, file=file, row=line)
        result.append((line, {column: fields[i].strip() for column, i in at.items()}))
    return result


def number(
    rec: Record, column: str, *, file: str, row: int, thousands: bool = False, whole: bool = False
) -> float | None:
    """A speed, latency or count from a cell: None when blank, an InputError when negative."""
    value = parse_number(rec[column], file=file, row=row, column=column, thousands=thousands)
    if value is not None and value < 0:
        raise InputError(f"'{rec[column]}' is negative", file=file, row=row, column=column)
    if whole and value is not None and value != int(value):
        raise InputError(
            f"'{rec[column]}' is not a whole number", file=file, row=row, column=column
        )
    return value


def resolve_column(
    rows: Sequence[tuple[int, Record]], column: str, *, file: str, codes: bool = False
) -> tuple[dict[str, str], list[EntityRecord]]:
    """The code of every country name (or ISO2 code, with ``codes``) in a column.

    Kosovo, which has no ISO code, becomes XKX and is returned as an entity for the store. Every
    name that does not resolve is listed in one error, with its row and suggestions.
    """
    rows_of: dict[str, int] = {}
    for line, rec in rows:
        text = rec[column]
        if not text:
            raise InputError("the cell is empty", file=file, row=line, column=column)
        if codes and not re.fullmatch(r"[A-Za-z]{2}", text):
            raise InputError(
                f"'{text}' is not a two-letter ISO 3166 code", file=file, row=line, column=column
            )
        rows_of.setdefault(text, line)
    special = {t: NON_ISO[normalise(t)] for t in rows_of if normalise(t) in NON_ISO}
    rest = {t: line for t, line in rows_of.items() if t not in special}
    code_of = resolve_many(rest, file=file, column=column, rows=rest) if rest else {}
    code_of.update({t: entity.code for t, entity in special.items()})
    entities = list({entity.code: entity for entity in special.values()}.values())
    return code_of, entities


def unique_entities(
    rows: Sequence[tuple[int, Record]], column: str, code_of: dict[str, str], *, file: str
) -> None:
    """Refuse a country that appears twice (also under two spellings, such as KZ and KAZ)."""
    seen: dict[str, int] = {}
    for line, rec in rows:
        code = code_of[rec[column]]
        if code in seen:
            raise InputError(
                f"'{rec[column]}' ({code}) appears twice (rows {seen[code]} and {line})",
                file=file,
                row=line,
                column=column,
            )
        seen[code] = line


def local_provenance(raw: RawFile, meta: dict[str, Any], *, edition: str, title: str) -> Provenance:
    """Provenance of a file read from a local folder: cited by the publisher's page."""
    return provenance_of(
        raw,
        source=meta["name"],
        edition=edition,
        publisher=meta["publisher"],
        title=title,
        url=meta["landing_url"],
        licence=meta["licence"],
    )
