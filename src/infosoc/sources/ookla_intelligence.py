"""Ookla Speedtest Intelligence: monthly country exports (median and mean), fixed or cellular.

Each row gives one country, month ("Apr-19") and statistic ("median" or "mean") with download,
upload, latency and jitter. Only "All Providers Combined" rows for all devices are country
aggregates, so any other provider or device stops the parse rather than being mislabelled.
"""

from __future__ import annotations

import re
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
    month_number,
    number,
    records,
    resolve_column,
)

if TYPE_CHECKING:
    pass

META = load_meta(__file__)
NAME: str = META["name"]
PROVIDER, LOCATION, DEVICE = "Provider", "Location", "Device"
DATE, METRIC, TECHNOLOGY = "Aggregate Date", "Metric Type", "Technology Type"
VALUE_COLUMNS: dict[str, str] = META["columns"]
REQUIRED = [PROVIDER, LOCATION, DEVICE, DATE, METRIC, *VALUE_COLUMNS]
DATE_PATTERN = re.compile(r"([A-Za-z]{3})-([0-9]{2}|[0-9]{4})")
PLAUSIBLE = Plausibility.from_meta(META)


def find_files(mirror: Path) -> list[Path]:
    """Every Speedtest Intelligence export under ``mirror/speed/``, recognised by its header."""
    wanted = set(META["signature"])
    return find_speed_files(mirror, lambda header: wanted <= header)


def indicator(network: str, measure: str, statistic: str) -> IndicatorMeta:
    """The metadata of ``speed.ookla_si.<network>.<measure>.<statistic>``."""
    spec = META["measures"][measure]
    return IndicatorMeta(
        f"speed.ookla_si.{network}.{measure}.{statistic}",
        f"{spec['label']}, {NETWORK_LABEL[network]} ({statistic}, Speedtest Intelligence)",
        spec["unit"],
        "month",
        META["statistics"][statistic],
        META["method"],
    )


def month(text: str, *, file: str, row: int) -> str:
    """A month written "Apr-19" (or "Apr-2019") as "2019-04".

    A two-digit year is the one year of the source's years that ends so ("19" is 2019); one
    that fits none ("Feb-99": 2099 is too late, 1999 before Speedtest) is an InputError, as is a
    four-digit year outside them."""
    match = DATE_PATTERN.fullmatch(text)
    number_of = month_number(match.group(1)) if match else None
    if match is None or number_of is None:
        raise InputError(
            f"'{text}' is not a month such as 'Apr-19'", file=file, row=row, column=DATE
        )
    digits = match.group(2)
    if len(digits) == 4:
        year = PLAUSIBLE.year(digits, file=file, row=row, column=DATE)
    else:
        pivoted = PLAUSIBLE.two_digit_year(digits)
        if pivoted is None:
            raise InputError(
                f"'{text}': the year '{digits}' is within none of {NAME}'s years, "
                f"{PLAUSIBLE.first_year} to {PLAUSIBLE.last_year}",
                file=file,
                row=row,
                column=DATE,
            )
        year = pivoted
    return f"{year}-{number_of:02d}"


def _network_of_name(path: Path) -> str | None:
    words = set(re.split(r"[^a-z]+", path.stem.lower()))
    found = {net for word, net in META["name_words"].items() if word in words}
    return found.pop() if len(found) == 1 else None


def _network(rec: Record, by_name: str | None, *, file: str, row: int) -> str:
    """The row's network, from Technology Type or else the file name; they must agree."""
    if TECHNOLOGY not in rec:
        if by_name is None:
            raise InputError(
                f"no '{TECHNOLOGY}' column, and the file name says neither 'fixed' nor "
                "'cellular': cannot tell which network the file measures",
                file=file,
                row=1,
            )
        return by_name
    network = META["technology"].get(rec[TECHNOLOGY].lower())
    if network is None:
        # 4G or 5G alone, for instance, is a slice of mobile tests, not the country's mobile
        # speed; storing it as mobile would mislabel it.
        raise InputError(
            f"technology '{rec[TECHNOLOGY]}' is not read: only "
            + ", ".join(f"'{t}'" for t in META["technology"])
            + " (every technology combined)",
            file=file,
            row=row,
            column=TECHNOLOGY,
        )
    if by_name is not None and by_name != network:
        raise InputError(
            f"the file name says {by_name}, but the row says '{rec[TECHNOLOGY]}'",
            file=file,
            row=row,
            column=TECHNOLOGY,
        )
    return str(network)


def _check_aggregate(rec: Record, *, file: str, row: int) -> None:
    if rec[PROVIDER] != META["all_providers"]:
        raise InputError(
            f"provider '{rec[PROVIDER]}' is not a country aggregate: only "
            f"'{META['all_providers']}' rows are read",
            file=file,
            row=row,
            column=PROVIDER,
        )
    if rec[DEVICE]:
        raise InputError(
            f"device '{rec[DEVICE]}' is a slice of tests: only rows for all devices "
            "(an empty Device) are read",
            file=file,
            row=row,
            column=DEVICE,
        )


def parse(raw: RawFile) -> ParsedFile:
    """Parse one export; any fault is an InputError naming file, row and column."""
    file = raw.path.name
    rows = records(raw, REQUIRED, [TECHNOLOGY])
    by_name = _network_of_name(raw.path)
    code_of, entities = resolve_column(rows, LOCATION, file=file)
    seen: dict[tuple[str, str, str, str], int] = {}
    emitted: dict[str, IndicatorMeta] = {}
    observations: list[Observation] = []
    for line, rec in rows:
        _check_aggregate(rec, file=file, row=line)
        network = _network(rec, by_name, file=file, row=line)
        period = month(rec[DATE], file=file, row=line)
        statistic = rec[METRIC].lower()
        if statistic not in META["statistics"]:
            raise InputError(
                f"metric '{rec[METRIC]}' is neither "
                + " nor ".join(f"'{s}'" for s in META["statistics"]),
                file=file,
                row=line,
                column=METRIC,
            )
        iso3 = code_of[rec[LOCATION]]
        key = (iso3, period, statistic, network)
        if key in seen:
            raise InputError(
                f"{rec[LOCATION]} ({iso3}), {rec[DATE]}, {statistic} appears twice "
                f"(rows {seen[key]} and {line})",
                file=file,
                row=line,
                column=LOCATION,
            )
        seen[key] = line
        for column, measure in VALUE_COLUMNS.items():
            meta = emitted.get(f"{network}.{measure}.{statistic}")
            if meta is None:
                meta = emitted[f"{network}.{measure}.{statistic}"] = indicator(
                    network, measure, statistic
                )
            value = number(rec, column, file=file, row=line)
            observations.append(
                Observation(iso3, meta.indicator, period, value, row=line, column=column)
            )
    networks = sorted({key[3] for key in seen})
    periods = sorted({key[1] for key in seen})
    title = (
        f"{META['title']}, {' and '.join(NETWORK_LABEL[n] for n in networks)}, "
        f"{periods[0]} to {periods[-1]}"
    )
    return ParsedFile(
        provenance=local_provenance(raw, META, edition=raw.path.stem, title=title),
        observations=observations,
        indicators=sorted(emitted.values(), key=lambda m: m.indicator),
        entities=entities,
    )
