"""Downloads from official sources into a cache that never keeps a partial file."""

from __future__ import annotations

import json
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from ..errors import SourceError
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


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def download(
    url: str,
    path: Path,
    *,
    client: httpx.Client | None = None,
    refresh: bool = False,
    sleep: float = BACKOFF_SECONDS,
) -> RawFile:
    """Fetch ``url`` into ``path`` (or reuse the cached copy), retrying with backoff.

    A timeout, a connection error or a 5xx answer is retried; a truncated body (shorter than
    its Content-Length) counts as a failure. Nothing is written unless the whole body arrived.
    """
    if not refresh and (hit := cached(path)) is not None:
        return hit
    own = client is None
    client = client or httpx.Client(timeout=TIMEOUT, follow_redirects=True)
    last = "no attempt made"
    try:
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
            if (
                expected is not None
                and expected.isdigit()
                and int(expected) != len(response.content)
            ):
                last = f"truncated download ({len(response.content)} of {expected} bytes)"
                continue
            when = datetime.now(UTC)
            _atomic_write(path, response.content)
            _atomic_write(
                _sidecar(path),
                json.dumps({"url": url, "retrieved_at": when.isoformat()}).encode(),
            )
            return RawFile(path=path, data=response.content, retrieved_at=when, retrieved_from=url)
    finally:
        if own:
            client.close()
    raise SourceError(f"{url}: failed after {RETRIES} attempts ({last})")
