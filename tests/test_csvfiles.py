"""The shared CSV helpers: rows numbered as in the file, and errors naming file, row and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from infosoc.csvfiles import (
    check_row_length,
    column_positions,
    csv_rows,
    parse_number,
    read_csv_file,
)
from infosoc.errors import InputError
from infosoc.sources.base import RawFile, read_local


def write(tmp_path: Path, data: bytes, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_rows_carry_the_line_they_start_on(tmp_path: Path) -> None:
    data = '\ufeffname,note\r\na,"two\r\nlines"\r\n\r\nb,x\r\n'.encode()
    header, rows = read_csv_file(write(tmp_path, data))
    assert header == ["name", "note"]
    assert rows == [(2, ["a", "two\r\nlines"]), (5, ["b", "x"])]


def test_a_source_file_reads_the_same(tmp_path: Path) -> None:
    path = write(tmp_path, b"a;b\n1;2\n")
    raw: RawFile = read_local(path)
    assert csv_rows(raw, ";") == read_csv_file(path, ";") == (["a", "b"], [(2, ["1", "2"])])


@pytest.mark.parametrize(
    ("data", "message", "row"),
    [
        (b"", "the file is empty", 1),
        (b"a,b\n\x00\x01", "binary data", 1),
        (b"a,b\n1,2\n\xff,3\n", "not a UTF-8 CSV file", 3),
        (b"only\n1\n", "no header line", 1),
        (b'a,b\n1,"2\n', "not a valid CSV file", 2),
    ],
)
def test_files_that_are_not_csv(tmp_path: Path, data: bytes, message: str, row: int) -> None:
    with pytest.raises(InputError, match=message) as caught:
        read_csv_file(write(tmp_path, data))
    assert caught.value.file == "t.csv" and caught.value.row == row


def test_a_file_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot be read") as caught:
        read_csv_file(tmp_path / "missing.csv")
    assert caught.value.file == str(tmp_path / "missing.csv")


def test_every_missing_column_is_named_at_once() -> None:
    assert column_positions(["a", "b", "c"], ["c", "a"], file="f.csv") == {"c": 2, "a": 0}
    with pytest.raises(InputError, match="missing columns 'x', 'y'") as caught:
        column_positions(["a"], ["a", "x", "y"], file="f.csv")
    assert (caught.value.row, caught.value.column) == (1, "x")


def test_a_short_row_names_its_first_missing_column() -> None:
    check_row_length(["1", "2"], ["a", "b"], file="f.csv", row=3)
    with pytest.raises(InputError, match="row has 1 fields, the header has 2") as caught:
        check_row_length(["1"], ["a", "b"], file="f.csv", row=3)
    assert (caught.value.row, caught.value.column) == (3, "b")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [(" 12.5 ", 12.5), ("-3", -3.0), ("28,261", 28261.0), ("1,234.5", 1234.5), ("", None)],
)
def test_numbers_from_cells(cell: str, expected: float | None) -> None:
    assert parse_number(cell, file="f.csv", row=2, column="v", thousands=True) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [("28,261", "'28,261' is not a number"), ("nan", "not a finite"), ("inf", "not a finite")],
)
def test_cells_that_are_not_numbers(cell: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        parse_number(cell, file="f.csv", row=4, column="v")
    assert (caught.value.file, caught.value.row, caught.value.column) == ("f.csv", 4, "v")


def test_the_texts_that_mean_no_value_are_the_callers() -> None:
    assert parse_number(" .. ", file="f", row=2, column="v", missing=("", "..")) is None
    with pytest.raises(InputError):
        parse_number("..", file="f", row=2, column="v")
