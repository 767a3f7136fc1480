"""The ITU DataHub source: the long export of mobile-cellular subscriptions, and bad input."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infosoc import InputError
from infosoc.sources import REGISTRY, itu_datahub, read_mirror
from infosoc.sources.base import EntityRecord, Observation, ParsedFile, RawFile

from .conftest import Cli, store_snapshot

EXPORT = "mobile-cellular-subscriptions_1758627613877.csv"
WHEN = datetime(2026, 1, 2, tzinfo=UTC)
HEADER = (
    '"seriesID","seriesCode","seriesName","seriesParent","seriesUnits","entityID","entityIso",'
    '"entityName","dataValue","dataYear","dataNote","dataSource","seriesDescription"'
)


def row(
    series: str = "i911",
    iso: str = "KAZ",
    name: str = "Kazakhstan",
    value: str = "127.085",
    year: str = "2024",
    note: str = "",
) -> str:
    """A line as the DataHub writes it (ids and years unquoted, everything else quoted)."""
    return (
        f'392,"{series}","Mobile-cellular subscriptions",,"count",277,"{iso}","{name}",'
        f'"{value}",{year},"{note}","","Refers to the number of subscriptions"'
    )


def raw(*lines: str, name: str = "export_1758627613877.csv") -> RawFile:
    body = "\ufeff" + "\n".join([HEADER, *lines])
    return RawFile(Path(name), body.encode(), WHEN, "/mirror")


def values(parsed: ParsedFile) -> dict[tuple[str, str, str], Observation]:
    return {(o.entity, o.indicator, o.period): o for o in parsed.observations}


@pytest.fixture(scope="module")
def parsed(snapshot: Path) -> ParsedFile:
    [file] = read_mirror(itu_datahub, snapshot)
    return itu_datahub.parse(file)


# the snapshot's export ----------------------------------------------------------------------
def test_find_files_takes_the_export_in_itu(snapshot: Path) -> None:
    assert itu_datahub.find_files(snapshot) == [snapshot / "itu" / EXPORT]
    assert REGISTRY["itu-datahub"] is itu_datahub


def test_kazakhstan_as_published(parsed: ParsedFile) -> None:
    got = values(parsed)
    assert got[("KAZ", "ITU.i911", "2020")].value == 124.698
    assert got[("KAZ", "ITU.i911", "2024")].value == 127.085
    # Counts are written in C's scientific notation, to 6 significant digits.
    assert got[("KAZ", "ITU.i271", "2024")].value == 26_170_100
    assert got[("KAZ", "ITU.i271", "2020")].value == 24_293_900
    assert got[("ABW", "ITU.i271", "2000")].value == 15_000  # plain notation below a million
    assert got[("AFG", "ITU.i271", "2000")].value == 0  # a published 0 stays 0
    assert got[("KAZ", "ITU.i271", "2024")].note == (
        "according to the final data of the Office for National Statistics for 2023"
    )
    assert got[("KAZ", "ITU.i911", "2024")].note is None  # empty dataNote: no note


def test_rows_economies_years_and_series(parsed: ParsedFile) -> None:
    observations = parsed.observations
    assert len(observations) == 10_428
    assert len({o.entity for o in observations}) == 232
    assert {o.period for o in observations} == {str(y) for y in range(2000, 2025)}
    assert sum(o.indicator == "ITU.i271" for o in observations) == 5_220
    assert sum(o.indicator == "ITU.i911" for o in observations) == 5_208
    assert all(o.value is not None and o.breakdown is None for o in observations)


def test_labels_and_units_come_from_the_series_code_not_the_file(parsed: ParsedFile) -> None:
    # Every row of the file says seriesName "Mobile-cellular subscriptions", seriesUnits "count".
    meta = {m.indicator: m for m in parsed.indicators}
    assert set(meta) == {"ITU.i271", "ITU.i911"}
    assert meta["ITU.i911"].label == "Mobile-cellular subscriptions per 100 inhabitants"
    assert meta["ITU.i911"].unit == "per 100 inhabitants"
    assert (meta["ITU.i271"].label, meta["ITU.i271"].unit) == (
        "Mobile-cellular subscriptions",
        "subscriptions",
    )
    assert all(m.period_kind == "year" for m in meta.values())


def test_economies_without_an_iso_code(parsed: ParsedFile) -> None:
    got = values(parsed)
    entities = {o.entity for o in parsed.observations}
    # The ITU's own codes of Guernsey, Jersey and Kosovo are stored under ISO / World Bank codes.
    assert not entities & {"AAA", "GBJ", "KSO"}
    assert got[("GGY", "ITU.i271", "2000")].value == 21_885
    assert ("JEY", "ITU.i911", "2000") in got
    assert got[("XKX", "ITU.i271", "2022")].value == 593_382
    assert sorted(parsed.entities, key=lambda e: e.code) == [
        EntityRecord("ANT", "country", "Netherlands Antilles"),
        EntityRecord("ASC", "country", "Ascension"),
        EntityRecord("XKX", "country", "Kosovo"),
    ]


def test_a_known_anomaly_is_kept_with_a_note(parsed: ParsedFile) -> None:
    fiji = values(parsed)[("FJI", "ITU.i911", "2024")]
    assert fiji.value == 574.152
    assert fiji.note is not None and "above 500 per 100 inhabitants" in fiji.note


def test_provenance_and_release_date_from_the_file_name(parsed: ParsedFile) -> None:
    p = parsed.provenance
    assert (p.source, p.publisher) == ("itu-datahub", "International Telecommunication Union (ITU)")
    assert p.edition == "DataHub export 2025-09-23 (i271, i911)"
    assert p.released == "2025-09-23"
    assert p.title.startswith("ITU DataHub: World Telecommunication/ICT Indicators")
    assert 'Cite: "Source: ITU"' in p.licence
    assert p.file_name == EXPORT


def test_export_date_and_a_file_found_by_its_header(tmp_path: Path, snapshot: Path) -> None:
    assert itu_datahub.export_date(Path(EXPORT)) == "2025-09-23"
    assert itu_datahub.export_date(Path("mobile.csv")) is None
    folder = tmp_path / "itu"
    folder.mkdir()
    shutil.copyfile(snapshot / "itu" / EXPORT, folder / "mobile.csv")
    (folder / "notes.csv").write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    assert itu_datahub.find_files(tmp_path) == [folder / "mobile.csv"]
    assert itu_datahub.find_files(folder) == [folder / "mobile.csv"]  # the folder itself
    # Without a date in the name, the edition is named after the file.
    one_row = (HEADER + "\n" + row()).encode()
    parsed = itu_datahub.parse(RawFile(folder / "mobile.csv", one_row, WHEN, "/mirror"))
    assert parsed.provenance.released is None
    assert parsed.provenance.edition == "DataHub export mobile (i911)"
    assert parsed.provenance.url == "https://datahub.itu.int/"


def test_the_date_in_the_name_is_the_release_even_without_a_manifest() -> None:
    p = itu_datahub.parse(raw(row())).provenance
    assert (p.released, p.edition) == ("2025-09-23", "DataHub export 2025-09-23 (i911)")
    # The file's own date beats the one a folder's manifest gives.
    stated = replace(raw(row()), released="2025-01-01")
    assert itu_datahub.parse(stated).provenance.released == "2025-09-23"


def test_an_empty_value_is_missing_not_zero() -> None:
    [observation] = itu_datahub.parse(raw(row(value=""))).observations
    assert observation.value is None


def test_an_identical_repeat_is_kept_once() -> None:
    parsed = itu_datahub.parse(raw(row(), row(note="again")))
    assert [o.value for o in parsed.observations] == [127.085]


def test_a_code_outside_iso_with_a_non_country_name_is_an_aggregate() -> None:
    parsed = itu_datahub.parse(raw(row(iso="WLD", name="World", value="110.5")))
    assert parsed.entities == [EntityRecord("WLD", "aggregate", "World")]
    assert parsed.observations[0].entity == "WLD"


# bad input ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "row_number", "column", "reason"),
    [
        (row(value="abc"), 2, "dataValue", "'abc' is not a number"),
        (row(value="150000"), 2, "dataValue", "150000 per 100 inhabitants is not plausible"),
        (row(value="-1"), 2, "dataValue", "-1 per 100 inhabitants is not plausible"),
        (row("i271", value="-2.61701e+007"), 2, "dataValue", "-2.61701e+07 subscriptions"),
        (row("i271", value="124.698"), 2, "dataValue", "not a whole number of subscriptions"),
        (row(value="inf"), 2, "dataValue", "not a finite number"),
        (row(year="1899"), 2, "dataYear", "year 1899 is outside itu-datahub's years, 1960 to"),
        (row(year="2101"), 2, "dataYear", "year 2101 is outside"),
        (row(year="2024.5"), 2, "dataYear", "not a year"),
        (row("i99H"), 2, "seriesCode", "unknown ITU series 'i99H'"),
        (row(iso=""), 2, "entityIso", "the economy has no code"),
        (row(iso="KZX"), 2, "entityIso", "'KZX' is not the ISO3 code of Kazakhstan (KAZ)"),
        (row().rsplit(",", 1)[0], 2, "seriesDescription", "row has 12 fields"),
    ],
)
def test_bad_rows(line: str, row_number: int, column: str, reason: str) -> None:
    with pytest.raises(InputError) as info:
        itu_datahub.parse(raw(line))
    error = info.value
    assert (error.file, error.row, error.column) == ("export_1758627613877.csv", row_number, column)
    assert reason in error.reason


def test_a_second_value_for_one_cell_is_refused() -> None:
    with pytest.raises(InputError) as info:
        itu_datahub.parse(raw(row(), row(year="2023"), row(value="127.5")))
    assert (info.value.row, info.value.column) == (4, "dataValue")
    assert "i911 KAZ 2024 appears twice with different values (127.085 in row 2" in str(info.value)


def test_missing_columns_and_empty_files() -> None:
    renamed = HEADER.replace('"dataYear"', '"year"') + "\n" + row()
    with pytest.raises(InputError) as info:
        itu_datahub.parse(RawFile(Path("x.csv"), renamed.encode(), WHEN, "/mirror"))
    assert (info.value.row, info.value.column) == (1, "dataYear")
    assert "missing column 'dataYear'" in info.value.reason
    with pytest.raises(InputError, match="header but no data rows"):
        itu_datahub.parse(raw())


_I911 = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


def _c_style(value: float) -> str:
    """A number as the DataHub writes it: C's %g with a three-digit exponent."""
    text = f"{value:g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{exponent[0]}{int(exponent[1:]):03d}"
    return text


