"""Ookla's open-data tile files: naming, checking, reading to one schema, and resumable
downloads from a fake S3 server (httpx.MockTransport). No network; files only in tmp_path."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import ibis
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infosoc.divide.aggregate import read_tiles
from infosoc.errors import InputError, SourceError
from infosoc.sources.ookla_tiles import (
    KINDS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    TILE_SCHEMA,
    URL_ENV,
    TileQuarter,
    check_tiles_file,
)
from infosoc.sources.ookla_tiles_fetch import fetch_tiles, locate_tiles
from tests.synthetic_tiles import synthetic_tiles, write_tiles

BASE = "https://tiles.test/parquet/performance"
LATE = date(2030, 1, 1)  # a "today" by which every quarter used here has ended


@pytest.fixture(autouse=True)
def fake_base(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every URL points at the fake server, whatever the environment says."""
    monkeypatch.setenv(URL_ENV, BASE)


# --- naming -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "year", "quarter", "month"),
    [
        ("fixed", 2019, 1, "01"),
        ("mobile", 2020, 2, "04"),
        ("fixed", 2022, 3, "07"),
        ("mobile", 2023, 4, "10"),
    ],
)
def test_url_and_paths_of_each_quarter(
    monkeypatch: pytest.MonkeyPatch, kind: Any, year: int, quarter: int, month: str
) -> None:
    monkeypatch.delenv(URL_ENV)
    q = TileQuarter(kind, year, quarter)
    name = f"{year}-{month}-01_performance_{kind}_tiles.parquet"
    assert q.filename == name
    assert q.url == (
        "https://ookla-open-data.s3.amazonaws.com/parquet/performance/"
        f"type={kind}/year={year}/quarter={quarter}/{name}"
    )
    assert q.relative_path.as_posix() == (
        f"speed/ookla_open_data_tiles/type={kind}/year={year}/quarter={quarter}/{name}"
    )
    assert q.label == f"{kind} {year} Q{quarter}"


def test_the_example_path_and_an_overridden_base(monkeypatch: pytest.MonkeyPatch) -> None:
    q = TileQuarter("fixed", 2023, 1)
    assert q.relative_path.as_posix() == (
        "speed/ookla_open_data_tiles/type=fixed/year=2023/quarter=1/"
        "2023-01-01_performance_fixed_tiles.parquet"
    )
    monkeypatch.setenv(URL_ENV, "https://mirror.test/ookla/")  # a trailing slash is fine
    assert q.url == (
        "https://mirror.test/ookla/type=fixed/year=2023/quarter=1/"
        "2023-01-01_performance_fixed_tiles.parquet"
    )


quarters = st.builds(
    TileQuarter,
    st.sampled_from(KINDS),
    st.integers(2019, 2029),
    st.integers(1, 4),
    today=st.just(LATE),
)


@settings(deadline=None)
@given(quarters)
def test_any_quarter_round_trips_through_its_url_and_path(q: TileQuarter) -> None:
    assert TileQuarter.from_name(q.url, today=LATE) == q
    assert TileQuarter.from_name(str(q.relative_path), today=LATE) == q
    assert q.url.endswith(
        "/" + q.relative_path.relative_to("speed/ookla_open_data_tiles").as_posix()
    )
    # The file is dated by the quarter's first day, and the quarter ends three months on.
    first = date.fromisoformat(q.filename[:10])
    assert (
        first < q.ends <= LATE and (q.ends.year - first.year) * 12 + q.ends.month - first.month == 3
    )


