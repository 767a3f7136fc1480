"""The World Bank source: API answers (paging, retries, cache), the WDI CSV files, bad input.

No network: downloads go through httpx.MockTransport, answering with the recorded files in
tests/data/worldbank/.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infosoc import InputError, SourceError
from infosoc.sources import read_mirror, worldbank, worldbank_csv
from infosoc.sources.base import EntityRecord, ParsedFile, RawFile, read_local

DATA = Path(__file__).parent / "data" / "worldbank"
WHEN = datetime(2026, 1, 2, tzinfo=UTC)
AGGREGATES = {"AFE", "EAS", "HIC", "WLD"}


def raw(name: str, data: bytes | str, source: str = "/mirror") -> RawFile:
    body = data.encode() if isinstance(data, str) else data
    return RawFile(Path(name), body, WHEN, source)


def recorded(name: str) -> bytes:
    return (DATA / name).read_bytes()


def values(parsed: ParsedFile) -> dict[tuple[str, str, str], float | None]:
    return {(o.entity, o.indicator, o.period): o.value for o in parsed.observations}


def api(answers: dict[int, list[object]]) -> tuple[httpx.Client, list[str]]:
    """A client answering each page with its queue of answers (a response or an exception)."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        answer = answers[int(request.url.params["page"])].pop(0)
        if isinstance(answer, Exception):
            raise answer
        assert isinstance(answer, httpx.Response)
        return answer

    return httpx.Client(transport=httpx.MockTransport(handler)), seen


def ok(name: str) -> httpx.Response:
    return httpx.Response(200, content=recorded(name))


# the API layout -----------------------------------------------------------------------------
def test_api_answer_keeps_aggregates_apart_and_missing_as_none() -> None:
    parsed = worldbank.parse(raw("IT.NET.USER.ZS.json", recorded("IT.NET.USER.ZS.json")))
    got = values(parsed)
    assert len(got) == 12
    assert got[("KAZ", "IT.NET.USER.ZS", "2020")] == 85.94259898
    assert got[("WLD", "IT.NET.USER.ZS", "2019")] == 56.72738905
    # "High income" comes with an empty countryiso3code and World Bank id XD.
    assert got[("HIC", "IT.NET.USER.ZS", "2019")] == 89.09569619
    assert got[("AFE", "IT.NET.USER.ZS", "2020")] is None
    assert got[("XKX", "IT.NET.USER.ZS", "2020")] is None
    assert {o.entity for o in parsed.observations} == AGGREGATES | {"KAZ", "XKX"}
    entities = {e.code: e for e in parsed.entities}
    assert {c for c, e in entities.items() if e.kind == "aggregate"} == AGGREGATES
    assert entities["EAS"] == EntityRecord("EAS", "aggregate", "East Asia & Pacific")
    assert entities["XKX"] == EntityRecord("XKX", "country", "Kosovo")
    assert "KAZ" not in entities
    [meta] = parsed.indicators
    assert (meta.indicator, meta.unit, meta.period_kind) == (
        "IT.NET.USER.ZS",
        "% of population",
        "year",
    )
    assert "ITU" in (meta.method or "")
    p = parsed.provenance
    assert (p.source, p.edition, p.publisher) == ("worldbank", "IT.NET.USER.ZS", "World Bank")
    assert "CC BY 4.0" in p.licence and "2021-07-30" in p.title
    assert p.url == "https://data.worldbank.org/indicator/IT.NET.USER.ZS"


def test_fetch_follows_pages_into_one_cached_file(tmp_path: Path) -> None:
    c, seen = api({1: [ok("SP.POP.TOTL_page1.json")], 2: [ok("SP.POP.TOTL_page2.json")]})
    [got] = worldbank.fetch(tmp_path, ["SP.POP.TOTL"], client=c, sleep=0)
    assert [httpx.URL(u).params["page"] for u in seen] == ["1", "2"]
    assert all("/country/all/indicator/SP.POP.TOTL" in u and "format=json" in u for u in seen)
    assert got.path == tmp_path / "worldbank" / "SP.POP.TOTL.json"
    header, records = json.loads(got.path.read_bytes())
    assert (header["page"], header["pages"], header["total"]) == (1, 1, 7)
    assert header["lastupdated"] == "2024-06-28" and len(records) == 7
    parsed = worldbank.parse(got)
    assert values(parsed)[("XKX", "SP.POP.TOTL", "2020")] == 1790133
    assert values(parsed)[("HIC", "SP.POP.TOTL", "2020")] == 1241718902
    assert parsed.provenance.edition == "SP.POP.TOTL"
    assert parsed.provenance.url == got.retrieved_from == worldbank.api_url("SP.POP.TOTL")
    # Cached: asked again, nothing is requested; refresh downloads again.
    again = worldbank.fetch(tmp_path, ["SP.POP.TOTL"], client=c, sleep=0)
    assert again[0].retrieved_at == got.retrieved_at and len(seen) == 2
    c2, seen2 = api({1: [ok("SP.POP.TOTL_page1.json")], 2: [ok("SP.POP.TOTL_page2.json")]})
    worldbank.fetch(tmp_path, ["SP.POP.TOTL"], client=c2, sleep=0, refresh=True)
    assert len(seen2) == 2


