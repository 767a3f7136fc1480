"""World Bank World Development Indicators: API v2 answers and WDI CSV downloads.

Three layouts are read (see docs/sources/worldbank.md): the API v2 answer ``[header, records]``
(``fetch`` writes one combined file per indicator in it), the wide CSV of data.worldbank.org
(one column per year) and the long CSV written from the API (one row per economy, indicator
and year). Indicators keep their WDI codes ("IT.NET.USER.ZS"). Economies are countries when
their code is ISO 3166 alpha-3, or Kosovo (XKX) and the Channel Islands (CHI); every other
code is an aggregate (World, regions, income groups), kept apart under its own code.

This module is the source's interface; worldbank_files reads the layouts and worldbank_api
talks to the API, both with the metadata loaded here.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from . import worldbank_files
from .base import ParsedFile, RawFile, load_meta, provenance_of
from .worldbank_api import Api
from .worldbank_files import CODE as CODE
from .worldbank_files import YEAR as YEAR
from .worldbank_files import Rules, csv_layout
from .worldbank_files import is_iso3 as is_iso3

if TYPE_CHECKING:
    import httpx

META = load_meta(__file__)
NAME: str = META["name"]
API_ENV = "INFOSOC_WORLDBANK_API"
RULES = Rules.from_meta(META)
MISSING: tuple[str, ...] = RULES.missing
NON_ISO_COUNTRIES: dict[str, str] = RULES.non_iso_countries
AGGREGATE_IDS: dict[str, str] = RULES.aggregate_ids
WIDE_COLUMNS: list[str] = RULES.wide_columns
LONG_COLUMNS: dict[str, str] = RULES.long_columns
LONG_OPTIONAL: dict[str, str] = RULES.long_optional
API = Api(META, API_ENV)
_API_START = re.compile(rb'^\s*\[\s*\{[^{}\[\]]*"page"\s*:')

#: The entity code of an economy and its record unless it is an ISO country (also for OWID).
classify = RULES.classify
#: Label, unit and method of a WDI indicator (also for OWID).
indicator_meta = RULES.indicator_meta


class Collector(worldbank_files.Collector):
    """The observations of one file, its economies classified by this source's metadata."""

    def __init__(self, file: str) -> None:
        super().__init__(file, RULES)


def parse(raw: RawFile) -> ParsedFile:
    """Parse an API answer or a WDI CSV; any fault is an InputError naming file, row, column."""
    file = raw.path.name
    out = Collector(file)
    updated = worldbank_files.read(raw, out)
    codes = list(out.labels)
    online = raw.retrieved_from.startswith(("http://", "https://"))
    if online:
        url = raw.retrieved_from
    elif len(codes) == 1:
        url = META["indicator_url"].format(code=codes[0])
    else:
        url = META["landing_url"]
    shown = ", ".join(codes[:3]) + (f" and {len(codes) - 3} more" if len(codes) > 3 else "")
    title = f"{META['title']}: {shown}" + (f" (last updated {updated})" if updated else "")
    provenance = provenance_of(
        raw,
        source=NAME,
        edition=raw.path.stem,
        publisher=META["publisher"],
        title=title,
        url=url,
        licence=META["licence"],
    )
    return ParsedFile(
        provenance=provenance,
        observations=out.observations,
        indicators=[indicator_meta(code, label) for code, label in out.labels.items()],
        entities=list(out.entities.values()),
    )


# finding files ------------------------------------------------------------------------------
def _sniff_csv(path: Path) -> bool:
    """Whether a CSV file's header is one of the WDI layouts (only its start is read)."""
    try:
        with path.open("rb") as handle:
            start = handle.read(64 * 1024)
    except OSError:
        return False
    text = start.decode("utf-8-sig", errors="replace")
    lines = [line for line in text.splitlines()[:12] if line.strip()]
    for line in lines[:1] + [x for x in lines[1:] if x.lstrip('"').startswith("Country Name")]:
        fields = [f.strip() for f in next(csv.reader(io.StringIO(line)), [])]
        if csv_layout(fields):
            return True
    return False


def _sniff_json(path: Path) -> bool:
    """Whether a JSON file starts like an API v2 answer (sidecars and error answers do not)."""
    try:
        with path.open("rb") as handle:
            start = handle.read(4096)
    except OSError:
        return False
    return _API_START.match(start.removeprefix(b"\xef\xbb\xbf")) is not None


def find_files(mirror: Path) -> list[Path]:
    """WDI CSV files in ``mirror/wdi/`` and API answers in ``mirror/worldbank/``, by content.

    A file is taken for its header, whatever its name (``WDI_*.csv``, ``bipa_wb_*.csv``, the
    ``API_*.csv`` of data.worldbank.org); other CSV files there (OWID exports) are left alone.
    Without those folders, the mirror folder itself is searched.
    """
    csv_dir, json_dir = mirror / META["mirror_folder"], mirror / META["json_folder"]
    if not csv_dir.is_dir() and not json_dir.is_dir():
        csv_dir = json_dir = mirror
    found: list[Path] = []
    if csv_dir.is_dir():
        found += [p for p in sorted(csv_dir.glob("*.csv")) if p.is_file() and _sniff_csv(p)]
    if json_dir.is_dir():
        found += [p for p in sorted(json_dir.glob("*.json")) if p.is_file() and _sniff_json(p)]
    return found


# fetching -----------------------------------------------------------------------------------
def api_url(code: str, page: int | None = None) -> str:
    """The API address of an indicator (``$INFOSOC_WORLDBANK_API`` overrides the base)."""
    return API.url(code, page)


def fetch(
    cache: Path,
    editions: list[str] | None = None,
    *,
    client: httpx.Client | None = None,
    refresh: bool = False,
    sleep: float | None = None,
) -> list[RawFile]:
    """Download indicators (editions are WDI codes) into the cache, or reuse cached copies.

    Each indicator becomes ``cache/worldbank/<code>.json``; ``sleep`` is the first backoff in
    seconds (default ``fetch.BACKOFF_SECONDS``).
    """
    codes = [str(c).strip() for c in (editions or META["editions"])]
    for code in codes:
        if not CODE.fullmatch(code):
            raise InputError(f"'{code}' is not a World Bank indicator code")
    return API.fetch(cache / NAME, codes, client=client, refresh=refresh, sleep=sleep)