@settings(max_examples=200, deadline=None)
@given(per_100=_I911, count=st.integers(min_value=0, max_value=10**10))
def test_values_are_read_exactly_and_refused_only_outside_their_range(
    per_100: float, count: int
) -> None:
    per_100_text, count_text = _c_style(per_100), _c_style(count)
    lines = (row(value=per_100_text), row("i271", value=count_text))
    if not 0 <= float(per_100_text) <= 500:
        with pytest.raises(InputError) as info:
            itu_datahub.parse(raw(*lines))
        assert (info.value.row, info.value.column) == (2, "dataValue")
        return
    got = values(itu_datahub.parse(raw(*lines)))
    assert got[("KAZ", "ITU.i911", "2024")].value == float(per_100_text)
    assert got[("KAZ", "ITU.i271", "2024")].value == float(count_text)


# through the command line -------------------------------------------------------------------
@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory, snapshot: Path) -> tuple[Path, Path]:
    """A mirror holding a copy of the export, and a home with it ingested (copy before use)."""
    root = tmp_path_factory.mktemp("itu")
    mirror, home = root / "mirror", root / "home"
    (mirror / "itu").mkdir(parents=True)
    shutil.copyfile(snapshot / "itu" / EXPORT, mirror / "itu" / EXPORT)
    result = Cli()("ingest", "itu-datahub", "--from", mirror, "--home", home)
    assert result.exit_code == 0, result.stderr
    return mirror, home