def test_server_errors_timeouts_and_bad_json_are_retried(tmp_path: Path) -> None:
    body = recorded("IT.NET.USER.ZS.json")
    c, seen = api(
        {
            1: [
                httpx.Response(503),
                httpx.ReadTimeout("slow"),
                httpx.Response(200, content=body[:200]),  # cut short, no Content-Length
                httpx.Response(200, content=body),  # a fourth attempt is never made
            ]
        }
    )
    with pytest.raises(SourceError) as info:
        worldbank.fetch(tmp_path, ["IT.NET.USER.ZS"], client=c, sleep=0)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("World Bank indicator IT.NET.USER.ZS:")
    assert "failed after 3 attempts (malformed JSON" in message
    assert len(seen) == 3
    assert list(tmp_path.rglob("*")) == []

    c, seen = api(
        {1: [httpx.Response(502), httpx.Response(200, content=b"[{"), ok("IT.NET.USER.ZS.json")]}
    )
    [got] = worldbank.fetch(tmp_path, ["IT.NET.USER.ZS"], client=c, sleep=0)
    assert len(seen) == 3 and len(worldbank.parse(got).observations) == 12


def test_truncated_body_is_retried(tmp_path: Path) -> None:
    body = recorded("IT.NET.USER.ZS.json")
    short = httpx.Response(200, content=body[:50], headers={"Content-Length": str(len(body))})
    c, seen = api({1: [short, ok("IT.NET.USER.ZS.json")]})
    worldbank.fetch(tmp_path, ["IT.NET.USER.ZS"], client=c, sleep=0)
    assert len(seen) == 2


def test_a_failed_second_page_leaves_no_file_in_the_cache(tmp_path: Path) -> None:
    c, seen = api(
        {
            1: [ok("SP.POP.TOTL_page1.json")],
            2: [httpx.Response(500), httpx.ConnectError("down"), httpx.Response(504)],
        }
    )
    with pytest.raises(SourceError, match=r"SP\.POP\.TOTL: .*page=2: failed after 3 attempts"):
        worldbank.fetch(tmp_path, ["SP.POP.TOTL"], client=c, sleep=0)
    assert len(seen) == 4
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_error_answer_names_the_indicator_and_is_not_retried(tmp_path: Path) -> None:
    c, seen = api({1: [ok("error_120.json")]})
    with pytest.raises(SourceError) as info:
        worldbank.fetch(tmp_path, ["IT.NET.USER.ZZ"], client=c, sleep=0)
    assert str(info.value) == (
        "World Bank indicator IT.NET.USER.ZZ: the API answered with an error: "
        "120 Invalid value: The provided parameter value is not valid"
    )
    assert len(seen) == 1 and list(tmp_path.rglob("*")) == []


def test_client_errors_and_empty_answers_are_errors(tmp_path: Path) -> None:
    c, seen = api({1: [httpx.Response(404)]})
    with pytest.raises(SourceError, match="HTTP 404; not retried"):
        worldbank.fetch(tmp_path, ["IT.NET.USER.ZS"], client=c, sleep=0)
    assert len(seen) == 1
    c, _ = api({1: [ok("no_data.json")]})
    with pytest.raises(SourceError, match=r"SP\.RUR\.TOTL\.ZS: the API has no data"):
        worldbank.fetch(tmp_path, ["SP.RUR.TOTL.ZS"], client=c, sleep=0)
    with pytest.raises(InputError, match="not a World Bank indicator code"):
        worldbank.fetch(tmp_path, ["../../etc"], client=c, sleep=0)


def test_records_fewer_than_announced_are_refused(tmp_path: Path) -> None:
    c, _ = api({1: [ok("SP.POP.TOTL_page1.json")], 2: [ok("SP.POP.TOTL_page1.json")]})
    # Page 2 repeated page 1's header (4 records again): 8 records, 7 announced.
    with pytest.raises(SourceError, match="8 records received, the API announced 7"):
        worldbank.fetch(tmp_path, ["SP.POP.TOTL"], client=c, sleep=0)
    assert list(tmp_path.rglob("*.json")) == []


def test_default_editions_and_api_override(monkeypatch: pytest.MonkeyPatch) -> None:
    assert worldbank.META["editions"] == [
        "IT.NET.USER.ZS",
        "IT.CEL.SETS.P2",
        "IT.NET.BBND.P2",
        "SP.POP.TOTL",
        "SP.RUR.TOTL.ZS",
        "NY.GDP.PCAP.PP.CD",
    ]
    assert worldbank.api_url("SP.POP.TOTL", 2) == (
        "https://api.worldbank.org/v2/country/all/indicator/SP.POP.TOTL"
        "?format=json&per_page=5000&page=2"
    )
    monkeypatch.setenv(worldbank.API_ENV, "https://mirror.test/wb/")
    assert (
        worldbank.api_url("X.Y") == "https://mirror.test/wb/country/all/indicator/X.Y?format=json"
    )


# the CSV layouts ----------------------------------------------------------------------------
def test_wide_wdi_file(snapshot: Path) -> None:
    parsed = worldbank.parse(read_local(snapshot / "wdi" / "WDI_IT.NET.USER.ZS_wide_to2020.csv"))
    got = values(parsed)
    assert len(got) == 266 * 61  # every economy, 1960-2020
    assert got[("KAZ", "IT.NET.USER.ZS", "2020")] == 85.94259898
    assert got[("KAZ", "IT.NET.USER.ZS", "2008")] == 11
    assert got[("KAZ", "IT.NET.USER.ZS", "1960")] is None  # an empty cell, not 0
    assert got[("ABW", "IT.NET.USER.ZS", "1990")] == 0  # a published 0 stays 0
    kinds = {e.code: e.kind for e in parsed.entities}
    assert len(kinds) == 51
    assert kinds["XKX"] == kinds["CHI"] == "country"
    assert {c for c, k in kinds.items() if k == "aggregate"} >= AGGREGATES | {"EUU", "LMY", "INX"}
    assert parsed.provenance.edition == "WDI_IT.NET.USER.ZS_wide_to2020"
    assert parsed.provenance.retrieved_from.endswith("WDI_IT.NET.USER.ZS_wide_to2020.csv")


