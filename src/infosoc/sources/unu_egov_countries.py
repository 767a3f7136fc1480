"""UNU-EGOV's country table: the income group of each UN Member State, for peer comparisons.

A semicolon-separated file with a byte-order mark and CRLF line ends, keyed on ISO3 codes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ..geo.countries import lookup
from .base import (
    Attribute,
    ParsedFile,
    RawFile,
    check_row_length,
    csv_rows,
    load_meta,
    provenance_of,
)

if TYPE_CHECKING:
    pass

META = load_meta(__file__)
NAME: str = META["name"]
COLUMNS = ("COUNTRY CODE", "INCOME", "STATUS")


def find_files(mirror: Path) -> list[Path]:
    """The country table in a mirror folder (or its ``egov/`` sub-folder)."""
    for folder in (mirror / META["mirror_folder"], mirror):
        path = folder / META["file_name"]
        if path.is_file():
            return [path]
    return []


def parse(raw: RawFile) -> ParsedFile:
    """Income group and development status of every state, as attributes for the period."""
    file = raw.path.name
    header, rows = csv_rows(raw, delimiter=";")
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError(f"missing column '{missing[0]}'", file=file, row=1, column=missing[0])
    at = {c: header.index(c) for c in COLUMNS}
    period = META["period"]
    attributes: list[Attribute] = []
    for line, fields in rows:
        check_row_length(fields, header, file=file, row=line)
        code = fields[at["COUNTRY CODE"]].strip()
        iso3 = lookup(code) if len(code) == 3 else None
        if iso3 is None:
            raise InputError(f"'{code}' is not an ISO3 code", file=file, row=line,
                             column="COUNTRY CODE")  # fmt: skip
        income = fields[at["INCOME"]].strip()
        if income and income not in META["income_groups"]:
            known = ", ".join(META["income_groups"])
            raise InputError(f"unknown income group '{income}' (known: {known})", file=file,
                             row=line, column="INCOME")  # fmt: skip
        attributes.append(
            Attribute(iso3, "income_group", period, META["income_groups"].get(income))
        )
        status = fields[at["STATUS"]].strip().lower() or None
        attributes.append(Attribute(iso3, "development_status", period, status))
    provenance = provenance_of(
        raw,
        source=NAME,
        edition=Path(file).stem,
        publisher=META["publisher"],
        title=META["title"],
        url=META["landing_url"],
        licence=META["licence"],
    )
    return ParsedFile(provenance=provenance, attributes=attributes)
