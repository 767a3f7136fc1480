"""Our World in Data grapher exports (``owid_*.csv``) that redistribute WDI/ITU series.

Layout ``Entity, Code, Year, <value column>`` (the code column is ``iso_code`` in some files).
Value columns map to indicators through ``owid.meta.toml``, so a new column needs no code, and
an unknown one is refused rather than guessed. ISO3 codes are countries; ``OWID_KOS`` is
Kosovo (XKX); other ``OWID_*`` codes and empty codes are aggregates, kept apart. See
docs/sources/owid.md.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError, SourceError
from . import worldbank
from .base import (
    EntityRecord,
    IndicatorMeta,
    ParsedFile,
    RawFile,
    check_row_length,
    csv_rows,
    load_meta,
    parse_number,
    provenance_of,
)
from .plausible import checked_parse

if TYPE_CHECKING:
    import httpx

    from ..records import Progress

META = load_meta(__file__)
NAME: str = META["name"]
URL_ENV = "INFOSOC_OWID_URL"
ENTITY: str = META["entity_column"]
YEAR_COLUMN: str = META["year_column"]
CODE_COLUMNS: list[str] = list(META["code_columns"])
VALUE_COLUMNS: dict[str, str] = dict(META["value_columns"])
CODES: dict[str, str] = dict(META["codes"])
MISSING: tuple[str, ...] = tuple(META["missing"])
SLUG = re.compile(r"[a-z0-9-]+")


def slug(name: str) -> str:
    """A name folded to lower-case words joined by "-": "Latin America and Caribbean" ->
    "latin-america-and-caribbean"."""
    decomposed = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return re.sub(r"[\W_]+", "-", text).strip("-")


def entity(code: str, name: str) -> tuple[str, EntityRecord | None]:
    """The entity code of an OWID row, and its record unless it is an ISO country.

    An empty code (OWID's regions and income groups) becomes "owid:" + the name's slug.
    """
    code, name = code.strip(), name.strip()
    if not code:
        key = f"owid:{slug(name)}"
        return key, EntityRecord(key, "aggregate", name)
    if code in CODES:
        return worldbank.classify(CODES[code], name)
    if code.startswith("OWID_"):
        return code, EntityRecord(code, "aggregate", name or code)
    return worldbank.classify(code, name)


def indicator_meta(indicator: str) -> IndicatorMeta:
    """OWID's own indicators from this source's metadata; WDI codes as the World Bank labels
    them, so both sources describe a shared indicator the same way."""
    own = META["indicators"].get(indicator)
    if own is None:
        return worldbank.indicator_meta(indicator)
    return IndicatorMeta(indicator, own["label"], own["unit"], "year", method=own["method"])


def find_files(mirror: Path) -> list[Path]:
    """Every ``owid_*.csv`` in a mirror folder (or its ``wdi/`` sub-folder), by name."""
    folder = mirror / META["mirror_folder"]
    if not folder.is_dir():
        folder = mirror
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(META["file_glob"]) if p.is_file())


def download_url(chart: str) -> str:
    """The CSV address of a grapher chart (``$INFOSOC_OWID_URL`` overrides the template)."""
    template = os.environ.get(URL_ENV) or META["download_url"]
    try:
        return str(template).format(slug=chart)
    except (KeyError, IndexError, ValueError) as exc:
        raise InputError(
            f"{URL_ENV} must be an address with {{slug}} in it, not '{template}'"
        ) from exc


def fetch(
    cache: Path,
    editions: list[str] | None = None,
    *,
    client: httpx.Client | None = None,
    refresh: bool = False,
    progress: Progress | None = None,
) -> list[RawFile]:
    """Download grapher charts (editions are chart slugs) into the cache, or reuse them; a
    download is kept only if it parses (sources/fetch.py). ``progress`` follows the bytes."""
    from .fetch import download

    files = []
    for chart in [str(e).strip() for e in (editions or META["editions"])]:
        if not SLUG.fullmatch(chart):
            raise InputError(f"'{chart}' is not an Our World in Data chart name")
        target = cache / NAME / f"owid_{chart}.csv"
        try:
            got = download(
                download_url(chart),
                target,
                client=client,
                refresh=refresh,
                parse=checked_parse(NAME, parse),
                expect="a CSV file",
                progress=progress,
                label=f"{NAME} {chart}",
            )
            files.append(got)
        except SourceError as exc:
            raise SourceError(f"Our World in Data chart {chart}: {exc}") from exc
    return files


def _columns(header: list[str], file: str) -> tuple[int, int, int, list[tuple[int, str]]]:
    """Positions of the entity, code and year columns, and the value columns with theirs."""
    at = {h: i for i, h in enumerate(header)}
    code_column = next((c for c in CODE_COLUMNS if c in at), None)
    if code_column is None:
        names = " or ".join(f"'{c}'" for c in CODE_COLUMNS)
        raise InputError(f"missing column {names}", file=file, row=1, column=CODE_COLUMNS[0])
    for column in (ENTITY, YEAR_COLUMN):
        if column not in at:
            raise InputError(f"missing column '{column}'", file=file, row=1, column=column)
    fixed = (at[ENTITY], at[code_column], at[YEAR_COLUMN])
    values = [(i, h) for i, h in enumerate(header) if i not in fixed]
    if not values:
        raise InputError("no value column", file=file, row=1, column=header[-1])
    for _, column in values:
        if column not in VALUE_COLUMNS:
            raise InputError(
                f"unknown value column '{column}': map it to an indicator in owid.meta.toml",
                file=file,
                row=1,
                column=column,
            )
    return *fixed, values


def parse(raw: RawFile) -> ParsedFile:
    """Parse one export into observations; any fault is an InputError naming file, row, column."""
    file = raw.path.name
    header, rows = csv_rows(raw)
    entity_at, code_at, year_at, value_at = _columns(header, file)
    if not rows:
        raise InputError("the file has a header but no data rows", file=file, row=2)
    code_column = header[code_at]
    out = worldbank.Collector(file)
    codes: dict[tuple[str, str], str] = {}
    for line, fields in rows:
        check_row_length(fields, header, file=file, row=line)
        key = (fields[code_at], fields[entity_at])
        code = codes.get(key)
        if code is None:
            if not key[0].strip() and not slug(key[1]):
                raise InputError(
                    "row has neither a code nor an entity name",
                    file=file,
                    row=line,
                    column=code_column,
                )
            try:
                code, record = entity(*key)
            except ValueError as exc:
                raise InputError(str(exc), file=file, row=line, column=code_column) from None
            if record is not None:
                out.entities.setdefault(code, record)
            codes[key] = code
        year = fields[year_at].strip()
        if not worldbank.YEAR.fullmatch(year):
            raise InputError(f"'{year}' is not a year", file=file, row=line, column=YEAR_COLUMN)
        for i, column in value_at:
            value = parse_number(fields[i], file=file, row=line, column=column, missing=MISSING)
            out.add(code, VALUE_COLUMNS[column], year, value, None, row=line, column=column)
    indicators = list(dict.fromkeys(VALUE_COLUMNS[c] for _, c in value_at))
    online = raw.retrieved_from.startswith(("http://", "https://"))
    provenance = provenance_of(
        raw,
        source=NAME,
        edition=raw.path.stem,
        publisher=META["publisher"],
        title=f"{META['title']}: {', '.join(indicators)} ({file})",
        url=raw.retrieved_from if online else META["landing_url"],
        licence=META["licence"],
    )
    return ParsedFile(
        provenance=provenance,
        observations=out.observations,
        indicators=[indicator_meta(i) for i in indicators],
        entities=list(out.entities.values()),
    )