def test_long_file_from_the_api(snapshot: Path) -> None:
    parsed = worldbank.parse(read_local(snapshot / "wdi" / "bipa_wb_wdi_2024_gdp_pop.csv"))
    got = values(parsed)
    assert len(got) == 7980
    assert {i.indicator for i in parsed.indicators} == {
        "NY.GDP.MKTP.CD",
        "NY.GDP.MKTP.PP.CD",
        "NY.GDP.PCAP.CD",
        "NY.GDP.PCAP.PP.CD",
        "NE.CON.GOVT.ZS",
        "SP.POP.TOTL",
    }
    assert got[("KAZ", "SP.POP.TOTL", "2020")] == 18755666
    # Income groups have no cty_iso in this file; their World Bank ids give the WDI codes.
    assert got[("HIC", "SP.POP.TOTL", "2020")] == 1241718902
    assert {"LIC", "LMC", "UMC", "INX"} <= {o.entity for o in parsed.observations}
    # "NA" (written by R) is missing: 626 of them.
    assert sum(v is None for v in got.values()) == 626
    assert not any(o.entity.startswith("wb:") for o in parsed.observations)
    assert parsed.provenance.url == "https://data.worldbank.org"


def test_find_files_picks_wdi_files_by_header(tmp_path: Path, snapshot: Path) -> None:
    assert [p.relative_to(snapshot).as_posix() for p in worldbank.find_files(snapshot)] == [
        "wdi/WDI_IT.NET.USER.ZS_wide_to2020.csv",
        "wdi/bipa_wb_wdi_2024_gdp_pop.csv",
        "wdi/worldbank_bulk/API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv",
        "wdi/worldbank_bulk/Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv",
        "wdi/worldbank_bulk/SP.POP.TOTL_long_1960-2024.csv",
    ]
    wdi, api_dir = tmp_path / "wdi", tmp_path / "worldbank"
    wdi.mkdir()
    api_dir.mkdir()
    wide = (snapshot / "wdi" / "WDI_IT.NET.USER.ZS_wide_to2020.csv").read_bytes()
    (wdi / "API_IT.NET.USER.ZS_DS2_en_csv_v2.csv").write_bytes(wide)  # renamed: still found
    (wdi / "WDI_notes.csv").write_text("Entity,Code,Year,x\nA,B,2000,1\n")  # named, not WDI
    (api_dir / "IT.NET.USER.ZS.json").write_bytes(recorded("IT.NET.USER.ZS.json"))
    (api_dir / "IT.NET.USER.ZS.json.meta.json").write_text('{"url": "x", "retrieved_at": "y"}')
    (api_dir / "error.json").write_bytes(recorded("error_120.json"))
    assert [p.name for p in worldbank.find_files(tmp_path)] == [
        "API_IT.NET.USER.ZS_DS2_en_csv_v2.csv",
        "IT.NET.USER.ZS.json",
    ]
    raws = read_mirror(worldbank, tmp_path)
    assert [worldbank.parse(r).provenance.edition for r in raws] == [
        "API_IT.NET.USER.ZS_DS2_en_csv_v2",
        "IT.NET.USER.ZS",
    ]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert worldbank.find_files(empty) == []


def test_download_with_data_source_lines_before_the_header(tmp_path: Path) -> None:
    text = (
        '"Data Source","World Development Indicators",\n\n'
        '"Last Updated Date","2021-07-30",\n\n'
        '"Country Name","Country Code","Indicator Name","Indicator Code","2019","2020",\n'
        '"Kazakhstan","KAZ","Individuals using the Internet (% of population)",'
        '"IT.NET.USER.ZS","81.87762047","85.94259898",\n'
        '"World","WLD","Individuals using the Internet (% of population)",'
        '"IT.NET.USER.ZS","56.72738905","",\n'
    )
    path = tmp_path / "wdi" / "API_IT.NET.USER.ZS_DS2_en_csv_v2_2595.csv"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8-sig")
    assert worldbank.find_files(tmp_path) == [path]
    got = values(worldbank.parse(read_local(path)))
    assert got == {
        ("KAZ", "IT.NET.USER.ZS", "2019"): 81.87762047,
        ("KAZ", "IT.NET.USER.ZS", "2020"): 85.94259898,
        ("WLD", "IT.NET.USER.ZS", "2019"): 56.72738905,
        ("WLD", "IT.NET.USER.ZS", "2020"): None,
    }
    bad = text.replace("56.72738905", "n/a")
    with pytest.raises(InputError) as info:
        worldbank.parse(raw(path.name, bad))
    assert (info.value.row, info.value.column) == (7, "2019")


def test_unknown_indicator_takes_label_and_unit_from_the_file() -> None:
    text = (
        "ind_id,ind_nm,cty_id,cty_nm,cty_iso,date,value,unit,obs_sttus,decimal\n"
        'EG.ELC.ACCS.ZS,"Access to electricity (% of population)",KZ,Kazakhstan,KAZ,2020,100,,E,1\n'
        'EG.ELC.ACCS.ZS,"Access to electricity (% of population)",XY,Not classified,,2020,..,,,1\n'
    )
    parsed = worldbank.parse(raw("long.csv", text))
    [meta] = parsed.indicators
    assert (meta.label, meta.unit) == ("Access to electricity (% of population)", "% of population")
    kaz, inx = parsed.observations
    assert (kaz.entity, kaz.value, kaz.note) == ("KAZ", 100, "World Bank observation status 'E'")
    assert (inx.entity, inx.value) == ("INX", None)


# bad input ----------------------------------------------------------------------------------
def api_doc(*records: object, **header: object) -> str:
    head = {"page": 1, "pages": 1, "per_page": 50, "total": len(records), "sourceid": "2"}
    return json.dumps([head | header, list(records)])


