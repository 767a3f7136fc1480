"""Ookla Open Data: country aggregates of the quarterly fixed and mobile performance tiles.

Ookla publishes zoom-16 tiles, not countries. These files (``<CC>_all_quarters.csv``,
``<CC>_incremental.csv``) are a third party's country aggregates of them (OoklaDataR), one row
per country, quarter and network. Aggregating the tiles ourselves is issue 5's job. Each file
is its own edition (its stem), so two files that cover the same quarter are kept side by side,
never merged (docs/sources/ookla.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from .base import IndicatorMeta, Observation, ParsedFile, RawFile, load_meta
from .plausible import Plausibility
from .tables import (
    NETWORK_LABEL,
    Record,
    find_speed_files,
    local_provenance,
    number,
    records,
    resolve_column,
)

if TYPE_CHECKING:
    pass

META = load_meta(__file__)
NAME: str = META["name"]
CODE, YEAR, QUARTER, NETWORK, DATE = "country_code", "year", "quarter", "network_type", "date"
VALUE_COLUMNS: dict[str, str] = META["columns"]
OPTIONAL: list[str] = META["optional"]
REQUIRED = [CODE, YEAR, QUARTER, NETWORK, *(c for c in VALUE_COLUMNS if c not in OPTIONAL)]
COUNTS = ("tiles", "tests", "devices")
PLAUSIBLE = Plausibility.from_meta(META)

Key = tuple[str, str, str]


def find_files(mirror: Path) -> list[Path]:
    """Every country-aggregate file under ``mirror/speed/``, recognised by its header."""
    wanted = set(META["signature"])
    return find_speed_files(mirror, lambda header: wanted <= header)


def indicator(network: str, suffix: str) -> IndicatorMeta:
    """The metadata of ``speed.ookla_open.<network>.<suffix>`` (e.g. ``download.median``)."""
    measure, _, statistic = suffix.partition(".")
    spec = META["measures"][measure]
    detail = f"{statistic.replace('_', ' ')}, " if statistic else ""
    return IndicatorMeta(
        f"speed.ookla_open.{network}.{suffix}",
        f"{spec['label']}, {NETWORK_LABEL[network]} ({detail}Ookla Open Data)",
        spec["unit"],
        "quarter",
        META["statistics"][statistic] if statistic else spec["statistic"],
        META["method"],
    )


def quarter(rec: Record, *, file: str, row: int) -> str:
    """The row's quarter as "YYYY-Qn", checked against its ``date`` (the quarter's first day)."""
    if not re.fullmatch(r"[0-9]{4}", rec[YEAR]):
        raise InputError(f"'{rec[YEAR]}' is not a year", file=file, row=row, column=YEAR)
    PLAUSIBLE.year(rec[YEAR], file=file, row=row, column=YEAR)
    if rec[QUARTER] not in ("1", "2", "3", "4"):
        raise InputError(
            f"'{rec[QUARTER]}' is not a quarter from 1 to 4", file=file, row=row, column=QUARTER
        )
    first_day = f"{rec[YEAR]}-{3 * int(rec[QUARTER]) - 2:02d}-01"
    if rec.get(DATE) and rec[DATE] != first_day:
        raise InputError(
            f"date '{rec[DATE]}' is not the first day of {rec[YEAR]} Q{rec[QUARTER]} ({first_day})",
            file=file,
            row=row,
            column=DATE,
        )
    return f"{rec[YEAR]}-Q{rec[QUARTER]}"


def _unique_rows(
    rows: Sequence[tuple[int, Record]], code_of: dict[str, str], *, file: str
) -> tuple[dict[Key, tuple[int, Record]], dict[Key, list[int]]]:
    """One row per country, quarter and network, and the lines of identical repeats.

    The aggregator appends rows as it goes, so a rerun repeats a row word for word
    (RU_incremental.csv, three times); such a row is kept once, with a note. Two rows with
    different values for one key cannot both be right, so they stop the parse.
    """
    first: dict[Key, tuple[int, Record]] = {}
    repeats: dict[Key, list[int]] = {}
    for line, rec in rows:
        period = quarter(rec, file=file, row=line)
        network = rec[NETWORK].lower()
        if network not in NETWORK_LABEL:
            raise InputError(
                f"network '{rec[NETWORK]}' is neither 'fixed' nor 'mobile'",
                file=file,
                row=line,
                column=NETWORK,
            )
        key = (code_of[rec[CODE]], period, network)
        if key not in first:
            first[key] = (line, rec)
            continue
        earlier_line, earlier = first[key]
        differs = [c for c in rec if rec[c] != earlier[c]]
        if differs:
            raise InputError(
                f"{key[0]} {period} {network} appears twice with different values "
                f"(rows {earlier_line} and {line})",
                file=file,
                row=line,
                column=differs[0],
            )
        repeats.setdefault(key, [earlier_line]).append(line)
    return first, repeats


def parse(raw: RawFile) -> ParsedFile:
    """Parse one aggregate file; any fault is an InputError naming file, row and column."""
    file = raw.path.name
    rows = records(raw, REQUIRED, [*OPTIONAL, DATE])
    code_of, entities = resolve_column(rows, CODE, file=file, codes=True)
    first, repeats = _unique_rows(rows, code_of, file=file)
    emitted: dict[str, IndicatorMeta] = {}
    observations: list[Observation] = []
    for key, (line, rec) in first.items():
        iso3, period, network = key
        lines = repeats.get(key)
        repeated = (
            f"row repeated identically in the file (rows {', '.join(map(str, lines))}); kept once"
            if lines
            else None
        )
        for column, suffix in VALUE_COLUMNS.items():
            meta = emitted.setdefault(f"{network}.{suffix}", indicator(network, suffix))
            if column not in rec:
                note = f"not published: the file has no '{column}' column"
                observations.append(
                    Observation(iso3, meta.indicator, period, None, note, row=line, column=column)
                )
                continue
            whole = suffix in COUNTS
            value = number(rec, column, file=file, row=line, whole=whole)
            observations.append(
                Observation(iso3, meta.indicator, period, value, repeated, row=line, column=column)
            )
    countries = sorted({key[0] for key in first})
    periods = sorted({key[1] for key in first})
    title = f"{META['title']}: {', '.join(countries)}, {periods[0]} to {periods[-1]}"
    return ParsedFile(
        provenance=local_provenance(raw, META, edition=raw.path.stem, title=title),
        observations=observations,
        indicators=sorted(emitted.values(), key=lambda m: m.indicator),
        entities=entities,
    )
