"""The Bureau of National Statistics' Open SDG CSVs (kz-bns-sdg) and `indicator --by`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infosoc import Observatory
from infosoc.errors import InputError, NotFoundError
from infosoc.sources import REGISTRY, read_mirror
from infosoc.sources import kz_bns_sdg as kz
from infosoc.sources.base import RawFile, read_local

from .conftest import Cli, store_snapshot

FOLDER = Path("kz") / "bns_sdg"
CODES = ["KZ.SDG.17.8.1", "KZ.SDG.9.c.1", "KZ.SDG.17.6.2", "KZ.SDG.5.b.1", "KZ.SDG.4.4.1",
         "KZ.SDG.4.4.1.1"]  # fmt: skip
TOTALS = {"2018": 81.3, "2019": 84.2, "2020": 88.2, "2021": 92.9, "2022": 94.0, "2023": 94.7}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, snapshot: Path) -> Path:
    """A home where only this source was ingested, from the snapshot."""
    home = tmp_path_factory.mktemp("kz_home")
    result = Cli()("ingest", "kz-bns-sdg", "--from", snapshot, "--home", home)
    assert result.exit_code == 0, result.stderr
    return home


def _json(*args: Any) -> Any:
    result = Cli()(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _parse(snapshot: Path, file_id: str) -> list[Any]:
    path = snapshot / FOLDER / "data" / f"indicator_{file_id}.csv"
    return kz.parse(read_local(path)).observations


def _raw(tmp_path: Path, text: str, name: str = "indicator_17-8-1.csv") -> RawFile:
    """A file of our own in a folder without code lists (the snapshot's are read)."""
    path = tmp_path / "data" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return read_local(path)


# --- the source ------------------------------------------------------------------------------


def test_registered_and_finds_the_six_files_of_the_snapshot(snapshot: Path) -> None:
    assert REGISTRY["kz-bns-sdg"] is kz
    names = [p.name for p in kz.find_files(snapshot)]
    assert names == [f"indicator_{i}.csv" for i in
                     ("17-6-2", "17-8-1", "4-4-1-1", "4-4-1", "5-b-1", "9-c-1")]  # fmt: skip
    # The data folder itself is a mirror too.
    assert kz.find_files(snapshot / FOLDER / "data") == kz.find_files(snapshot)


def test_find_files_wants_a_tidy_header_and_a_known_indicator(tmp_path: Path) -> None:
    (tmp_path / "indicator_17-8-1.csv").write_text("Year,Value\n2020,1\n", encoding="utf-8")
    (tmp_path / "indicator_1-1-1.csv").write_text("Year,Value\n2020,1\n", encoding="utf-8")
    (tmp_path / "indicator_9-c-1.csv").write_text("country,value\nKAZ,1\n", encoding="utf-8")
    assert [p.name for p in kz.find_files(tmp_path)] == ["indicator_17-8-1.csv"]


def test_provenance_release_and_indicators(snapshot: Path) -> None:
    raws = read_mirror(kz, snapshot)
    parsed = [kz.parse(raw) for raw in raws]
    first = parsed[0].provenance
    assert first.source == "kz-bns-sdg"
    assert first.publisher == "Bureau of National Statistics of the Republic of Kazakhstan (ASPR)"
    assert first.licence.startswith("Official statistics of the Republic of Kazakhstan")
    assert first.released == "2024-10-09"
    assert "kazstat/sdg-data-kazstat" in first.url
    # One edition per file, so that no file replaces another as a "new version".
    editions = {p.provenance.edition for p in parsed}
    assert len(editions) == 6
    assert "SDG 17.8.1, Open SDG data 2024-10-09" in editions
    indicators = {p.indicators[0].indicator: p.indicators[0] for p in parsed}
    assert sorted(indicators) == sorted(CODES)
    assert indicators["KZ.SDG.17.8.1"].unit == "% of individuals"
    assert indicators["KZ.SDG.17.6.2"].unit == "thousand subscriptions"
    assert "ITU" in (indicators["KZ.SDG.9.c.1"].method or "")
    assert {o.entity for p in parsed for o in p.observations} == {"KAZ"}


def test_internet_users_totals_and_breakdowns(snapshot: Path) -> None:
    obs = _parse(snapshot, "17-8-1")
    totals = {o.period: o.value for o in obs if o.breakdown is None}
    assert {p: totals[p] for p in TOTALS} == TOTALS
    cell = {(o.period, o.breakdown): o.value for o in obs}
    assert cell[("2023", "urbanisation=urban")] == 95.7
    assert cell[("2023", "urbanisation=rural")] == 93.2
    assert cell[("2023", "sex=female")] == 94.3
    assert cell[("2023", "region=KZ-62")] == 89.0  # KZULU Ulytau
    assert cell[("2023", "region=KZ-35")] == 97.6  # KZKAR Karagandy
    # "Almaty" in the English list is Almaty Region (KZALM, "Алматинская"), not the city.
    assert cell[("2023", "region=KZ-19")] == 93.7
    assert cell[("2023", "region=KZ-75")] == 95.8  # KZALA Almaty city
    assert cell[("2013", "region=KZ-YUZ")] == 48.7  # KZONT South Kazakhstan
    assert cell[("2018", "region=KZ-61")] == 84.8  # KZYUZ Turkistan


def test_series_and_skill_columns_are_breakdowns(snapshot: Path) -> None:
    mobile = {(o.period, o.breakdown) for o in _parse(snapshot, "9-c-1")}
    assert ("2023", "technology=gsm") in mobile and ("2014", "technology=3g") in mobile
    fixed = {(o.period, o.breakdown): o.value for o in _parse(snapshot, "17-6-2")}
    assert fixed[("2023", None)] == 3058.9
    assert fixed[("2023", "speed=256kbps-2mbps")] == 17.4
    assert fixed[("2023", "region=KZ-11;speed=10mbps-plus")] == 76.0
    skills = {(o.period, o.breakdown): o for o in _parse(snapshot, "4-4-1")}
    anomaly = skills[("2017", "age=15-24;region=KZ-75;skill=atch")]
    assert anomaly.value == pytest.approx(368.9099097001282)
    assert "above 100 %" in (anomaly.note or "")
    assert skills[("2015", "age=15+;skill=cmfl")].note is None


def test_conflicting_values_are_both_kept_with_a_note(snapshot: Path) -> None:
    lte = [o for o in _parse(snapshot, "9-c-1") if o.breakdown == "technology=lte"]
    assert sorted(o.value for o in lte if o.value is not None) == [87.3, 89.2]
    assert {o.period for o in lte} == {"2023"}
    assert {o.note for o in lte} == {"conflict: the Bureau publishes 87.3 and 89.2 for this cell"}


def test_exact_duplicates_are_kept_once(tmp_path: Path) -> None:
    text = "Year,UNIT_MEASURE,REF_AREA,Value\n2020,PT,,80.1\n2020,PT,KZAKM,70\n2020,PT,,80.1\n"
    obs = kz.parse(_raw(tmp_path, text, "indicator_4-4-1-1.csv")).observations
    assert [(o.breakdown, o.value, o.note) for o in obs] == [
        (None, 80.1, None),
        ("region=KZ-11", 70.0, None),
    ]


def test_towns_are_areas_never_regions(tmp_path: Path) -> None:
    # KZKRG is the city of Karaganda ("г.Караганда"), not Karagandy Region; KZLIS Lisakovsk.
    text = (
        "Year,UNIT_MEASURE,REF_AREA,Value\n2020,PT,KZKRG,90\n2020,PT,KZLIS,80\n2020,PT,KZKAR,85\n"
    )
    obs = kz.parse(_raw(tmp_path, text, "indicator_4-4-1-1.csv")).observations
    assert [o.breakdown for o in obs] == ["area=KZKRG", "area=KZLIS", "region=KZ-35"]


def test_code_lists_are_read_beside_the_data_folder(tmp_path: Path, snapshot: Path) -> None:
    text = "Year,UNIT_MEASURE,REF_AREA,Value\n2023,PT,KZXUL,90\n"
    raw = _raw(tmp_path, text, "indicator_4-4-1-1.csv")
    with pytest.raises(InputError, match="KZXUL"):
        kz.parse(raw)  # not in the snapshot's lists
    for lang in ("en", "ru"):
        folder = tmp_path / f"translations_{lang}"
        folder.mkdir()
        shutil.copyfile(snapshot / FOLDER / folder.name / "REF_AREA.yml", folder / "REF_AREA.yml")
    with (tmp_path / "translations_ru" / "REF_AREA.yml").open("a", encoding="utf-8") as f:
        f.write("KZXUL: Ұлытау\n")
    assert [o.breakdown for o in kz.parse(raw).observations] == ["region=KZ-62"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "Year,UNIT_MEASURE,REF_AREA,Value\n2020,PT,KZQQQ,1\n2020,PT,KZWWW,2\n",
            "row 2, column 'REF_AREA': 2 REF_AREA codes name no region of Kazakhstan: KZQQQ "
            "(not in REF_AREA.yml, row 2); KZWWW (not in REF_AREA.yml, row 3)",
        ),
        (
            "Year,UNIT_MEASURE,REF_AREA,Value\n2020,PT,,150\n",
            "row 2, column 'Value': 150 is outside the plausible range of PT values (0 to 100)",
        ),
        ("Year,UNIT_MEASURE,REF_AREA,Value\n2020,PT,,-1\n", "column 'Value': -1 is outside"),
        (
            "Year,UNIT_MEASURE,REF_AREA,Value\n2020,PT,,abc\n",
            "row 2, column 'Value': 'abc' is not a number",
        ),
        ("Year,UNIT_MEASURE,REF_AREA\n2020,PT,\n", "column 'Value': missing column 'Value'"),
        (
            "Year,UNIT_MEASURE,REF_AREA,Value\n1989,PT,,5\n",
            "column 'Year': year 1989 is outside kz-bns-sdg's years",
        ),
        (
            "Year,UNIT_MEASURE,REF_AREA,Value\n2020,TH_UNITS,,5\n",
            "column 'UNIT_MEASURE': unit 'TH_UNITS', expected 'PT'",
        ),
        (
            "Year,UNIT_MEASURE,EDUCATION_LEV,Value\n2020,PT,ISCED11_1,5\n",
            "unknown disaggregation column 'EDUCATION_LEV'",
        ),
        (
            "Year,UNIT_MEASURE,REF_AREA,Value\n2020,PT,KZONT,5\n2020,PT,KZSHY,5\n",
            "the regions of 2020 belong to no one layout (KZ-79, KZ-YUZ)",
        ),
    ],
)
def test_bad_input_names_file_row_and_column(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        kz.parse(_raw(tmp_path, text, "indicator_4-4-1-1.csv"))
    assert str(caught.value).startswith("indicator_4-4-1-1.csv")
    assert message in str(caught.value)


def test_unknown_series_and_counts_below_zero(tmp_path: Path) -> None:
    text = "Year,UNIT_MEASURE,SERIES,Value\n2023,PT,_L_KZ_090c01_1D,50\n"
    with pytest.raises(InputError, match=r"column 'SERIES': unknown code '_L_KZ_090c01_1D'"):
        kz.parse(_raw(tmp_path, text, "indicator_9-c-1.csv"))
    text = "Year,UNIT_MEASURE,SERIES,REF_AREA,Value\n2023,TH_UNITS,,,-3\n"
    with pytest.raises(InputError, match=r"-3 is outside .* \(0 or more\)"):
        kz.parse(_raw(tmp_path, text, "indicator_17-6-2.csv"))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1990, 2027),
            st.sampled_from(["", "U", "R"]),
            st.sampled_from(["", "M", "F"]),
            st.decimals(0, 100, places=1, allow_nan=False),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_any_valid_file_round_trips(tmp_path_factory: pytest.TempPathFactory, rows: Any) -> None:
    lines = ["Year,UNIT_MEASURE,URBANISATION,SEX,REF_AREA,Value"]
    lines += [f"{y},PT,{u},{s},,{v}" for y, u, s, v in rows]
    raw = _raw(tmp_path_factory.mktemp("h"), "\n".join(lines) + "\n")
    got = {(o.period, o.breakdown, o.value) for o in kz.parse(raw).observations}
    names = {"U": "urbanisation=urban", "R": "urbanisation=rural", "M": "sex=male",
             "F": "sex=female"}  # fmt: skip
    expected = set()
    for y, u, s, v in rows:
        parts = ";".join(sorted(names[c] for c in (u, s) if c)) or None
        expected.add((str(y), parts, float(v)))
    assert got == expected


