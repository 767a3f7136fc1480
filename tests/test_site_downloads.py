"""The site's downloads: CSV and JSON of exactly the rows shown, metadata, citations that name
the publisher first, deterministic zips, and nothing written outside the site's root."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infosoc.errors import InputError
from infosoc.site.downloads import (
    Dataset,
    Provenance,
    citation_apa,
    citation_bibtex,
    csv_bytes,
    json_bytes,
    write_dataset,
    write_zip,
)

TODAY = dt.date(2026, 12, 8)

UN = Provenance(
    publisher="United Nations Department of Economic and Social Affairs",
    title="United Nations E-Government Survey 2024: data",
    release="2024",
    released="2024",
    licence="UN DESA public data; no licence stated",
    url="https://publicadministration.un.org/egovkb/EGOV_DATA_2024.csv",
    retrieved="2026-12-07",
    file_name="EGOV_DATA_2024.csv",
    sha256="14c9299a8beb80bdde75ab326b89da46dab3dadfe159feaef1407cbcd24872df",
)
ITU = Provenance(
    publisher="International Telecommunication Union (ITU)",
    title="ITU DataHub: {i911} 100% of 'users' & more_#1",
    release="DataHub export 2025-09-23",
    released="2025-09-23",
    licence="ITU terms of use: free use with attribution",
    url="https://datahub.itu.int/data/?i=178",
    retrieved="2026-12-07",
    file_name="mobile_subscriptions.csv",
    sha256="ad0bf6af5c450847fb2bf332fb966da905694bf3deb8867bb2c460bfb203b690",
)


def egdi(**changes: Any) -> Dataset:
    ds = Dataset(
        key="egdi/KAZ",
        title="E-Government Development Index, Kazakhstan",
        columns=["period", "egdi", "rank"],
        rows=[
            {"period": "2020", "egdi": 0.8375, "rank": 29},
            {"period": "2022", "egdi": None, "rank": None},
            {"period": "2024", "egdi": 0.0, "rank": 0},
        ],
        unit="score 0-1",
        provenance=[UN],
        indicator="egdi",
        period=("2020", "2024"),
    )
    for name, value in changes.items():
        setattr(ds, name, value)
    return ds


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def test_csv_and_json_hold_the_rows_with_missing_empty_and_zero_kept(tmp_path: Path) -> None:
    paths = write_dataset(tmp_path, "data/egdi/KAZ", egdi(), today=TODAY)
    assert paths == {
        "csv": "data/egdi/KAZ.csv",
        "json": "data/egdi/KAZ.json",
        "metadata": "data/egdi/KAZ.metadata.json",
        "bibtex": "data/egdi/KAZ.bib",
        "apa": "data/egdi/KAZ.apa.txt",
    }
    assert read_csv((tmp_path / paths["csv"]).read_bytes()) == [
        ["period", "egdi", "rank"],
        ["2020", "0.8375", "29"],
        ["2022", "", ""],
        ["2024", "0.0", "0"],
    ]
    assert json.loads((tmp_path / paths["json"]).read_text(encoding="utf-8")) == egdi().rows


def test_a_column_a_row_lacks_is_missing_and_nan_is_missing() -> None:
    ds = egdi(rows=[{"period": "2020"}, {"period": "2022", "egdi": float("nan"), "rank": 3}])
    assert json.loads(json_bytes(ds)) == [
        {"period": "2020", "egdi": None, "rank": None},
        {"period": "2022", "egdi": None, "rank": 3},
    ]
    assert read_csv(csv_bytes(ds))[1:] == [["2020", "", ""], ["2022", "", "3"]]


@pytest.mark.parametrize(
    "rows",
    [
        [{"period": "2020", "country": "KAZ"}],  # a key the columns do not name
        [{"period": "2020", "egdi": float("inf")}],
        [{"period": "2020", "egdi": object()}],
    ],
)
def test_rows_that_cannot_be_published_faithfully_are_refused(rows: list[dict[str, Any]]) -> None:
    with pytest.raises(InputError):
        csv_bytes(egdi(rows=rows))


cells = st.one_of(st.none(), st.text(), st.floats(allow_nan=False, allow_infinity=False))


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.one_of(st.none(), st.text()), cells), max_size=12))
def test_csv_and_json_round_trip_arbitrary_rows(pairs: list[tuple[Any, Any]]) -> None:
    rows = [{"name": name, "value": value} for name, value in pairs]
    ds = egdi(columns=["name", "value"], rows=rows)
    assert json.loads(json_bytes(ds)) == rows
    header, *lines = read_csv(csv_bytes(ds))
    assert header == ["name", "value"]
    assert len(lines) == len(rows)
    for line, row in zip(lines, rows, strict=True):
        assert line[0] == (row["name"] or "")
        value = row["value"]
        if value is None:
            assert line[1] == ""
        elif isinstance(value, float):
            assert float(line[1]) == value
        else:
            assert line[1] == value


def test_metadata_names_licence_release_retrieval_and_checksum(tmp_path: Path) -> None:
    paths = write_dataset(tmp_path, "data/egdi/KAZ", egdi(provenance=[UN, ITU, UN]), today=TODAY)
    meta = json.loads((tmp_path / paths["metadata"]).read_text(encoding="utf-8"))
    assert [s["publisher"] for s in meta["sources"]] == [UN.publisher, ITU.publisher]
    first = meta["sources"][0]
    assert first["licence"] == UN.licence
    assert first["release"] == "2024"
    assert first["retrieved"] == "2026-12-07"
    assert first["sha256"] == UN.sha256
    assert meta["unit"] == "score 0-1"
    assert meta["columns"] == ["period", "egdi", "rank"]
    assert meta["period"] == {"start": "2020", "end": "2024"}
    assert meta["generated"] == "2026-12-08"
    assert "never means zero" in meta["missing"]
    assert meta["citation"]["apa"][0].startswith(UN.publisher)


def test_apa_names_the_publisher_first_and_infosoc_as_compiler() -> None:
    text = citation_apa(egdi(provenance=[UN, ITU]), TODAY)
    lines = text.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("United Nations Department of Economic and Social Affairs (2024). ")
    assert lines[1].startswith("International Telecommunication Union (ITU) (2025). ")
    for line in lines:
        assert "Retrieved 2026-12-07 from https://" in line
        assert "compiled by infosoc" in line
        assert line.index("compiled by infosoc") > line.index("Retrieved")


def test_a_release_without_a_date_is_cited_as_no_date() -> None:
    undated = Provenance(**{**UN.to_json(), "released": None})
    assert citation_apa(egdi(provenance=[undated]), TODAY).startswith(f"{UN.publisher} (n.d.). ")


def bibtex_entries(text: str) -> list[str]:
    depth = 0
    for ch in text:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0, "a closing brace before its opening one"
    assert depth == 0, "unbalanced braces"
    return re.findall(r"@misc\{([^,\s]+),", text)


def test_bibtex_has_one_misc_per_source_with_unique_keys_and_balanced_braces() -> None:
    twin = Provenance(**{**ITU.to_json(), "file_name": "fixed.csv", "release": "other"})
    text = citation_bibtex(egdi(provenance=[UN, ITU, twin, UN]), TODAY)
    keys = bibtex_entries(text)
    assert len(keys) == 3 == len(set(keys))
    assert text.count("@") == 3
    assert "author = {{United Nations Department of Economic and Social Affairs}}" in text
    # the title's braces, percent, ampersand, underscore and hash are escaped, not raw
    assert r"\textbraceleft{}i911\textbraceright{} 100\% of 'users' \& more\_\#1" in text
    assert citation_bibtex(egdi(provenance=[UN, ITU, twin]), TODAY) == text


@given(st.text(max_size=40), st.text(max_size=40))
def test_bibtex_braces_stay_balanced_whatever_the_text(publisher: str, title: str) -> None:
    source = Provenance(**{**UN.to_json(), "publisher": publisher, "title": title})
    assert len(bibtex_entries(citation_bibtex(egdi(provenance=[source], title=title), TODAY))) == 1


def test_from_source_row_reads_a_row_of_observatory_sources() -> None:
    row = {
        "source": "un-egov",
        "edition": "2024",
        "version": 2,
        "current": True,
        "publisher": UN.publisher,
        "title": UN.title,
        "file_name": UN.file_name,
        "url": UN.url,
        "retrieved_from": "https://mirror.example/EGOV_DATA_2024.csv",
        "licence": UN.licence,
        "released": "2024",
        "retrieved_at": dt.datetime(2026, 12, 7, 0, 0, tzinfo=dt.UTC),
        "sha256": UN.sha256,
    }
    p = Provenance.from_source_row(row)
    assert p == Provenance(**{**UN.to_json(), "release": "2024, version 2"})
    assert (
        Provenance.from_source_row({**row, "version": 1, "url": None}).url == row["retrieved_from"]
    )
    with pytest.raises(InputError):
        Provenance.from_source_row({k: v for k, v in row.items() if k != "publisher"})


def test_the_zip_holds_csv_metadata_and_readme_and_is_byte_identical(tmp_path: Path) -> None:
    uzb = egdi(key="egdi/UZB", rows=[{"period": "2024", "egdi": 0.7265, "rank": 69}])
    members = [("UZB", uzb), ("KAZ", egdi())]
    first = write_zip(tmp_path / "a", "egdi", members, today=TODAY, title="EGDI")
    second = write_zip(tmp_path / "b", "egdi", list(reversed(members)), today=TODAY, title="EGDI")
    assert first == second == "data/egdi.zip"
    data = (tmp_path / "a" / first).read_bytes()
    assert data == (tmp_path / "b" / second).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["KAZ.csv", "README.txt", "UZB.csv", "metadata.json"]
        # the build's clock must not reach the bytes
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert archive.read("KAZ.csv") == csv_bytes(egdi())
        meta = json.loads(archive.read("metadata.json"))
        readme = archive.read("README.txt").decode("utf-8")
    assert [f["name"] for f in meta["files"]] == ["KAZ.csv", "UZB.csv"]
    assert meta["sources"][0]["licence"] == UN.licence
    assert UN.licence in readme
    assert f"{UN.publisher} (2024)." in readme
    assert "never means zero" in readme


def test_rewriting_unchanged_files_leaves_them_untouched(tmp_path: Path) -> None:
    paths = write_dataset(tmp_path, "data/charts/egdi-trend", egdi(), today=TODAY)
    zipped = write_zip(tmp_path, "egdi", [("KAZ", egdi())], today=TODAY)
    files = [tmp_path / p for p in [*paths.values(), zipped]]
    old = 1_000_000_000 * 10**9  # 2001: any rewrite now would move the mtime, whatever the clock
    for f in files:
        os.utime(f, ns=(old, old))
    write_dataset(tmp_path, "data/charts/egdi-trend", egdi(), today=TODAY)
    write_zip(tmp_path, "egdi", [("KAZ", egdi())], today=TODAY)
    assert [f.stat().st_mtime_ns for f in files] == [old] * len(files)
    changed = egdi(rows=[{"period": "2020", "egdi": 0.5, "rank": 1}])
    write_dataset(tmp_path, "data/charts/egdi-trend", changed, today=TODAY)
    assert (tmp_path / paths["csv"]).stat().st_mtime_ns != old
    assert (tmp_path / paths["json"]).read_bytes() == json_bytes(changed)


@pytest.mark.parametrize(
    "stem",
    [
        "",
        "..",
        "../x",
        "data/../../x",
        "/etc/passwd",
        "data//x",
        "data\\x",
        "C:x",
        ".hidden",
        "data/./x",
        "data/x/",
    ],
)
def test_paths_that_could_leave_the_root_are_refused(tmp_path: Path, stem: str) -> None:
    with pytest.raises(InputError):
        write_dataset(tmp_path / "site", stem, egdi(), today=TODAY)
    with pytest.raises(InputError):
        write_zip(tmp_path / "site", stem, [("KAZ", egdi())], today=TODAY)
    with pytest.raises(InputError):
        write_zip(tmp_path / "site", "egdi", [(stem, egdi())], today=TODAY)
    assert not (tmp_path / "site").exists() or not any((tmp_path / "site").rglob("*"))


def test_a_symlink_in_the_root_does_not_lead_outside_it(tmp_path: Path) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "data").symlink_to(tmp_path / "outside")
    with pytest.raises(InputError):
        write_dataset(tmp_path / "site", "data/egdi/KAZ", egdi(), today=TODAY)
    assert not any((tmp_path / "outside").iterdir())
