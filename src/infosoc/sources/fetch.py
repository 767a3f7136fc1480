"""Downloads from official sources into a cache that keeps only checked, whole files.

Every download goes through sources/http.py (one policy: timeouts, a minimum rate, retries
with backoff). Before a file is kept it must be a whole 2xx answer, not an HTML page, not
empty, and parse with its source's own parser; a failed check keeps nothing, neither the file
nor its ``.meta.json`` sidecar, so the next run asks the server again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

import httpx

from ..errors import InfosocError, InputError
from ..files import write_atomically
from ..records import Progress
from . import http
from .base import RawFile

#: How to get a fresh copy of a cached file, for every error about one.
REFRESH_HINT = "run again with --refresh, or delete the file, to download it again"


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".meta.json")


def cached(path: Path) -> RawFile | None:
    """A file already in the cache, with the retrieval time recorded when it was downloaded.

    None when the file or its sidecar is missing, or the sidecar cannot be read (the sidecar is
    written last, so the file was never known to be whole): it is downloaded again. A file that
    cannot be read is an InputError naming it and how to refresh it."""
    meta_path = _sidecar(path)
    if not (path.is_file() and meta_path.is_file()):
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        retrieved_at = datetime.fromisoformat(meta["retrieved_at"])
        url = str(meta["url"])
    except (OSError, ValueError, TypeError, KeyError):
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(
            f"the cached copy cannot be read ({exc.strerror}); {REFRESH_HINT}", file=str(path)
        ) from exc
    return RawFile(path=path, data=data, retrieved_at=retrieved_at, retrieved_from=url)


def save_to_cache(path: Path, data: bytes, url: str) -> RawFile:
    """Write a complete download and its retrieval record; never a partial file."""
    when = datetime.now(UTC)
    record = {"url": url, "retrieved_at": when.isoformat()}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, data)
        write_atomically(_sidecar(path), json.dumps(record).encode())
    except OSError as exc:
        # Without its sidecar a file is never taken from the cache; remove it all the same.
        with suppress(OSError):
            _sidecar(path).unlink(missing_ok=True)
            path.unlink(missing_ok=True)
        raise InputError(
            f"the download cannot be written to the cache ({exc.strerror or exc}); check the "
            "folder's permissions and free space",
            file=str(path),
        ) from exc
    return RawFile(path=path, data=data, retrieved_at=when, retrieved_from=url)


def get_with_retries(
    client: httpx.Client | None,
    url: str,
    *,
    sleep: float | None = None,
    check: Callable[[bytes], str | None] | None = None,
    expect: str = "a data file",
    progress: Progress | None = None,
    label: str = "",
) -> bytes:
    """The body at ``url`` under the HTTP policy (sources/http.py): retried on a timeout, a
    connection error, a trickle, 5xx and 429 answers, an empty or truncated body, or a body
    that ``check`` rejects (it returns why); ``sleep`` is the first backoff in seconds, instead
    of ``$INFOSOC_HTTP_BACKOFF``. Other 4xx answers and HTML pages are not retried. After the
    last attempt the SourceError says what went wrong."""
    return http.get(
        url,
        expect=expect,
        client=client,
        check=check,
        backoff=sleep,
        progress=progress,
        label=label,
    )


def parse_check(
    path: Path, url: str, parse: Callable[[RawFile], object]
) -> Callable[[bytes], str | None]:
    """A body check that parses the bytes with the source's own parser, as if they were the
    file at ``path``: why it refuses them, or None."""

    def check(data: bytes) -> str | None:
        raw = RawFile(path=path, data=data, retrieved_at=datetime.now(UTC), retrieved_from=url)
        try:
            parse(raw)
        except InfosocError as exc:
            return f"the answer does not read as the source's file ({exc})"
        return None

    return check


def download(
    url: str,
    path: Path,
    *,
    client: httpx.Client | None = None,
    refresh: bool = False,
    sleep: float | None = None,
    parse: Callable[[RawFile], object] | None = None,
    expect: str = "a data file",
    progress: Progress | None = None,
    label: str = "",
) -> RawFile:
    """Fetch ``url`` into ``path`` (or reuse the cached copy unless ``refresh``), under the
    HTTP policy. The body is kept only once checked (see :func:`get_with_retries`) and, when
    ``parse`` is given (the source's parser), parsed as the file at ``path``; a body that fails
    leaves no file and no sidecar, and the SourceError names the address and why."""
    if not refresh and (hit := cached(path)) is not None:
        return hit
    check = parse_check(path, url, parse) if parse is not None else None
    data = get_with_retries(
        client, url, sleep=sleep, check=check, expect=expect, progress=progress, label=label
    )
    return save_to_cache(path, data, url)
