"""Downloads from official sources into a cache that never keeps a partial file."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx

from ..errors import SourceError
from ..files import write_atomically
from .base import RawFile

RETRIES = 3
BACKOFF_SECONDS = 1.0
TIMEOUT = httpx.Timeout(30.0, connect=10.0)


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".meta.json")


def cached(path: Path) -> RawFile | None:
    """A file already in the cache, with the retrieval time recorded when it was downloaded."""
    meta_path = _sidecar(path)
    if not (path.is_file() and meta_path.is_file()):
        return None
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    return RawFile(
        path=path,
        data=path.read_bytes(),
        retrieved_at=datetime.fromisoformat(meta["retrieved_at"]),
        retrieved_from=meta["url"],
    )


def save_to_cache(path: Path, data: bytes, url: str) -> RawFile:
    """Write a complete download and its retrieval record; never a partial file."""
    when = datetime.now(UTC)
    write_atomically(path, data)
    record = {"url": url, "retrieved_at": when.isoformat()}
    write_atomically(_sidecar(path), json.dumps(record).encode())
    return RawFile(path=path, data=data, retrieved_at=when, retrieved_from=url)


def get_with_retries(
    client: httpx.Client,
    url: str,
    *,
    sleep: float = BACKOFF_SECONDS,
    check: Callable[[bytes], str | None] | None = None,
) -> bytes:
    """The body at ``url``, retrying a timeout, a connection error, a 5xx answer, a truncated
    body (shorter than its Content-Length) or a body that ``check`` rejects (it returns why).

    A 4xx answer is not retried. After the last attempt the error says what went wrong.
    """
    last = "no attempt made"
    for attempt in range(RETRIES):
        if attempt:
            time.sleep(sleep * 2 ** (attempt - 1))
        try:
            response = client.get(url)
        except httpx.HTTPError as exc:
            last = f"{type(exc).__name__}: {exc}"
            continue
        if response.status_code >= 500:
            last = f"HTTP {response.status_code}"
            continue
        if response.status_code >= 400:
            raise SourceError(f"{url}: HTTP {response.status_code}; not retried")
        expected = response.headers.get("content-length")
        # Content-Length counts the bytes on the wire (compressed when the server gzips).
        received = response.num_bytes_downloaded or len(response.content)
        if expected is not None and expected.isdigit() and int(expected) != received:
            last = f"truncated download ({received} of {expected} bytes)"
            continue
        problem = check(response.content) if check else None
        if problem:
            last = problem
            continue
        return response.content
    raise SourceError(f"{url}: failed after {RETRIES} attempts ({last})")


def download(
    url: str,
    path: Path,
    *,
    client: httpx.Client | None = None,
    refresh: bool = False,
    sleep: float = BACKOFF_SECONDS,
) -> RawFile:
    """Fetch ``url`` into ``path`` (or reuse the cached copy), retrying with backoff."""
    if not refresh and (hit := cached(path)) is not None:
        return hit
    own = client is None
    client = client or httpx.Client(timeout=TIMEOUT, follow_redirects=True)
    try:
        data = get_with_retries(client, url, sleep=sleep)
    finally:
        if own:
            client.close()
    return save_to_cache(path, data, url)
