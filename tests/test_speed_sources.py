"""The internet-speed sources: Ookla SGI, Speedtest Intelligence, Ookla Open Data, cable.co.uk."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path
from types import ModuleType

import pytest

from infosoc import InputError, Observatory, SourceError
from infosoc.geo.countries import lookup
from infosoc.sources import cableco, ookla_intelligence, ookla_open_data, ookla_sgi, read_mirror
from infosoc.sources.base import Observation, ParsedFile, RawFile, read_local

SPEED_MODULES = (ookla_sgi, ookla_intelligence, ookla_open_data, cableco)
OPEN = "ookla_open_data_cis_quarterly"
SGI_FIXED = "ookla_sgi_sgi_fb_aug_2024_upd.csv"
SGI_MOBILE = "ookla_sgi_sgi_mob_aug_2024.csv"
SI_FIXED = "ookla_speedtest_intelligence_CIS_monthly_fixed_2019-2025.csv"
SI_CELLULAR = "ookla_speedtest_intelligence_CIS_monthly_cellular_2019-2025.csv"
LEAGUE = "cableco_uk_worldwide-broadband-speed-league-2020-data.csv"
OPEN_FILES = [
    f"{OPEN}/{cc}_all_quarters.csv" for cc in ("AM", "AZ", "BY", "GE", "KG", "KZ", "MD")
] + [
    f"{OPEN}/RU_incremental.csv",
    f"{OPEN}/TJ_all_quarters.csv",
    f"{OPEN}/UA_all_quarters.csv",
    f"{OPEN}/UA_incremental.csv",
    f"{OPEN}/UZ_all_quarters.csv",
]
INDICATOR_ID = re.compile(
    r"speed\.(ookla_sgi|ookla_si|ookla_open|cableco)\.(fixed|mobile)\."
    r"(download|upload|latency|jitter|rank|tests|devices|tiles|unique_ips)"
    r"(\.(mean|median|weighted_mean|weighted_median))?"
)


@pytest.fixture(scope="session")
def speed_dir(snapshot: Path) -> Path:
    return snapshot / "speed"


def parse_real(speed_dir: Path, module: ModuleType, name: str) -> ParsedFile:
    parsed: ParsedFile = module.parse(read_local(speed_dir / name))
    return parsed


def values(parsed: ParsedFile, indicator: str) -> dict[tuple[str, str], Observation]:
    """Observations of one indicator by (entity, period)."""
    return {(o.entity, o.period): o for o in parsed.observations if o.indicator == indicator}


def raw_file(tmp_path: Path, name: str, data: str | bytes) -> RawFile:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return read_local(path)


# Finding files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        (ookla_sgi, [SGI_FIXED, SGI_MOBILE]),
        (ookla_intelligence, [SI_CELLULAR, SI_FIXED]),
        (ookla_open_data, OPEN_FILES),
        (cableco, [LEAGUE]),
    ],
    ids=lambda x: getattr(x, "NAME", ""),
)
def test_find_files_on_the_shared_folder_finds_exactly_the_right_files(
    module: ModuleType, expected: list[str], snapshot: Path, speed_dir: Path
) -> None:
    found = module.find_files(snapshot)
    assert [p.relative_to(speed_dir).as_posix() for p in found] == expected
    assert [r.path for r in read_mirror(module, snapshot)] == found


def test_derived_and_other_tables_are_found_by_no_speed_source(snapshot: Path) -> None:
    found = {p.name for m in SPEED_MODULES for p in m.find_files(snapshot)}
    # fb_mob_fastest is derived from two other SGI tables; the pricing study has no speeds.
    assert "ookla_sgi_sgi_fb_mob_fastest.csv" not in found
    assert "cableco_uk_global-broadband-pricing-study-2020.csv" not in found
    assert not any(name.startswith("EGOV") for name in found)


def test_files_are_recognised_by_their_header_not_their_name(
    tmp_path: Path, speed_dir: Path
) -> None:
    root = tmp_path / "mirror"
    (root / "speed" / "deep").mkdir(parents=True)
    shutil.copyfile(speed_dir / SGI_FIXED, root / "speed" / "deep" / "sgi_fixed_aug_2024.csv")
    shutil.copyfile(speed_dir / LEAGUE, root / "speed" / "league_2020.CSV")
    # A file named like the SGI but holding the pricing study; a binary file; a hidden one.
    shutil.copyfile(
        speed_dir / "cableco_uk_global-broadband-pricing-study-2020.csv",
        root / "speed" / "ookla_sgi_sgi_fb_aug_2024_upd.csv",
    )
    (root / "speed" / "tiles.csv").write_bytes(b"PAR1\x00\x00\x15\x04" * 100)
    shutil.copyfile(speed_dir / SGI_MOBILE, root / "speed" / ".partial.csv")

    assert [p.name for p in ookla_sgi.find_files(root)] == ["sgi_fixed_aug_2024.csv"]
    assert [p.name for p in cableco.find_files(root)] == ["league_2020.CSV"]
    assert ookla_intelligence.find_files(root) == []
    assert ookla_open_data.find_files(root) == []


def test_a_folder_without_speed_files_gives_none(tmp_path: Path, speed_dir: Path) -> None:
    assert all(m.find_files(tmp_path / "missing") == [] for m in SPEED_MODULES)
    # Without a speed/ sub-folder the mirror folder itself is searched.
    shutil.copyfile(speed_dir / LEAGUE, tmp_path / LEAGUE)
    assert [p.name for p in cableco.find_files(tmp_path)] == [LEAGUE]


# Real files ---------------------------------------------------------------------------------


def test_sgi_files_give_kazakhstans_median_and_row_order_rank(speed_dir: Path) -> None:
    for name, network, rows, speed, rank in (
        (SGI_FIXED, "fixed", 161, 58.81, 92),
        (SGI_MOBILE, "mobile", 111, 51.25, 53),
    ):
        parsed = parse_real(speed_dir, ookla_sgi, name)
        download = values(parsed, f"speed.ookla_sgi.{network}.download")
        ranks = values(parsed, f"speed.ookla_sgi.{network}.rank")
        assert len(download) == len(ranks) == rows
        assert download["KAZ", "2024-08"].value == speed
        assert ranks["KAZ", "2024-08"].value == rank
        # The file is sorted by speed, so every rank is the row's place in the file.
        in_order = [o.value for o in parsed.observations if o.indicator.endswith(".rank")]
        assert in_order == [float(i) for i in range(1, rows + 1)]
        assert parsed.provenance.edition == Path(name).stem
        assert parsed.entities[0].code == "XKX"  # Kosovo, which has no ISO code
        assert ("XKX", "2024-08") in download


def test_sgi_ranks_come_from_speeds_and_ties_share_the_best_rank(tmp_path: Path) -> None:
    lines = ["mbps,country", "50,Uzbekistan", "90,Kazakhstan", "50,Kyrgyzstan", "10,Tajikistan"]
    parsed = ookla_sgi.parse(raw_file(tmp_path, "sgi_mob_sep_2024.csv", "\n".join(lines)))
    ranks = {e: o.value for (e, _), o in values(parsed, "speed.ookla_sgi.mobile.rank").items()}
    assert ranks == {"KAZ": 1.0, "UZB": 2.0, "KGZ": 2.0, "TJK": 4.0}
    assert parsed.observations[0].period == "2024-09"


def test_intelligence_exports_give_kazakhstan_april_2020(speed_dir: Path) -> None:
    fixed = parse_real(speed_dir, ookla_intelligence, SI_FIXED)
    mean = values(fixed, "speed.ookla_si.fixed.download.mean")
    median = values(fixed, "speed.ookla_si.fixed.download.median")
    assert mean["KAZ", "2020-04"].value == 39.80
    assert median["KAZ", "2020-04"].value == 20.20
    assert values(fixed, "speed.ookla_si.fixed.upload.mean")["KAZ", "2020-04"].value == 39.36
    # 8 countries x 78 months (Apr-19 to Sep-25) x {median, mean}; SOURCES.md's "1,247"
    # is one short: the file has no final line break, so `wc -l` undercounts.
    assert len(mean) == len(median) == 8 * 78
    assert len(fixed.observations) == 1248 * 4
    assert {e for e, _ in mean} == {"ARM", "AZE", "BLR", "KAZ", "KGZ", "RUS", "TJK", "UZB"}
    cellular = parse_real(speed_dir, ookla_intelligence, SI_CELLULAR)
    assert all(m.indicator.startswith("speed.ookla_si.mobile.") for m in cellular.indicators)
    assert len(cellular.observations) == 1248 * 4
    assert values(cellular, "speed.ookla_si.mobile.download.median")["KAZ", "2020-04"].value == (
        10.01
    )


def test_latency_before_2022_is_missing_not_zero(speed_dir: Path) -> None:
    fixed = parse_real(speed_dir, ookla_intelligence, SI_FIXED)
    latency = values(fixed, "speed.ookla_si.fixed.latency.median")
    jitter = values(fixed, "speed.ookla_si.fixed.jitter.mean")
    assert latency["KAZ", "2021-12"].value is None and jitter["KAZ", "2021-12"].value is None
    assert latency["KAZ", "2022-01"].value is not None
    missing = [o for o in fixed.observations if o.value is None]
    assert len(missing) == 528 * 2  # the blank latency and jitter cells, nothing else
    assert all(o.period < "2022-01" for o in missing)
    assert not any(o.value == 0 for o in fixed.observations)


def test_open_data_files_give_every_quarter_and_network(speed_dir: Path) -> None:
    parsed = parse_real(speed_dir, ookla_open_data, f"{OPEN}/KZ_all_quarters.csv")
    assert len(parsed.observations) == 54 * 15
    weighted = values(parsed, "speed.ookla_open.fixed.download.weighted_mean")
    assert len(weighted) == 27
    assert weighted["KAZ", "2019-Q1"].value == pytest.approx(25.961974600047753)
    assert values(parsed, "speed.ookla_open.mobile.tests")["KAZ", "2025-Q3"].value == 133973
    assert values(parsed, "speed.ookla_open.fixed.tiles")["KAZ", "2019-Q1"].value == 10505
    meta = {m.indicator: m for m in parsed.indicators}
    # The aggregator weighted tiles by devices (OoklaDataR, weighted.mean(..., devices)).
    assert meta["speed.ookla_open.fixed.download.weighted_mean"].statistic == (
        "devices-weighted mean of tile averages"
    )
    assert meta["speed.ookla_open.fixed.download.median"].period_kind == "quarter"
    assert parsed.provenance.licence.startswith("CC BY-NC-SA 4.0")


def test_open_data_repeated_rows_are_kept_once_with_a_note(speed_dir: Path) -> None:
    parsed = parse_real(speed_dir, ookla_open_data, f"{OPEN}/RU_incremental.csv")
    # 56 rows, three of them word-for-word repeats; 2025-Q3 fixed is not in the file.
    assert len(parsed.observations) == 53 * 15
    repeated = values(parsed, "speed.ookla_open.fixed.download.mean")["RUS", "2019-Q1"]
    assert repeated.note is not None and "rows 4, 7" in repeated.note
    assert ("RUS", "2025-Q3") not in values(parsed, "speed.ookla_open.fixed.download.mean")


def test_open_data_column_missing_from_a_file_is_stored_as_missing(speed_dir: Path) -> None:
    parsed = parse_real(speed_dir, ookla_open_data, f"{OPEN}/UA_incremental.csv")
    upload_median = values(parsed, "speed.ookla_open.fixed.upload.median")
    assert len(upload_median) == 22
    assert all(
        o.value is None and "upload_mbps_median" in (o.note or "") for o in upload_median.values()
    )
    # Overlapping quarters agree with UA_all_quarters.csv; each file is its own edition.
    full = parse_real(speed_dir, ookla_open_data, f"{OPEN}/UA_all_quarters.csv")
    key = "speed.ookla_open.fixed.download.weighted_mean"
    assert values(parsed, key)["UKR", "2020-Q3"].value == pytest.approx(
        values(full, key)["UKR", "2020-Q3"].value
    )
    assert parsed.provenance.edition == "UA_incremental" != full.provenance.edition


def test_cableco_league_gives_kazakhstan_and_territories(speed_dir: Path) -> None:
    parsed = parse_real(speed_dir, cableco, LEAGUE)
    speed = values(parsed, "speed.cableco.fixed.download.mean")
    rank = values(parsed, "speed.cableco.fixed.rank")
    # 221 rows, ranked 1 to 221; SOURCES.md's "220" is `wc -l` on a file with no final newline.
    assert len(speed) == 221
    assert sorted(o.value for o in rank.values()) == [float(i) for i in range(1, 222)]
    assert speed["KAZ", "2020"].value == 5.01 and rank["KAZ", "2020"].value == 154
    assert values(parsed, "speed.cableco.fixed.unique_ips")["KAZ", "2020"].value == 28261
    assert values(parsed, "speed.cableco.fixed.tests")["KAZ", "2020"].value == 44907
    for iso3 in ("JEY", "GGY", "IMN", "XKX", "NAM"):  # Jersey, Guernsey, Isle of Man, Kosovo
        assert (iso3, "2020") in speed
    assert [e.code for e in parsed.entities] == ["XKX"]
    assert parsed.provenance.licence.startswith("no licence stated")


def test_cableco_speeds_reproduce_the_published_5gb_download_times(speed_dir: Path) -> None:
    """t = 5 * 1024 * 8 / Mbps seconds, within 1 s where the speed's rounding allows it.

    The speeds are published to 0.01 Mbit/s. Below about 14.3 Mbit/s that rounding alone moves
    t by more than 1 s (40960 * 0.005 / v**2), so 99 slow rows miss 1 s; every row lies inside
    the interval its rounded speed allows.
    """
    speed = values(
        cableco.parse(read_local(speed_dir / LEAGUE)), "speed.cableco.fixed.download.mean"
    )
    beyond_one_second = []
    with (speed_dir / LEAGUE).open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            iso3 = {"XK": "XKX"}.get(row["Country code"]) or lookup(row["Country code"])
            v = speed[str(iso3), "2020"].value
            assert v is not None
            h, m, s = map(
                int, row["How long it takes to download a 5GB movie (HH:MM:SS)"].split(":")
            )
            published = 3600 * h + 60 * m + s
            assert 40960 / (v + 0.005) - 1 <= published <= 40960 / (v - 0.005) + 1, row["Name"]
            if abs(40960 / v - published) > 1:
                beyond_one_second.append(v)
    assert len(beyond_one_second) == 99
    assert max(beyond_one_second) < 14.3


def test_every_indicator_is_labelled_honestly(snapshot: Path) -> None:
    for module in SPEED_MODULES:
        for raw in read_mirror(module, snapshot):
            parsed = module.parse(raw)
            emitted = {o.indicator for o in parsed.observations}
            described = {m.indicator for m in parsed.indicators}
            assert emitted == described, raw.path.name
            for meta in parsed.indicators:
                assert INDICATOR_ID.fullmatch(meta.indicator), meta.indicator
                assert meta.statistic and meta.method and meta.label and meta.unit
                assert meta.period_kind in ("month", "quarter", "year")
                if meta.indicator.split(".")[3] in ("download", "upload"):
                    assert meta.unit.startswith("Mbit/s")
                if meta.indicator.split(".")[3] in ("latency", "jitter"):
                    assert meta.unit == "ms"
            assert parsed.provenance.edition == raw.path.stem
            assert parsed.provenance.publisher and parsed.provenance.licence


def test_statistics_and_methods_say_what_each_source_measures(speed_dir: Path) -> None:
    sgi = parse_real(speed_dir, ookla_sgi, SGI_FIXED).indicators[0]
    league = parse_real(speed_dir, cableco, LEAGUE).indicators[0]
    si = parse_real(speed_dir, ookla_intelligence, SI_FIXED).indicators
    assert (sgi.statistic, sgi.method) == (
        "median of the month's tests",
        "Ookla Speedtest, multi-server, app and web tests",
    )
    assert league.method == "M-Lab NDT, single-stream" and "mean" in (league.statistic or "")
    assert {m.statistic for m in si} == {"median of the month's tests", "mean of the month's tests"}


def test_ingest_without_a_folder_says_to_download_by_hand(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from infosoc import Observatory

    monkeypatch.delenv("INFOSOC_MIRROR", raising=False)
    for module in SPEED_MODULES:
        assert not hasattr(module, "fetch")
        with pytest.raises(SourceError) as info:
            Observatory(home=tmp_path).ingest(module.NAME)
        assert "--from DIR" in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(SourceError, match=r"s3://ookla-open-data.*issue 5"):
        Observatory(home=tmp_path).ingest(ookla_open_data.NAME)
    assert not any(tmp_path.iterdir())


def test_speed_sources_ingest_into_the_store(
    snapshot: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the speed sources, so that this test does not depend on the other sources' files.
    monkeypatch.setattr("infosoc.observatory.REGISTRY", {m.NAME: m for m in SPEED_MODULES})
    obs = Observatory(home=tmp_path)
    results = {(r.source, r.edition): r for r in obs.ingest("all", mirror=snapshot)}
    assert results["cableco", Path(LEAGUE).stem].observations == 221 * 4
    assert results["ookla-open-data", "UA_incremental"].observations == 44 * 15
    from infosoc.store import Store

    with Store(obs.store_path, read_only=True) as store:
        assert store.rows("SELECT kind, name_en FROM entities WHERE code = 'XKX'") == [
            {"kind": "country", "name_en": "Kosovo"}
        ]
        held = store.rows(
            "SELECT count(*) AS n FROM indicators WHERE indicator LIKE 'speed.%' "
            "AND (statistic IS NULL OR method IS NULL)"
        )
        assert held == [{"n": 0}]


def test_a_byte_order_mark_and_crlf_are_accepted(tmp_path: Path) -> None:
    data = '\ufeffmbps,country\r\n58.81,Kazakhstan\r\n51.00,"Kosovo"\r\n'.encode()
    parsed = ookla_sgi.parse(raw_file(tmp_path, "sgi_fixed_august_2024.csv", data))
    assert {o.entity for o in parsed.observations} == {"KAZ", "XKX"}


def test_blank_cells_are_missing_not_zero(tmp_path: Path) -> None:
    sgi = ookla_sgi.parse(
        raw_file(tmp_path, "sgi_fb_aug_2024.csv", "mbps,country\n,Kazakhstan\n9,Uzbekistan")
    )
    kaz = {o.indicator: o for o in sgi.observations if o.entity == "KAZ"}
    assert kaz["speed.ookla_sgi.fixed.download"].value is None
    assert (
        kaz["speed.ookla_sgi.fixed.rank"].value is None and kaz["speed.ookla_sgi.fixed.rank"].note
    )
    league = cableco.parse(
        raw_file(tmp_path, "league-2021.csv", f'{CC_HEADER}\n1,Kazakhstan,KZ,CIS,5.01,,"1,000",')
    )
    got = {o.indicator: o.value for o in league.observations}
    assert got["speed.cableco.fixed.unique_ips"] is None
    assert got["speed.cableco.fixed.tests"] == 1000


# Bad input ----------------------------------------------------------------------------------

SGI_HEADER = "mbps,country,major_area,region"
SGI_OK = "58.81,Kazakhstan,Asia,Central Asia"
SI_HEADER = (
    "Provider,Location,Device,Aggregate Date,Metric Type,Multi-Server Latency,"
    "Multi-Server Jitter,Download Speed Mbps,Upload Speed Mbps"
)
SI_OK = "All Providers Combined,Kazakhstan,,Apr-20,mean,,,39.8,39.36"
OD_HEADER = (
    "country_code,country_name,year,quarter,network_type,date,download_mbps_weighted_mean,"
    "upload_mbps_weighted_mean,latency_ms_weighted_mean,download_mbps_weighted_median,"
    "upload_mbps_weighted_median,latency_ms_weighted_median,download_mbps_mean,upload_mbps_mean,"
    "latency_ms_mean,download_mbps_median,upload_mbps_median,latency_ms_median,tile_count,"
    "total_tests,total_devices"
)
OD_VALUES = "25.96,27.15,29.75,27.77,30.01,17,17.46,17.59,47.76,10.36,9.72,29,10505,100999,33504"
OD_OK = f"KZ,Kazakhstan,2019,1,fixed,2019-01-01,{OD_VALUES}"
DATE, METRIC, TECH = "Aggregate Date", "Metric Type", "Technology Type"
CC_HEADER = (
    "Rank,Name,Country code,Region,Mean download speed (Mbps),Unique IPs tested,Total tests,"
    "How long it takes to download a 5GB movie (HH:MM:SS)"
)
CC_OK = '154,Kazakhstan,KZ,CIS (FORMER USSR),5.01,"28,261","44,907",2:16:15'


def text(header: str, *rows: str) -> str:
    return "\n".join([header, *rows]) + "\n"


FORMATS: dict[str, tuple[ModuleType, str, str, str]] = {
    "sgi": (ookla_sgi, "sgi_fb_aug_2024.csv", SGI_HEADER, SGI_OK),
    "si": (ookla_intelligence, "si_monthly_fixed.csv", SI_HEADER, SI_OK),
    "open": (ookla_open_data, "KZ_all_quarters.csv", OD_HEADER, OD_OK),
    "cableco": (cableco, "speed-league-2020.csv", CC_HEADER, CC_OK),
}
# Per format: a numeric column and its value in the good row, the country column, and a row
# with an unknown country.
CASES_OF = {
    "sgi": ("mbps", "58.81", "country", "5.0,Atlantis,Europe,Nowhere"),
    "si": (
        "Download Speed Mbps",
        "39.8",
        "Location",
        "All Providers Combined,Atlantis,,Apr-20,mean,,,1,1",
    ),
    "open": ("download_mbps_weighted_mean", "25.96", "country_code", OD_OK.replace("KZ,", "QQ,")),
    "cableco": ("Mean download speed (Mbps)", "5.01", "Country code", CC_OK.replace("KZ", "QQ")),
}


def _common_cases() -> list[object]:
    cases: list[object] = []
    for fmt, (_, name, header, good) in FORMATS.items():
        number_column, sample, country_column, unknown = CASES_OF[fmt]
        assert good.count(sample) == 1
        non_numeric = good.replace(sample, "fast")
        negative = good.replace(sample, "-" + sample)
        renamed = header.replace(number_column, "speed")
        for case, data, row, column, words in (
            ("empty file", "", 1, None, "empty"),
            ("header only", text(header), 2, None, "no data rows"),
            ("missing column", text(renamed, good), 1, number_column, "missing column"),
            (
                "non-numeric value",
                text(header, non_numeric),
                2,
                number_column,
                "not a number",
            ),
            ("negative value", text(header, negative), 2, number_column, "negative"),
            (
                "unknown country",
                text(header, good, unknown),
                3,
                country_column,
                "1 unknown country",
            ),
            (
                "missing fields",
                text(header, good, ",".join(good.split(",")[:3])),
                3,
                None,
                "3 fields",
            ),
            ("extra fields", text(header, good + ",1"), 2, None, "fields, the header has"),
            ("not CSV", b"PAR1\x00\x00\x15\x04\x15\x80\x01", 1, None, "not a CSV"),
            ("HTML page", text("<!DOCTYPE html><html><body>Sign in</body></html>"), 1, None, "CSV"),
        ):
            cases.append(pytest.param(fmt, name, data, row, column, words, id=f"{fmt}: {case}"))
    return cases


SI_TECH_HEADER = SI_HEADER.replace("Date,", "Date,Technology Type,")
SI_5G = SI_OK.replace("Apr-20,", "Apr-20,5G,")
SI_CELL = SI_OK.replace("Apr-20,", "Apr-20,cellular,")
OD, CC = "KZ_all_quarters.csv", "league-2020.csv"
SPECIFIC = [
    ("sgi", "sgi_2024.csv", text(SGI_HEADER, SGI_OK), None, None, "file name must state"),
    (
        "sgi",
        "sgi_fb_aug_2024.csv",
        text(SGI_HEADER, SGI_OK, "6,Қазақстан,A,C"),
        3,
        "country",
        "twice",
    ),
    ("sgi", "sgi_fb_aug_2024.csv", text(SGI_HEADER, SGI_OK, "60,,Asia,C"), 3, "country", "empty"),
    ("si", "si_fixed.csv", text(SI_HEADER, SI_OK.replace("Apr-20", "2020-04")), 2, DATE, "month"),
    ("si", "si_fixed.csv", text(SI_HEADER, SI_OK.replace("Apr-20", "Abr-20")), 2, DATE, "month"),
    ("si", "si_fixed.csv", text(SI_HEADER, SI_OK.replace("mean", "p90")), 2, METRIC, "'p90'"),
    (
        "si",
        "si_fixed.csv",
        text(SI_HEADER, SI_OK.replace("All Providers Combined", "Beeline")),
        2,
        "Provider",
        "not a country aggregate",
    ),
    (
        "si",
        "si_fixed.csv",
        text(SI_HEADER, SI_OK.replace(",,Apr", ",iOS,Apr")),
        2,
        "Device",
        "slice",
    ),
    (
        "si",
        "si_fixed.csv",
        text(SI_HEADER, SI_OK, SI_OK.replace("39.8", "40")),
        3,
        "Location",
        "appears twice",
    ),
    ("si", "si_monthly.csv", text(SI_HEADER, SI_OK), 1, None, "cannot tell which network"),
    ("si", "si_monthly.csv", text(SI_TECH_HEADER, SI_5G), 2, TECH, "technology '5G' is not read"),
    ("si", "si_fixed.csv", text(SI_TECH_HEADER, SI_CELL), 2, TECH, "the file name says fixed"),
    ("open", OD, text(OD_HEADER, OD_OK.replace(",1,fixed", ",5,fixed")), 2, "quarter", "quarter"),
    ("open", OD, text(OD_HEADER, OD_OK.replace("2019,1", "19,1")), 2, "year", "not a year"),
    (
        "open",
        OD,
        text(OD_HEADER, OD_OK.replace("fixed", "satellite")),
        2,
        "network_type",
        "neither",
    ),
    (
        "open",
        OD,
        text(OD_HEADER, OD_OK.replace("2019-01-01", "2019-03-01")),
        2,
        "date",
        "first day",
    ),
    (
        "open",
        OD,
        text(OD_HEADER, OD_OK, OD_OK.replace("25.96", "26.5")),
        3,
        "download_mbps_weighted_mean",
        "different values",
    ),
    ("open", OD, text(OD_HEADER, OD_OK.replace("10505", "10505.5")), 2, "tile_count", "whole"),
    ("open", OD, text(OD_HEADER, OD_OK.replace("KZ,", "KAZ,", 1)), 2, "country_code", "two-letter"),
    ("cableco", "speed-league.csv", text(CC_HEADER, CC_OK), None, None, "league's year"),
    (
        "cableco",
        CC,
        text(CC_HEADER, CC_OK.replace("28,261", "28,26")),
        2,
        "Unique IPs tested",
        "not a number",
    ),
    ("cableco", CC, text(CC_HEADER, CC_OK.replace("154,", "0,", 1)), 2, "Rank", "start at 1"),
    ("cableco", CC, text(CC_HEADER, CC_OK.replace("154,", "15.5,", 1)), 2, "Rank", "whole number"),
    (
        "cableco",
        CC,
        text(CC_HEADER, CC_OK, CC_OK.replace(",KZ,", ",kz,")),
        3,
        "Country code",
        "appears twice",
    ),
    (
        "cableco",
        CC,
        text(CC_HEADER, CC_OK.replace(",KZ,", ",Kazakhstan,")),
        2,
        "Country code",
        "two-letter",
    ),
]


@pytest.mark.parametrize(
    ("fmt", "name", "data", "row", "column", "words"),
    _common_cases() + [pytest.param(*case, id=f"{case[0]}: {case[5]}") for case in SPECIFIC],
)
def test_bad_input_is_one_line_naming_file_row_and_column(
    fmt: str,
    name: str,
    data: str | bytes,
    row: int | None,
    column: str | None,
    words: str,
    tmp_path: Path,
) -> None:
    module = FORMATS[fmt][0]
    with pytest.raises(InputError) as info:
        module.parse(raw_file(tmp_path, name, data))
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(name)
    assert info.value.file == name
    if row is not None:
        assert f"row {row}" in message
    if column is not None:
        assert f"column '{column}'" in message
    assert words in message
