"""The UN E-Government Survey source: real files, quirks, new editions and bad input."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infosoc import InputError, Observatory
from infosoc.sources import un_egov
from infosoc.sources.base import read_local

from .conftest import Cli, store_snapshot

HEADER = (
    "Survey Year,Country Name,E-Government Rank,E-Government Index,E-Participation Index,"
    "Online Service Index,Human Capital Index,Telecommunication Infrastructure Index"
)
GOOD = [
    '2024,"Kazakhstan ",24,0.90000,0.80000,0.93900,0.90000,0.86100',
    "2024,Uzbekistan,69,0.70000,0.60000,0.70000,0.70000,0.70000",
]


def csv_bytes(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def test_all_editions_parse_with_193_countries(egov_dir: Path) -> None:
    files = un_egov.find_files(egov_dir.parent)
    # Every edition the UN has published since 2003, in order (2024 is the newest shipped).
    assert [f.name for f in files] == [
        f"EGOV_DATA_{y}.csv"
        for y in (2003, 2004, 2005, 2008, 2010, 2012, 2014, 2016, 2018, 2020, 2022, 2024)
    ]
    for path in files:
        parsed = un_egov.parse(read_local(path))
        ranks = [o for o in parsed.observations if o.indicator == "egov.rank"]
        assert len(ranks) == 193
        assert parsed.provenance.edition == path.stem[-4:]
        assert len(parsed.provenance.sha256) == 64


def test_states_not_yet_members_are_missing_not_zero(egov_dir: Path) -> None:
    parsed = un_egov.parse(read_local(egov_dir / "EGOV_DATA_2003.csv"))
    montenegro = [o for o in parsed.observations if o.entity == "MNE"]
    assert len(montenegro) == 6
    assert all(o.value is None for o in montenegro)
    assert all(o.note == un_egov.NOT_ASSESSED for o in montenegro)
    kaz = {o.indicator: o.value for o in parsed.observations if o.entity == "KAZ"}
    assert kaz == {
        "egov.egdi": 0.38661,
        "egov.osi": 0.18777,
        "egov.tii": 0.06206,
        "egov.hci": 0.91,
        "egov.epi": 0.1034,
        "egov.rank": 83.0,
    }


def test_zeros_shared_by_several_states_are_missing_data(egov_dir: Path) -> None:
    parsed = un_egov.parse(read_local(egov_dir / "EGOV_DATA_2008.csv"))
    hci = {o.entity: o for o in parsed.observations if o.indicator == "egov.hci"}
    assert hci["MCO"].value is None and "missing data" in (hci["MCO"].note or "")
    assert sum(1 for o in hci.values() if "missing data" in (o.note or "")) == 10
    egdi = {o.entity: o.value for o in parsed.observations if o.indicator == "egov.egdi"}
    assert egdi["MCO"] == 0.0  # the published EGDI and rank are kept as published
    later = un_egov.parse(read_local(egov_dir / "EGOV_DATA_2022.csv"))
    somalia = next(o for o in later.observations if o.entity == "SOM" and o.indicator == "egov.hci")
    assert somalia.value == 0.0  # one state at 0 is the minimum of a rescaled index


def test_published_values_above_one_are_kept_with_a_note(egov_dir: Path) -> None:
    parsed = un_egov.parse(read_local(egov_dir / "EGOV_DATA_2003.csv"))
    fsm = next(o for o in parsed.observations if o.entity == "FSM" and o.indicator == "egov.hci")
    assert fsm.value == 1.422
    assert fsm.note and "outside" in fsm.note


def test_byte_order_mark_and_crlf_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "EGOV_DATA_2024.csv"
    path.write_bytes(b"\xef\xbb\xbf" + csv_bytes(*GOOD).replace(b"\n", b"\r\n"))
    parsed = un_egov.parse(read_local(path))
    assert {o.entity for o in parsed.observations} == {"KAZ", "UZB"}


def test_a_new_edition_ingests_without_code_change(
    mirror: Callable[..., Path], tmp_path: Path, cli: Cli
) -> None:
    root = mirror((2022,), {"EGOV_DATA_2024.csv": csv_bytes(*GOOD)})
    home = tmp_path / "home"
    result = cli("ingest", "all", "--from", root, "--home", home, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "2024" in result.stdout
    rows = Observatory(home=home).egdi("KAZ").to_pylist()
    assert [(r["year"], r["rank"]) for r in rows] == [(2022, 28), (2024, 24)]


BAD_INPUTS: dict[str, tuple[bytes, int | None, str | None, str]] = {
    "empty file": (b"", 1, None, "empty"),
    "blank lines only": (b"\n\n  \n", 1, None, "empty"),
    "header only": (csv_bytes(), 2, None, "no data rows"),
    "missing column": (
        csv_bytes("2024,Kazakhstan,24,0.9,0.8,0.9,0.9", header=HEADER.rsplit(",", 1)[0]),
        1,
        "Telecommunication Infrastructure Index",
        "missing column",
    ),
    "non-numeric value": (
        csv_bytes(GOOD[0], "2024,Uzbekistan,69,0.7,high,0.7,0.7,0.7"),
        3,
        "E-Participation Index",
        "not a number",
    ),
    "index outside [0, 1]": (
        csv_bytes(GOOD[0], "2024,Uzbekistan,69,1.7,0.6,0.7,0.7,0.7"),
        3,
        "E-Government Index",
        "outside [0, 1]",
    ),
    "negative index": (
        csv_bytes(GOOD[0], "2024,Uzbekistan,69,0.7,0.6,-0.1,0.7,0.7"),
        3,
        "Online Service Index",
        "outside [0, 1]",
    ),
    "country twice": (
        csv_bytes(GOOD[0], GOOD[1], "2024,Қазақстан,25,0.8,0.8,0.8,0.8,0.8"),
        4,
        "Country Name",
        "appears twice",
    ),
    "unknown country": (
        csv_bytes(
            GOOD[0], "2024,Kazakstan,69,0.7,0.6,0.7,0.7,0.7", "2024,Atlantis,70,0.7,0.6,0.7,0.7,0.7"
        ),
        None,
        "Country Name",
        "2 unknown country names",
    ),
    "missing fields": (csv_bytes(GOOD[0], "2024,Uzbekistan,69,0.7,0.6"), 3, None, "5 fields"),
    "not CSV at all": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", 1, None, "not a CSV"),
    "HTML page instead of CSV": (
        b"<!DOCTYPE html><html><body>Service unavailable</body></html>\n",
        1,
        None,
        "",
    ),
    "not UTF-8": (
        csv_bytes(GOOD[0]) + "2024,C\xf4te,1,0.5,0.5,0.5,0.5,0.5\n".encode("latin-1"),
        3,
        None,
        "UTF-8",
    ),
    "rank not a whole number": (
        csv_bytes(GOOD[0], "2024,Uzbekistan,6.5,0.7,0.6,0.7,0.7,0.7"),
        3,
        "E-Government Rank",
        "whole number",
    ),
    "wrong survey year": (
        csv_bytes(GOOD[0], "2023,Uzbekistan,69,0.7,0.6,0.7,0.7,0.7"),
        3,
        "Survey Year",
        "differs",
    ),
    "unbalanced quote": (
        csv_bytes(GOOD[0], '2024,"Uzbekistan,69,0.7,0.6,0.7,0.7,0.7'),
        3,
        None,
        "CSV",
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_is_one_line_exit_2_and_the_store_is_unchanged(
    case: str,
    mirror: Callable[..., Path],
    tmp_path: Path,
    cli: Cli,
) -> None:
    data, row, column, words = BAD_INPUTS[case]
    home = tmp_path / "home"
    good = mirror((2020,))
    assert cli("ingest", "all", "--from", good, "--home", home).exit_code == 0
    before = store_snapshot(home)
    (good / "egov" / "EGOV_DATA_2024.csv").write_bytes(data)

    result = cli("ingest", "all", "--from", good, "--home", home)

    assert result.exit_code == 2
    message = result.stderr.strip()
    assert "\n" not in message and "Traceback" not in message
    assert message.startswith("error: EGOV_DATA_2024.csv")
    if row is not None:
        assert f"row {row}" in message
    if column is not None:
        assert f"column '{column}'" in message
    assert words in message
    assert store_snapshot(home) == before


def test_unknown_names_are_listed_with_rows_and_suggestions(tmp_path: Path) -> None:
    path = tmp_path / "EGOV_DATA_2024.csv"
    path.write_bytes(BAD_INPUTS["unknown country"][0])
    with pytest.raises(InputError) as info:
        un_egov.parse(read_local(path))
    text = str(info.value)
    assert "'Kazakstan' (row 3; did you mean Kazakhstan (KAZ)" in text
    assert "'Atlantis' (row 4" in text


values = st.one_of(st.none(), st.floats(0, 1, allow_nan=False).map(lambda v: round(v, 5)))


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.tuples(st.integers(1, 193), values, values, values, values, values),
        min_size=1,
        max_size=10,
    )
)
def test_parser_reads_back_what_was_written(rows: list[tuple[object, ...]], tmp_path: Path) -> None:
    members = ["KAZ", "UZB", "KGZ", "TJK", "TKM", "RUS", "CHN", "MNG", "AZE", "ARM"]
    lines = []
    for iso3, (rank, *vals) in zip(members, rows, strict=False):
        cells = ["" if v is None else repr(v) for v in vals]
        lines.append(f"2026,{iso3},{rank},{','.join(cells)}")
    path = tmp_path / "EGOV_DATA_2026.csv"
    path.write_bytes(csv_bytes(*lines))
    parsed = un_egov.parse(read_local(path))
    order = ("egov.egdi", "egov.epi", "egov.osi", "egov.hci", "egov.tii")
    used = list(zip(members, rows, strict=False))
    shared_zero = {
        k
        for i, k in enumerate(order)
        if k in ("egov.hci", "egov.tii") and sum(1 for _, (_, *vals) in used if vals[i] == 0.0) > 1
    }
    for iso3, (rank, *vals) in used:
        got = {o.indicator: o.value for o in parsed.observations if o.entity == iso3}
        assert got["egov.rank"] == rank
        expected = {
            k: None if k in shared_zero and v == 0.0 else v
            for k, v in zip(order, vals, strict=True)
        }
        assert {k: got[k] for k in order} == expected
