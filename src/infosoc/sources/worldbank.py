"""World Bank World Development Indicators: API v2 answers, WDI CSV downloads and the bulk
download's country metadata.

Five layouts are read (see docs/sources/worldbank.md): the API v2 answer ``[header, records]``
(``fetch`` writes one combined file per indicator in it), the wide CSV of data.worldbank.org
(one column per year, with or without the "Data Source" lines before the header), the long
CSV written from the API (one row per economy, indicator and year), the plain long CSV
(``Country Name, Country Code, Year, Value``) and the country metadata (region and income
group of each economy). Indicators keep their WDI codes ("IT.NET.USER.ZS"). Economies are
countries when their code is ISO 3166 alpha-3, or Kosovo (XKX) and the Channel Islands (CHI);
every other code is an aggregate (World, regions, income groups), kept apart under its own code.
Each file is its own edition (its stem), released on the date the file states ("Last Updated
Date", ``lastupdated``) or, failing that, the one its folder's manifest gives.

This module is the source's interface; worldbank_files (rules, the API layout),
worldbank_csv (the CSV layouts) and worldbank_countries (country metadata) read the files and
worldbank_api talks to the API, all with the metadata loaded here.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from . import worldbank_csv, worldbank_files
from .base import ParsedFile, Provenance, RawFile, load_meta, provenance_of
from .plausible import checked_parse
from .worldbank_api import Api
from .worldbank_countries import read_countries
from .worldbank_csv import ISO_DATE, csv_layout
from .worldbank_files import CODE as CODE
from .worldbank_files import YEAR as YEAR
from .worldbank_files import Rules
from .worldbank_files import is_iso3 as is_iso3

if TYPE_CHECKING:
    import httpx

    from ..records import Progress

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
    """Parse an API answer, a WDI CSV or a country metadata file.

    Any fault is an InputError naming file, row and column, among them a value outside the
    plausible ``range`` of its indicator in the metadata.
    """
    file = raw.path.name
    out = Collector(file)
    if worldbank_files.is_json(raw):
        updated = worldbank_files.read_json(raw, out)
        released = updated if updated and ISO_DATE.fullmatch(updated) else None
    else:
        table = worldbank_csv.read_table(raw, RULES.wide_columns)
        updated, released = table.updated, table.released
        if table.layout == "countries":
            return _classification(raw, table)
        worldbank_csv.read_observations(raw, table, out)
    codes = list(out.labels)
    if _online(raw):
        url = raw.retrieved_from
    elif len(codes) == 1:
        url = META["indicator_url"].format(code=codes[0])
    else:
        url = META["landing_url"]
    shown = ", ".join(codes[:3]) + (f" and {len(codes) - 3} more" if len(codes) > 3 else "")
    title = f"{META['title']}: {shown}" + (f" (last updated {updated})" if updated else "")
    return ParsedFile(
        provenance=_provenance(raw, title, url, released),
        observations=out.observations,
        indicators=[indicator_meta(code, label) for code, label in out.labels.items()],
        entities=list(out.entities.values()),
    )


def _online(raw: RawFile) -> bool:
    return raw.retrieved_from.startswith(("http://", "https://"))


def _provenance(raw: RawFile, title: str, url: str, released: str | None) -> Provenance:
    return provenance_of(
        raw,
        source=NAME,
        edition=raw.path.stem,
        publisher=META["publisher"],
        title=title,
        url=url,
        licence=META["licence"],
        released=released,
    )


def _classification(raw: RawFile, table: worldbank_csv.Table) -> ParsedFile:
    """A country metadata file: attributes for the year of its release, and aggregates.

    The release is the file's own date, else its manifest's, else the retrieval date (a
    download holds the classification in force when it was made).
    """
    when = table.released or raw.released or raw.retrieved_at.date().isoformat()
    attributes, entities = read_countries(table, RULES, file=raw.path.name, period=when[:4])
    title = f"{META['title']}: country classification (regions and income groups, {when[:4]})"
    url = raw.retrieved_from if _online(raw) else META["landing_url"]
    return ParsedFile(
        provenance=_provenance(raw, title, url, table.released),
        entities=entities,
        attributes=attributes,
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
    """WDI CSV files in ``mirror/wdi/`` and its sub-folders, and API answers in
    ``mirror/worldbank/``, by content.

    A file is taken for its header, whatever its name (``WDI_*.csv``, ``bipa_wb_*.csv``, the
    ``API_*.csv`` and ``Metadata_Country_*.csv`` of data.worldbank.org, a plain long
    ``SP.POP.TOTL_*.csv``); other CSV files there (OWID exports) are left alone. Without those
    folders, the mirror folder itself is searched (not its sub-folders). Paths are sorted.
    """
    csv_dir, json_dir = mirror / META["mirror_folder"], mirror / META["json_folder"]
    pattern = "**/*.csv"
    if not csv_dir.is_dir() and not json_dir.is_dir():
        csv_dir = json_dir = mirror
        pattern = "*.csv"
    found: list[Path] = []
    if csv_dir.is_dir():
        found += [p for p in sorted(csv_dir.glob(pattern)) if p.is_file() and _sniff_csv(p)]
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
    progress: Progress | None = None,
) -> list[RawFile]:
    """Download indicators (editions are WDI codes) into the cache, or reuse cached copies.

    Each indicator becomes ``cache/worldbank/<code>.json``, kept only if it parses; ``sleep``
    is the first backoff in seconds (default ``$INFOSOC_HTTP_BACKOFF``); ``progress`` follows
    the bytes.
    """
    codes = [str(c).strip() for c in (editions or META["editions"])]
    for code in codes:
        if not CODE.fullmatch(code):
            raise InputError(f"'{code}' is not a World Bank indicator code")
    return API.fetch(
        cache / NAME,
        codes,
        client=client,
        refresh=refresh,
        sleep=sleep,
        parse=checked_parse(NAME, parse),
        progress=progress,
    )
