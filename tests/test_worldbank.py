"""The World Bank source: API answers (paging, retries, cache), the WDI CSV files, bad input.

No network: downloads go through httpx.MockTransport, answering with the recorded files in
tests/data/worldbank/.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from infosoc import InputError, SourceError
from infosoc.sources import read_mirror, worldbank
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
    assert [p.name for p in worldbank.find_files(snapshot)] == [
        "WDI_IT.NET.USER.ZS_wide_to2020.csv",
        "bipa_wb_wdi_2024_gdp_pop.csv",
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