# --- the store and the query -----------------------------------------------------------------


def test_plain_series_gives_the_totals_only(home: Path) -> None:
    rows = _json("indicator", "KAZ", "-i", "KZ.SDG.17.8.1", "-f", "json", "--home", home)
    by_period = {r["period"]: r for r in rows}
    assert {p: by_period[p]["value"] for p in TOTALS} == TOTALS
    assert {r["iso3"] for r in rows} == {"KAZ"}
    table = Cli()("indicator", "KAZ", "-i", "KZ.SDG.17.8.1", "--home", home).stdout
    assert "Proportion of individuals using the Internet" in table


def test_by_urbanisation_through_the_cli(home: Path) -> None:
    args = ("indicator", "KAZ", "-i", "KZ.SDG.17.8.1", "--by", "urbanisation", "--home", home)
    rows = _json(*args, "-f", "json")
    assert rows[-1] == {"period": "2023", "total": 94.7, "urban": 95.7, "rural": 93.2}
    assert list(rows[-1]) == ["period", "total", "urban", "rural"]
    table = Cli()(*args).stdout
    assert "Conflict" not in table
    assert (
        "kz-bns-sdg SDG 17.8.1, Open SDG data 2024-10-09, released 2024-10-09: indicator_17-8-1.csv"
        in " ".join(table.split())
    )


