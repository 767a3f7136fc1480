"""infosoc update: newer releases fetched online beside the shipped snapshot, and offline."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from infosoc import Observatory
from infosoc.sources import fetch as fetch_module
from infosoc.sources import un_egov

from .conftest import Cli, store_snapshot

Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def serve(monkeypatch: pytest.MonkeyPatch) -> Callable[[Handler], None]:
    """Answer every download with ``handler`` (no network), and do not wait between tries."""
    monkeypatch.delenv("INFOSOC_MIRROR", raising=False)
    monkeypatch.setenv(un_egov.URL_ENV, "https://un.test/EGOV_DATA_{year}.csv")
    monkeypatch.setenv("INFOSOC_HTTP_BACKOFF", "0")
    real_client = httpx.Client

    def install(handler: Handler) -> None:
        monkeypatch.setattr(
            fetch_module.httpx,
            "Client",
            lambda **kw: real_client(transport=httpx.MockTransport(handler)),
        )

    return install


@pytest.fixture
def home(tmp_path: Path, ingested_home: Path) -> Path:
    """A home whose store was built from the snapshot (a private copy)."""
    copy = tmp_path / "home"
    copy.mkdir()
    shutil.copyfile(ingested_home / "infosoc.duckdb", copy / "infosoc.duckdb")
    return copy


def test_a_newer_release_is_added_beside_the_snapshot_and_answers(
    home: Path, egov_dir: Path, serve: Callable[[Handler], None], cli: Cli
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        data = (egov_dir / request.url.path.rsplit("/", 1)[-1]).read_bytes()
        if request.url.path.endswith("2024.csv"):  # the UN corrects one value
            data = data.replace(b"0.90093", b"0.90123")
        return httpx.Response(200, content=data)

    serve(handler)
    result = cli("update", "un-egov", "--home", home, "-f", "json")
    assert result.exit_code == 0, result.stderr
    status = {r["edition"]: r["status"] for r in json.loads(result.stdout)}
    assert status.pop("2024") == "new version"
    assert set(status.values()) == {"unchanged"} and len(status) == 11
    obs = Observatory(home=home)
    assert obs.egdi("KAZ").to_pylist()[-1]["egdi"] == 0.90123
    versions = [r for r in obs.sources().to_pylist() if r["edition"] == "2024"]
    assert [(r["version"], r["current"]) for r in versions] == [(2, True), (1, False)]
    assert versions[0]["url"] == "https://un.test/EGOV_DATA_2024.csv"


def test_offline_it_fails_in_one_line_and_leaves_the_store_untouched(
    home: Path, serve: Callable[[Handler], None], cli: Cli
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Name or service not known", request=request)

    serve(handler)
    before = store_snapshot(home)
    result = cli("update", "--home", home)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "could not connect" in lines[0]
    assert store_snapshot(home) == before


def test_an_error_page_is_not_taken_for_a_release(
    home: Path, serve: Callable[[Handler], None], cli: Cli
) -> None:
    serve(lambda request: httpx.Response(200, content=b"<html>Service unavailable</html>"))
    before = store_snapshot(home)
    result = cli("update", "un-egov", "--home", home)
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert store_snapshot(home) == before


def test_a_source_without_a_download_is_refused(home: Path, cli: Cli) -> None:
    result = cli("update", "kz-bns-sdg", "--home", home)
    assert result.exit_code == 2
    assert "cannot be updated online" in result.stderr and "un-egov" in result.stderr


def test_update_in_an_empty_home_starts_from_the_snapshot(
    tmp_path: Path, egov_dir: Path, serve: Callable[[Handler], None]
) -> None:
    serve(lambda request: httpx.Response(
        200, content=(egov_dir / request.url.path.rsplit("/", 1)[-1]).read_bytes()
    ))  # fmt: skip
    obs = Observatory(home=tmp_path)
    results = obs.update("un-egov")
    assert {r.status for r in results} == {"unchanged"}
    # The snapshot's other sources are there too.
    assert "worldbank" in {r["source"] for r in obs.sources().to_pylist()}


def test_a_store_built_from_an_older_snapshot_takes_in_the_newer_one(home: Path, cli: Cli) -> None:
    import duckdb

    from infosoc.snapshot import snapshot_digest

    # As an older infosoc would have left it: without ITU's export, built from another snapshot.
    con = duckdb.connect(str(home / "infosoc.duckdb"))
    ids = [
        r[0]
        for r in con.execute(
            "SELECT source_id FROM sources WHERE source = 'itu-datahub'"
        ).fetchall()
    ]
    con.execute(f"DELETE FROM observations WHERE source_id IN ({', '.join(map(str, ids))})")
    con.execute("DELETE FROM sources WHERE source = 'itu-datahub'")
    con.execute("UPDATE meta SET value = 'an older snapshot' WHERE key = 'snapshot'")
    con.close()
    result = cli("indicator", "KAZ", "-i", "ITU.i911", "--home", home, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert ("2024", 127.085) in [(r["period"], r["value"]) for r in json.loads(result.stdout)]
    con = duckdb.connect(str(home / "infosoc.duckdb"), read_only=True)
    try:
        held = con.execute("SELECT value FROM meta WHERE key = 'snapshot'").fetchall()[0][0]
        versions = con.execute("SELECT max(version) FROM sources").fetchall()[0][0]
    finally:
        con.close()
    assert held == snapshot_digest()
    assert versions == 1  # the files already held are unchanged, not written again


def test_ingest_snapshot_brings_the_shipped_data_into_a_store_of_ones_own(
    tmp_path: Path, mirror: Callable[..., Path], cli: Cli
) -> None:
    home = tmp_path / "home"
    Observatory(home=home).ingest("all", mirror=mirror((2022,)))
    # A store of one's own files is never filled behind one's back.
    assert [r["year"] for r in Observatory(home=home).egdi("KAZ").to_pylist()] == [2022]
    result = cli("ingest", "snapshot", "--home", home, "-f", "json")
    assert result.exit_code == 0, result.stderr
    status = {(r["source"], r["edition"]): r["status"] for r in json.loads(result.stdout)}
    assert status[("un-egov", "2022")] == "unchanged"
    assert (
        status[("un-egov", "2024")] == "added"
        and status[("kz-bns-sdg", "SDG 17.8.1, Open SDG data 2024-10-09")] == "added"
    )
    assert len(Observatory(home=home).egdi("KAZ").to_pylist()) == 12
