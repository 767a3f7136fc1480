"""Finding Ookla's open-data tile files in a data folder or the cache, and downloading them
resumably (HTTP ranges), checked before they are kept. ookla_tiles.py names and reads them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from ..errors import InputError, SourceError
from ..files import write_atomically
from ..settings import HttpSettings, http_settings
from ..structured import load_json, read_bytes
from . import http
from .fetch import _sidecar
from .http import Retry
from .ookla_tiles import (
    _RANGE,
    _UNSATISFIED,
    TileFileInfo,
    TileQuarter,
    check_tiles_file,
)

_RECORD_BYTES = 1 << 16  # a download's record: its address, ETag and size


def _complete(path: Path) -> bool:
    # The sidecar is written only after the file was checked and moved into place.
    return path.is_file() and _sidecar(path).is_file()


def check_located(path: Path, cache_dir: Path) -> TileFileInfo:
    """``check_tiles_file`` of a file :func:`locate_tiles` found; when it is a download in
    ``cache_dir`` (kept by an older infosoc, say), an error names it and how to refresh it."""
    try:
        return check_tiles_file(path)
    except InputError as exc:
        if not path.is_relative_to(cache_dir):
            raise
        raise InputError(
            f"cached download {path} (delete the file to download it again): {exc.reason}"
        ) from exc


def locate_tiles(quarter: TileQuarter, mirror: Path | None, cache_dir: Path) -> Path | None:
    """The quarter's file in the mirror if there, else a complete download in the cache."""
    if mirror is not None and (found := mirror / quarter.relative_path).is_file():
        return found
    cached = cache_dir / quarter.relative_path
    return cached if _complete(cached) else None


@dataclass
class _Partial:
    """A download in progress: the ``.part`` file and what the server said of the whole file.

    The record sits beside the part as ``<file>.part.json``, so that a later run resumes only
    the same version of the file (``If-Range`` with its ETag) and knows its full size.
    """

    part: Path
    url: str
    etag: str | None = None
    size: int | None = None

    @property
    def record(self) -> Path:
        return self.part.with_name(self.part.name + ".json")

    @property
    def have(self) -> int:
        return self.part.stat().st_size if self.part.is_file() else 0

    def load(self) -> None:
        try:
            saved = load_json(read_bytes(self.record, max_bytes=_RECORD_BYTES), file=None)
        except InputError:  # no record, or a damaged one: the download starts afresh
            return
        if isinstance(saved, dict) and saved.get("url") == self.url:
            self.etag, self.size = saved.get("etag"), saved.get("size")

    def remember(self, size: int | None) -> None:
        self.size = size
        record = {"url": self.url, "etag": self.etag, "size": size}
        write_atomically(self.record, json.dumps(record).encode())

    def start(self, etag: str | None, size: int | None) -> None:
        """A whole body is coming: forget the old bytes, record which version this is."""
        self.etag = etag
        self.remember(size)
        self.part.write_bytes(b"")

    def discard(self) -> None:
        self.part.unlink(missing_ok=True)
        self.record.unlink(missing_ok=True)
        self.etag = self.size = None


#: How many times a broken transfer that made progress is resumed without counting it as a
#: failed attempt.
_FREE_RESUMES = 100


def _int(text: str | None) -> int | None:
    return int(text) if text is not None and text.isdigit() else None


def _request_headers(partial: _Partial) -> dict[str, str]:
    # Byte ranges count the bytes as stored, so ask for them unencoded.
    headers = {"Accept-Encoding": "identity"}
    if partial.have:
        headers["Range"] = f"bytes={partial.have}-"
        if partial.etag:
            # The server sends the rest only if the file is still this version, else all of it.
            headers["If-Range"] = partial.etag
    return headers


def _already_whole(
    url: str, response: httpx.Response, partial: _Partial, policy: HttpSettings
) -> bool:
    """True if the answer says the part is the whole file; raises if it is not a 200 or 206
    (Retry when another request may cure it, as the HTTP policy says)."""
    status = response.status_code
    if status == 416:
        found = _UNSATISFIED.fullmatch(response.headers.get("content-range", ""))
        total = int(found[1]) if found else None
        if total is not None and total == partial.have and partial.size in (None, total):
            return True  # the part was finished but not checked, e.g. the run was stopped
        partial.discard()
        raise Retry("HTTP 416: the partial download does not fit the file; starting again")
    if status in (403, 404):
        raise SourceError(
            f"{url}: HTTP {status}; no such file (not published yet, or withdrawn); not retried"
        )
    http.check_status(url, response, policy)
    if status not in (200, 206):
        raise SourceError(f"{url}: unexpected HTTP {status}")
    return False


