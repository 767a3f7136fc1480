"""Impossible values are bad input (issue 18, class 2): strict numbers, plausibility rules
declared beside every source's metadata, one check of every parsed file, plausible years."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infosoc.csvfiles import parse_number
from infosoc.errors import InputError
from infosoc.sources import (
    REGISTRY,
    cableco,
    itu_datahub,
    kz_bns_sdg,
    ookla_intelligence,
    ookla_open_data,
    ookla_sgi,
    owid,
    read_mirror,
    un_egov,
    worldbank,
)
from infosoc.sources.base import Observation
from infosoc.sources.plausible import KINDS, Plausibility

from .conftest import Cli, store_snapshot

SGI = "ookla_sgi_sgi_mob_aug_2024.csv"
LEAGUE = "cableco_uk_worldwide-broadband-speed-league-2020-data.csv"
SI = "ookla_speedtest_intelligence_CIS_monthly_fixed_2019-2025.csv"
SHARE = "owid_share-of-individuals-using-the-internet_to2020.csv"
EGOV = "EGOV_DATA_2022.csv"


# strict numbers -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cell", ["2_8", "٢٨", "２８", "5٫01", "1e999", "inf", "-nan", "0x10", "1,000", "1.2.3", "--1"]
)
def test_cells_float_would_take_are_not_numbers(cell: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_number(cell, file="f.csv", row=7, column="v")
    assert (caught.value.file, caught.value.row, caught.value.column) == ("f.csv", 7, "v")


@pytest.mark.parametrize(
    ("cell", "value"), [("28", 28.0), ("-0.5", -0.5), (".5", 0.5), ("1e3", 1000.0), ("+2", 2.0)]
)
def test_plain_numbers_are_read(cell: str, value: float) -> None:
    assert parse_number(f" {cell} ", file="f.csv", row=2, column="v") == value


def test_thousands_only_when_asked_and_missing_markers() -> None:
    assert parse_number("28,261", file="f", row=2, column="v", thousands=True) == 28261.0
    assert parse_number("..", file="f", row=2, column="v", missing=("", "..")) is None
    with pytest.raises(InputError):
        parse_number("28,26", file="f", row=2, column="v", thousands=True)


@given(st.text(max_size=12))
def test_a_number_is_ascii_digits_or_an_input_error(text: str) -> None:
    try:
        value = parse_number(text, file="f.csv", row=2, column="v")
    except InputError:
        return
    if value is None:
        assert text.strip() == ""
        return
    cell = text.strip()
    assert cell.isascii() and "_" not in cell and math.isfinite(value)
    assert value == float(cell)


# the rules ------------------------------------------------------------------------------------
def _indicators() -> dict[str, set[str]]:
    """Every indicator each source can produce, as its metadata names them."""
    networks = ("fixed", "mobile")
    return {
        un_egov.NAME: set(un_egov.META["columns"].values()) - {"year", "country"},
        cableco.NAME: set(cableco.INDICATORS),
        ookla_sgi.NAME: {
            f"speed.ookla_sgi.{n}.{m}" for n in networks for m in ("download", "rank")
        },
        ookla_intelligence.NAME: {
            f"speed.ookla_si.{n}.{m}.{s}"
            for n in networks
            for m in ookla_intelligence.META["measures"]
            for s in ookla_intelligence.META["statistics"]
        },
        ookla_open_data.NAME: {
            f"speed.ookla_open.{n}.{suffix}"
            for n in networks
            for suffix in ookla_open_data.VALUE_COLUMNS.values()
        },
        owid.NAME: set(owid.VALUE_COLUMNS.values()),
        itu_datahub.NAME: {itu_datahub.indicator_code(s) for s in itu_datahub.SERIES},
        kz_bns_sdg.NAME: {kz_bns_sdg.indicator_code(i) for i in kz_bns_sdg.INDICATORS},
        worldbank.NAME: set(worldbank.META["indicators"]),
        "unu-egov-countries": set(),
    }


def test_every_indicator_every_source_can_produce_has_a_bound(snapshot: Path) -> None:
    produced = _indicators()
    assert set(produced) == set(REGISTRY)
    for name, module in REGISTRY.items():
        for raw in read_mirror(module, snapshot):
            produced[name] |= {o.indicator for o in module.parse(raw).observations}
    for name, indicators in produced.items():
        rules = Plausibility.from_meta(REGISTRY[name].META)
        for indicator in indicators:
            bound = rules.rule(indicator)
            assert bound is not None, f"{name}: {indicator} has no rule"
            # "finite" is only for series infosoc does not know; every known one has real bounds.
            assert bound.kind != "finite", f"{name}: {indicator} is only asked to be finite"


def test_every_listed_exception_is_outside_its_bound() -> None:
    """An exception inside its bound, or for an indicator without a rule, is a stale entry."""
    listed = 0
    for module in REGISTRY.values():
        rules = Plausibility.from_meta(module.META)
        for (indicator, _, _, _, value), note in rules.exceptions.items():
            bound = rules.rule(indicator)
            assert bound is not None and not bound.admits(value) and note
            listed += 1
    assert listed >= 10


def test_natural_bounds() -> None:
    assert KINDS["share"].admits(100) and not KINDS["share"].admits(150)
    assert not KINDS["share"].admits(-5)
    assert not KINDS["positive"].admits(0) and KINDS["positive"].admits(1e14)
    assert not KINDS["speed"].admits(1e12) and not KINDS["count"].admits(2.5)
    assert not KINDS["rank"].admits(0) and not KINDS["index"].admits(math.nan)
    egov = Plausibility.from_meta(un_egov.META)
    rank = egov.rule("egov.rank")
    assert rank is not None and rank.admits(193) and not rank.admits(194)


def test_where_a_value_was_read_is_not_part_of_it() -> None:
    assert Observation("KAZ", "x", "2020", 1.0, row=3, column="v") == Observation(
        "KAZ", "x", "2020", 1.0
    )


# periods --------------------------------------------------------------------------------------
def test_two_digit_years_are_read_within_the_sources_years() -> None:
    month = ookla_intelligence.month
    assert month("Apr-19", file="f", row=2) == "2019-04"
    assert month("Apr-2019", file="f", row=2) == "2019-04"
    for text in ("Feb-99", "Feb-2099", "Feb-1999", "Feb-٩٩"):
        with pytest.raises(InputError) as caught:
            month(text, file="f.csv", row=5)
        assert (caught.value.row, caught.value.column) == (5, "Aggregate Date")


def test_two_digit_years_that_fit_twice_are_refused() -> None:
    rules = Plausibility.from_meta(
        {"name": "x", "plausibility": {"years": [1950, 2060], "rules": {}}}
    )
    assert rules.two_digit_year("70") == 1970
    assert rules.two_digit_year("55") is None  # 1955 and 2055 both fit


# through the command line: nothing stored, one line -----------------------------------------
def _mirror(tmp_path: Path, snapshot: Path) -> Path:
    root = tmp_path / "mirror"
    for folder, name in (
        ("speed", SGI),
        ("speed", LEAGUE),
        ("speed", SI),
        ("wdi", SHARE),
        ("egov", EGOV),
    ):
        (root / folder).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(snapshot / folder / name, root / folder / name)
    return root


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8-sig")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def ingested(tmp_path: Path, snapshot: Path, cli: Cli) -> tuple[Path, Path, str]:
    root = _mirror(tmp_path, snapshot)
    home = tmp_path / "home"
    assert cli("ingest", "all", "--from", root, "--home", home).exit_code == 0
    listed = cli("sources", "--home", home, "-f", "json")
    assert listed.exit_code == 0
    return root, home, listed.stdout


@pytest.mark.parametrize(
    ("path", "old", "new", "said"),
    [
        # internet users at 150 % and at -5 %
        (f"wdi/{SHARE}", "Kazakhstan,KAZ,2020,85.94259644", "Kazakhstan,KAZ,2020,150", "0 to 100"),
        (f"wdi/{SHARE}", "Kazakhstan,KAZ,2020,85.94259644", "Kazakhstan,KAZ,2020,-5", "0 to 100"),
        # 10^12 Mbit/s: the reader takes any non-negative speed, the central check does not
        (f"speed/{SGI}", "51.25,Kazakhstan", "1e12,Kazakhstan", "row 54, column 'mbps'"),
        # UN rank 9999: a whole number from 1, but not among 193 Member States
        (f"egov/{EGOV}", '"Kazakhstan ",28,', '"Kazakhstan ",9999,', "column 'E-Government Rank'"),
        (f"speed/{LEAGUE}", "CIS (FORMER USSR),5.01,", "CIS (FORMER USSR),2_8,", "'2_8'"),
        (f"speed/{LEAGUE}", "CIS (FORMER USSR),5.01,", "CIS (FORMER USSR),٥,", "not a number"),
        (f"speed/{SI}", "Kazakhstan,,Apr-19,median", "Kazakhstan,,Feb-99,median", "'Feb-99'"),
        (f"speed/{LEAGUE}", '"28,261","44,907"', '"28,261","-44,907"', "'Total tests'"),
    ],
)
def test_an_impossible_value_stops_the_ingest_and_nothing_changes(
    ingested: tuple[Path, Path, str], cli: Cli, path: str, old: str, new: str, said: str
) -> None:
    root, home, listed = ingested
    before = store_snapshot(home)
    _replace(root / path, old, new)
    result = cli("ingest", "all", "--from", root, "--home", home)
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert message.startswith(f"error: {Path(path).name}, row") and "\n" not in message
    assert said in message
    assert store_snapshot(home) == before
    assert cli("sources", "--home", home, "-f", "json").stdout == listed


def test_an_edition_of_year_0_is_refused_with_its_file_named(
    ingested: tuple[Path, Path, str], cli: Cli
) -> None:
    root, home, listed = ingested
    shutil.copyfile(root / "egov" / EGOV, root / "egov" / "EGOV_DATA_0000.csv")
    result = cli("ingest", "all", "--from", root, "--home", home)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: EGOV_DATA_0000.csv: year 0 is outside un-egov's years, 2003 to "
        f"{Plausibility.from_meta(un_egov.META).last_year}"
    )
    assert cli("sources", "--home", home, "-f", "json").stdout == listed


def test_negative_gdp_is_refused(tmp_path: Path, cli: Cli) -> None:
    root = tmp_path / "mirror" / "wdi"
    root.mkdir(parents=True)
    (root / "NY.GDP.PCAP.PP.CD_long.csv").write_text(
        "Country Name,Country Code,Year,Value\nKazakhstan,KAZ,2020,-1\n", encoding="utf-8"
    )
    result = cli("ingest", "worldbank", "--from", root.parent, "--home", tmp_path / "home")
    assert result.exit_code == 2
    assert "row 2, column 'Value'" in result.stderr and "above 0" in result.stderr
    assert not store_snapshot(tmp_path / "home").get("observations")


@pytest.mark.parametrize(
    ("year", "said"),
    [("0000", "year 0 is outside"), ("2e3", "'2e3' is not a year"), ("٢٠٢٠", "is not a year")],
)
def test_a_population_table_of_year_0_is_refused(tmp_path: Path, year: str, said: str) -> None:
    from infosoc.geo import population

    (tmp_path / population.POPULATION_FILE).write_text(
        f"Область,Год,Население\nРеспублика Казахстан,{year},100\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match=said) as caught:
        population.kz_region_population(tmp_path)
    assert (caught.value.row, caught.value.column) == (2, "Год")
