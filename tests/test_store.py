"""The store: idempotent re-ingest, versions of changed files, all-or-nothing writes, provenance."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from infosoc import Observatory, StoreError
from infosoc.store import Store

from .conftest import Cli, store_snapshot


def test_reingesting_the_same_files_changes_nothing(
    mirror: Callable[..., Path], tmp_path: Path
) -> None:
    root = mirror((2020, 2022))
    obs = Observatory(home=tmp_path / "home")
    first = obs.ingest("all", mirror=root)
    assert [r.status for r in first] == ["added", "added"]
    before = store_snapshot(obs.home)
    again = obs.ingest("all", mirror=root)
    assert [r.status for r in again] == ["unchanged", "unchanged"]
    assert store_snapshot(obs.home) == before


def test_a_changed_file_becomes_a_new_version_and_the_old_one_stays(
    mirror: Callable[..., Path],
    tmp_path: Path,
) -> None:
    root = mirror((2022,))
    obs = Observatory(home=tmp_path / "home")
    obs.ingest("all", mirror=root)
    path = root / "egov" / "EGOV_DATA_2022.csv"
    text = path.read_text(encoding="utf-8")
    assert '2022,"Kazakhstan ",28,0.86280' in text
    path.write_text(
        text.replace('2022,"Kazakhstan ",28,0.86280', '2022,"Kazakhstan ",28,0.86290'),
        encoding="utf-8",
    )

    result = obs.ingest("all", mirror=root)

    assert [(r.status, r.version) for r in result] == [("new version", 2)]
    assert obs.egdi("KAZ").to_pylist()[-1]["egdi"] == 0.8629
    versions = [(r["edition"], r["version"], r["current"]) for r in obs.sources().to_pylist()]
    assert versions == [("2022", 2, True), ("2022", 1, False)]
    with Store(obs.store_path, read_only=True) as store:
        old = store.rows(
            "SELECT value FROM observations o JOIN sources s USING (source_id) "
            "WHERE s.version = 1 AND entity = 'KAZ' AND indicator = 'egov.egdi'"
        )
    assert old == [{"value": 0.8628}]


def test_a_failed_ingest_leaves_the_store_exactly_as_it_was(
    mirror: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = mirror((2020,))
    obs = Observatory(home=tmp_path / "home")
    obs.ingest("all", mirror=root)
    before = store_snapshot(obs.home)
    mirror((2020, 2022))
    real = Store._ingest_one
    calls = []

    def fail_on_second(self: Store, parsed, now):  # type: ignore[no-untyped-def]
        calls.append(parsed.provenance.edition)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(self, parsed, now)

    (root / "egov" / "EGOV_DATA_2020.csv").write_text(
        (root / "egov" / "EGOV_DATA_2020.csv")
        .read_text(encoding="utf-8")
        .replace("0.83750", "0.83760"),
        encoding="utf-8",
    )
    monkeypatch.setattr(Store, "_ingest_one", fail_on_second)
    with pytest.raises(OSError):
        obs.ingest("all", mirror=root)
    assert calls == ["2020", "2022"]
    assert store_snapshot(obs.home) == before


def test_sources_lists_full_provenance(ingested_home: Path, cli: Cli, egov_dir: Path) -> None:
    everything = Observatory(home=ingested_home).sources().to_pylist()
    rows = [r for r in everything if r["source"] == "un-egov"]
    assert sorted(r["edition"] for r in rows) == [
        "2003", "2004", "2005", "2008", "2010", "2012", "2014", "2016", "2018", "2020", "2022",
        "2024",
    ]  # fmt: skip
    assert {r["source"] for r in everything} >= {"un-egov", "unu-egov-countries"}
    kaz = next(r for r in rows if r["edition"] == "2020")
    assert kaz["publisher"].startswith("UN DESA")
    assert kaz["file_name"] == "EGOV_DATA_2020.csv"
    # The snapshot's manifest names where the file was retrieved from, and when.
    assert kaz["retrieved_from"] == "https://publicadministration.un.org/egovkb/en-us/Data-Center"
    assert kaz["released"] == "2020"
    assert kaz["url"].startswith("https://publicadministration.un.org/egovkb")
    assert "Cite" in kaz["licence"]
    assert len(kaz["sha256"]) == 64 and kaz["retrieved_at"] is not None
    assert kaz["observations"] == 193 * 6

    result = cli("sources", "--home", ingested_home, "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout.count("\nun-egov,") == 12


def test_the_first_query_in_an_empty_home_builds_the_store_from_the_snapshot(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INFOSOC_MIRROR", raising=False)
    home = tmp_path / "new home"
    result = cli("egdi", "KAZ", "--home", home, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[-1]["rank"] == 24
    # Built beside its place and moved there whole: nothing else is left in the home but
    # the writers' lock file (decision 0028).
    assert sorted(p.name for p in home.iterdir()) == [".infosoc.duckdb.lock", "infosoc.duckdb"]
    sources = Observatory(home=home).sources().to_pylist()
    assert {"un-egov", "worldbank", "owid", "cableco"} <= {r["source"] for r in sources}


def test_a_failed_first_build_leaves_no_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Store, files: object) -> None:
        raise StoreError("disk trouble")

    monkeypatch.setattr(Store, "ingest", broken)
    with pytest.raises(StoreError, match="disk trouble"):
        Observatory(home=tmp_path).egdi("KAZ")
    assert [p.name for p in tmp_path.iterdir()] == [".infosoc.duckdb.lock"]


def test_home_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, ingested_home: Path, cli: Cli
) -> None:
    monkeypatch.setenv("INFOSOC_HOME", str(ingested_home))
    assert Observatory().store_path == ingested_home / "infosoc.duckdb"
    result = cli("egdi", "KAZ", "--format", "json")
    assert result.exit_code == 0


def test_mirror_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, snapshot: Path, tmp_path: Path, cli: Cli
) -> None:
    monkeypatch.setenv("INFOSOC_MIRROR", str(snapshot))
    result = cli("ingest", "un-egov", "--home", tmp_path, "--edition", "2020", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1:] == ["un-egov,2020,EGOV_DATA_2020.csv,added,1,1158"]


@pytest.mark.slow
def test_a_store_locked_by_another_process_is_one_line_exit_2(
    ingested_home: Path, tmp_path: Path, cli: Cli
) -> None:
    import shutil
    import subprocess
    import sys

    home = tmp_path / "locked"
    shutil.copytree(ingested_home, home)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('locked', flush=True); time.sleep(60)", str(home / "infosoc.duckdb")],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        result = cli("egdi", "KAZ", "--home", home)
        assert result.exit_code == 2
        assert result.stderr.startswith(
            f"error: another program (pid {holder.pid}) holds the store at {home}"
        )
        assert len(result.stderr.strip().splitlines()) == 1
    finally:
        holder.kill()
        holder.wait()


def test_a_store_of_schema_1_is_upgraded(mirror: Callable[..., Path], tmp_path: Path) -> None:
    import duckdb

    obs = Observatory(home=tmp_path / "home")
    obs.ingest("all", mirror=mirror((2022,)))
    con = duckdb.connect(str(obs.store_path))
    con.execute("DROP TABLE entities")
    con.execute("CREATE TABLE entities (iso3 VARCHAR PRIMARY KEY, name_en VARCHAR)")
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.close()
    Store(obs.store_path).close()
    with Store(obs.store_path, read_only=True) as store:
        assert store.rows("SELECT kind FROM entities WHERE code = 'KAZ'") == [{"kind": "country"}]
        assert store.rows("SELECT value FROM meta") == [{"value": "3"}]
        labels = store.rows("SELECT label FROM indicators WHERE indicator = 'egov.egdi'")
    assert labels == [{"label": "E-Government Development Index (EGDI)"}]


def _as_schema_2(path: Path) -> None:
    """Turn a store into one an infosoc of schema 2 wrote (no release dates, no breakdowns)."""
    con = duckdb.connect(str(path))
    for view in ("current_observations", "current_attributes", "current_sources"):
        con.execute(f"DROP VIEW {view}")
    con.execute("ALTER TABLE sources DROP COLUMN released")
    con.execute("ALTER TABLE observations DROP COLUMN breakdown")
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    con.close()


def test_a_store_of_schema_2_gains_release_dates_and_breakdowns(
    mirror: Callable[..., Path], tmp_path: Path
) -> None:

    obs = Observatory(home=tmp_path / "home")
    obs.ingest("all", mirror=mirror((2022,)))
    _as_schema_2(obs.store_path)
    obs.ingest("all", mirror=mirror((2020,)))
    with Store(obs.store_path, read_only=True) as store:
        assert store.rows("SELECT value FROM meta") == [{"value": "3"}]
        editions = store.rows("SELECT edition, released FROM sources ORDER BY edition")
    assert [e["edition"] for e in editions if e["edition"] in ("2020", "2022")] == ["2020", "2022"]
    assert [r["rank"] for r in obs.egdi("KAZ").to_pylist()] == [29, 28]


def test_a_store_of_schema_2_can_be_queried_at_once(
    mirror: Callable[..., Path], tmp_path: Path, cli: Cli
) -> None:

    obs = Observatory(home=tmp_path / "home")
    obs.ingest("all", mirror=mirror((2022,)))
    _as_schema_2(obs.store_path)
    # A query (read-only) on the store an older infosoc wrote: it is upgraded, then answered.
    result = cli("indicator", "KAZ", "-i", "egov.egdi", "--home", obs.home, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert [(r["period"], r["value"]) for r in json.loads(result.stdout)] == [("2022", 0.8628)]
    with Store(obs.store_path, read_only=True) as store:
        assert store.rows("SELECT value FROM meta") == [{"value": "3"}]


# Reading many times from one store -----------------------------------------------------------
CODES = ("IT.NET.USER.ZS", "SP.POP.TOTL", "owid.internet_users", "egov.egdi")


def _answers(store: Store) -> list[list[dict[str, object]]]:
    return [
        store.series(code, entities, countries_only=only)
        for code in CODES
        for entities in (None, ["KAZ", "UZB"], ["KAZ"])
        for only in (True, False)
    ]


def test_prefetched_series_equal_the_ones_asked_one_by_one(ingested_home: Path) -> None:
    path = Observatory(home=ingested_home).store_path
    with Store(path, read_only=True) as plain, Store(path, read_only=True) as prefetched:
        prefetched.prefetch_series(CODES)
        prefetched.prefetch_series(CODES, countries_only=False)
        prefetched.con.close()  # from here on, only what was prefetched can answer
        assert _answers(prefetched) == _answers(plain)
        assert any(len(rows) > 100 for rows in _answers(plain))  # whole indicators, not stubs


def test_a_remembered_answer_cannot_be_changed_by_its_caller(ingested_home: Path) -> None:
    with Store(Observatory(home=ingested_home).store_path, read_only=True) as store:
        store.prefetch_series(["SP.POP.TOTL"])
        store.series("IT.NET.USER.ZS", ["KAZ"])
        store.con.close()  # the answers below come from memory, or not at all
        for _ in range(2):
            first = store.series("IT.NET.USER.ZS", ["KAZ"])
            first[0]["value"] = -1.0
            first.append({"entity": "XXX"})
            again = store.series("IT.NET.USER.ZS", ["KAZ"])
            assert again[0]["value"] != -1.0 and again[-1]["entity"] == "KAZ"
            pop = store.series("SP.POP.TOTL", ["KAZ"])
            pop[0]["value"] = -1.0
            assert store.series("SP.POP.TOTL", ["KAZ"])[0]["value"] != -1.0


def test_a_writable_store_answers_from_the_file_every_time(
    mirror: Callable[..., Path], tmp_path: Path
) -> None:
    obs = Observatory(home=tmp_path / "home")
    obs.ingest("un-egov", mirror=mirror((2020,)))
    with Store(obs.store_path) as store:
        store.prefetch_series(["egov.egdi"])  # kept by a read-only store only
        assert store.series("egov.egdi", ["KAZ"])
        assert store.rows("SELECT count(*) AS n FROM observations")[0]["n"] > 0
        store.con.execute("DELETE FROM observations")
        assert store.series("egov.egdi", ["KAZ"]) == []
        assert store.rows("SELECT count(*) AS n FROM observations")[0]["n"] == 0


def test_reading_shares_one_connection_and_closes_it(ingested_home: Path) -> None:
    obs = Observatory(home=ingested_home)
    with obs.reading() as store:
        with obs._store() as inner, obs.reading() as nested:
            assert inner is store and nested is store
        assert obs.egdi("KAZ")  # queries inside the block use it and leave it open
        store.rows("SELECT 1")
    with pytest.raises(duckdb.Error):
        store.rows("SELECT 2")  # closed at the end of the block
    with obs._store() as fresh:
        assert fresh is not store


def test_sources_shows_every_files_licence_and_release(ingested_home: Path, cli: Cli) -> None:
    result = cli("sources", "--home", ingested_home, "-f", "json")
    rows = json.loads(result.stdout)
    assert rows and all(r["licence"] and r["released"] for r in rows)
    licences = {r["source"]: r["licence"] for r in rows}
    assert "non-commercial" in licences["ookla-open-data"]
    assert licences["worldbank"].startswith("CC BY 4.0")
    table = cli("sources", "--home", ingested_home).stdout
    assert "Licence" in table and "Released" in table