def record(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "indicator": {"id": "IT.NET.USER.ZS", "value": "Individuals using the Internet"},
        "country": {"id": "KZ", "value": "Kazakhstan"},
        "countryiso3code": "KAZ",
        "date": "2020",
        "value": 85.9,
        "unit": "",
        "obs_status": "",
        "decimal": 0,
    }
    return {k: v for k, v in (base | changes).items() if v != "<drop>"}


@pytest.mark.parametrize(
    ("text", "row", "column", "reason"),
    [
        ('[{"page":1,"pages":1', 1, None, "is not valid JSON"),
        ('{"page": 1}', 1, None, "not a World Bank API v2 answer"),
        (api_doc(record(), pages=3), 1, "pages", "one page of 3"),
        (api_doc(record(), total=5), 1, "total", "holds 1 records, its header announces 5"),
        (api_doc(), 1, "records", "holds no records"),
        (api_doc(record(), record(date="2019", value="abc")), 2, "value", "'abc' is not a number"),
        (api_doc(record(value=True)), 1, "value", "true is not a number"),
        (api_doc(record(value=float("nan"))), 1, "value", "not a finite number"),
        (api_doc(record(), record(date="2019Q1")), 2, "date", "'2019Q1' is not a year"),
        (api_doc(record(), record(date="<drop>")), 2, "date", "record has no 'date'"),
        (api_doc(record(countryiso3code="<drop>")), 1, "countryiso3code", "has no"),
        (api_doc(record(country={"value": "X"})), 1, "country.id", "'country' has no 'id'"),
        (
            api_doc(record(countryiso3code="", country={"id": "", "value": "?"})),
            1,
            "countryiso3code",
            "the economy has no code",
        ),
        (api_doc(record(), record()), 2, "date", "KAZ IT.NET.USER.ZS 2020 appears twice"),
        (api_doc(record(), 7), 2, None, "record is not an object"),
    ],
)
def test_bad_api_answers(text: str, row: int, column: str | None, reason: str) -> None:
    with pytest.raises(InputError) as info:
        worldbank.parse(raw("IT.NET.USER.ZS.json", text))
    err = info.value
    assert (err.file, err.row, err.column) == ("IT.NET.USER.ZS.json", row, column)
    assert reason in err.reason
    assert "\n" not in str(err)


def test_error_answer_in_a_file_is_bad_input() -> None:
    with pytest.raises(InputError, match="error answer: 120 Invalid value"):
        worldbank.parse(raw("x.json", recorded("error_120.json")))


WIDE = "Country Name,Country Code,Indicator Name,Indicator Code,2019,2020\n"
LONG = "ind_id,ind_nm,cty_id,cty_nm,cty_iso,date,value,unit,obs_sttus,decimal\n"


@pytest.mark.parametrize(
    ("text", "row", "column", "reason"),
    [
        (
            WIDE + "Kazakhstan,KAZ,Internet,IT.NET.USER.ZS,81.9,x\n",
            2,
            "2020",
            "'x' is not a number",
        ),
        (WIDE + "Kazakhstan,KAZ,Internet,IT.NET.USER.ZS,81.9\n", 2, "2020", "row has 5 fields"),
        (WIDE + "Kazakhstan,,Internet,IT.NET.USER.ZS,81.9,1\n", 2, "Country Code", "no code"),
        (WIDE.replace("Indicator Name,", ""), 1, "Indicator Name", "missing column"),
        (WIDE.replace("2019", "Notes"), 1, "Notes", "unexpected column"),
        (WIDE, 2, None, "header but no data rows"),
        (LONG.replace("cty_iso,", ""), 1, "cty_iso", "missing column"),
        (LONG + "SP.POP.TOTL,Pop,KZ,Kazakhstan,KAZ,2020,1e400,,,0\n", 2, "value", "not a finite"),
        (LONG + "SP.POP.TOTL,Pop,KZ,Kazakhstan,KAZ,20,1,,,0\n", 2, "date", "'20' is not a year"),
        (LONG + "SP POP,Pop,KZ,Kazakhstan,KAZ,2020,1,,,0\n", 2, "ind_id", "not an indicator code"),
        ("Entity,Code,Year,x\nA,B,2000,1\n", 1, "Entity", "is not a World Bank file"),
    ],
)
def test_bad_csv_files(text: str, row: int, column: str | None, reason: str) -> None:
    with pytest.raises(InputError) as info:
        worldbank.parse(raw("WDI_bad.csv", text))
    err = info.value
    assert (err.file, err.row, err.column) == ("WDI_bad.csv", row, column)
    assert reason in err.reason


