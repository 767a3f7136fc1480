"""Downloads from the World Bank API v2: addresses, pages, retries and the combined answer.

An indicator comes page by page; every page is fetched (retried as every download is, and on
malformed JSON too) before one answer of one page is written to the cache, so the cache never
holds part of an indicator. The metadata is loaded by worldbank.py, which hands it to ``Api``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, SourceError
from ..structured import load_json
from .base import RawFile
from .worldbank_files import api_message, header_count, is_error_answer

if TYPE_CHECKING:
    import httpx

    from ..records import Progress


def _json_problem(body: bytes) -> str | None:
    # A body cut short without a Content-Length shows up as bad JSON: retry it.
    try:
        load_json(body, file=None)
    except InputError as exc:
        return f"malformed JSON ({' '.join(exc.reason.split())})"
    return None


def _get_json(
    client: httpx.Client | None,
    url: str,
    sleep: float | None,
    progress: Progress | None,
    label: str,
) -> Any:
    """The decoded JSON at ``url``, retried as every download is, and on malformed JSON too."""
    from .fetch import get_with_retries

    body = get_with_retries(
        client,
        url,
        sleep=sleep,
        check=_json_problem,
        expect="a JSON answer",
        progress=progress,
        label=label,
    )
    return load_json(body, file=url)


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
        parse: Callable[[RawFile], object] | None = None,
        progress: Progress | None = None,
    ) -> list[RawFile]:
        """Each indicator as ``folder/<code>.json``: downloaded, or the cached copy reused. A
        download is kept only if ``parse`` (the source's parser) reads the combined answer."""
        from .fetch import cached

        files: list[RawFile] = []
        for code in codes:
            target = folder / f"{code}.json"
            hit = None if refresh else cached(target)
            if hit is not None:
                files.append(hit)
                continue
            try:
                files.append(self._download(client, code, target, sleep, parse, progress))
            except SourceError as exc:
                raise SourceError(f"World Bank indicator {code}: {exc}") from exc
        return files

    def _page(
        self,
        client: httpx.Client,
        code: str,
        page: int,
        sleep: float | None,
        progress: Progress | None,
    ) -> tuple[dict[str, Any], list[Any]]:
        url = self.url(code, page)
        doc = _get_json(client, url, sleep, progress, f"worldbank {code} page {page}")
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

    def _download(
        self,
        client: httpx.Client | None,
        code: str,
        target: Path,
        sleep: float | None,
        parse: Callable[[RawFile], object] | None,
        progress: Progress | None,
    ) -> RawFile:
        """Every page of one indicator, written to the cache as one answer of one page."""
        from ..settings import http_settings
        from . import http
        from .fetch import parse_check, save_to_cache

        with http.session(client, http_settings()) as active:
            header, records = self._page(active, code, 1, sleep, progress)
            pages, total = header_count(header["pages"]), header_count(header["total"])
            if not total or not records:
                raise SourceError("the API has no data for this indicator")
            for page in range(2, (pages or 1) + 1):
                records += self._page(active, code, page, sleep, progress)[1]
        if len(records) != total:
            raise SourceError(f"{len(records)} records received, the API announced {total}")
        combined = [{**header, "page": 1, "pages": 1, "per_page": total, "total": total}, records]
        data = json.dumps(combined, ensure_ascii=False, separators=(",", ":")).encode()
        if parse is not None and (problem := parse_check(target, self.url(code), parse)(data)):
            raise SourceError(f"{self.url(code)}: {problem}; nothing kept")
        # Written only now that every page arrived: the cache never holds part of an indicator.
        return save_to_cache(target, data, self.url(code))
