"""Fault injection: every download against a local server that misbehaves (tests/faultserver.py).

A bad answer leaves nothing in the cache and ends in one line, exit 2; the next run against a
healthy server succeeds without --refresh. 429 with Retry-After and 500 are retried; a trickle
and a silent server fail within the policy's bounds. Small timeouts come from the settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infosoc import Observatory
from infosoc.sources import owid, un_egov, worldbank
from infosoc.sources.http import retry_after
from infosoc.sources.ookla_tiles import URL_ENV as TILES_ENV
from infosoc.sources.ookla_tiles import TileQuarter

from . import faultserver as fs
from .conftest import Cli

DATA = Path(__file__).parent / "data"
EGOV = "/egov/EGOV_DATA_2024.csv"
OWID = "/owid/share-of-individuals-using-the-internet.csv"
WB = "/v2/country/all/indicator/IT.NET.USER.ZS"
QUARTER = TileQuarter("fixed", 2023, 1)
TILES = "/type=fixed/year=2023/quarter=1/2023-01-01_performance_fixed_tiles.parquet"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[fs.FaultServer]:
    """A fault server the sources download from, with a policy small enough to stay quick:
    two attempts, no backoff, half a second of silence, 200 bytes a second at least."""
    monkeypatch.delenv("INFOSOC_MIRROR", raising=False)
    for name, value in {
        "INFOSOC_HTTP_TIMEOUT": "0.5",
        "INFOSOC_HTTP_CONNECT_TIMEOUT": "0.5",
        "INFOSOC_HTTP_ATTEMPTS": "2",
        "INFOSOC_HTTP_BACKOFF": "0",
        "INFOSOC_HTTP_MIN_RATE": "200",
        "INFOSOC_HTTP_RETRY_AFTER_MAX": "5",
    }.items():
        monkeypatch.setenv(name, value)
    with fs.FaultServer(deadline=20) as running:
        monkeypatch.setenv(un_egov.URL_ENV, running.url("/egov/EGOV_DATA_{year}.csv"))
        monkeypatch.setenv(owid.URL_ENV, running.url("/owid/{slug}.csv"))
        monkeypatch.setenv(worldbank.API_ENV, running.url("/v2"))
        monkeypatch.setenv(TILES_ENV, running.base)
        yield running


def cached_files(home: Path) -> list[Path]:
    return sorted(p for p in (home / "cache").rglob("*") if p.is_file())


def one_error(result: object) -> str:
    assert result.exit_code == 2, result.stdout  # type: ignore[attr-defined]
    lines = result.stderr.strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    assert "Traceback" not in result.stderr  # type: ignore[attr-defined]
    return str(lines[0])


@pytest.fixture(scope="module")
def egov_2024(snapshot: Path) -> bytes:
    return (snapshot / "egov" / "EGOV_DATA_2024.csv").read_bytes()


def _bad_answers(data: bytes) -> dict[str, tuple[fs.Answer, str, int]]:
    """Each bad answer, a words of the error it must give, and the requests it takes."""
    return {
        "html": (fs.html(), "an HTML page (text/html) where a CSV file was expected", 1),
        "empty": (fs.empty(), "the answer was empty", 2),
        "cut": (fs.cut(data, 500), "the connection closed before the whole answer arrived", 2),
        "cut-chunked": (
            fs.cut_chunked(data, 500),
            "the connection closed before the whole answer arrived",
            2,
        ),
        # HTTP sees a whole body; the parser sees a row cut short.
        "cut-unframed": (fs.cut_unframed(data, _mid_row(data)), "does not read as the source", 2),
        "not-the-file": (fs.ok(b"a,b\n1,2\n"), "does not read as the source's file", 2),
    }


def _mid_row(data: bytes) -> int:
    """A place in the middle of the third row, before its second comma."""
    third = data.index(b"\n", data.index(b"\n") + 1) + 1
    return data.index(b",", third) + 1


@pytest.mark.parametrize(
    "fault", ["html", "empty", "cut", "cut-chunked", "cut-unframed", "not-the-file"]
)
def test_a_bad_un_answer_keeps_nothing_and_the_next_run_succeeds(
    tmp_path: Path, server: fs.FaultServer, cli: Cli, egov_2024: bytes, fault: str
) -> None:
    home = tmp_path / "home"
    answer, words, requests = _bad_answers(egov_2024)[fault]
    server.script(EGOV, [answer])

    line = one_error(cli("ingest", "un-egov", "--edition", "2024", "--home", home))

    assert line.startswith(f"error: UN E-Government Survey 2024: {server.url(EGOV)}: ")
    assert words in line
    assert server.requests[EGOV] == requests
    assert cached_files(home) == []

    server.script(EGOV, [fs.ok(egov_2024)])
    result = cli("ingest", "un-egov", "--edition", "2024", "--home", home)
    assert result.exit_code == 0, result.stderr
    assert (home / "cache" / "un-egov" / "EGOV_DATA_2024.csv").read_bytes() == egov_2024


@pytest.mark.parametrize("fault", ["html", "empty", "cut-chunked"])
def test_a_bad_owid_answer_keeps_nothing(
    tmp_path: Path, server: fs.FaultServer, cli: Cli, snapshot: Path, fault: str
) -> None:
    data = (
        snapshot / "wdi" / "owid_share-of-individuals-using-the-internet_to2020.csv"
    ).read_bytes()
    home = tmp_path / "home"
    answer, words, _ = _bad_answers(data)[fault]
    server.script(OWID, [answer])
    slug = "share-of-individuals-using-the-internet"

    line = one_error(cli("ingest", "owid", "--edition", slug, "--home", home))
    assert words in line and server.url(OWID) in line
    assert cached_files(home) == []

    server.script(OWID, [fs.ok(data)])
    assert cli("ingest", "owid", "--edition", slug, "--home", home).exit_code == 0
    assert len(cached_files(home)) == 2  # the file and its retrieval record


@pytest.mark.parametrize(
    "first",
    [
        fs.status(429, {"Retry-After": "1"}),
        fs.status(503, {"Retry-After": "0"}),
        fs.status(429),
        fs.status(500),
    ],
    ids=["429-retry-after", "503-retry-after", "429", "500"],
)
def test_busy_and_failing_servers_are_retried(
    tmp_path: Path, server: fs.FaultServer, cli: Cli, first: fs.Answer
) -> None:
    body = (DATA / "worldbank" / "IT.NET.USER.ZS.json").read_bytes()
    server.script(WB, [first, fs.ok(body, "application/json")])
    home = tmp_path / "home"
    result = cli("ingest", "worldbank", "--edition", "IT.NET.USER.ZS", "--home", home)
    assert result.exit_code == 0, result.stderr
    assert server.requests[WB] == 2
    assert (home / "cache" / "worldbank" / "IT.NET.USER.ZS.json").is_file()


def test_a_retry_after_date_is_honoured(tmp_path: Path, server: fs.FaultServer, cli: Cli) -> None:
    body = (DATA / "worldbank" / "IT.NET.USER.ZS.json").read_bytes()
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=1), usegmt=True)
    server.script(WB, [fs.status(503, {"Retry-After": soon}), fs.ok(body, "application/json")])
    home = tmp_path / "home"
    result = cli("ingest", "worldbank", "--edition", "IT.NET.USER.ZS", "--home", home)
    assert result.exit_code == 0, result.stderr
    assert server.requests[WB] == 2


def test_a_retry_after_beyond_the_cap_fails_at_once_saying_when(
    tmp_path: Path, server: fs.FaultServer, cli: Cli
) -> None:
    server.script(WB, [fs.status(429, {"Retry-After": "3600"})])
    home = tmp_path / "home"
    line = one_error(cli("ingest", "worldbank", "--edition", "IT.NET.USER.ZS", "--home", home))
    assert "HTTP 429; the server asked to come back in 3600 s (at " in line
    assert "INFOSOC_HTTP_RETRY_AFTER_MAX (5 s)" in line
    assert server.requests[WB] == 1
    assert cached_files(home) == []


def test_other_client_errors_are_not_retried(
    tmp_path: Path, server: fs.FaultServer, cli: Cli
) -> None:
    server.script(EGOV, [fs.status(403)])
    line = one_error(cli("ingest", "un-egov", "--edition", "2024", "--home", tmp_path / "h"))
    assert "HTTP 403; not retried" in line
    assert server.requests[EGOV] == 1


def test_a_trickle_fails_on_the_minimum_rate(
    tmp_path: Path, server: fs.FaultServer, cli: Cli, egov_2024: bytes
) -> None:
    server.script(EGOV, [fs.trickle(egov_2024, every=0.05)])
    home = tmp_path / "home"
    line = one_error(cli("ingest", "un-egov", "--edition", "2024", "--home", home))
    assert "below the minimum rate of 200 bytes a second (INFOSOC_HTTP_MIN_RATE)" in line
    assert "failed after 2 attempts" in line
    assert server.requests[EGOV] == 2
    assert cached_files(home) == []


def test_an_answer_head_that_trickles_fails_at_its_deadline(
    tmp_path: Path, server: fs.FaultServer, cli: Cli
) -> None:
    server.script(EGOV, [fs.trickle_head(every=0.05)])
    line = one_error(cli("ingest", "un-egov", "--edition", "2024", "--home", tmp_path / "h"))
    assert "failed after 2 attempts (the server sent no complete answer within 1 s" in line
    assert server.requests[EGOV] == 2


def test_a_server_that_never_answers_is_given_up_saying_what_was_awaited(
    tmp_path: Path, server: fs.FaultServer, cli: Cli
) -> None:
    server.script(EGOV, [fs.silent()])
    home = tmp_path / "home"
    line = one_error(cli("ingest", "un-egov", "--edition", "2024", "--home", home))
    assert "failed after 2 attempts (the server sent nothing for 0.5 s" in line
    assert "(INFOSOC_HTTP_TIMEOUT) while an answer was awaited" in line
    assert server.requests[EGOV] == 2


def test_a_closed_port_is_a_connection_error(
    tmp_path: Path, server: fs.FaultServer, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv(un_egov.URL_ENV, f"http://127.0.0.1:{port}/EGOV_DATA_{{year}}.csv")
    line = one_error(cli("ingest", "un-egov", "--edition", "2024", "--home", tmp_path / "h"))
    assert "failed after 2 attempts (could not connect" in line


def test_tiles_html_keeps_nothing_then_a_healthy_server_serves(
    tmp_path: Path, server: fs.FaultServer, cli: Cli
) -> None:
    from tests.synthetic_tiles import synthetic_tiles, write_tiles

    home = tmp_path / "home"
    server.script(TILES, [fs.html()])
    line = one_error(cli("divide", "tiles", "--period", "2023-Q1", "--home", home))
    assert "an HTML page (text/html) where a Parquet file was expected" in line
    assert cached_files(home) == []

    path = tmp_path / "tiles.parquet"
    write_tiles(synthetic_tiles(50, seed=5, year=2023), path)
    server.script(TILES, [fs.ok(path.read_bytes(), "application/octet-stream")])
    result = cli("divide", "tiles", "--period", "2023-Q1", "--home", home, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert (home / "cache" / QUARTER.relative_path).read_bytes() == path.read_bytes()


def test_tiles_that_trickle_fail_and_keep_no_tile_file(
    tmp_path: Path, server: fs.FaultServer, cli: Cli
) -> None:
    home = tmp_path / "home"
    server.script(TILES, [fs.trickle(b"PAR1" * 1000, every=0.05)])
    line = one_error(cli("divide", "tiles", "--period", "2023-Q1", "--home", home))
    assert "below the minimum rate" in line
    # Each try got a few bytes further, and a resumed trickle is still a failed attempt.
    assert server.requests[TILES] == 2
    assert not (home / "cache" / QUARTER.relative_path).exists()


def test_the_python_api_retries_and_reports_bytes(
    tmp_path: Path, server: fs.FaultServer, egov_2024: bytes
) -> None:
    server.script(EGOV, [fs.status(500), fs.ok(egov_2024)])
    seen: list[tuple[int, int | None, str]] = []
    obs = Observatory(home=tmp_path / "home")
    results = obs.ingest(
        "un-egov", editions=["2024"], progress=lambda d, t, w: seen.append((d, t, w))
    )
    assert [r.edition for r in results] == ["2024"]
    assert server.requests[EGOV] == 2
    assert (len(egov_2024), len(egov_2024), "un-egov 2024") in seen
    assert any("HTTP 500; trying again (attempt 2 of 2)" in w for _, _, w in seen)


def test_a_cached_copy_that_no_longer_reads_names_its_path_and_the_refresh(
    tmp_path: Path, server: fs.FaultServer, cli: Cli, egov_2024: bytes
) -> None:
    home = tmp_path / "home"
    stale = home / "cache" / "un-egov" / "EGOV_DATA_2024.csv"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"<html>kept by an older infosoc</html>\n")
    stale.with_name(stale.name + ".meta.json").write_text(
        '{"url": "https://example.test/x.csv", "retrieved_at": "2025-01-01T00:00:00+00:00"}'
    )
    server.script(EGOV, [fs.ok(egov_2024)])

    line = one_error(cli("ingest", "un-egov", "--edition", "2024", "--home", home))
    assert line.startswith(f"error: cached download {stale} (run again with --refresh")
    assert server.requests[EGOV] == 0

    result = cli("ingest", "un-egov", "--edition", "2024", "--home", home, "--refresh")
    assert result.exit_code == 0, result.stderr
    assert stale.read_bytes() == egov_2024


def test_an_unreadable_retrieval_record_means_download_again(
    tmp_path: Path, server: fs.FaultServer, cli: Cli, egov_2024: bytes
) -> None:
    home = tmp_path / "home"
    kept = home / "cache" / "un-egov" / "EGOV_DATA_2024.csv"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(egov_2024)
    kept.with_name(kept.name + ".meta.json").write_text("{not json")
    server.script(EGOV, [fs.ok(egov_2024)])
    assert cli("ingest", "un-egov", "--edition", "2024", "--home", home).exit_code == 0
    assert server.requests[EGOV] == 1


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("INFOSOC_HTTP_TIMEOUT", "abc"),
        ("INFOSOC_HTTP_TIMEOUT", "0"),
        ("INFOSOC_HTTP_CONNECT_TIMEOUT", "nan"),
        ("INFOSOC_HTTP_TOTAL_TIMEOUT", "inf"),
        ("INFOSOC_HTTP_MIN_RATE", "-1"),
        ("INFOSOC_HTTP_ATTEMPTS", "0"),
        ("INFOSOC_HTTP_ATTEMPTS", "2.5"),
        ("INFOSOC_HTTP_BACKOFF", "1e9"),
        ("INFOSOC_HTTP_BACKOFF", "1_0"),
        ("INFOSOC_HTTP_TIMEOUT", "\u0661"),  # ARABIC-INDIC DIGIT ONE
        ("INFOSOC_HTTP_RETRY_AFTER_MAX", "soon"),
    ],
)
def test_a_bad_setting_is_refused_naming_it(
    tmp_path: Path,
    server: fs.FaultServer,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    value: str,
) -> None:
    monkeypatch.setenv(name, value)
    server.script(EGOV, [fs.status(500)])
    line = one_error(cli("ingest", "un-egov", "--edition", "2024", "--home", tmp_path / "h"))
    assert line.startswith(f"error: {name} must be ") and repr(value) in line
    assert server.requests[EGOV] == 0


def test_a_bad_address_template_is_refused_naming_it(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INFOSOC_MIRROR", raising=False)
    monkeypatch.setenv(un_egov.URL_ENV, "http://127.0.0.1:9/{edition}.csv")
    line = one_error(cli("ingest", "un-egov", "--edition", "2024", "--home", tmp_path / "h"))
    assert line.startswith(f"error: {un_egov.URL_ENV} must be an address with {{year}}")


@given(st.text(max_size=60))
def test_any_retry_after_is_a_wait_or_none(text: str) -> None:
    now = datetime(2026, 12, 8, tzinfo=UTC)
    wait = retry_after(text, now)
    assert wait is None or wait >= 0


def test_retry_after_reads_seconds_and_dates() -> None:
    now = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)
    assert retry_after("120", now) == 120
    assert retry_after("Tue, 08 Dec 2026 12:01:30 GMT", now) == 90
    assert retry_after("Tue, 08 Dec 2026 11:00:00 GMT", now) == 0
    assert retry_after("soon", now) is None and retry_after(None, now) is None


def test_a_cache_that_cannot_be_written_is_one_line(
    tmp_path: Path, server: fs.FaultServer, cli: Cli, egov_2024: bytes
) -> None:
    home = tmp_path / "home"
    in_the_way = home / "cache" / "un-egov" / "EGOV_DATA_2024.csv"
    in_the_way.mkdir(parents=True)  # a folder where the file goes
    server.script(EGOV, [fs.ok(egov_2024)])
    line = one_error(cli("ingest", "un-egov", "--edition", "2024", "--home", home))
    assert line.startswith(f"error: {in_the_way}: the download cannot be written to the cache")
    assert sorted(p.name for p in in_the_way.parent.iterdir()) == ["EGOV_DATA_2024.csv"]


def test_a_partial_answer_to_a_plain_request_is_refused(
    tmp_path: Path, server: fs.FaultServer, cli: Cli, egov_2024: bytes
) -> None:
    server.script(EGOV, [fs.Answer("whole", egov_2024[:2000], status=206)])
    line = one_error(cli("ingest", "un-egov", "--edition", "2024", "--home", tmp_path / "h"))
    assert "unexpected HTTP 206; not retried" in line
    assert cached_files(tmp_path / "h") == []


def test_a_cached_tile_file_that_is_not_one_names_its_path_and_the_cure(
    tmp_path: Path, server: fs.FaultServer, cli: Cli
) -> None:
    home = tmp_path / "home"
    kept = home / "cache" / QUARTER.relative_path
    kept.parent.mkdir(parents=True)
    kept.write_bytes(fs.HTML_PAGE)
    kept.with_name(kept.name + ".meta.json").write_text("{}")
    line = one_error(cli("divide", "tiles", "--period", "2023-Q1", "--home", home))
    assert line.startswith(f"error: cached download {kept} (delete the file to download it again)")
    assert server.requests[TILES] == 0