@pytest.mark.parametrize(
    ("args", "today", "message"),
    [
        (("wifi", 2023, 1), None, "tile kind 'wifi': must be 'fixed' or 'mobile'"),
        (("fixed", 2018, 4), None, "year 2018: Ookla's open tiles start in 2019 Q1"),
        (("fixed", 2023, 0), None, "quarter 0: must be 1, 2, 3 or 4"),
        (("mobile", 2023, 5), None, "quarter 5: must be 1, 2, 3 or 4"),
        (("fixed", "2023", 1), None, "tile year '2023': must be a whole number"),
        (("fixed", 2023, True), None, "tile quarter True: must be a whole number"),
        (("fixed", 2026, 3), date(2026, 9, 30), "fixed 2026 Q3: the quarter has not ended"),
        (("mobile", 2026, 4), date(2026, 12, 31), "mobile 2026 Q4: the quarter has not ended"),
        (("fixed", 2999, 1), None, "fixed 2999 Q1: the quarter has not ended"),
    ],
)
def test_bad_quarters_are_one_line_input_errors(
    args: tuple[Any, Any, Any], today: date | None, message: str
) -> None:
    kind, year, quarter = args
    with pytest.raises(InputError) as caught:
        TileQuarter(kind, year, quarter, today=today)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_a_quarter_is_valid_from_the_day_after_it_ends() -> None:
    assert TileQuarter("fixed", 2026, 3, today=date(2026, 10, 1)).ends == date(2026, 10, 1)
    assert TileQuarter("mobile", 2026, 4, today=date(2027, 1, 1)).ends == date(2027, 1, 1)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("tiles.parquet", "is not named like an Ookla tile file"),
        ("2023-02-01_performance_fixed_tiles.parquet", "month 02 does not start a quarter"),
        ("2023-01-01_performance_wifi_tiles.parquet", "tile kind 'wifi'"),
    ],
)
def test_names_that_are_not_tile_files(name: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        TileQuarter.from_name(name)


# --- checking and reading -----------------------------------------------------------------


def tiles_file(path: Path, year: int | None = 2023, n: int = 200, seed: int = 3) -> Path:
    write_tiles(synthetic_tiles(n, seed=seed, year=year), path)
    return path


@pytest.mark.parametrize(
    ("year", "missing"),
    [
        (2019, OPTIONAL_COLUMNS),
        (2022, ("tile_x", "tile_y")),
        (2023, ()),
    ],
)
def test_check_reads_only_the_footer(tmp_path: Path, year: int, missing: tuple[str, ...]) -> None:
    path = tiles_file(tmp_path / f"{year}.parquet", year)
    info = check_tiles_file(path)
    assert info.rows == 200 and info.missing_optional == missing
    assert set(REQUIRED_COLUMNS) <= set(info.columns)
    assert info.size_bytes == path.stat().st_size
    assert info.sha256() == hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_year_reads_to_one_schema_with_nulls_not_zeros(tmp_path: Path) -> None:
    con = ibis.duckdb.connect()
    for year in (2019, 2022, 2023):
        path = tiles_file(tmp_path / f"{year}.parquet", year)
        source = pq.read_table(path)
        table = read_tiles(con, path)
        assert table.schema() == ibis.schema(TILE_SCHEMA)
        assert list(table.columns) == list(TILE_SCHEMA)
        got = table.to_pyarrow()
        assert got.num_rows == source.num_rows
        assert got["quadkey"].to_pylist() == source["quadkey"].to_pylist()
        assert got["avg_d_kbps"].to_pylist() == [float(v) for v in source["avg_d_kbps"].to_pylist()]
        assert got["tests"].to_pylist() == source["tests"].to_pylist()
        for column in ("avg_lat_down_ms", "avg_lat_up_ms"):
            if year < 2022:
                assert got[column].null_count == got.num_rows  # absent: null, never 0
            else:
                # Tiles without a loaded latency stay null too.
                assert got[column].null_count == source[column].null_count > 0
                assert pc.min(got[column]).as_py() > 0


def test_other_physical_types_read_to_the_same_schema(tmp_path: Path) -> None:
    table = synthetic_tiles(100, seed=5, year=2022)
    narrowed = table.cast(
        pa.schema(
            [
                pa.field(
                    f.name,
                    pa.large_string()
                    if f.name == "tile"
                    else pa.int32()
                    if pa.types.is_integer(f.type)
                    else f.type,
                )
                for f in table.schema
            ]
        )
    )
    narrowed = narrowed.set_column(0, "quadkey", pc.dictionary_encode(narrowed["quadkey"]))
    path = tmp_path / "narrow.parquet"
    write_tiles(narrowed, path)
    got = read_tiles(ibis.duckdb.connect(), path)
    assert got.schema() == ibis.schema(TILE_SCHEMA)
    assert got.to_pyarrow()["quadkey"].to_pylist() == table["quadkey"].to_pylist()


def bad_files(tmp_path: Path) -> dict[str, tuple[Path, str, str | None]]:
    """name -> (file, expected message, expected column)."""
    good = tiles_file(tmp_path / "good.parquet").read_bytes()
    cases: dict[str, tuple[bytes, str, str | None]] = {
        "csv": (b"quadkey,avg_d_kbps,tests\n0123,1,2\n", "is not a Parquet file", None),
        "html": (
            b"<?xml version='1.0'?><Error><Code>NoSuchKey</Code></Error>",
            "is not a Parquet file (it looks like an HTML page)",
            None,
        ),
        "truncated": (good[: len(good) // 2], "truncated: no footer", None),
        "damaged": (b"PAR1" + b"\x00" * 64 + b"PAR1", "is a damaged Parquet file", None),
        "empty": (b"", "the file is empty", None),
    }
    out = {}
    for name, (data, message, column) in cases.items():
        path = tmp_path / f"{name}.parquet"
        path.write_bytes(data)
        out[name] = (path, message, column)
    no_tests = tmp_path / "no_tests.parquet"
    write_tiles(synthetic_tiles(20, year=2023).drop_columns(["tests"]), no_tests)
    out["no_tests"] = (no_tests, "missing column 'tests'", "tests")
    no_counts = tmp_path / "no_counts.parquet"
    write_tiles(synthetic_tiles(20, year=2023).drop_columns(["tests", "devices"]), no_counts)
    out["no_counts"] = (no_counts, "missing columns 'tests', 'devices'", "tests")
    text_speed = tmp_path / "text_speed.parquet"
    table = synthetic_tiles(20, year=2023)
    i = table.schema.get_field_index("avg_d_kbps")
    write_tiles(table.set_column(i, "avg_d_kbps", pc.cast(table[i], pa.string())), text_speed)
    out["text_speed"] = (text_speed, "is string, should be a number", "avg_d_kbps")
    return out


def test_bad_files_name_the_file_and_the_column(tmp_path: Path) -> None:
    con = ibis.duckdb.connect()
    for name, (path, message, column) in bad_files(tmp_path).items():
        for check in (check_tiles_file, lambda p: read_tiles(con, p)):
            with pytest.raises(InputError) as caught:
                check(path)
            error = caught.value
            assert error.file == str(path), name
            assert message in str(error), (name, str(error))
            assert error.column == column, name
            if column:
                assert f"column '{column}'" in str(error)
            assert "\n" not in str(error)


def test_the_tile_table_in_memory_holds_the_read_columns_in_the_file_s_order(
    tmp_path: Path,
) -> None:
    from infosoc.sources import ookla_tiles

    for year in (2019, 2023):
        path = tiles_file(tmp_path / f"{year}.parquet", year)
        source = pq.read_table(path)
        table = ookla_tiles.tile_table(path)
        read = [c for c in TILE_SCHEMA if c in source.column_names]
        assert table.column_names == read  # no WKT polygons, no x and y
        assert table.equals(source.select(read))
    for path, message, _ in bad_files(tmp_path).values():
        with pytest.raises(InputError) as caught:
            ookla_tiles.tile_table(path)
        assert caught.value.file == str(path) and message in str(caught.value)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        check_tiles_file(tmp_path / "nothing.parquet")
    with pytest.raises(InputError, match="is a folder"):
        check_tiles_file(tmp_path)


# --- locating -----------------------------------------------------------------------------


def test_locate_prefers_the_mirror_then_a_complete_download(tmp_path: Path) -> None:
    q = TileQuarter("fixed", 2023, 1)
    mirror, cache = tmp_path / "mirror", tmp_path / "cache"
    assert locate_tiles(q, None, cache) is None
    cached = cache / q.relative_path
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"half")  # no sidecar: not known to be complete
    assert locate_tiles(q, mirror, cache) is None
    cached.with_name(cached.name + ".meta.json").write_text("{}")
    assert locate_tiles(q, mirror, cache) == cached
    mirrored = mirror / q.relative_path
    mirrored.parent.mkdir(parents=True)
    mirrored.write_bytes(b"x")
    assert locate_tiles(q, mirror, cache) == mirrored


# --- downloading --------------------------------------------------------------------------


@dataclass
class Server:
    """One tile file behind a fake S3: it honours Range and If-Range (unless ``ranges`` is
    False), and ``script`` makes successive requests misbehave: an exception is raised, a
    response is returned as is, and an int cuts the body after that many bytes."""

    data: bytes
    etag: str = '"v1"'
    ranges: bool = True
    extra: int = 0  # announce this many bytes more than there are
    script: list[Any] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)
    sent: int = 0

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handle))

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        action = self.script.pop(0) if self.script else None
        if isinstance(action, Exception):
            raise action
        if isinstance(action, httpx.Response):
            return action
        size = len(self.data) + self.extra
        headers = {"ETag": self.etag}
        start, status = 0, 200
        asked = request.headers.get("range")
        same = request.headers.get("if-range", self.etag) == self.etag
        if asked and self.ranges and same:
            start = int(asked.removeprefix("bytes=").removesuffix("-"))
            if start >= size:
                headers["Content-Range"] = f"bytes */{size}"
                return httpx.Response(416, headers=headers)
            status = 206
            headers["Content-Range"] = f"bytes {start}-{size - 1}/{size}"
        body = self.data[start:]
        headers["Content-Length"] = str(size - start)
        return httpx.Response(status, headers=headers, content=self.stream(body, action))

    def stream(self, body: bytes, cut: int | None) -> Iterator[bytes]:
        for i in range(0, len(body) if cut is None else cut, 1000):
            chunk = body[i : min(i + 1000, len(body) if cut is None else cut)]
            self.sent += len(chunk)
            yield chunk
        if cut is not None:
            raise httpx.ReadError("connection reset by peer")


