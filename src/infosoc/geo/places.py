"""Populated places (GeoNames ``cities500`` layout), to tell towns from villages."""

from __future__ import annotations

import csv
import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ..csvfiles import parse_number
from ..errors import InputError
from ..structured import read_bytes

# Kazakhstan's law on administrative-territorial structure makes a settlement of at least
# 10,000 people a town; GeoNames lists places of 500 and more, towns among them.
DEFAULT_TOWN_POPULATION = 10_000
DEFAULT_TOWN_RADIUS_KM = 5.0
_COLUMNS = ("name", "latitude", "longitude", "population")
MAX_BYTES = 1 << 30


@dataclass(frozen=True)
class Places:
    """Places with coordinates in degrees and population (missing population is NaN)."""

    names: tuple[str, ...]
    lon: npt.NDArray[np.float64]
    lat: npt.NDArray[np.float64]
    population: npt.NDArray[np.float64]
    sha256: str

    def at_least(self, population: int) -> Places:
        """The places with a known population of at least ``population``."""
        keep = self.population >= population  # NaN compares false: unknown is not a town
        return Places(
            tuple(n for n, k in zip(self.names, keep, strict=True) if k),
            self.lon[keep],
            self.lat[keep],
            self.population[keep],
            self.sha256,
        )


TOWN, VILLAGE = "town", "village"
SETTLEMENTS = (TOWN, VILLAGE)  # a lookup's settlement column holds an index into this


@dataclass(frozen=True)
class SettlementRule:
    """A tile is in a town when its centre is within ``radius_km`` of a place of
    ``min_population`` or more; otherwise it is in a village or open country."""

    min_population: int = DEFAULT_TOWN_POPULATION
    radius_km: float = DEFAULT_TOWN_RADIUS_KM

    def __post_init__(self) -> None:
        if self.min_population < 0:
            raise InputError(f"town population {self.min_population} cannot be negative")
        if not (self.radius_km > 0 and math.isfinite(self.radius_km)):
            raise InputError(f"town radius {self.radius_km} km must be a positive number")

    @property
    def label(self) -> str:
        return f"town = within {self.radius_km:g} km of a place of {self.min_population:,}+"


def _number(text: str, path: Path, row: int, column: str) -> float:
    value = parse_number(text, file=str(path), row=row, column=column, missing=())
    assert value is not None  # nothing counts as missing here
    return value


def load_places(path: Path) -> Places:
    """Read a GeoNames-style tab-separated file with a header naming its columns."""
    # GeoNames' list of the world's places of 500 people and more is some 30 MB.
    data = read_bytes(Path(path), max_bytes=MAX_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", file=str(path)) from None
    reader = csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if header is None:
        raise InputError("the file is empty", file=str(path))
    missing = [c for c in _COLUMNS if c not in header]
    if missing:
        raise InputError(
            f"no column '{missing[0]}' in the header (GeoNames layout expected)",
            file=str(path),
            row=1,
            column=missing[0],
        )
    at = {c: header.index(c) for c in _COLUMNS}
    names: list[str] = []
    lon: list[float] = []
    lat: list[float] = []
    population: list[float] = []
    for row, fields in enumerate(reader, start=2):
        if not fields:
            continue
        if len(fields) != len(header):
            raise InputError(
                f"{len(fields)} fields where the header has {len(header)}", file=str(path), row=row
            )
        la = _number(fields[at["latitude"]], path, row, "latitude")
        lo = _number(fields[at["longitude"]], path, row, "longitude")
        if not (-90 <= la <= 90 and -180 <= lo <= 180):
            raise InputError(f"({lo}, {la}) is not a longitude, latitude", file=str(path), row=row)
        raw_population = fields[at["population"]].strip()
        names.append(fields[at["name"]])
        lat.append(la)
        lon.append(lo)
        population.append(
            _number(raw_population, path, row, "population") if raw_population else math.nan
        )
    return Places(
        tuple(names),
        np.array(lon, np.float64),
        np.array(lat, np.float64),
        np.array(population, np.float64),
        hashlib.sha256(data).hexdigest(),
    )