def test_fetched_file_goes_through_the_mirror_reader_too(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    c, _ = api({1: [ok("IT.NET.USER.ZS.json")]})
    worldbank.fetch(cache, ["IT.NET.USER.ZS"], client=c, sleep=0)
    # The cache folder is laid out as a mirror's worldbank/ folder; the sidecar is skipped.
    mirror = tmp_path / "mirror"
    shutil.copytree(cache / "worldbank", mirror / "worldbank")
    [found] = worldbank.find_files(mirror)
    assert found.name == "IT.NET.USER.ZS.json"
    assert len(worldbank.parse(read_local(found)).observations) == 12


def test_store_keeps_aggregates_apart_from_countries(tmp_path: Path, snapshot: Path) -> None:
    from infosoc.store import Store

    parsed = [worldbank.parse(r) for r in read_mirror(worldbank, snapshot)]
    with Store(tmp_path / "infosoc.duckdb") as store:
        store.ingest(parsed)
        kinds = {
            r["code"]: r["kind"]
            for r in store.rows(
                "SELECT code, kind FROM entities WHERE code IN ('WLD', 'HIC', 'XKX', 'CHI', 'KAZ')"
            )
        }
    assert kinds == {
        "WLD": "aggregate",
        "HIC": "aggregate",
        "XKX": "country",
        "CHI": "country",
        "KAZ": "country",
    }


# the 2024 bulk download: wide without preamble, country metadata, plain long ------------------
BULK = "wdi/worldbank_bulk"
BULK_WIDE = "API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"
BULK_META = "Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"
POP_LONG = "SP.POP.TOTL_long_1960-2024.csv"


def snapshot_file(snapshot: Path, name: str) -> RawFile:
    """A file of the snapshot's worldbank_bulk folder, read as ingest reads it (manifest)."""
    [found] = [r for r in read_mirror(worldbank, snapshot) if r.path.name == name]
    return found


def test_bulk_download_without_preamble_lines(snapshot: Path) -> None:
    path = snapshot / BULK / BULK_WIDE
    assert path.read_bytes().startswith(b"\xef\xbb\xbfCountry Name,")  # BOM, header on line 1
    parsed = worldbank.parse(snapshot_file(snapshot, BULK_WIDE))
    got = values(parsed)
    assert len(got) == 266 * 64  # every economy, 1960-2023
    kaz = [got[("KAZ", "IT.NET.USER.ZS", y)] for y in ("2018", "2021", "2022", "2023")]
    assert kaz == [78.9039, 90.924, 92.2969, 92.8785]
    assert sum(v is not None for (_, _, y), v in got.items() if y == "2023") == 90
    kinds = {e.code: e.kind for e in parsed.entities}
    assert {c for c, k in kinds.items() if k == "aggregate"} >= AGGREGATES | {"INX"}
    p = parsed.provenance
    assert (p.edition, p.released) == ("API_IT.NET.USER.ZS_DS2_en_csv_v2_2160", "2024-11-13")
    assert p.url == "https://api.worldbank.org/v2/en/indicator/IT.NET.USER.ZS?downloadformat=csv"


def test_older_download_with_preamble_gives_its_own_release_date(test_data: Path) -> None:
    path = test_data / "worldbank" / "API_IT.NET.USER.ZS_DS2_en_csv_v2_2595.csv"
    # The file's "Last Updated Date" wins over what a folder's manifest says.
    parsed = worldbank.parse(replace(read_local(path), released="2020-01"))
    assert parsed.provenance.released == "2021-07-30"
    assert parsed.provenance.title.endswith("(last updated 2021-07-30)")
    got = values(parsed)
    assert got[("KAZ", "IT.NET.USER.ZS", "2018")] == 78.90391906
    assert got[("XKX", "IT.NET.USER.ZS", "2020")] is None
    assert {e.code: e.kind for e in parsed.entities} == {
        "HIC": "aggregate", "WLD": "aggregate", "XKX": "country",
    }  # fmt: skip
    # A date in another form stays in the title; the manifest's then dates the file.
    text = path.read_text(encoding="utf-8-sig").replace("2021-07-30", "30 July 2021")
    other = worldbank.parse(RawFile(path, text.encode(), WHEN, "/mirror", released="2021-07"))
    assert other.provenance.released == "2021-07"
    assert "(last updated 30 July 2021)" in other.provenance.title


def test_country_metadata_gives_regions_income_groups_and_aggregates(snapshot: Path) -> None:
    parsed = worldbank.parse(snapshot_file(snapshot, BULK_META))
    assert parsed.observations == []
    attrs = {(a.entity, a.attribute): (a.period, a.value) for a in parsed.attributes}
    assert attrs[("KAZ", "income_group")] == ("2024", "upper middle income")
    assert attrs[("KAZ", "wb_region")] == ("2024", "Europe & Central Asia")
    assert attrs[("XKX", "income_group")] == ("2024", "upper middle income")
    assert attrs[("VEN", "income_group")] == ("2024", None)  # unclassified: missing, not guessed
    assert attrs[("VEN", "wb_region")] == ("2024", "Latin America & Caribbean")
    assert len(parsed.attributes) == 2 * 217  # the 217 economies; aggregates have none
    assert {e for e, _ in attrs} & {"AFE", "WLD", "HIC", "EUU"} == set()
    kinds = {e.code: (e.kind, e.name) for e in parsed.entities}
    assert kinds["AFE"] == ("aggregate", "Africa Eastern and Southern")
    assert kinds["WLD"] == ("aggregate", "World")
    assert kinds["XKX"] == ("country", "Kosovo")
    assert sum(k == "aggregate" for k, _ in kinds.values()) == 48
    assert "KAZ" not in kinds  # an ISO country needs no record
    p = parsed.provenance
    assert p.edition == "Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_2160"
    assert p.released == "2024-11-13" and "income groups, 2024" in p.title


def test_country_metadata_without_a_release_date_is_dated_by_its_retrieval() -> None:
    text = "Country Code,Region,IncomeGroup,SpecialNotes,TableName\nKAZ,Europe & Central Asia,Upper middle income,,Kazakhstan\n"  # noqa: E501
    parsed = worldbank.parse(raw("Metadata_Country_x.csv", text))  # retrieved 2026-01-02
    assert [(a.attribute, a.period) for a in parsed.attributes] == [
        ("wb_region", "2026"),
        ("income_group", "2026"),
    ]
    assert parsed.provenance.released is None


META_HEADER = "Country Code,Region,IncomeGroup,SpecialNotes,TableName\n"
KAZ_ROW = "KAZ,Europe & Central Asia,Upper middle income,,Kazakhstan\n"


@pytest.mark.parametrize(
    ("text", "row", "column", "reason"),
    [
        (META_HEADER + "KAZ,Europe & Central Asia,Upper middle,,Kazakhstan\n", 2, "IncomeGroup",
         "unknown income group 'Upper middle'"),
        (META_HEADER + "KAZ,,,,Kazakhstan\n", 2, "Region", "KAZ is a country but has no region"),
        (META_HEADER + "AFE,,High income,,Africa\n", 2, "Region", "an economy has both"),
        (META_HEADER + "ZZX,Europe & Central Asia,High income,,Nowhere\n", 2, "Country Code",
         "neither an ISO 3166 code nor one of the non_iso_countries"),
        (META_HEADER + KAZ_ROW + KAZ_ROW, 3, "Country Code", "KAZ appears twice (rows 2 and 3)"),
        (META_HEADER + ",Europe & Central Asia,High income,,X\n", 2, "Country Code", "no code"),
        (META_HEADER + "KAZ,Europe & Central Asia\n", 2, "IncomeGroup", "row has 2 fields"),
        (META_HEADER.replace("TableName", "Name"), 1, "TableName", "missing column"),
        (META_HEADER, 2, None, "header but no data rows"),
    ],
)  # fmt: skip
def test_bad_country_metadata(text: str, row: int, column: str | None, reason: str) -> None:
    with pytest.raises(InputError) as info:
        worldbank.parse(raw("Metadata_Country_bad.csv", text))
    err = info.value
    assert (err.file, err.row, err.column) == ("Metadata_Country_bad.csv", row, column)
    assert reason in err.reason


def test_plain_long_file_takes_its_indicator_from_its_name(snapshot: Path) -> None:
    parsed = worldbank.parse(snapshot_file(snapshot, POP_LONG))
    got = values(parsed)
    assert len(got) == 17195
    assert got[("KAZ", "SP.POP.TOTL", "2024")] == 20_592_571
    assert got[("WLD", "SP.POP.TOTL", "2024")] == 8_141_808_945
    [meta] = parsed.indicators
    assert (meta.indicator, meta.label, meta.unit) == ("SP.POP.TOTL", "Population, total", "people")
    kinds = {e.code: e.kind for e in parsed.entities}
    assert kinds["WLD"] == kinds["AFE"] == kinds["HIC"] == "aggregate"
    assert kinds["XKX"] == "country"
    p = parsed.provenance
    assert (p.edition, p.released) == ("SP.POP.TOTL_long_1960-2024", "2025-07-01")


PLAIN = "Country Name,Country Code,Year,Value\n"


def test_plain_long_file_without_a_code_in_its_name_or_columns() -> None:
    text = PLAIN + "Kazakhstan,KAZ,2024,20592571\n"
    with pytest.raises(InputError) as info:
        worldbank.parse(raw("population.csv", text))
    err = info.value
    assert (err.file, err.row, err.column) == ("population.csv", 1, "Indicator Code")
    assert "does not start with a WDI indicator code" in err.reason
    # An indicator column names it, whatever the file is called.
    with_code = (
        "Country Name,Country Code,Indicator Name,Indicator Code,Year,Value\n"
        "Kazakhstan,KAZ,Population,SP.POP.TOTL,2024,20592571\n"
    )
    assert values(worldbank.parse(raw("population.csv", with_code))) == {
        ("KAZ", "SP.POP.TOTL", "2024"): 20592571
    }


@pytest.mark.parametrize(
    ("stem", "code"),
    [
        ("SP.POP.TOTL_long_1960-2024", "SP.POP.TOTL"),
        ("SP.POP.TOTL", "SP.POP.TOTL"),
        ("API_NY.GDP.PCAP.PP.CD_DS2_en_csv_v2", "NY.GDP.PCAP.PP.CD"),
        ("population", None),
        ("sp.pop.totl_long", None),  # WDI codes are upper case
        ("SP.POP", None),  # too short for a WDI code
        ("data_SP.POP.TOTL", None),  # the code must come first
    ],
)
def test_code_in_a_file_name(stem: str, code: str | None) -> None:
    assert worldbank_csv.code_in_name(stem) == code


@pytest.mark.parametrize(
    ("name", "text", "row", "column", "reason"),
    [
        ("SP.POP.TOTL_x.csv", PLAIN + "Kazakhstan,KAZ,2024,20592571\nKazakhstan,KAZ,24,1\n",
         3, "Year", "'24' is not a year"),
        ("SP.POP.TOTL_x.csv", PLAIN + "Kazakhstan,KAZ,2024,many\n", 2, "Value", "not a number"),
        ("SP.POP.TOTL_x.csv", PLAIN + "Kazakhstan,KAZ,2024,1\nKazakhstan,KAZ,2024,2\n",
         3, "Year", "KAZ SP.POP.TOTL 2024 appears twice (rows 2 and 3)"),
        ("SP.POP.TOTL_x.csv", PLAIN.replace("Value", "Value,Unit"), 1, "Unit",
         "unexpected column"),
        ("SP.POP.TOTL_x.csv", PLAIN.replace("Country Name,", ""), 1, "Country Name",
         "missing column"),
    ],
)  # fmt: skip
def test_bad_plain_long_files(name: str, text: str, row: int, column: str, reason: str) -> None:
    with pytest.raises(InputError) as info:
        worldbank.parse(raw(name, text))
    err = info.value
    assert (err.file, err.row, err.column) == (name, row, column)
    assert reason in err.reason


# plausibility ------------------------------------------------------------------------------
def _wide(code: str, value: str) -> str:
    return WIDE + f"Kazakhstan,KAZ,x,{code},1,{value}\n"


def _long(code: str, value: str) -> str:
    return LONG + f"{code},x,KZ,Kazakhstan,KAZ,2020,{value},,,0\n"


@pytest.mark.parametrize(
    ("name", "text", "row", "column", "allowed"),
    [
        ("w.csv", _wide("IT.NET.USER.ZS", "100.5"), 2, "2020", "0 to 100"),
        ("w.csv", _wide("SP.RUR.TOTL.ZS", "-0.1"), 2, "2020", "0 to 100"),
        ("w.csv", _wide("IT.CEL.SETS.P2", "501"), 2, "2020", "0 to 500"),
        ("l.csv", _long("IT.NET.BBND.P2", "-3"), 2, "value", "0 to 500"),
        ("l.csv", _long("NY.GDP.PCAP.PP.CD", "-1"), 2, "value", "above 0"),
        ("SP.POP.TOTL_x.csv", PLAIN + "Kazakhstan,KAZ,2024,-5\n", 2, "Value", "above 0"),
        ("a.json", api_doc(record(value=101)), 1, "value", "0 to 100"),
    ],
)
def test_values_outside_the_plausible_range_are_bad_input(
    name: str, text: str, row: int, column: str, allowed: str
) -> None:
    with pytest.raises(InputError) as info:
        worldbank.parse(raw(name, text))
    err = info.value
    assert (err.file, err.row, err.column) == (name, row, column)
    assert f"is outside its plausible range, {allowed}" in err.reason
    assert str(err).startswith(name)


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=-1e3, max_value=1e3, allow_nan=False))
def test_a_share_is_taken_exactly_when_it_is_between_0_and_100(value: float) -> None:
    text = _wide("IT.NET.USER.ZS", repr(value))
    if 0 <= value <= 100:
        assert (
            values(worldbank.parse(raw("w.csv", text)))[("KAZ", "IT.NET.USER.ZS", "2020")] == value
        )
    else:
        with pytest.raises(InputError, match="plausible range"):
            worldbank.parse(raw("w.csv", text))


