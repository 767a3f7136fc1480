"""What every source module produces: observations plus the provenance of their file."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

# The CSV helpers live below sources/ and geo/, which both read CSV files; re-exported here
# for the source modules.
from ..csvfiles import check_row_length as check_row_length
from ..csvfiles import column_positions as column_positions
from ..csvfiles import csv_rows as csv_rows
from ..csvfiles import parse_number as parse_number
from ..errors import InputError
from ..structured import regular_file


@dataclass(frozen=True)
class Observation:
    """One value in tidy form. ``value`` is None when the source has no value (never 0)."""

    entity: str
    indicator: str
    period: str
    value: float | None
    note: str | None = None
    #: A disaggregation such as "urbanisation=rural" or "region=KZ-11;sex=female"; None is
    #: the total. Keys and values are lower case, keys sorted (see :func:`breakdown_key`).
    breakdown: str | None = None
    #: Where the value was read (the file's line number and the column's name), for error
    #: messages only: not compared and not stored. None where a reader cannot tell.
    row: int | None = field(default=None, compare=False)
    column: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Provenance:
    """Where a file came from: enough to cite it and to fetch the same bytes again."""

    source: str
    edition: str
    publisher: str
    title: str
    url: str
    file_name: str
    licence: str
    retrieved_at: datetime
    retrieved_from: str
    sha256: str
    size_bytes: int
    #: The publisher's release (or last update) date, "YYYY", "YYYY-MM" or "YYYY-MM-DD", when
    #: known: it decides which vintage answers when two releases hold the same value.
    released: str | None = None


@dataclass(frozen=True)
class IndicatorMeta:
    """What an indicator measures: enough to label every value honestly.

    ``statistic`` is e.g. "median" or "mean" (of tests, of days); ``method`` how the values were
    measured (e.g. "Ookla Speedtest, multi-server"); ``period_kind`` "year", "quarter" or "month".
    """

    indicator: str
    label: str
    unit: str
    period_kind: str
    statistic: str | None = None
    method: str | None = None


@dataclass(frozen=True)
class EntityRecord:
    """An entity that is not an ISO 3166 country, such as a World Bank aggregate ("WLD")."""

    code: str
    kind: str
    name: str


@dataclass(frozen=True)
class Attribute:
    """A categorical fact about an entity, such as its income group in a year."""

    entity: str
    attribute: str
    period: str
    value: str | None


@dataclass
class ParsedFile:
    """A parsed source file: its provenance, observations, and what they describe."""

    provenance: Provenance
    observations: list[Observation] = field(default_factory=list)
    indicators: list[IndicatorMeta] = field(default_factory=list)
    entities: list[EntityRecord] = field(default_factory=list)
    attributes: list[Attribute] = field(default_factory=list)


@dataclass(frozen=True)
class RawFile:
    """The bytes of a source file, and when and where they were retrieved."""

    path: Path
    data: bytes
    retrieved_at: datetime
    retrieved_from: str
    #: The publisher's release date, when the folder's manifest or the file itself says it.
    released: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def breakdown_key(parts: dict[str, str]) -> str | None:
    """The stored form of a disaggregation: ``{"urbanisation": "rural"}`` ->
    "urbanisation=rural"; several parts sorted by key and joined with ";"; None for none."""
    cleaned = {k.strip().lower(): v.strip() for k, v in parts.items() if v and v.strip()}
    if not cleaned:
        return None
    return ";".join(f"{k}={cleaned[k]}" for k in sorted(cleaned))


def load_meta(module_file: str) -> dict[str, Any]:
    """Read the ``<module>.meta.toml`` that sits beside a source module."""
    name = Path(module_file).stem + ".meta.toml"
    text = resources.files("infosoc.sources").joinpath(name).read_text(encoding="utf-8")
    return tomllib.loads(text)


def read_local(path: Path, retrieved_at: datetime | None = None) -> RawFile:
    """Read a local file; its retrieval time is taken from the file's modification time.
    Anything but a regular file (a device, a FIFO, a folder) is an InputError, never read."""
    regular_file(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror})", file=str(path)) from exc
    when = retrieved_at or datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    return RawFile(path=path, data=data, retrieved_at=when, retrieved_from=str(path.resolve()))


def provenance_of(
    raw: RawFile,
    *,
    source: str,
    edition: str,
    publisher: str,
    title: str,
    url: str,
    licence: str,
    released: str | None = None,
) -> Provenance:
    """The provenance of a raw file: what the caller says, plus where, when and which bytes.

    ``released`` is the release date the file itself states; else the one its folder's
    manifest gave the raw file (:attr:`RawFile.released`)."""
    return Provenance(
        source=source,
        edition=edition,
        publisher=publisher,
        title=title,
        url=url,
        file_name=raw.path.name,
        licence=licence,
        retrieved_at=raw.retrieved_at,
        retrieved_from=raw.retrieved_from,
        sha256=raw.sha256,
        size_bytes=len(raw.data),
        released=released if released is not None else raw.released,
    )
