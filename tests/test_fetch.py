"""Downloads: retries, no partial files in the cache, and reuse of cached copies. No network."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from infosoc import SourceError
from infosoc.sources import un_egov
from infosoc.sources.fetch import cached, download

BODY = b"Survey Year,Country Name\n"


def client(*answers: object) -> tuple[httpx.Client, list[str]]:
    """A client whose successive requests get ``answers`` (a response or an exception)."""
    seen: list[str] = []
    queue = list(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        assert isinstance(answer, httpx.Response)
        return answer

    return httpx.Client(transport=httpx.MockTransport(handler)), seen


def test_server_errors_and_timeouts_are_retried(tmp_path: Path) -> None:
    c, seen = client(
        httpx.Response(503), httpx.ReadTimeout("slow"), httpx.Response(200, content=BODY)
    )
    raw = download("https://example.test/f.csv", tmp_path / "f.csv", client=c, sleep=0)
    assert raw.data == BODY and len(seen) == 3
    assert (tmp_path / "f.csv").read_bytes() == BODY
    assert cached(tmp_path / "f.csv") is not None


def test_repeated_failure_is_one_error_and_leaves_no_file(tmp_path: Path) -> None:
    c, _ = client(httpx.Response(500), httpx.Response(502), httpx.ConnectError("down"))
    with pytest.raises(SourceError, match="failed after 3 attempts"):
        download("https://example.test/f.csv", tmp_path / "f.csv", client=c, sleep=0)
    assert list(tmp_path.iterdir()) == []


def test_truncated_body_is_not_cached(tmp_path: Path) -> None:
    short = httpx.Response(200, content=BODY[:5], headers={"Content-Length": str(len(BODY))})
    c, _ = client(short, short, short)
    with pytest.raises(SourceError, match="truncated"):
        download("https://example.test/f.csv", tmp_path / "f.csv", client=c, sleep=0)
    assert list(tmp_path.iterdir()) == []


def test_client_errors_are_not_retried(tmp_path: Path) -> None:
    c, seen = client(httpx.Response(404))
    with pytest.raises(SourceError, match="HTTP 404"):
        download("https://example.test/f.csv", tmp_path / "f.csv", client=c, sleep=0)
    assert len(seen) == 1


def test_cached_copy_is_reused_with_its_retrieval_time(tmp_path: Path) -> None:
    c, seen = client(httpx.Response(200, content=BODY))
    first = download("https://example.test/f.csv", tmp_path / "f.csv", client=c, sleep=0)
    again = download("https://example.test/f.csv", tmp_path / "f.csv", client=c, sleep=0)
    assert len(seen) == 1
    assert again.retrieved_at == first.retrieved_at
    assert again.retrieved_from == "https://example.test/f.csv"


def test_un_egov_fetch_uses_the_url_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, egov_dir: Path
) -> None:
    monkeypatch.setenv(un_egov.URL_ENV, "https://mirror.test/egov/{year}.csv")
    data = (egov_dir / "EGOV_DATA_2022.csv").read_bytes()
    c, seen = client(httpx.Response(200, content=data))
    raws = un_egov.fetch(tmp_path, [2022], client=c)
    assert seen == ["https://mirror.test/egov/2022.csv"]
    parsed = un_egov.parse(raws[0])
    assert parsed.provenance.url == "https://mirror.test/egov/2022.csv"
    assert parsed.provenance.retrieved_from == "https://mirror.test/egov/2022.csv"


def test_ingest_online_downloads_every_edition_with_progress(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    egov_dir: Path,
) -> None:
    from infosoc import Observatory
    from infosoc.sources import fetch as fetch_module

    monkeypatch.delenv("INFOSOC_MIRROR", raising=False)
    monkeypatch.setenv(un_egov.URL_ENV, "https://mirror.test/EGOV_DATA_{year}.csv")

    def handler(request: httpx.Request) -> httpx.Response:
        name = request.url.path.rsplit("/", 1)[-1]
        path = egov_dir / name
        return (
            httpx.Response(200, content=path.read_bytes()) if path.exists() else httpx.Response(404)
        )

    real_client = httpx.Client
    monkeypatch.setattr(
        fetch_module.httpx,
        "Client",
        lambda **kw: real_client(transport=httpx.MockTransport(handler)),
    )
    steps: list[tuple[int, int | None, str]] = []
    obs = Observatory(home=tmp_path)
    results = obs.ingest(
        "un-egov",
        editions=[2020, 2022],
        progress=lambda done, total, what: steps.append((done, total, what)),
    )
    assert [r.edition for r in results] == ["2020", "2022"]
    said = [what for _, _, what in steps]
    assert [w for w in said if w.startswith("downloading")] == [
        "downloading un-egov 2020",
        "downloading un-egov 2022",
    ]
    # What is awaited, then the bytes as they arrive, before the edition is counted done.
    first = said.index("downloading un-egov 2020")
    assert said[0] == "un-egov 2020: waiting for mirror.test"
    size = (egov_dir / "EGOV_DATA_2020.csv").stat().st_size
    assert (size, size, "un-egov 2020") in steps[:first]
    assert (tmp_path / "cache" / "un-egov" / "EGOV_DATA_2022.csv").is_file()
    assert obs.sources().to_pylist()[0]["url"] == "https://mirror.test/EGOV_DATA_2022.csv"


def test_a_gzipped_body_is_checked_by_its_bytes_on_the_wire(tmp_path: Path) -> None:
    import gzip

    body = BODY * 40
    packed = gzip.compress(body)
    headers = {"Content-Encoding": "gzip", "Content-Length": str(len(packed))}
    whole = httpx.Response(200, stream=httpx.ByteStream(packed), headers=headers)
    c, _ = client(whole)
    assert (
        download("https://example.test/f.csv", tmp_path / "f.csv", client=c, sleep=0).data == body
    )
    cut = [
        httpx.Response(200, stream=httpx.ByteStream(packed[:20]), headers=headers) for _ in range(3)
    ]
    c, _ = client(*cut)
    with pytest.raises(SourceError, match="truncated"):
        download("https://example.test/g.csv", tmp_path / "g.csv", client=c, sleep=0)
    assert not (tmp_path / "g.csv").exists()


def test_an_html_page_is_refused_whatever_type_it_claims(tmp_path: Path) -> None:
    page = b"\n  <!DOCTYPE html><html><body>Maintenance</body></html>"
    c, seen = client(httpx.Response(200, content=page, headers={"Content-Type": "text/csv"}))
    with pytest.raises(SourceError, match="an HTML page where a CSV file was expected"):
        download("https://example.test/f.csv", tmp_path / "f.csv", client=c, expect="a CSV file")
    assert len(seen) == 1 and list(tmp_path.iterdir()) == []


def test_a_body_its_parser_refuses_is_not_kept(tmp_path: Path, egov_dir: Path) -> None:
    good = (egov_dir / "EGOV_DATA_2022.csv").read_bytes()
    bad = httpx.Response(200, content=good[: good.index(b"\n") + 1])  # the header only
    c, seen = client(bad, bad, bad)
    target = tmp_path / "EGOV_DATA_2022.csv"
    with pytest.raises(SourceError) as caught:
        download("https://example.test/f.csv", target, client=c, sleep=0, parse=un_egov.parse)
    assert "failed after 3 attempts (the answer does not read as the source's file" in str(
        caught.value
    )
    assert "header but no data rows" in str(caught.value)
    assert list(tmp_path.iterdir()) == []
    c, seen = client(bad, httpx.Response(200, content=good))
    raw = download("https://example.test/f.csv", target, client=c, sleep=0, parse=un_egov.parse)
    assert raw.data == good and len(seen) == 2 and cached(target) is not None