QUARTER = TileQuarter("fixed", 2023, 1)


@pytest.fixture
def tile_bytes(tmp_path: Path) -> bytes:
    return tiles_file(tmp_path / "upstream.parquet", 2023, n=400).read_bytes()


def target(cache: Path) -> Path:
    return cache / QUARTER.relative_path


def leftovers(cache: Path) -> list[str]:
    """Files in the cache's tile folder other than a finished file and its sidecar."""
    folder = target(cache).parent
    done = {target(cache).name, target(cache).name + ".meta.json"}
    return sorted(p.name for p in folder.iterdir() if p.name not in done) if folder.is_dir() else []


def assert_complete(cache: Path, data: bytes, etag: str | None = '"v1"') -> None:
    path = target(cache)
    assert path.read_bytes() == data
    meta = json.loads(path.with_name(path.name + ".meta.json").read_text())
    assert meta["url"] == QUARTER.url
    assert meta["sha256"] == hashlib.sha256(data).hexdigest()
    assert meta["size"] == len(data) and meta["etag"] == etag
    assert datetime.fromisoformat(meta["retrieved_at"]).utcoffset() is not None
    assert leftovers(cache) == []


def test_full_download_with_progress(tmp_path: Path, tile_bytes: bytes) -> None:
    server, seen = Server(tile_bytes), []
    cache = tmp_path / "cache"
    got = fetch_tiles(
        QUARTER, cache, client=server.client(), progress=lambda d, t: seen.append((d, t)), sleep=0
    )
    assert got == target(cache)
    assert_complete(cache, tile_bytes)
    assert [str(r.url) for r in server.requests] == [QUARTER.url]
    assert "range" not in server.requests[0].headers
    assert seen[0] == (0, len(tile_bytes)) and seen[-1] == (len(tile_bytes), len(tile_bytes))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert locate_tiles(QUARTER, None, cache) == got