def test_by_region_follows_the_layouts(home: Path) -> None:
    table = Observatory(home=home).indicator(["Kazakhstan"], indicator="KZ.SDG.17.8.1", by="region")
    rows = {r["period"]: r for r in table}
    present = {p: {k: v for k, v in r.items() if k.startswith("KZ-") and v is not None}
               for p, r in rows.items()}  # fmt: skip
    assert len(present["2023"]) == 20
    assert present["2023"]["KZ-62"] == 89.0 and present["2023"]["KZ-35"] == 97.6
    assert min(present["2023"], key=present["2023"].__getitem__) == "KZ-62"  # Ulytau
    assert max(present["2023"], key=present["2023"].__getitem__) == "KZ-35"  # Karagandy
    # The Bureau gives 2022 already in the 20-region layout, 2018-2021 in the 17-region one.
    assert len(present["2022"]) == 20
    assert len(present["2021"]) == 17 and "KZ-62" not in present["2021"]
    assert len(present["2017"]) == 16 and "KZ-YUZ" in present["2017"]
    assert rows["2023"]["total"] == 94.7
    layouts = json.loads(table.metadata["layouts"])
    assert (layouts["2017"], layouts["2021"], layouts["2022"]) == ("1997", "2018", "2022")


def test_by_region_takes_only_rows_of_region_alone(home: Path) -> None:
    # 5.b.1 has region, region;sex, region;urbanisation and region;sex;urbanisation rows.
    table = Observatory(home=home).indicator("KAZ", indicator="KZ.SDG.5.b.1", by="region")
    row = next(r for r in table if r["period"] == "2023")
    assert row["KZ-11"] == 97.0  # 2023,PT,,,KZAKM (not ,U,M,KZAKM 96.8 nor ,R,,KZAKM)
    assert set(row) == {"period", "total", *[k for k in row if k.startswith("KZ-")]}


