"""cable.co.uk Worldwide Broadband Speed League: mean fixed-line speeds from M-Lab tests.

One row per country or territory, with ISO2 codes (including territories such as Jersey JE
and Guernsey GG, and Kosovo's user-assigned XK), the published rank, the mean download speed
and test counts with thousands separators ("28,261"). The "5GB movie" column is derived from
the speed (t = 5 * 1024 * 8 / Mbps seconds) and is not stored.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from .base import IndicatorMeta, Observation, ParsedFile, RawFile, load_meta
from .plausible import Plausibility
from .tables import (
    find_speed_files,
    local_provenance,
    number,
    records,
    resolve_column,
    unique_entities,
)

if TYPE_CHECKING:
    pass

META = load_meta(__file__)
NAME: str = META["name"]
COLUMNS: dict[str, str] = META["columns"]
YEAR_PATTERN = re.compile(META["year_pattern"])
PLAUSIBLE = Plausibility.from_meta(META)
INDICATORS = {
    code: IndicatorMeta(code, m["label"], m["unit"], "year", m["statistic"], META["method"])
    for code, m in META["indicators"].items()
}


def find_files(mirror: Path) -> list[Path]:
    """Every speed league table under ``mirror/speed/``, recognised by its header."""
    wanted = set(META["signature"])
    return find_speed_files(mirror, lambda header: wanted <= header)


def league_year(path: Path) -> str:
    """The league's year, from the file name (the table has no year column)."""
    match = YEAR_PATTERN.search(path.stem)
    if match is None:
        raise InputError(
            "the file name must state the league's year, such as "
            "'worldwide-broadband-speed-league-2020-data.csv' (the table has no year column)",
            file=path.name,
        )
    PLAUSIBLE.year(match.group(1), file=path.name)
    return match.group(1)


def parse(raw: RawFile) -> ParsedFile:
    """Parse one league table; any fault is an InputError naming file, row and column."""
    file = raw.path.name
    c = COLUMNS
    rows = records(raw, list(c.values()))
    year = league_year(raw.path)
    code_of, entities = resolve_column(rows, c["code"], file=file, codes=True)
    unique_entities(rows, c["code"], code_of, file=file)
    observations: list[Observation] = []
    for line, rec in rows:
        iso3 = code_of[rec[c["code"]]]
        rank = number(rec, c["rank"], file=file, row=line, whole=True)
        if rank == 0:
            raise InputError("rank 0: ranks start at 1", file=file, row=line, column=c["rank"])
        values = {
            "speed.cableco.fixed.download.mean": (
                number(rec, c["speed"], file=file, row=line),
                c["speed"],
            ),
            "speed.cableco.fixed.rank": (rank, c["rank"]),
            "speed.cableco.fixed.tests": (
                number(rec, c["tests"], file=file, row=line, thousands=True, whole=True),
                c["tests"],
            ),
            "speed.cableco.fixed.unique_ips": (
                number(rec, c["unique_ips"], file=file, row=line, thousands=True, whole=True),
                c["unique_ips"],
            ),
        }
        observations += [
            Observation(iso3, code, year, v, row=line, column=column)
            for code, (v, column) in values.items()
        ]
    return ParsedFile(
        provenance=local_provenance(
            raw, META, edition=raw.path.stem, title=f"{META['title']} {year}"
        ),
        observations=observations,
        indicators=list(INDICATORS.values()),
        entities=entities,
    )
