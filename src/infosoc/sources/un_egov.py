"""UN E-Government Survey: the EGOVKB Data Center's ``EGOV_DATA_<year>.csv`` exports.

Quirks handled here (see docs/sources/un-egov.md): an optional UTF-8 byte-order mark, country
names with trailing spaces and no ISO code, and states that were not yet members in an edition
published with a blank rank and zeros, which are stored as missing, never as 0.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError, SourceError
from ..geo.countries import resolve_many
from .base import (
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
from .plausible import Plausibility, checked_parse

if TYPE_CHECKING:
    import httpx

    from ..records import Progress

META = load_meta(__file__)
NAME: str = META["name"]
FILE_PATTERN = re.compile(META["file_pattern"])
INDEX_INDICATORS = ("egov.egdi", "egov.osi", "egov.tii", "egov.hci", "egov.epi")
RANK = "egov.rank"
NOT_ASSESSED = "not assessed in this edition: no rank, values published as 0"
SHARED_ZERO = "published as 0 by {count} states in this edition: missing data, not a score"
ZERO_IS_MISSING: tuple[str, ...] = tuple(META.get("zero_is_missing_when_shared", []))
URL_ENV = "INFOSOC_UN_EGOV_URL"
INDICATORS = [
    IndicatorMeta(code, meta["label"], meta["unit"], "year", method=META["title"])
    for code, meta in META["indicators"].items()
]
PLAUSIBLE = Plausibility.from_meta(META)


def find_files(mirror: Path) -> list[Path]:
    """Every ``EGOV_DATA_<year>.csv`` in a mirror folder (or its ``egov/`` sub-folder), by year."""
    folder = mirror / META["mirror_folder"]
    if not folder.is_dir():
        folder = mirror
    found = [p for p in folder.iterdir() if p.is_file() and FILE_PATTERN.fullmatch(p.name)]
    return sorted(found, key=lambda p: p.name)


def download_url(year: int | str) -> str:
    """The URL an edition is downloaded from (``$INFOSOC_UN_EGOV_URL`` overrides the template)."""
    template = os.environ.get(URL_ENV) or META["download_url"]
    try:
        return str(template).format(year=year)
    except (KeyError, IndexError, ValueError) as exc:
        raise InputError(
            f"{URL_ENV} must be an address with {{year}} in it, not '{template}'"
        ) from exc


def fetch(
    cache: Path,
    editions: list[str] | None = None,
    *,
    client: httpx.Client | None = None,
    refresh: bool = False,
    progress: Progress | None = None,
) -> list[RawFile]:
    """Download editions into the cache (or reuse cached copies); a download is kept only if
    it parses (sources/fetch.py). ``progress`` follows the bytes."""
    from .fetch import download

    years = editions or list(META["editions"])
    files = []
    for year in years:
        target = cache / NAME / f"EGOV_DATA_{year}.csv"
        try:
            got = download(
                download_url(year),
                target,
                client=client,
                refresh=refresh,
                parse=checked_parse(NAME, parse),
                expect="a CSV file",
                progress=progress,
                label=f"{NAME} {year}",
            )
            files.append(got)
        except SourceError as exc:
            raise SourceError(f"UN E-Government Survey {year}: {exc}") from exc
    return files


def _rank(text: str, *, file: str, row: int, column: str) -> float | None:
    value = parse_number(text, file=file, row=row, column=column)
    if value is not None and (value < 1 or value != int(value)):
        raise InputError(
            f"rank '{text.strip()}' is not a whole number from 1 up",
            file=file,
            row=row,
            column=column,
        )
    return value


def _checked_header(header: list[str], file: str) -> dict[str, int]:
    at = column_positions(header, list(META["columns"]), file=file)
    return {META["columns"][col]: i for col, i in at.items()}


def _records(raw: RawFile) -> Iterator[tuple[int, dict[str, str]]]:
    file = raw.path.name
    header, rows = csv_rows(raw)
    if not rows:
        raise InputError("the file has a header but no data rows", file=file, row=2)
    at = _checked_header(header, file)
    for line, fields in rows:
        check_row_length(fields, header, file=file, row=line)
        yield line, {key: fields[i] for key, i in at.items()}


def parse(raw: RawFile) -> ParsedFile:
    """Parse one export into observations; any fault is an InputError naming file, row, column."""
    file = raw.path.name
    columns = {v: k for k, v in META["columns"].items()}
    records = list(_records(raw))
    name_match = FILE_PATTERN.fullmatch(file)
    # A file name's year is checked before any row: EGOV_DATA_0000.csv is no edition.
    edition = PLAUSIBLE.year(name_match.group(1), file=file) if name_match else None
    rows_of: dict[str, int] = {}
    for line, rec in records:
        year_text = rec["year"].strip()
        if not re.fullmatch(r"[0-9]{4}", year_text):
            raise InputError(
                f"'{year_text}' is not a survey year", file=file, row=line, column=columns["year"]
            )
        if edition is None:
            edition = PLAUSIBLE.year(year_text, file=file, row=line, column=columns["year"])
        if int(year_text) != edition:
            raise InputError(
                f"survey year {year_text} differs from the file's edition {edition}",
                file=file,
                row=line,
                column=columns["year"],
            )
        name = rec["country"].strip()
        if not name:
            raise InputError(
                "country name is empty", file=file, row=line, column=columns["country"]
            )
        rows_of.setdefault(name, line)
    iso3_of = resolve_many(rows_of, file=file, column=columns["country"], rows=rows_of)

    assert edition is not None
    period = str(edition)
    seen: dict[str, int] = {}
    observations: list[Observation] = []
    for line, rec in records:
        name = rec["country"].strip()
        iso3 = iso3_of[name]
        if iso3 in seen:
            raise InputError(
                f"{name} ({iso3}) appears twice in edition {edition} "
                f"(rows {seen[iso3]} and {line})",
                file=file,
                row=line,
                column=columns["country"],
            )
        seen[iso3] = line
        values: dict[str, float | None] = {}
        notes: dict[str, str | None] = {}
        for indicator in INDEX_INDICATORS:
            column = columns[indicator]
            value = parse_number(rec[indicator], file=file, row=line, column=column)
            notes[indicator] = None
            if value is not None and not 0.0 <= value <= 1.0:
                known = PLAUSIBLE.exception(indicator, iso3, str(edition), value)
                if known is None:
                    raise InputError(
                        f"index value {value} is outside [0, 1]", file=file, row=line, column=column
                    )
                notes[indicator] = known
            values[indicator] = value
        rank = _rank(rec[RANK], file=file, row=line, column=columns[RANK])
        if rank is None and all(v in (None, 0.0) for v in values.values()):
            values = dict.fromkeys(values)
            notes = dict.fromkeys(notes, NOT_ASSESSED)
        for indicator, value in values.items():
            observations.append(
                Observation(
                    iso3,
                    indicator,
                    period,
                    value,
                    notes[indicator],
                    row=line,
                    column=columns[indicator],
                )
            )
        observations.append(
            Observation(
                iso3,
                RANK,
                period,
                rank,
                NOT_ASSESSED if rank is None else None,
                row=line,
                column=columns[RANK],
            )
        )

    observations = _shared_zeros_as_missing(observations)
    provenance = provenance_of(
        raw,
        source=NAME,
        edition=period,
        publisher=META["publisher"],
        title=f"{META['title']}, {edition}",
        url=download_url(edition) if raw.retrieved_from.startswith("http") else META["landing_url"],
        licence=META["licence"].format(year=edition),
    )
    return ParsedFile(provenance=provenance, observations=observations, indicators=INDICATORS)


def _shared_zeros_as_missing(observations: list[Observation]) -> list[Observation]:
    """Store as missing the zeros of a component that several states share in one edition."""
    zeros = {
        indicator: sum(1 for o in observations if o.indicator == indicator and o.value == 0.0)
        for indicator in ZERO_IS_MISSING
    }
    return [
        replace(o, value=None, note=SHARED_ZERO.format(count=zeros[o.indicator]))
        if o.indicator in zeros and zeros[o.indicator] > 1 and o.value == 0.0
        else o
        for o in observations
    ]
