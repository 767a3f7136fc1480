"""Land borders: the shipped table is well formed and symmetric, with spot checks."""

from __future__ import annotations

import csv
from importlib import resources

import pycountry
import pytest

from infosoc import InputError
from infosoc.geo.borders import neighbours
from infosoc.geo.countries import member_states


def _rows() -> list[dict[str, str]]:
    text = resources.files("infosoc.geo").joinpath("borders.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _codes() -> set[str]:
    return {code for row in _rows() for code in (row["a"], row["b"])}


def test_header_and_rows_are_well_formed() -> None:
    rows = _rows()
    assert rows
    assert all(list(row) == ["a", "b"] for row in rows)
    pairs = [(row["a"], row["b"]) for row in rows]
    assert len(pairs) == len(set(pairs)), "duplicate pair"
    assert all(a != b for a, b in pairs), "self-pair"
    assert all(a < b for a, b in pairs), "a must sort before b"


def test_every_code_is_a_known_country() -> None:
    known = {c.alpha_3 for c in pycountry.countries} | {"XKX"}
    assert _codes() <= known


@pytest.mark.parametrize(
    ("iso3", "expected"),
    [
        ("KAZ", ["CHN", "KGZ", "RUS", "TKM", "UZB"]),
        ("UZB", ["AFG", "KAZ", "KGZ", "TJK", "TKM"]),
        ("DEU", ["AUT", "BEL", "CHE", "CZE", "DNK", "FRA", "LUX", "NLD", "POL"]),
        (
            "FRA",
            ["AND", "BEL", "BRA", "CHE", "DEU", "ESP", "ITA", "LUX", "MCO", "NLD", "SUR"],
        ),
        ("ESP", ["AND", "FRA", "GBR", "MAR", "PRT"]),
        ("XKX", ["ALB", "MKD", "MNE", "SRB"]),
        ("PSE", ["EGY", "ISR", "JOR"]),
        ("ESH", ["DZA", "MAR", "MRT"]),
        ("VAT", ["ITA"]),
        ("HKG", ["CHN"]),
        ("SDN", ["CAF", "EGY", "ERI", "ETH", "LBY", "SSD", "TCD"]),
    ],
)
def test_spot_checks(iso3: str, expected: list[str]) -> None:
    assert neighbours(iso3) == expected


def test_russia_has_fourteen_land_neighbours() -> None:
    expected = ["NOR", "FIN", "EST", "LVA", "LTU", "POL", "BLR"]
    expected += ["UKR", "GEO", "AZE", "KAZ", "CHN", "MNG", "PRK"]
    assert neighbours("RUS") == sorted(expected)
    assert len(neighbours("RUS")) == 14


def test_china_has_fourteen_states_plus_hong_kong_and_macao() -> None:
    states = ["AFG", "BTN", "IND", "KAZ", "KGZ", "LAO", "MNG"]
    states += ["MMR", "NPL", "PRK", "PAK", "RUS", "TJK", "VNM"]
    assert len(states) == 14
    assert neighbours("CHN") == sorted([*states, "HKG", "MAC"])


def test_kazakhstan_and_azerbaijan_are_not_neighbours_across_the_caspian() -> None:
    assert "AZE" not in neighbours("KAZ")


@pytest.mark.parametrize("iso3", ["JPN", "ISL", "AUS", "NZL", "CUB", "SGP", "MLT"])
def test_island_states_have_no_neighbours(iso3: str) -> None:
    assert neighbours(iso3) == []


def test_names_and_kosovo_resolve() -> None:
    assert neighbours("Kazakhstan") == neighbours("KAZ")
    assert neighbours("Казахстан") == neighbours("KAZ")
    assert neighbours("Kosovo") == neighbours("XKX") == neighbours("xkx")


def test_symmetry() -> None:
    for a in _codes():
        for b in neighbours(a):
            assert a in neighbours(b), f"{a} borders {b} but not the reverse"


ISLAND_MEMBER_STATES = set(
    [
        "ATG",
        "AUS",
        "BHR",
        "BHS",
        "BRB",
        "COM",
        "CPV",
        "CUB",
        "DMA",
        "FJI",
        "FSM",
        "GRD",
        "ISL",
        "JAM",
        "JPN",
        "KIR",
        "KNA",
        "LCA",
        "LKA",
        "MDG",
        "MDV",
        "MHL",
        "MLT",
        "MUS",
        "NRU",
        "NZL",
        "PHL",
        "PLW",
        "SGP",
        "SLB",
        "STP",
        "SYC",
        "TON",
        "TTO",
        "TUV",
        "VCT",
        "VUT",
        "WSM",
    ]
)


def test_every_member_state_has_borders_unless_an_island_state() -> None:
    without = {c.iso3 for c in member_states() if not neighbours(c.iso3)}
    assert without == ISLAND_MEMBER_STATES


@pytest.mark.parametrize("code", ["ZZZ", "Atlantis"])
def test_unknown_code_raises(code: str) -> None:
    with pytest.raises(InputError):
        neighbours(code)
