"""One convention for every command (docs/conventions.md): ``-f json`` parses, a data command
prints a list of row objects with the same rows and columns in CSV and NDJSON, a document
command prints one object, and the old spellings still work with a one-line note."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import typer.main

from infosoc import Observatory
from infosoc.cli import app

from .conftest import Cli

#: Data commands, each with arguments that give rows from the shipped snapshot.
DATA_COMMANDS: dict[str, tuple[str, ...]] = {
    "egdi": ("egdi", "KAZ"),
    "rank": ("rank", "--period", "2022", "--top", "3"),
    "compare": ("compare", "KAZ", "UZB", "-i", "osi"),
    "egdi-check": ("egdi-check", "--period", "2020"),
    "indicator": ("indicator", "KAZ", "UZB", "-i", "IT.NET.USER.ZS", "--start", "2020"),
    "indicator --by": ("indicator", "KAZ", "-i", "KZ.SDG.17.8.1", "--by", "urbanisation"),
    "speed": ("speed", "KAZ", "--network", "fixed", "--start", "2024"),
    "penetration": ("penetration", "KAZ"),
    "peers": ("peers", "KAZ", "-i", "egov.egdi", "--by", "neighbours", "--period", "2022"),
    "ratio": ("ratio", "KAZ", "UZB", "-i", "egov.tii", "--period", "2022"),
    "growth": ("growth", "KAZ", "-i", "egov.egdi", "--start", "2018", "--end", "2020"),
    "download-time": ("download-time", "5GB", "--speed", "4.66Mbps"),
    "sources": ("sources",),
    "revisions": ("revisions", "KAZ", "-i", "IT.CEL.SETS.P2", "--start", "2020"),
}
#: Document commands: one JSON object each (its rows key is documented in conventions.md).
DOCUMENT_COMMANDS: dict[str, tuple[str, ...]] = {
    "article": ("article",),
    "swot": ("swot", "KAZ"),
    "targets": ("targets", "KAZ", "--as-of", "2026-01-01"),
    "index": ("index", "build", "egdi", "--period", "2022"),
    "whatif": ("whatif", "tii", "KAZ", "--set", "IT.NET.BBND.P2=30", "--period", "2019"),
}
#: Commands whose output is checked elsewhere, because they need files, the network or minutes.
ELSEWHERE = {
    "ingest": "tests/test_store.py and tests/test_ingest_faults.py (writes a store)",
    "update": "tests/test_update.py (downloads)",
    "report": "tests/test_report.py (writes HTML, PDF and Markdown files)",
    "divide": "tests/test_divide_cli.py (reads tile files)",
    "audit": "tests/test_audit*.py (Monte Carlo and Sobol runs)",
    "site": "tests/test_site.py (builds a site: about a minute)",
}
#: Commands that print a single result: still a list, of one row object.
ONE_ROW = ("ratio", "growth", "download-time")


def _run(cli: Cli, home: Path, args: tuple[str, ...], fmt: str) -> str:
    extra = () if args[0] == "download-time" else ("--home", str(home))
    result = cli(*args, *extra, "-f", fmt)
    assert result.exit_code == 0, result.stderr
    return str(result.stdout)


def test_every_command_has_its_json_checked() -> None:
    command = typer.main.get_command(app)
    names = set(getattr(command, "commands", {}))
    checked = {args[0] for args in (*DATA_COMMANDS.values(), *DOCUMENT_COMMANDS.values())}
    assert names - checked - set(ELSEWHERE) == set()


@pytest.mark.parametrize("name", list(DATA_COMMANDS))
def test_a_data_command_prints_the_same_rows_in_json_csv_and_ndjson(
    ingested_home: Path, cli: Cli, name: str
) -> None:
    args = DATA_COMMANDS[name]
    rows = json.loads(_run(cli, ingested_home, args, "json"))
    assert isinstance(rows, list) and rows
    assert all(isinstance(r, dict) for r in rows)
    columns = list(rows[0])
    assert all(list(r) == columns for r in rows)  # every row has every column, in one order
    table = list(csv.reader(io.StringIO(_run(cli, ingested_home, args, "csv"))))
    assert table[0] == columns and len(table) == len(rows) + 1
    lines = _run(cli, ingested_home, args, "ndjson").splitlines()
    assert [json.loads(line) for line in lines] == rows
    if name in ONE_ROW:
        assert len(rows) == 1


@pytest.mark.parametrize("name", list(DOCUMENT_COMMANDS))
def test_a_document_command_prints_one_json_object(
    ingested_home: Path, cli: Cli, name: str
) -> None:
    document = json.loads(_run(cli, ingested_home, DOCUMENT_COMMANDS[name], "json"))
    assert isinstance(document, dict) and document


def test_columns_are_named_by_the_command_never_after_a_country(
    ingested_home: Path, cli: Cli
) -> None:
    for args in (DATA_COMMANDS["compare"], DATA_COMMANDS["peers"], DATA_COMMANDS["indicator"]):
        rows = json.loads(_run(cli, ingested_home, args, "json"))
        assert not {"KAZ", "UZB", "kaz", "ratio_to_kaz"} & set(rows[0]), args
    peers = json.loads(_run(cli, ingested_home, DATA_COMMANDS["peers"], "json"))
    assert {r["reference"] for r in peers} == {"KAZ"}
    uzb = next(r for r in peers if r["iso3"] == "UZB")
    assert uzb["ratio_to_reference"] == pytest.approx(uzb["value"] / peers[0]["value"])


@pytest.mark.parametrize(
    ("old", "new", "note"),
    [
        (
            ("indicator", "IT.NET.USER.ZS", "KAZ", "UZB", "--start", "2020"),
            ("indicator", "KAZ", "UZB", "-i", "IT.NET.USER.ZS", "--start", "2020"),
            "indicator CODE COUNTRY... is deprecated and will go; use indicator COUNTRY... -i CODE",
        ),
        (
            ("growth", "egov.egdi", "KAZ", "--start", "2018", "--end", "2020"),
            ("growth", "KAZ", "--indicator", "egov.egdi", "--start", "2018", "--end", "2020"),
            "growth CODE COUNTRY is deprecated and will go; use growth COUNTRY -i CODE",
        ),
        (
            ("revisions", "IT.CEL.SETS.P2", "KAZ"),
            ("revisions", "KAZ", "-i", "IT.CEL.SETS.P2"),
            "revisions CODE COUNTRY is deprecated and will go; use revisions COUNTRY -i CODE",
        ),
        (
            ("speed", "KAZ", "--source", "ookla_sgi"),
            ("speed", "KAZ", "--source", "ookla-sgi"),
            "ookla_sgi is deprecated and will go; use ookla-sgi",
        ),
        (
            ("speed", "KAZ", "--source", "ookla_open", "--network", "mobile"),
            ("speed", "KAZ", "--source", "ookla-open-data", "--network", "mobile"),
            "ookla_open is deprecated and will go; use ookla-open-data",
        ),
    ],
)
def test_an_old_spelling_gives_the_same_rows_and_one_note(
    ingested_home: Path, cli: Cli, old: tuple[str, ...], new: tuple[str, ...], note: str
) -> None:
    before = cli(*old, "--home", ingested_home, "-f", "json")
    after = cli(*new, "--home", ingested_home, "-f", "json")
    assert before.exit_code == after.exit_code == 0, before.stderr + after.stderr
    assert before.stdout == after.stdout
    assert before.stderr.strip() == f"note: {note}"
    assert after.stderr == ""


def test_the_old_speed_source_names_name_the_same_source(ingested_home: Path, cli: Cli) -> None:
    result = cli("speed", "KAZ", "--source", "ookla_si", "--home", ingested_home, "-f", "json")
    assert {r["source"] for r in json.loads(result.stdout)} == {"ookla-intelligence"}


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("speed", "KAZ", "--network", "satellite"), "'satellite' is not one of 'fixed', 'mobile'"),
        (("speed", "KAZ", "--source", "ookla"), "unknown source 'ookla'"),
        (("indicator", "KAZ"), "Missing option '--indicator' / '-i'"),
        (("growth", "KAZ", "-i", "egov.egdi"), "growth needs --start P and --end P"),
    ],
)
def test_bad_options_exit_2(
    ingested_home: Path, cli: Cli, args: tuple[str, ...], words: str
) -> None:
    result = cli(*args, "--home", ingested_home)
    assert result.exit_code == 2
    assert words in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", list(DATA_COMMANDS))
def test_every_table_takes_lang(ingested_home: Path, cli: Cli, name: str) -> None:
    args = DATA_COMMANDS[name]
    result = cli(*args, *(() if name == "download-time" else ("--home", ingested_home)), "--lang",
                 "kk")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip()


def test_tables_are_labelled_in_the_language(ingested_home: Path, cli: Cli) -> None:
    kk = cli(*DATA_COMMANDS["growth"], "--home", ingested_home, "--lang", "kk").stdout
    assert "Өсім" in kk and "Өзгеріс, %" in kk and "Қазақстан" in kk
    ru = cli("download-time", "5GB", "--speed", "4.66Mbps", "--lang", "ru")
    assert ru.stdout.strip() == "2 ч 26 мин"


# The Python API: the same names and order as the commands -----------------------------------
def test_methods_take_the_country_first_and_return_rows(ingested_home: Path) -> None:
    obs = Observatory(home=ingested_home)
    [growth] = obs.growth("KAZ", indicator="egov.egdi", start="2018", end="2020")
    assert growth["change_pct"] == pytest.approx(10.2409, abs=1e-3)
    [ratio] = obs.ratio("KAZ", "UZB", indicator="egov.tii", period="2022")
    assert ratio["ratio"] == pytest.approx(0.752 / 0.6575)
    [duration] = Observatory.download_time("5GB", "4.66Mbps")
    assert duration["human"] == "2 h 26 min"
    rows = obs.indicator(["KAZ", "UZB"], indicator="egov.egdi", start="2020", end="2020")
    assert [(r["iso3"], r["value"]) for r in rows] == [("KAZ", 0.8375), ("UZB", 0.6665)]
    revised = obs.revisions("KAZ", indicator="IT.CEL.SETS.P2", start="2020", end="2020")
    assert sum(r["answers"] for r in revised) == 1


def test_the_old_python_spellings_warn(ingested_home: Path) -> None:
    obs = Observatory(home=ingested_home)
    with pytest.warns(DeprecationWarning, match="indicator\\(countries, indicator=code\\)"):
        old: Any = obs.indicator("egov.egdi", ["KAZ"], start="2020", end="2020")
    assert old == obs.indicator("KAZ", indicator="egov.egdi", start="2020", end="2020")
    with pytest.warns(DeprecationWarning, match="use 'ookla-sgi'"):
        sgi = obs.speed("KAZ", source="ookla_sgi")
    assert {r["source"] for r in sgi} == {"ookla-sgi"}


def test_the_command_reference_is_in_step_with_the_commands() -> None:
    from infosoc.cli.reference import reference

    from .conftest import REPO

    written = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == reference(), "docs/cli.md is out of date: run python scripts/cli_reference.py"


@pytest.mark.parametrize("fmt", ["json", "csv", "ndjson", "table"])
def test_a_document_prints_as_one_object_and_its_rows(
    fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from infosoc import Document
    from infosoc.cli.common import emit
    from infosoc.cli.output import Format

    claims = [{"id": "rank-2020", "verdict": "confirmed"}, {"id": "hci", "verdict": "differs"}]
    document = Document("article", {"country": "KAZ", "claims": claims}, rows_key="claims")
    emit(document, Format(fmt), ("id", "verdict"), "en", title="Claims")
    out = capsys.readouterr().out
    if fmt == "json":
        assert json.loads(out) == {"country": "KAZ", "claims": claims}
    elif fmt == "csv":
        assert out.splitlines() == ["id,verdict", "rank-2020,confirmed", "hci,differs"]
    elif fmt == "ndjson":
        assert [json.loads(line) for line in out.splitlines()] == claims
    else:
        assert "Claims" in out and "confirmed" in out and "KAZ" in out
