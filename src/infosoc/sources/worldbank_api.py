"""Downloads from the World Bank API v2: addresses, pages, retries and the combined answer.

An indicator comes page by page; every page is fetched (retried as every download is, and on
malformed JSON too) before one answer of one page is written to the cache, so the cache never
holds part of an indicator. The metadata is loaded by worldbank.py, which hands it to ``Api``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, SourceError
from ..structured import load_json
from .base import RawFile
from .worldbank_files import api_message, header_count, is_error_answer

if TYPE_CHECKING:
    import httpx


def _json_problem(body: bytes) -> str | None:
    # A body cut short without a Content-Length shows up as bad JSON: retry it.
    try:
        load_json(body, file=None)
    except InputError as exc:
        return f"malformed JSON ({' '.join(exc.reason.split())})"
    return None


def _get_json(client: httpx.Client, url: str, sleep: float) -> Any:
    """The decoded JSON at ``url``, retried as every download is, and on malformed JSON too."""
    from .fetch import get_with_retries

    return load_json(get_with_retries(client, url, sleep=sleep, check=_json_problem), file=url)


class Api:
    """The API of the metadata's ``api_base``, ``api_path`` and ``per_page``.

    The environment variable ``env`` (when set) overrides ``api_base``.
    """

    def __init__(self, meta: Mapping[str, Any], env: str) -> None:
        self.meta = meta
        self.env = env

    def url(self, code: str, page: int | None = None) -> str:
        """The API address of an indicator, or of one of its pages."""
        base = (os.environ.get(self.env) or self.meta["api_base"]).rstrip("/")
        url = base + self.meta["api_path"].format(code=code)
        return url if page is None else f"{url}&per_page={self.meta['per_page']}&page={page}"

    def fetch(
        self,
        folder: Path,
        codes: list[str],
        *,
        client: httpx.Client | None,
        refresh: bool,
        sleep: float | None,
    ) -> list[RawFile]:
        """Each indicator as ``folder/<code>.json``: downloaded, or the cached copy reused."""
        from .fetch import BACKOFF_SECONDS, TIMEOUT, cached

        backoff = BACKOFF_SECONDS if sleep is None else sleep
        own: httpx.Client | None = None
        files: list[RawFile] = []
        try:
            for code in codes:
                target = folder / f"{code}.json"
                hit = None if refresh else cached(target)
                if hit is not None:
                    files.append(hit)
                    continue
                if client is None and own is None:
                    import httpx

                    own = httpx.Client(timeout=TIMEOUT, follow_redirects=True)
                active = client or own
                assert active is not None
                try:
                    files.append(self._download(active, code, target, backoff))
                except SourceError as exc:
                    raise SourceError(f"World Bank indicator {code}: {exc}") from exc
        finally:
            if own is not None:
                own.close()
        return files

    def _page(
        self, client: httpx.Client, code: str, page: int, sleep: float
    ) -> tuple[dict[str, Any], list[Any]]:
        url = self.url(code, page)
        doc = _get_json(client, url, sleep)
        if is_error_answer(doc):
            raise SourceError(f"the API answered with an error: {api_message(doc[0])}")
        if not (
            isinstance(doc, list)
            and len(doc) == 2
            and isinstance(doc[0], dict)
            and (doc[1] is None or isinstance(doc[1], list))
            and header_count(doc[0].get("pages")) is not None
            and header_count(doc[0].get("total")) is not None
        ):
            raise SourceError(f"{url}: not an API v2 answer (a list [header, records])")
        return doc[0], doc[1] or []

    def _download(self, client: httpx.Client, code: str, target: Path, sleep: float) -> RawFile:
        """Every page of one indicator, written to the cache as one answer of one page."""
        from .fetch import save_to_cache

        header, records = self._page(client, code, 1, sleep)
        pages, total = header_count(header["pages"]), header_count(header["total"])
        if not total or not records:
            raise SourceError("the API has no data for this indicator")
        for page in range(2, (pages or 1) + 1):
            records += self._page(client, code, page, sleep)[1]
        if len(records) != total:
            raise SourceError(f"{len(records)} records received, the API announced {total}")
        combined = [{**header, "page": 1, "pages": 1, "per_page": total, "total": total}, records]
        data = json.dumps(combined, ensure_ascii=False, separators=(",", ":")).encode()
        # Written only now that every page arrived: the cache never holds part of an indicator.
        return save_to_cache(target, data, self.url(code))
