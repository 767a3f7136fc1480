"""The Our World in Data source: the real grapher exports in the snapshot (wdi/), and bad input."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from infosoc import InputError
from infosoc.sources import owid, read_mirror, worldbank
from infosoc.sources.base import EntityRecord, ParsedFile, RawFile, read_local

WHEN = datetime(2026, 1, 2, tzinfo=UTC)
FILES = {
    "owid_fixed-broadband-subscriptions-per-100_to2020.csv": ("IT.NET.BBND.P2", 3888),
    "owid_mobile-cellular-subscriptions-per-100-people_to2020.csv": ("IT.CEL.SETS.P2", 8867),
    "owid_number-of-internet-users_to2020.csv": ("owid.internet_users", 6379),
    "owid_share-of-individuals-using-the-internet_to2020.csv": ("IT.NET.USER.ZS", 6533),
}


def parsed(snapshot: Path, name: str) -> ParsedFile:
    return owid.parse(read_local(snapshot / "wdi" / name))


def values(p: ParsedFile) -> dict[tuple[str, str, str], float | None]:
    return {(o.entity, o.indicator, o.period): o.value for o in p.observations}


def raw(text: str, name: str = "owid_test.csv") -> RawFile:
    return RawFile(Path(name), text.encode(), WHEN, "/mirror")


def test_find_files_takes_only_the_owid_exports(snapshot: Path, tmp_path: Path) -> None:
    assert [p.name for p in owid.find_files(snapshot)] == sorted(FILES)
    assert owid.find_files(tmp_path) == []
    assert [r.path.name for r in read_mirror(owid, snapshot)] == sorted(FILES)


@pytest.mark.parametrize("name", sorted(FILES))
def test_each_export_maps_its_value_column_to_one_indicator(snapshot: Path, name: str) -> None:
    p = parsed(snapshot, name)
    indicator, rows = FILES[name]
    assert len(p.observations) == rows  # one observation per data row
    assert {o.indicator for o in p.observations} == {indicator}
    [meta] = p.indicators
    assert (meta.indicator, meta.period_kind) == (indicator, "year")
    assert p.provenance.source == "owid"
    assert p.provenance.edition == Path(name).stem
    assert p.provenance.url == "https://ourworldindata.org/internet"
    assert "CC BY 4.0" in p.provenance.licence
    assert all(o.value is not None for o in p.observations)  # these files have no gaps


def test_kazakhstan_values_as_published(snapshot: Path) -> None:
    got = {
        **values(parsed(snapshot, "owid_share-of-individuals-using-the-internet_to2020.csv")),
        **values(parsed(snapshot, "owid_fixed-broadband-subscriptions-per-100_to2020.csv")),
        **values(parsed(snapshot, "owid_mobile-cellular-subscriptions-per-100-people_to2020.csv")),
        **values(parsed(snapshot, "owid_number-of-internet-users_to2020.csv")),
    }
    assert got[("KAZ", "IT.NET.USER.ZS", "2020")] == 85.94259644
    assert got[("KAZ", "IT.NET.BBND.P2", "2008")] == 2.13
    assert got[("KAZ", "IT.CEL.SETS.P2", "2012")] == pytest.approx(180.5, abs=0.05)
    assert got[("KAZ", "owid.internet_users", "2020")] == 16311260
    assert got[("AFG", "IT.NET.USER.ZS", "1990")] == 0  # a published 0 stays 0


def test_aggregates_are_kept_apart_and_kosovo_is_a_country(snapshot: Path) -> None:
    p = parsed(snapshot, "owid_share-of-individuals-using-the-internet_to2020.csv")
    entities = {e.code: e for e in p.entities}
    assert entities["XKX"] == EntityRecord("XKX", "country", "Kosovo")
    assert entities["OWID_WRL"] == EntityRecord("OWID_WRL", "aggregate", "World")
    assert entities["owid:latin-america-and-caribbean"] == EntityRecord(
        "owid:latin-america-and-caribbean", "aggregate", "Latin America and Caribbean"
    )
    assert sum(e.kind == "aggregate" for e in entities.values()) == 15
    codes = {o.entity for o in p.observations}
    assert "OWID_KOS" not in codes and "" not in codes
    assert {"XKX", "KAZ", "OWID_WRL", "owid:high-income"} <= codes
    # Every other entity is an ISO 3166 country, with no record of its own.
    assert all(worldbank.is_iso3(c) for c in codes - set(entities))


def test_number_of_users_reads_the_iso_code_column(snapshot: Path) -> None:
    p = parsed(snapshot, "owid_number-of-internet-users_to2020.csv")
    assert values(p)[("XKX", "owid.internet_users", "2018")] == 1529445
    assert {e.code for e in p.entities} >= {"owid:asia", "owid:high-income-countries"}
    [meta] = p.indicators
    assert (meta.label, meta.unit) == ("Internet users (number of people)", "people")


def test_shared_indicators_are_described_as_the_world_bank_does() -> None:
    for indicator in ("IT.NET.USER.ZS", "IT.CEL.SETS.P2", "IT.NET.BBND.P2"):
        assert owid.indicator_meta(indicator) == worldbank.indicator_meta(indicator)


def test_mapping_lives_in_the_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Entity,Code,Year,internet_pct\nKazakhstan,KAZ,2020,85.9\n"
    with pytest.raises(InputError):
        owid.parse(raw(text))
    monkeypatch.setitem(owid.VALUE_COLUMNS, "internet_pct", "IT.NET.USER.ZS")
    assert values(owid.parse(raw(text))) == {("KAZ", "IT.NET.USER.ZS", "2020"): 85.9}


def test_missing_cells_are_none_and_empty_codes_slugged() -> None:
    text = (
        "Entity,Code,Year,percent_i_users\n"
        "Kazakhstan,KAZ,2019,\n"
        "Kazakhstan,KAZ,2020,..\n"
        "Côte d'Ivoire,CIV,2020,36.3\n"
        "Europe & Central Asia (IDA),,2020,70\n"
        "Northern Cyprus,OWID_CYN,2020,80\n"
    )
    p = owid.parse(raw(text))
    assert values(p) == {
        ("KAZ", "IT.NET.USER.ZS", "2019"): None,
        ("KAZ", "IT.NET.USER.ZS", "2020"): None,
        ("CIV", "IT.NET.USER.ZS", "2020"): 36.3,
        ("owid:europe-central-asia-ida", "IT.NET.USER.ZS", "2020"): 70,
        ("OWID_CYN", "IT.NET.USER.ZS", "2020"): 80,
    }
    assert {e.code: e.kind for e in p.entities} == {
        "owid:europe-central-asia-ida": "aggregate",
        "OWID_CYN": "aggregate",
    }


HEADER = "Entity,Code,Year,percent_i_users\n"


@pytest.mark.parametrize(
    ("text", "row", "column", "reason"),
    [
        ("Entity,Code,Year,n_users\nKazakhstan,KAZ,2020,1\n", 1, "n_users", "unknown value column"),
        ("Entity,Code,Year\nKazakhstan,KAZ,2020\n", 1, "Year", "no value column"),
        ("Entity,Year,percent_i_users\nKazakhstan,2020,1\n", 1, "Code", "'Code' or 'iso_code'"),
        ("Name,Code,Year,percent_i_users\nKazakhstan,KAZ,2020,1\n", 1, "Entity", "missing"),
        ("Entity,Code,Yr,percent_i_users\nKazakhstan,KAZ,2020,1\n", 1, "Year", "missing"),
        (HEADER, 2, None, "header but no data rows"),
        (HEADER + "Kazakhstan,KAZ,2020,eighty\n", 2, "percent_i_users", "'eighty' is not a number"),
        (HEADER + "Kazakhstan,KAZ,2020,inf\n", 2, "percent_i_users", "not a finite number"),
        (HEADER + "Kazakhstan,KAZ,20x0,1\n", 2, "Year", "'20x0' is not a year"),
        (HEADER + "Kazakhstan,KAZ,2020\n", 2, "percent_i_users", "row has 3 fields"),
        (HEADER + ",,2020,1\n", 2, "Code", "neither a code nor an entity name"),
        (HEADER + "A,KAZ,2020,1\nKazakhstan,KAZ,2020,2\n", 3, "percent_i_users", "appears twice"),
    ],
)
def test_bad_input(text: str, row: int, column: str | None, reason: str) -> None:
    with pytest.raises(InputError) as info:
        owid.parse(raw(text))
    err = info.value
    assert (err.file, err.row, err.column) == ("owid_test.csv", row, column)
    assert reason in err.reason
    assert "\n" not in str(err)


def test_fetch_caches_a_chart_under_an_owid_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(owid.URL_ENV, "https://mirror.test/{slug}.csv")
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, content=(HEADER + "Kazakhstan,KAZ,2020,85.9\n").encode())

    client = httpx.Client(transport=httpx.MockTransport(handler))
    [got] = owid.fetch(tmp_path, ["share-of-individuals-using-the-internet"], client=client)
    assert seen == ["https://mirror.test/share-of-individuals-using-the-internet.csv"]
    assert got.path == tmp_path / "owid" / "owid_share-of-individuals-using-the-internet.csv"
    p = owid.parse(got)
    assert p.provenance.url == seen[0]
    assert p.provenance.edition == "owid_share-of-individuals-using-the-internet"
    with pytest.raises(InputError, match="not an Our World in Data chart name"):
        owid.fetch(tmp_path, ["../x"], client=client)