def test_a_complete_download_is_reused_without_a_request(tmp_path: Path, tile_bytes: bytes) -> None:
    cache = tmp_path / "cache"
    fetch_tiles(QUARTER, cache, client=Server(tile_bytes).client(), sleep=0)
    idle = Server(tile_bytes, script=[AssertionError("no request expected")])
    assert fetch_tiles(QUARTER, cache, client=idle.client(), sleep=0) == target(cache)
    assert idle.requests == []


def test_an_interrupted_transfer_resumes_where_it_stopped(
    tmp_path: Path, tile_bytes: bytes
) -> None:
    cut = len(tile_bytes) // 2
    server = Server(tile_bytes, script=[cut])
    cache = tmp_path / "cache"
    fetch_tiles(QUARTER, cache, client=server.client(), sleep=0)
    assert_complete(cache, tile_bytes)
    second = server.requests[1].headers
    assert second["range"] == f"bytes={cut}-" and second["if-range"] == '"v1"'
    assert server.sent == len(tile_bytes)  # nothing was sent twice


def test_a_later_run_resumes_the_part_file(tmp_path: Path, tile_bytes: bytes) -> None:
    cut = len(tile_bytes) // 3
    down = [httpx.ConnectError("down")] * 3
    cache = tmp_path / "cache"
    with pytest.raises(SourceError, match="failed after 4 attempts"):
        fetch_tiles(
            QUARTER, cache, client=Server(tile_bytes, script=[cut, *down]).client(), sleep=0
        )
    assert not target(cache).exists()
    assert leftovers(cache) == [
        target(cache).name + ".part",
        target(cache).name + ".part.json",
    ]
    server = Server(tile_bytes)
    fetch_tiles(QUARTER, cache, client=server.client(), sleep=0)
    assert_complete(cache, tile_bytes)
    assert server.requests[0].headers["range"] == f"bytes={cut}-"
    assert server.sent == len(tile_bytes) - cut