def test_indicator_through_the_cli(tmp_path: Path, snapshot: Path, cli: Cli) -> None:
    home = tmp_path / "home"
    result = cli("ingest", "itu-datahub", "--from", snapshot, "--home", home, "-f", "json")
    assert result.exit_code == 0, result.stderr
    [ingest] = json.loads(result.stdout)
    assert (ingest["source"], ingest["status"], ingest["observations"]) == (
        "itu-datahub",
        "added",
        10_428,
    )
    result = cli("indicator", "KAZ", "-i", "ITU.i911", "-f", "json", "--home", home)
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)
    assert {r["unit"] for r in answer} == {"per 100 inhabitants"}
    by_period = {r["period"]: r["value"] for r in answer}
    assert by_period["2024"] == 127.085 and by_period["2020"] == 124.698
    result = cli(
        "indicator", "KAZ", "-i", "ITU.i271", "--start", "2024", "-f", "csv", "--home", home
    )
    lines = result.stdout.splitlines()
    assert lines[0] == "indicator,period,iso3,country,value,unit,source"
    assert lines[1].startswith("ITU.i271,2024,KAZ,Kazakhstan,26170100.0,") and len(lines) == 2


def _edit(text: str, old: str, new: str) -> tuple[str, int]:
    """``text`` with the first line holding ``old`` changed, and that line's number."""
    lines = text.split("\n")
    number = next(i for i, line in enumerate(lines) if old in line)
    lines[number] = lines[number].replace(old, new, 1)
    return "\n".join(lines), number + 1


