"""Connectivity analysis that works on any indicator: peers, ratios, growth, download time."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infosoc.analysis.download_time import download_time, human_duration, size_in_megabits
from infosoc.analysis.growth import growth, period_in_years

from .conftest import Cli


def test_download_time_of_the_article(cli: Cli) -> None:
    result = cli("download-time", "5GB", "--speed", "4.66Mbps")
    assert result.exit_code == 0
    assert result.stdout.strip() == "2 h 26 min"
    [data] = json.loads(cli("download-time", "5GB", "--speed", "4.66Mbps", "-f", "json").stdout)
    assert data["seconds"] == pytest.approx(5 * 1024 * 8 / 4.66)
    assert "1 GB = 1024 MB" in data["convention"]
    assert download_time("5GB", "85Mbps").human == "8 min 2 s"  # Taiwan, "about 8 minutes"


def test_download_time_matches_cable_co_uk_table() -> None:
    # Liechtenstein, 2020 league: 229.98 Mbit/s, "0:02:58" for 5 GB
    assert human_duration(download_time("5GB", "229.98").seconds) == "2 min 58 s"


def test_conventions_differ_as_documented() -> None:
    cable = download_time("5GB", "10Mbps").seconds
    assert download_time("5GB", "10Mbps", "decimal").seconds == pytest.approx(4000)
    assert download_time("5GB", "10Mbps", "binary").seconds == pytest.approx(5 * 2**30 * 8 / 1e7)
    assert cable == pytest.approx(4096)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["download-time", "five", "--speed", "4Mbps"], "is not a size"),
        (["download-time", "5GB", "--speed", "fast"], "is not a speed"),
        (["download-time", "5GB", "--speed", "0"], "above zero"),
        (["download-time", "5GB", "--speed", "1", "--convention", "roman"], "unknown convention"),
    ],
)
def test_bad_download_time_input(cli: Cli, args: list[str], words: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1


@given(st.floats(0.001, 1e4), st.floats(0.01, 1e4))
def test_seconds_times_speed_is_size(gigabytes: float, mbps: float) -> None:
    result = download_time(f"{gigabytes:.3f}GB", f"{mbps:.2f}Mbps")
    assert result.seconds * result.mbps == pytest.approx(result.megabits)
    assert result.megabits == pytest.approx(float(f"{gigabytes:.3f}") * 1024 * 8)


@given(st.sampled_from(["KB", "MB", "GB", "TB"]), st.floats(0.1, 100))
def test_bigger_units_are_bigger(unit: str, number: float) -> None:
    order = ["KB", "MB", "GB", "TB"]
    smaller = order[max(0, order.index(unit) - 1)]
    if smaller != unit:
        assert size_in_megabits(f"{number}{unit}") > size_in_megabits(f"{number}{smaller}")


@given(st.floats(0.01, 1e6), st.floats(0.01, 1e6), st.integers(2000, 2020), st.integers(1, 20))
def test_cagr_compounds_back_to_the_end_value(a: float, b: float, year: int, span: int) -> None:
    g = growth(str(year), a, str(year + span), b)
    assert g.cagr_pct is not None
    assert a * (1 + g.cagr_pct / 100) ** span == pytest.approx(b, rel=1e-6)
    assert g.change == pytest.approx(b - a)


def test_growth_periods() -> None:
    assert period_in_years("2020-Q3") == 2020.5
    assert period_in_years("2020-04") == pytest.approx(2020.25)
    assert growth("2010", 0.0, "2020", 5.0).change_pct is None
    assert growth("2010", 0.0, "2020", 5.0).cagr_pct is None
    with pytest.raises(Exception, match="must come after"):
        growth("2020", 1, "2010", 2)
    assert math.isclose(growth("2019-Q1", 10, "2020-Q1", 11).cagr_pct or 0, 10)


def test_growth_command(ingested_home: Path, cli: Cli) -> None:
    result = cli(
        "growth",
        "Kazakhstan",
        "-i",
        "egov.egdi",
        "--start",
        "2018",
        "--end",
        "2020",
        "--home",
        ingested_home,
        "-f",
        "json",
    )
    [data] = json.loads(result.stdout)
    assert data["iso3"] == "KAZ" and data["change_pct"] == pytest.approx(10.2409, abs=1e-3)
    assert data["cagr_pct"] == pytest.approx(((0.8375 / 0.7597) ** 0.5 - 1) * 100)


def test_peers_by_neighbours_region_income_and_list(ingested_home: Path, cli: Cli) -> None:
    def peers(*args: str) -> list[dict[str, object]]:
        result = cli(
            "peers", "KAZ", "-i", "egov.egdi", *args, "--home", ingested_home, "-f", "json"
        )
        assert result.exit_code == 0, result.stderr
        rows: list[dict[str, object]] = json.loads(result.stdout)
        return rows

    near = peers("--by", "neighbours", "--period", "2022")
    assert [r["iso3"] for r in near] == ["KAZ", "RUS", "CHN", "UZB", "KGZ", "TKM"]
    assert near[0]["rank"] == 1 and near[0]["of"] == 6 and near[0]["ratio_to_reference"] == 1.0
    assert {r["reference"] for r in near} == {"KAZ"}
    region = peers("--by", "subregion", "--period", "2020")
    assert {r["iso3"] for r in region} == {"KAZ", "KGZ", "TJK", "TKM", "UZB"}
    income = peers("--by", "income", "--period", "2024")
    assert all(r["period"] == "2024" for r in income) and len(income) > 40
    assert all(r["income_group"] == income[0]["income_group"] for r in income)
    listed = peers("--by", "list", "--with", "UZB,Россия", "--period", "2010")
    assert [(r["iso3"], r["rank"]) for r in listed] == [("KAZ", 1), ("RUS", 2), ("UZB", 3)]
    world = peers("--by", "world", "--period", "2020")
    assert next(r for r in world if r["iso3"] == "KAZ")["rank"] == 29


def test_ratio_and_indicator_commands(ingested_home: Path, cli: Cli) -> None:
    [ratio] = json.loads(
        cli("ratio", "KAZ", "UZB", "-i", "egov.tii", "--home", ingested_home, "-f", "json").stdout
    )
    # The newest edition both countries have: 2024.
    assert ratio["period"] == "2024" and ratio["ratio"] == pytest.approx(0.92353 / 0.87687)
    args = ("indicator", "KAZ", "UZB", "-i", "egov.egdi", "--start", "2018", "--end", "2022")
    rows = json.loads(cli(*args, "--home", ingested_home, "-f", "json").stdout)
    assert [(r["period"], r["iso3"]) for r in rows] == [
        ("2018", "KAZ"), ("2018", "UZB"), ("2020", "KAZ"), ("2020", "UZB"), ("2022", "KAZ"),
        ("2022", "UZB"),
    ]  # fmt: skip
    assert rows[2] | {"source": None} == {
        "indicator": "egov.egdi", "period": "2020", "iso3": "KAZ", "country": "Kazakhstan",
        "value": 0.8375, "unit": "index, 0 to 1", "source": None,
    }  # fmt: skip
    assert "EGOV_DATA_2020.csv" in rows[2]["source"]
    table = cli(*args, "--home", ingested_home).stdout
    assert "E-Government Development Index (EGDI)" in table and "EGOV_DATA_2020.csv" in table


def test_unknown_indicator_lists_what_the_store_holds(ingested_home: Path, cli: Cli) -> None:
    result = cli("indicator", "KAZ", "-i", "IT.NOPE", "--home", ingested_home)
    assert result.exit_code == 2
    assert "no indicator 'IT.NOPE'" in result.stderr and "IT.NET.USER.ZS" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    result = cli("indicator", "KAZ", "-i", "egdi", "--home", ingested_home)
    assert "closest: egov.egdi" in result.stderr