def test_a_file_changed_upstream_is_fetched_again_whole(tmp_path: Path, tile_bytes: bytes) -> None:
    cache = tmp_path / "cache"
    down = [httpx.ConnectError("down")] * 3
    with pytest.raises(SourceError):
        fetch_tiles(
            QUARTER, cache, client=Server(tile_bytes, script=[100, *down]).client(), sleep=0
        )
    new_bytes = tiles_file(tmp_path / "v2.parquet", 2023, n=300, seed=4).read_bytes()
    server = Server(new_bytes, etag='"v2"')
    fetch_tiles(QUARTER, cache, client=server.client(), sleep=0)
    assert server.requests[0].headers["if-range"] == '"v1"'
    assert_complete(cache, new_bytes, etag='"v2"')


def test_a_server_that_ignores_range_restarts_cleanly(tmp_path: Path, tile_bytes: bytes) -> None:
    cache = tmp_path / "cache"
    part = target(cache).with_name(target(cache).name + ".part")
    part.parent.mkdir(parents=True)
    part.write_bytes(b"left over from some earlier run" * 10)
    server = Server(tile_bytes, ranges=False)
    fetch_tiles(QUARTER, cache, client=server.client(), sleep=0)
    assert server.requests[0].headers["range"] == "bytes=310-"
    assert_complete(cache, tile_bytes)


def test_a_finished_but_unchecked_part_needs_no_bytes(tmp_path: Path, tile_bytes: bytes) -> None:
    cache = tmp_path / "cache"
    part = target(cache).with_name(target(cache).name + ".part")
    part.parent.mkdir(parents=True)
    part.write_bytes(tile_bytes)
    server = Server(tile_bytes)
    fetch_tiles(QUARTER, cache, client=server.client(), sleep=0)
    assert len(server.requests) == 1 and server.sent == 0  # answered 416: nothing left to send
    assert_complete(cache, tile_bytes, etag=None)


