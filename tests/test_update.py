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
    monkeypatch.setattr(fetch_module.time, "sleep", lambda _seconds: None)
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
    assert len(lines) == 1 and lines[0].startswith("error:") and "ConnectError" in lines[0]
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