KAZ_I911_2024 = '"KAZ","Kazakhstan","127.085",2024'
KAZ_I271_2024 = '"KAZ","Kazakhstan","2.61701e+007",2024'


@pytest.mark.parametrize(
    ("old", "new", "column", "reason"),
    [
        ('"seriesCode"', '"indicatorCode"', "seriesCode", "missing column 'seriesCode'"),
        (KAZ_I911_2024, KAZ_I911_2024.replace("127.085", "abc"), "dataValue", "not a number"),
        (KAZ_I911_2024, KAZ_I911_2024.replace("127.085", "150000"), "dataValue", "plausible"),
        (KAZ_I271_2024, KAZ_I271_2024.replace('"2.6', '"-2.6'), "dataValue", "plausible"),
    ],
)
def test_a_bad_export_changes_nothing(
    tmp_path: Path,
    ingested: tuple[Path, Path],
    cli: Cli,
    old: str,
    new: str,
    column: str,
    reason: str,
) -> None:
    mirror, home = tmp_path / "mirror", tmp_path / "home"
    shutil.copytree(ingested[0], mirror)
    shutil.copytree(ingested[1], home)
    before = store_snapshot(home)
    path = mirror / "itu" / EXPORT
    text, line = _edit(path.read_text(encoding="utf-8-sig"), old, new)
    path.write_text(text, encoding="utf-8")

    result = cli("ingest", "itu-datahub", "--from", mirror, "--home", home)

    assert result.exit_code == 2
    message = result.stderr.strip()
    assert "\n" not in message
    assert message.startswith(f"error: {EXPORT}, row {line}, column '{column}': ")
    assert reason in message
    assert store_snapshot(home) == before


def test_a_truncated_export_changes_nothing(
    tmp_path: Path, ingested: tuple[Path, Path], cli: Cli
) -> None:
    mirror, home = tmp_path / "mirror", tmp_path / "home"
    shutil.copytree(ingested[0], mirror)
    shutil.copytree(ingested[1], home)
    before = store_snapshot(home)
    path = mirror / "itu" / EXPORT
    data = path.read_bytes()
    # A download cut short inside the last line's quoted description.
    path.write_bytes(data[: data.rindex(b'"Refers') + 20])

    result = cli("ingest", "all", "--from", mirror, "--home", home)

    assert result.exit_code == 2
    message = result.stderr.strip()
    assert message == (
        f"error: {EXPORT}, row 10431: is not a valid CSV file (unexpected end of data)"
    )
    assert store_snapshot(home) == before


def test_without_a_folder_the_cli_says_where_to_get_the_export(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INFOSOC_MIRROR", raising=False)
    result = cli("ingest", "itu-datahub", "--home", tmp_path / "home")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: itu-datahub: download the export from https://datahub.itu.int/ and use --from DIR"
    )