def test_server_errors_are_retried(tmp_path: Path, tile_bytes: bytes) -> None:
    server = Server(tile_bytes, script=[httpx.Response(503), httpx.ReadTimeout("slow")])
    cache = tmp_path / "cache"
    fetch_tiles(QUARTER, cache, client=server.client(), sleep=0)
    assert len(server.requests) == 3
    assert_complete(cache, tile_bytes)


def test_a_missing_file_is_not_retried(tmp_path: Path, tile_bytes: bytes) -> None:
    server = Server(tile_bytes, script=[httpx.Response(404)])
    with pytest.raises(SourceError) as caught:
        fetch_tiles(QUARTER, tmp_path / "cache", client=server.client(), sleep=0)
    assert str(caught.value).startswith(f"{QUARTER.url}: HTTP 404")
    assert len(server.requests) == 1
    assert not target(tmp_path / "cache").exists()


def test_a_size_mismatch_is_an_error_and_leaves_no_file(tmp_path: Path, tile_bytes: bytes) -> None:
    cache = tmp_path / "cache"
    server = Server(tile_bytes, extra=10)  # announces 10 bytes it never sends
    with pytest.raises(SourceError) as caught:
        fetch_tiles(QUARTER, cache, client=server.client(), sleep=0)
    message = str(caught.value)
    assert message.startswith(QUARTER.url + ": failed after")
    assert f"size mismatch ({len(tile_bytes)} bytes received of {len(tile_bytes) + 10})" in message
    assert "\n" not in message
    assert not target(cache).exists()
    assert locate_tiles(QUARTER, None, cache) is None


def test_a_body_longer_than_announced_is_thrown_away(tmp_path: Path, tile_bytes: bytes) -> None:
    cache = tmp_path / "cache"
    server = Server(tile_bytes, extra=-10)
    with pytest.raises(SourceError, match="size mismatch"):
        fetch_tiles(QUARTER, cache, client=server.client(), sleep=0)
    assert len(server.requests) == 3
    assert leftovers(cache) == [] and not target(cache).exists()


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<html><body>Access denied</body></html>", "is not a Parquet file"),
        (None, "column 'tests'"),
    ],
)
def test_a_download_that_is_not_a_tile_file_is_refused(
    tmp_path: Path, body: bytes | None, reason: str
) -> None:
    if body is None:
        path = tmp_path / "no_tests.parquet"
        write_tiles(synthetic_tiles(20, year=2023).drop_columns(["tests"]), path)
        body = path.read_bytes()
    cache = tmp_path / "cache"
    with pytest.raises(SourceError) as caught:
        fetch_tiles(QUARTER, cache, client=Server(body).client(), sleep=0)
    assert str(caught.value).startswith(f"{QUARTER.url}: the download is not a usable tile file")
    assert reason in str(caught.value)
    assert leftovers(cache) == [] and not target(cache).exists()


def test_a_tile_file_read_with_its_fingerprint(tmp_path: Path) -> None:
    from infosoc.sources.ookla_tiles import read_tile_file, tile_table

    path = tmp_path / "t.parquet"
    write_tiles(synthetic_tiles(1_000, seed=21), path)
    read = read_tile_file(path)
    assert read.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert read.table.equals(tile_table(path)) and read.path == path


def test_a_wrong_tile_file_read_with_its_fingerprint_is_one_input_error(tmp_path: Path) -> None:
    from infosoc.sources.ookla_tiles import read_tile_file

    (tmp_path / "t.parquet").write_text("not parquet")
    with pytest.raises(InputError, match=r"t\.parquet"):
        read_tile_file(tmp_path / "t.parquet")
    with pytest.raises(InputError, match=r"missing\.parquet"):
        read_tile_file(tmp_path / "missing.parquet")