def test_the_lte_conflict_is_kept_and_reported(home: Path) -> None:
    rows = _json(
        "indicator", "KAZ", "-i", "KZ.SDG.9.c.1", "--by", "technology", "-f", "json", "--home", home
    )
    assert rows[-1] == {"period": "2023", "total": None, "gsm": 98.2, "3g": 95.0,
                        "lte": None}  # fmt: skip
    conflicts = Observatory(home=home).indicator("KAZ", indicator="KZ.SDG.9.c.1", by="technology")
    assert json.loads(conflicts.metadata["conflicts"]) == [
        {"period": "2023", "column": "lte", "values": [87.3, 89.2],
         "files": ["indicator_9-c-1.csv"]}
    ]  # fmt: skip
    table = Cli()("indicator", "KAZ", "-i", "KZ.SDG.9.c.1", "--by", "technology", "--home", home)
    assert "Conflict, 2023 lte: the source publishes 87.3 and 89.2" in table.stdout
    # Both values stay in the store, each with its note.
    import duckdb

    con = duckdb.connect(str(home / "infosoc.duckdb"), read_only=True)
    try:
        stored = con.execute(
            "SELECT value, note FROM observations WHERE indicator = 'KZ.SDG.9.c.1' "
            "AND breakdown = 'technology=lte' ORDER BY value"
        ).fetchall()
    finally:
        con.close()
    note = "conflict: the Bureau publishes 87.3 and 89.2 for this cell"
    assert stored == [(87.3, note), (89.2, note)]


