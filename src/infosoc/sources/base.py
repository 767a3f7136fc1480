"""What every source module produces: observations plus the provenance of their file."""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import InputError


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
    """Read a local file; its retrieval time is taken from the file's modification time."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror})", file=str(path)) from exc
    when = retrieved_at or datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    return RawFile(path=path, data=data, retrieved_at=when, retrieved_from=str(path.resolve()))


def csv_rows(raw: RawFile, delimiter: str = ",") -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line number, fields) of a CSV file, or an InputError naming what is wrong.

    Line numbers are the file's own (the header is line 1), so a user can go straight to them.

    Handles a UTF-8 byte-order mark and CRLF line ends; refuses binary files and files
    that are empty or hold only blank lines.
    """
    name = raw.path.name
    if b"\x00" in raw.data[:4096]:
        raise InputError("is not a CSV file (it holds binary data)", file=name, row=1)
    try:
        text = raw.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.data[: exc.start].count(b"\n") + 1
        raise InputError("is not a UTF-8 CSV file", file=name, row=line) from exc
    if not text.strip():
        raise InputError("the file is empty", file=name, row=1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    numbered: list[tuple[int, list[str]]] = []
    last_line = 0
    try:
        for record in reader:
            # A quoted cell may span lines: a record is named by the line it starts on.
            start, last_line = last_line + 1, reader.line_num
            if any(f.strip() for f in record):
                numbered.append((start, record))
    except csv.Error as exc:
        row = numbered[-1][0] + 1 if numbered else 1
        raise InputError(f"is not a valid CSV file ({exc})", file=name, row=row) from exc
    header = numbered[0][1]
    if len(header) < 2:
        raise InputError("is not a CSV file (no header line with columns)", file=name, row=1)
    return [h.strip() for h in header], numbered[1:]


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_number(
    text: str,
    *,
    file: str,
    row: int,
    column: str,
    thousands: bool = False,
    missing: tuple[str, ...] = ("",),
) -> float | None:
    """A finite number from a CSV cell, None for a missing cell, or an InputError.

    ``thousands`` accepts separators such as "28,261"; ``missing`` lists the cell texts that
    mean "no value" (always compared after stripping white space).
    """
    cell = text.strip()
    if cell in missing:
        return None
    if thousands and _THOUSANDS.match(cell):
        cell = cell.replace(",", "")
    try:
        value = float(cell)
    except ValueError:
        raise InputError(f"'{cell}' is not a number", file=file, row=row, column=column) from None
    if not math.isfinite(value):
        raise InputError(f"'{cell}' is not a finite number", file=file, row=row, column=column)
    return value


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


def column_positions(
    header: list[str], wanted: list[str], *, file: str, row: int = 1
) -> dict[str, int]:
    """Where each wanted column is, or one InputError naming every missing one."""
    positions = {name: i for i, name in enumerate(header)}
    missing = [c for c in wanted if c not in positions]
    if missing:
        raise InputError(
            f"missing column{'s' if len(missing) > 1 else ''} "
            + ", ".join(f"'{m}'" for m in missing),
            file=file,
            row=row,
            column=missing[0],
        )
    return {c: positions[c] for c in wanted}


def check_row_length(fields: list[str], header: list[str], *, file: str, row: int) -> None:
    """A row must have as many fields as the header; the error names the first missing column."""
    if len(fields) != len(header):
        raise InputError(
            f"row has {len(fields)} fields, the header has {len(header)}",
            file=file,
            row=row,
            column=header[min(len(fields), len(header) - 1)],
        )