def test_unknown_indicators_have_no_range_and_edges_are_allowed() -> None:
    assert values(worldbank.parse(raw("w.csv", _wide("EG.ELC.ACCS.ZS", "-7"))))
    edges = WIDE + "Kazakhstan,KAZ,x,IT.NET.USER.ZS,0,100\nMacao,MAC,x,IT.CEL.SETS.P2,436.1,500\n"
    assert len(values(worldbank.parse(raw("w.csv", edges)))) == 4


def test_every_snapshot_file_passes_the_plausibility_checks(snapshot: Path) -> None:
    from infosoc.sources import owid

    rules = worldbank.RULES.plausible
    checked = 0
    for module in (worldbank, owid):
        for raw_file in read_mirror(module, snapshot):
            for o in module.parse(raw_file).observations:
                bound = rules.rule(o.indicator)
                if o.value is not None and bound is not None and bound.kind != "finite":
                    assert bound.admits(o.value)
                    checked += 1
    assert checked > 55_000


# vintages and peers in the store -------------------------------------------------------------
@pytest.fixture(scope="module")
def wb_home(tmp_path_factory: pytest.TempPathFactory, snapshot: Path) -> Path:
    """A home with the snapshot's World Bank files ingested through the CLI, and UNU-EGOV's
    country table (the other income classification)."""
    from typer.testing import CliRunner

    from infosoc.cli import app

    home = tmp_path_factory.mktemp("wb_home")
    runner = CliRunner()
    for source in ("worldbank", "unu-egov-countries"):
        result = runner.invoke(
            app, ["ingest", source, "--from", str(snapshot), "--home", str(home)],
            catch_exceptions=False,
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
    return home


def test_newest_release_answers_and_older_vintages_stay(wb_home: Path, cli: Any) -> None:
    from infosoc.store import Store

    result = cli("indicator", "KAZ", "-i", "IT.NET.USER.ZS", "--home", wb_home, "-f", "json")
    assert result.exit_code == 0, result.stderr
    rows = {r["period"]: r["value"] for r in json.loads(result.stdout)}
    assert (rows["2018"], rows["2021"], rows["2022"], rows["2023"]) == (
        78.9039, 90.924, 92.2969, 92.8785,
    )  # fmt: skip
    with Store(wb_home / "infosoc.duckdb", read_only=True) as store:
        answer = {r["period"]: r for r in store.series("IT.NET.USER.ZS", ["KAZ"])}
        revisions = store.revisions("IT.NET.USER.ZS", "KAZ")
        population = {r["period"]: r["value"] for r in store.series("SP.POP.TOTL", ["KAZ"])}
    assert answer["2018"]["file_name"] == BULK_WIDE
    assert answer["2018"]["released"] == "2024-11-13"
    # The 2021 release's value of 2018 stays in the store, beside the 2024 one.
    held = {(r["edition"], r["value"], r["released"]) for r in revisions if r["period"] == "2018"}
    assert held == {
        ("WDI_IT.NET.USER.ZS_wide_to2020", 78.90391906, "2021-07"),
        ("API_IT.NET.USER.ZS_DS2_en_csv_v2_2160", 78.9039, "2024-11-13"),
    }
    # The 2025 population file answers over the 2024 API extract.
    assert population["2024"] == 20_592_571
    sources = json.loads(cli("sources", "--home", wb_home, "-f", "json").stdout)
    editions = {s["edition"]: s["released"] for s in sources if s["source"] == "worldbank"}
    assert editions == {
        "WDI_IT.NET.USER.ZS_wide_to2020": "2021-07",
        "bipa_wb_wdi_2024_gdp_pop": "2024-06-06",
        "API_IT.NET.USER.ZS_DS2_en_csv_v2_2160": "2024-11-13",
        "Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_2160": "2024-11-13",
        "SP.POP.TOTL_long_1960-2024": "2025-07-01",
    }


def test_a_preamble_date_decides_which_vintage_answers(tmp_path: Path, test_data: Path) -> None:
    from infosoc import Observatory

    old = (test_data / "worldbank" / "API_IT.NET.USER.ZS_DS2_en_csv_v2_2595.csv").read_text(
        encoding="utf-8-sig"
    )
    newer = WIDE + "Kazakhstan,KAZ,Internet,IT.NET.USER.ZS,81.8776,85.9426\n"

    def answer(updated: str) -> float:
        mirror = tmp_path / updated
        (mirror / "wdi" / "sub").mkdir(parents=True)
        (mirror / "wdi" / "old.csv").write_text(old.replace("2021-07-30", updated))
        path = mirror / "wdi" / "sub" / "newer.csv"  # found in a sub-folder too
        path.write_text(newer)
        stamp = datetime(2024, 11, 13, tzinfo=UTC).timestamp()
        os.utime(path, (stamp, stamp))  # without a manifest, retrieval dates it
        obs = Observatory(home=mirror / "home")
        obs.ingest("worldbank", mirror=mirror)
        [row] = [
            r for r in obs.indicator(["KAZ"], indicator="IT.NET.USER.ZS") if r["period"] == "2020"
        ]
        return float(row["value"])

    assert answer("2021-07-30") == 85.9426
    assert answer("2025-01-31") == 85.94259898


def test_income_peers_use_the_world_banks_classification(wb_home: Path, cli: Any) -> None:
    def peers(country: str, *args: str) -> Any:
        return cli("peers", country, "-i", "IT.NET.USER.ZS", *args, "--home", wb_home, "-f", "json")

    result = peers("KAZ", "--by", "income")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {r["classified_by"] for r in rows} == {"worldbank 2024"}
    assert {r["income_group"] for r in rows} == {"upper middle income"}
    assert rows[0]["period"] == "2023" and len(rows) == 54
    iso3 = {r["iso3"] for r in rows}
    assert {"KAZ", "CHN", "XKX"} <= iso3  # Kosovo is a country the World Bank classifies
    # Venezuela is upper middle income in UNU-EGOV's 2018 table, unclassified by the World Bank.
    assert "VEN" not in iso3
    unclassified = peers("VEN", "--by", "income")
    assert unclassified.exit_code == 2
    assert "worldbank 2024 leaves VEN without an income group" in unclassified.stderr


def test_aggregates_stay_out_of_every_ranking(wb_home: Path, cli: Any) -> None:
    from infosoc.store import Store

    with Store(wb_home / "infosoc.duckdb", read_only=True) as store:
        aggregates = {
            r["code"] for r in store.rows("SELECT code FROM entities WHERE kind = 'aggregate'")
        }
    assert {"WLD", "AFE", "HIC", "UMC", "EUU"} <= aggregates
    for by in ("world", "income", "region"):
        result = cli(
            "peers", "KAZ", "-i", "SP.POP.TOTL", "--by", by, "--home", wb_home, "-f", "json"
        )
        assert result.exit_code == 0, result.stderr
        rows = json.loads(result.stdout)
        assert rows and not {r["iso3"] for r in rows} & aggregates
    world = json.loads(
        cli(
            "peers", "KAZ", "-i", "IT.NET.USER.ZS", "--by", "world", "--home", wb_home, "-f", "json"
        ).stdout
    )
    assert world[0]["period"] == "2023"
    assert world[0]["of"] == 59  # the file's 90 values of 2023 less the 31 of aggregates


def test_the_world_bank_classification_wins_even_when_older(tmp_path: Path, snapshot: Path) -> None:
    from infosoc import Observatory

    mirror = tmp_path / "mirror"
    (mirror / "wdi").mkdir(parents=True)
    shutil.copyfile(snapshot / BULK / BULK_WIDE, mirror / "wdi" / BULK_WIDE)
    meta = mirror / "wdi" / "Metadata_Country_old.csv"
    meta.write_text(META_HEADER + KAZ_ROW.replace("Upper middle", "Lower middle"))
    stamp = datetime(2017, 6, 1, tzinfo=UTC).timestamp()
    os.utime(meta, (stamp, stamp))
    obs = Observatory(home=tmp_path / "home")
    obs.ingest("worldbank", mirror=mirror)
    obs.ingest("unu-egov-countries", mirror=snapshot)
    rows = {r["iso3"]: r for r in obs.peers("KAZ", "IT.NET.USER.ZS", by="income").to_pylist()}
    assert (rows["KAZ"]["income_group"], rows["KAZ"]["classified_by"]) == (
        "lower middle income", "worldbank 2017",
    )  # fmt: skip
    # Countries no World Bank release lists keep UNU-EGOV's group.
    assert rows["UZB"]["classified_by"] == "unu-egov-countries 2018"
    assert {r["income_group"] for r in rows.values()} == {"lower middle income"}


def test_an_implausible_value_stops_the_ingest_and_leaves_the_store(
    wb_home: Path, tmp_path: Path, cli: Any
) -> None:
    from .conftest import store_snapshot

    home = tmp_path / "home"
    shutil.copytree(wb_home, home)
    mirror = tmp_path / "mirror"
    (mirror / "wdi" / "bulk").mkdir(parents=True)
    (mirror / "wdi" / "good.csv").write_text(_wide("IT.NET.USER.ZS", "93.3917"))
    (mirror / "wdi" / "bulk" / "API_bad.csv").write_text(
        WIDE + "Kazakhstan,KAZ,x,IT.NET.USER.ZS,90,139.2\n"
    )
    before = store_snapshot(home)
    result = cli("ingest", "worldbank", "--from", mirror, "--home", home)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: API_bad.csv, row 2, column '2020': KAZ IT.NET.USER.ZS 2020 = 139.2 is outside "
        "its plausible range, 0 to 100 (worldbank.meta.toml)"
    )
    assert store_snapshot(home) == before
