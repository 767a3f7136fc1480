"""Output paths and period options are checked in one shared way before any work, and a genuine
bug prints one line naming the log file that holds its traceback (issue 18, class 12 and the
acceptance on bugs)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from infosoc import Observatory
from infosoc.errors import InputError

from .conftest import Cli

SRC = Path(__file__).parents[1] / "src" / "infosoc"


@pytest.mark.parametrize(
    "args",
    [
        ("indicator", "KAZ", "-i", "IT.NET.USER.ZS", "--start", "abc"),
        ("indicator", "KAZ", "-i", "IT.NET.USER.ZS", "--end", "2020-13"),
        ("speed", "KAZ", "--start", "2020-Q5"),
        ("growth", "KAZ", "-i", "IT.NET.USER.ZS", "--end", "20", "--start", "2015"),
        ("revisions", "KAZ", "-i", "IT.NET.USER.ZS", "--start", "yesterday"),
        ("peers", "KAZ", "-i", "IT.NET.USER.ZS", "--period", "last"),
        ("ratio", "KAZ", "UZB", "-i", "IT.NET.USER.ZS", "--period", "2022-1"),
        ("rank", "--period", "twenty"),
        ("index", "build", "egdi", "--period", "abc"),
        ("audit", "egdi", "--period", "abc"),
    ],
)
def test_a_bad_period_option_is_one_line_naming_it(
    cli: Cli, tmp_path: Path, args: tuple[str, ...]
) -> None:
    home = tmp_path / "home"
    result = cli(*args, "--home", home)
    option = next(a for a in args if a.startswith("--"))
    assert result.exit_code == 2, result.stdout
    assert result.stdout == ""
    assert re.fullmatch(
        f"error: {option} must be a period such as 2022, 2020-Q1 or 2020-04, not '.*'\n",
        result.stderr,
    )
    assert not home.exists()


@pytest.mark.parametrize(
    "args",
    [
        ("indicator", "KAZ", "-i", "IT.NET.USER.ZS", "--start", "3000", "--end", "1000"),
        ("speed", "KAZ", "--start", "2024-Q1", "--end", "2019"),
        ("indicator", "KAZ", "-i", "IT.NET.USER.ZS", "--start", "\u0662\u0660\u0662\u0660"),
    ],
)
def test_a_start_after_the_end_or_in_other_digits_is_refused(
    cli: Cli, tmp_path: Path, args: tuple[str, ...]
) -> None:
    home = tmp_path / "home"
    result = cli(*args, "--home", home)
    assert result.exit_code == 2, result.stdout
    assert result.stdout == ""
    assert result.stderr.startswith("error: --start ") and result.stderr.count("\n") == 1
    assert not home.exists()


def test_the_api_refuses_a_bad_period_too(ingested_home: Path) -> None:
    observatory = Observatory(home=ingested_home)
    with pytest.raises(InputError, match="start must be a period"):
        observatory.indicator("KAZ", indicator="IT.NET.USER.ZS", start="abc")
    with pytest.raises(InputError, match="period must be a period"):
        observatory.index_build("egdi", period="20x2")
    with pytest.raises(InputError, match="start 2024 is after end 2010"):
        observatory.indicator("KAZ", indicator="IT.NET.USER.ZS", start="2024", end="2010")


def _outputs(tmp_path: Path) -> list[tuple[list[str], str]]:
    a_file = tmp_path / "taken.html"
    a_file.write_text("mine", encoding="utf-8")
    folder = tmp_path / "folder"
    folder.mkdir()
    return [
        (["report", "KAZ", "--out", str(a_file)], "is a file, not a folder"),
        (["report", "KAZ", "--out", str(a_file / "sub")], "which is a file, not a folder"),
        (["site", "build", "--out", str(a_file)], "is a file, not a folder"),
        (["divide", "map", "m", "--tiles", "t.parquet", "--out", str(folder)], "is a folder"),
        (["divide", "map", "m", "--tiles", "t", "--out", str(a_file / "x.svg")], "is a file"),
    ]


def test_a_bad_output_path_is_one_line_and_nothing_is_written(cli: Cli, tmp_path: Path) -> None:
    home = tmp_path / "home"
    for args, words in _outputs(tmp_path):
        result = cli(*args, "--home", home)
        assert result.exit_code == 2, (args, result.stderr)
        assert result.stderr.startswith("error: --out ") and words in result.stderr, args
        assert result.stderr.count("\n") == 1
    assert (tmp_path / "taken.html").read_text(encoding="utf-8") == "mine"
    assert not home.exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in any folder")
def test_a_folder_without_permission_is_refused(cli: Cli, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = cli("report", "KAZ", "--out", locked / "reports", "--home", tmp_path / "h")
    finally:
        locked.chmod(0o700)
    assert result.exit_code == 2
    assert "cannot write in" in result.stderr


def test_the_api_refuses_a_file_as_the_report_folder(ingested_home: Path, tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="is a file, not a folder"):
        Observatory(home=ingested_home).report("KAZ", out=taken)


def test_a_bug_prints_one_line_naming_the_log_with_its_traceback(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise ZeroDivisionError("a planted bug")

    monkeypatch.setattr(Observatory, "index_build", broken)
    monkeypatch.setenv("INFOSOC_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("INFOSOC_DEBUG", raising=False)
    result = cli("index", "build", "egdi")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    line = result.stderr
    assert "infosoc hit a bug (ZeroDivisionError: a planted bug)" in line
    assert "please report it" in line
    found = re.search(r"the traceback is in (\S+\.log);", line)
    assert found is not None
    log = Path(found.group(1))
    assert log.parent == tmp_path / "home" / "logs"
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "a planted bug" in text


def test_a_bug_is_logged_in_the_temporary_folder_when_the_home_cannot_be_written(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    blocked = tmp_path / "home"
    blocked.write_text("a file where the home should be", encoding="utf-8")
    monkeypatch.setenv("INFOSOC_HOME", str(blocked))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(Observatory, "index_build", lambda *a, **k: 1 / 0)
    result = cli("index", "build", "egdi")
    found = re.search(r"the traceback is in (\S+\.log);", result.stderr)
    assert found is not None and Path(found.group(1)).parent == tmp_path / "tmp"
    assert "ZeroDivisionError" in Path(found.group(1)).read_text(encoding="utf-8")


def test_with_infosoc_debug_a_bug_raises(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INFOSOC_DEBUG", "1")
    monkeypatch.setattr(Observatory, "index_build", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        cli("index", "build", "egdi", "--home", tmp_path)


def test_no_command_says_internal_error() -> None:
    found = [p for p in SRC.rglob("*.py") if "internal error" in p.read_text(encoding="utf-8")]
    assert found == []


def test_a_bug_is_logged_in_the_home_the_command_was_given(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INFOSOC_DEBUG", raising=False)
    monkeypatch.setenv("INFOSOC_HOME", str(tmp_path / "default"))
    monkeypatch.setattr(Observatory, "index_build", lambda *a, **k: 1 / 0)
    result = cli("index", "build", "egdi", "--home", tmp_path / "given")
    found = re.search(r"the traceback is in (\S+\.log);", result.stderr)
    assert found is not None and Path(found.group(1)).parent == tmp_path / "given" / "logs"


def test_running_out_of_memory_is_one_line_not_a_bug(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def exhausted(*_: object, **__: object) -> None:
        raise MemoryError

    monkeypatch.delenv("INFOSOC_DEBUG", raising=False)
    monkeypatch.setattr(Observatory, "index_build", exhausted)
    result = cli("index", "build", "egdi", "--home", tmp_path)
    assert result.exit_code == 1
    assert result.stderr == "error: not enough memory for this command; ask for less\n"
    assert not (tmp_path / "logs").exists()
