"""Reading CSV files: rows numbered as in the file, columns found by name, numbers from cells.

Shared by the source modules (``sources/``) and by the geography (``geo/``), which reads
population tables and place lists: a base helper, so that neither imports the other. Every
problem is an :class:`~infosoc.errors.InputError` naming the file, the row (the file's own
line number) and, where there is one, the column.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .errors import InputError
from .structured import regular_file

__all__ = [
    "FileBytes",
    "check_row_length",
    "column_positions",
    "csv_rows",
    "parse_number",
    "read_csv_file",
]

Rows = list[tuple[int, list[str]]]


class FileBytes(Protocol):
    """A file's path and its bytes (``sources.base.RawFile`` is one)."""

    @property
    def path(self) -> Path: ...

    @property
    def data(self) -> bytes: ...


@dataclass(frozen=True)
class _LocalFile:
    """The bytes of a local file, as :func:`read_csv_file` read them."""

    path: Path
    data: bytes


def read_csv_file(path: Path, delimiter: str = ",") -> tuple[list[str], Rows]:
    """Header and (line number, fields) of a local CSV file: :func:`csv_rows` of its bytes.

    A file that cannot be read is an InputError naming the path.
    """
    path = Path(path)
    regular_file(path)  # a device or a FIFO is refused by its status, never read
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror})", file=str(path)) from exc
    return csv_rows(_LocalFile(path, data), delimiter)


def csv_rows(raw: FileBytes, delimiter: str = ",") -> tuple[list[str], Rows]:
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
    numbered: Rows = []
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


# What a number may look like in a file: ASCII digits, an optional sign, at most one decimal
# point and an optional exponent. float() alone would also take "2_8", "٢٨" (Arabic-Indic
# digits), " 28 ", "inf" and "nan", none of which a publisher means as a number.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")


def parse_number(
    text: str,
    *,
    file: str,
    row: int,
    column: str,
    thousands: bool = False,
    missing: tuple[str, ...] = ("",),
) -> float | None:
    """A finite number from a cell, None for a missing cell, or an InputError naming file, row
    and column.

    Accepted: ASCII digits with an optional sign, one decimal point and an optional exponent
    ("28", "-0.5", "1e3"); with ``thousands``, also comma-grouped thousands ("28,261").
    ``missing`` lists the publisher's cell texts that mean "no value" (compared after
    stripping white space). Anything else (other digits, "2_8", "inf", "nan", "1e999") is
    refused; this is the one way infosoc reads a number from file text.
    """
    cell = text.strip()
    if cell in missing:
        return None
    if thousands and _THOUSANDS.fullmatch(cell):
        cell = cell.replace(",", "")
    if not _NUMBER.fullmatch(cell):
        endless = cell.lstrip("+-").lower() in ("inf", "infinity", "nan")
        what = "a finite number" if endless else "a number"
        raise InputError(f"'{cell}' is not {what}", file=file, row=row, column=column)
    value = float(cell)
    if not math.isfinite(value):
        raise InputError(f"'{cell}' is not a finite number", file=file, row=row, column=column)
    return value


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