def _begin(response: httpx.Response, partial: _Partial) -> int | None:
    """Set up the part file for this answer's body; the full size, when the server says it."""
    etag = response.headers.get("etag")
    if response.status_code == 200:
        # A full body: the server ignored the range, or the file changed (If-Range).
        size = _int(response.headers.get("content-length"))
        partial.start(etag, size)
        return size
    found = _RANGE.fullmatch(response.headers.get("content-range", ""))
    if found is None or int(found[1]) != partial.have:
        partial.discard()
        raise Retry("the server sent a range other than the one asked for; starting again")
    total = _int(found[3])
    if (partial.size is not None and total != partial.size) or (
        partial.etag and etag and etag != partial.etag
    ):
        partial.discard()
        raise Retry("the file changed since the partial download; starting again")
    if partial.size is None and total is not None:
        partial.remember(total)
    return total


def _attempt(
    client: httpx.Client,
    url: str,
    partial: _Partial,
    progress: Callable[[int, int | None], None] | None,
    policy: HttpSettings,
    tally: http.Tally,
) -> None:
    """One request, appending to the part file; raises Retry if the file is not yet whole."""
    with http.request(client, url, tally, policy, _request_headers(partial)) as response:
        if _already_whole(url, response, partial, policy):
            return
        http.refuse_html(url, response.headers.get("content-type"), b"", "a Parquet file")
        total = _begin(response, partial)
        start = partial.have
        done = start
        if progress:
            progress(done, total)
        with partial.part.open("ab") as handle:
            # As the bytes arrive: a fixed chunk size would buffer, and lose, a chunk's worth
            # when the connection drops.
            for chunk in http.chunks(response, policy, raw=True):
                handle.write(chunk)
                done += len(chunk)
                if progress:
                    progress(done, total)
    if total is not None and done != total:
        if done > total:
            partial.discard()
        raise Retry(f"size mismatch ({done} bytes received of {total})")


def _download(
    client: httpx.Client,
    url: str,
    partial: _Partial,
    progress: Callable[[int, int | None], None] | None,
    sleep: float | None,
) -> None:
    """Bring the part file to the whole file, or raise SourceError.

    A broken transfer that still got further than any before it is resumed at once and not
    counted against the policy's attempts (up to ``_FREE_RESUMES`` times): on a flaky line a
    large file is then finished piece by piece. A transfer refused as too slow always counts,
    so a trickle cannot keep the download going for ever.
    """
    policy = http_settings()
    tally = http.Tally()
    free = _FREE_RESUMES

    def attempt() -> None:
        nonlocal free
        best = partial.have
        while True:
            try:
                _attempt(client, url, partial, progress, policy, tally)
                return
            except http.TooSlow:
                raise
            except (Retry, httpx.TransportError):
                if partial.have <= best or free <= 0:
                    raise
                best = partial.have
                free -= 1

    http.run(url, attempt, policy=policy, tally=tally, backoff=sleep)


def fetch_tiles(
    quarter: TileQuarter,
    cache_dir: Path,
    *,
    client: httpx.Client | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    sleep: float | None = None,
) -> Path:
    """Download the quarter's file into ``cache_dir / quarter.relative_path``, or reuse it.

    The bytes go to ``<file>.part`` first, and a later call resumes it with a byte range. The
    file is moved to its name only once its size matches what the server announced and it is
    a Parquet file with the required columns; then ``<file>.meta.json`` records the URL,
    retrieval time, SHA-256, size and ETag. ``progress(done, total)`` is called as bytes
    arrive (``total`` is None when the server does not say). Requests follow the HTTP policy
    (sources/http.py); ``sleep`` is the first backoff, instead of ``$INFOSOC_HTTP_BACKOFF``.
    """
    final = cache_dir / quarter.relative_path
    if _complete(final):
        return final
    url = quarter.url
    partial = _Partial(part=final.with_name(final.name + ".part"), url=url)
    final.parent.mkdir(parents=True, exist_ok=True)
    if partial.part.is_file():
        partial.load()
    with http.session(client, http_settings()) as active:
        _download(active, url, partial, progress, sleep)
    try:
        info = check_tiles_file(partial.part)
    except InputError as exc:
        partial.discard()  # a whole file that is wrong: resuming it cannot help
        where = f"column '{exc.column}' " if exc.column and exc.column not in exc.reason else ""
        raise SourceError(
            f"{url}: the download is not a usable tile file ({where}{exc.reason})"
        ) from exc
    retrieved_at = datetime.now(UTC)
    record = {
        "url": url,
        "retrieved_at": retrieved_at.isoformat(),
        "sha256": info.sha256(),
        "size": info.size_bytes,
        "etag": partial.etag,
    }
    os.replace(partial.part, final)
    partial.record.unlink(missing_ok=True)
    write_atomically(_sidecar(final), json.dumps(record).encode())
    return final