def test_by_speed_and_a_key_found_only_with_others(home: Path) -> None:
    obs = Observatory(home=home)
    speed = obs.indicator("KAZ", indicator="KZ.SDG.17.6.2", by="speed")
    assert speed[-1] == {"period": "2023", "total": 3058.9, "256kbps-2mbps": 17.4,
                         "2-10mbps": 700.2}  # fmt: skip
    with pytest.raises(NotFoundError, match="no values by region alone; it has: region;speed"):
        obs.indicator("KAZ", indicator="KZ.SDG.17.6.2", by="region")


def test_by_takes_one_country_and_a_key(home: Path) -> None:
    obs = Observatory(home=home)
    with pytest.raises(InputError, match="exactly one country; 2 were given"):
        obs.indicator(["KAZ", "KGZ"], indicator="KZ.SDG.17.8.1", by="sex")
    with pytest.raises(InputError, match="not a breakdown key"):
        obs.indicator("KAZ", indicator="KZ.SDG.17.8.1", by="region;sex")
    result = Cli()("indicator", "KAZ", "-i", "KZ.SDG.17.8.1", "--by", "speed", "--home", home)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: KZ.SDG.17.8.1 for KAZ has no values by speed alone; it has: region, sex, "
        "urbanisation"
    )
    by_sex = obs.indicator("KAZ", indicator="KZ.SDG.17.8.1", by="sex", start="2023")
    assert list(by_sex) == [{"period": "2023", "total": 94.7, "female": 94.3, "male": 95.1}]


# --- bad files stop the ingest, the store stays as it was -------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("2023,PT,,,KZULU,89.0", "2023,PT,,,KZQQQ,89.0", "KZQQQ (not in REF_AREA.yml, row 278)"),
        ("2023,PT,,,KZULU,89.0", "2023,PT,,,KZULU,150", "row 278, column 'Value': 150 is outside"),
        ("2023,PT,,,KZULU,89.0", "2023,PT,,,KZULU,abc", "row 278, column 'Value': 'abc' is not"),
        ("REF_AREA,Value", "REF_AREA,Amount", "row 1, column 'Value': missing column 'Value'"),
    ],
)
def test_a_bad_file_stops_ingest_all(
    tmp_path: Path, snapshot: Path, cli: Cli, old: str, new: str, where: str
) -> None:
    root = tmp_path / "mirror"
    shutil.copytree(snapshot / FOLDER, root / FOLDER)
    home = tmp_path / "home"
    assert cli("ingest", "all", "--from", root, "--home", home).exit_code == 0
    before = store_snapshot(home)
    path = root / FOLDER / "data" / "indicator_17-8-1.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")

    result = cli("ingest", "all", "--from", root, "--home", home)

    assert result.exit_code == 2
    message = result.stderr.strip()
    assert message.startswith("error: indicator_17-8-1.csv") and "\n" not in message
    assert where in message
    assert store_snapshot(home) == before


def test_newest_release_answers_and_notes_are_listed(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from infosoc.analysis.breakdowns import CellNote, breakdown_table
    from infosoc.sources.base import Observation, ParsedFile, Provenance
    from infosoc.store import Store

    def release(day: str, value: float, note: str | None) -> ParsedFile:
        when = datetime(2026, 1, 1, tzinfo=UTC)
        provenance = Provenance("kz-bns-sdg", f"x {day}", "BNS", "t", "u", f"f{day}.csv", "l",
                                when, "here", day, 1, day)  # fmt: skip
        obs = [Observation("KAZ", "X", "2023", value, note, "sex=male"),
               Observation("KAZ", "X", "2023", 5.0, None, "sex=female")]  # fmt: skip
        return ParsedFile(provenance, obs)

    with Store(tmp_path / "s.duckdb") as store:
        store.ingest([release("2024-01-01", 1.0, None), release("2025-01-01", 2.0, "revised")])
        table = breakdown_table(store, "X", "KAZ", "sex")
    assert table.rows == [{"period": "2023", "total": None, "female": 5.0, "male": 2.0}]
    assert table.conflicts == []
    assert table.notes == [CellNote("2023", "male", "revised")]
