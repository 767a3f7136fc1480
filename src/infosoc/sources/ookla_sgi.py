"""Ookla Speedtest Global Index (SGI): one month's median speeds by country, fixed or mobile.

The tables (``mbps, country, major_area, region``) name neither the network nor the month, so
both come from the file name (``..._fb_aug_2024...``, ``..._mob_aug_2024...``); they have no
rank column, so the rank is computed from the speeds (docs/sources/ookla.md).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ..ranks import competition_ranks
from .base import (
    IndicatorMeta,
    Observation,
    ParsedFile,
    RawFile,
    load_meta,
)
from .plausible import Plausibility
from .tables import (
    NETWORK_LABEL,
    find_speed_files,
    local_provenance,
    month_number,
    number,
    records,
    resolve_column,
    unique_entities,
)

if TYPE_CHECKING:
    pass

META = load_meta(__file__)
NAME: str = META["name"]
SPEED = "mbps"
COUNTRY = "country"
NAME_PATTERN = re.compile(META["name_pattern"])
PLAUSIBLE = Plausibility.from_meta(META)


def find_files(mirror: Path) -> list[Path]:
    """Every SGI table under ``mirror/speed/`` (or ``mirror``), recognised by its header."""
    wanted = set(META["signature"])
    return find_speed_files(mirror, lambda header: wanted <= header)


def indicator(network: str, measure: str) -> IndicatorMeta:
    """The metadata of ``speed.ookla_sgi.<network>.<measure>`` (measure: download or rank)."""
    spec = META["indicators"][measure]
    return IndicatorMeta(
        f"speed.ookla_sgi.{network}.{measure}",
        spec["label"].format(network=NETWORK_LABEL[network]),
        spec["unit"],
        "month",
        spec["statistic"],
        META["method"],
    )


def network_and_month(path: Path) -> tuple[str, str]:
    """The network ("fixed" or "mobile") and month ("YYYY-MM") that a file's name states."""
    match = NAME_PATTERN.search(path.stem)
    month = month_number(match.group(2)) if match else None
    if match is None or month is None:
        raise InputError(
            "the file name must state the network and month, such as "
            "'sgi_fb_aug_2024.csv' or 'sgi_mob_aug_2024.csv' (the table holds neither)",
            file=path.name,
        )
    PLAUSIBLE.year(match.group(3), file=path.name)
    return META["networks"][match.group(1).lower()], f"{match.group(3)}-{month:02d}"


def parse(raw: RawFile) -> ParsedFile:
    """Parse one SGI table; any fault is an InputError naming file, row and column."""
    file = raw.path.name
    rows = records(raw, [SPEED, COUNTRY])
    network, period = network_and_month(raw.path)
    iso3_of, entities = resolve_column(rows, COUNTRY, file=file)
    unique_entities(rows, COUNTRY, iso3_of, file=file)
    speeds = [number(rec, SPEED, file=file, row=line) for line, rec in rows]
    observations: list[Observation] = []
    # The published table is sorted by speed, so this rank is the row order (Kazakhstan, fixed,
    # August 2024: row 92 of 161); computing it from the speeds also holds for unsorted copies.
    ranked = competition_ranks(dict(enumerate(speeds)))
    ranks = [None if ranked[i] is None else float(ranked[i] or 0) for i in range(len(speeds))]
    for (line, rec), speed, rank in zip(rows, speeds, ranks, strict=True):
        iso3 = iso3_of[rec[COUNTRY]]
        observations.append(
            Observation(
                iso3, f"speed.ookla_sgi.{network}.download", period, speed, row=line, column=SPEED
            )
        )
        observations.append(
            Observation(
                iso3,
                f"speed.ookla_sgi.{network}.rank",
                period,
                rank,
                "no speed in the file, so no rank" if rank is None else None,
                row=line,
                column=SPEED,
            )
        )
    title = f"{META['title']}, {NETWORK_LABEL[network]}, {period}"
    return ParsedFile(
        provenance=local_provenance(raw, META, edition=raw.path.stem, title=title),
        observations=observations,
        indicators=[indicator(network, "download"), indicator(network, "rank")],
        entities=entities,
    )
