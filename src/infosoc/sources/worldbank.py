"""World Bank World Development Indicators: API v2 answers and WDI CSV downloads.

Three layouts are read (see docs/sources/worldbank.md): the API v2 answer ``[header, records]``
(``fetch`` writes one combined file per indicator in it), the wide CSV of data.worldbank.org
(one column per year) and the long CSV written from the API (one row per economy, indicator
and year). Indicators keep their WDI codes ("IT.NET.USER.ZS"). Economies are countries when
their code is ISO 3166 alpha-3, or Kosovo (XKX) and the Channel Islands (CHI); every other
code is an aggregate (World, regions, income groups), kept apart under its own code.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, SourceError
from ..geo.countries import lookup
from .base import (
    EntityRecord,
    IndicatorMeta,
    Observation,
    ParsedFile,
    Provenance,
    RawFile,
    csv_rows,
    load_meta,
    parse_number,
    read_local,
)

if TYPE_CHECKING:
    import httpx

META = load_meta(__file__)
NAME: str = META["name"]
API_ENV = "INFOSOC_WORLDBANK_API"
MISSING: tuple[str, ...] = tuple(META["missing"])
NON_ISO_COUNTRIES: dict[str, str] = dict(META["non_iso_countries"])
AGGREGATE_IDS: dict[str, str] = dict(META["aggregate_ids"])
WIDE_COLUMNS: list[str] = list(META["wide"]["columns"])
LONG_COLUMNS: dict[str, str] = dict(META["long"]["columns"])
LONG_OPTIONAL: dict[str, str] = dict(META["long"]["optional"])
YEAR = re.compile(r"\d{4}")
CODE = re.compile(r"[A-Za-z0-9_.-]+")
_API_START = re.compile(rb'^\s*\[\s*\{[^{}\[\]]*"page"\s*:')
_UNIT = re.compile(r"\(([^()]+)\)\s*$")


# entities and indicators --------------------------------------------------------------------
@cache
def is_iso3(code: str) -> bool:
    """Whether ``code`` is an ISO 3166 alpha-3 code (names and ISO2 codes do not count)."""
    return len(code) == 3 and lookup(code) == code


def classify(code: str, name: str, wb_id: str = "") -> tuple[str, EntityRecord | None]:
    """The entity code of a World Bank economy, and its record unless it is an ISO country.

    An empty ISO3 code (the API gives income groups such as "High income" none) is replaced
    through ``aggregate_ids`` of the metadata, or by "wb:<World Bank id>".
    """
    code = code.strip()
    if not code:
        code = AGGREGATE_IDS.get(wb_id.strip(), f"wb:{wb_id.strip()}")
    if is_iso3(code):
        return code, None
    if code in NON_ISO_COUNTRIES:
        return code, EntityRecord(code, "country", NON_ISO_COUNTRIES[code])
    return code, EntityRecord(code, "aggregate", name.strip() or code)


def indicator_meta(code: str, label: str | None = None) -> IndicatorMeta:
    """Label, unit and method of a WDI indicator: from the metadata, else from its label."""
    known = META["indicators"].get(code)
    if known is not None:
        return IndicatorMeta(code, known["label"], known["unit"], "year", method=known["method"])
    text = (label or "").strip() or code
    unit = _UNIT.search(text)
    # WDI labels end with their unit in parentheses ("GDP (current US$)"), when they have one.
    return IndicatorMeta(
        code,
        text,
        unit.group(1) if unit else "as stated in the label",
        "year",
        method=f"World Bank {META['title']}",
    )


class Collector:
    """The observations of one file, with the entities and indicators they use.

    Refuses a second value for the same entity, indicator and period (``add``). ``entity``
    classifies World Bank economies; other sources put their records in ``entities`` directly.
    """

    def __init__(self, file: str) -> None:
        self.file = file
        self.observations: list[Observation] = []
        self.entities: dict[str, EntityRecord] = {}
        self.labels: dict[str, str] = {}
        self._codes: dict[tuple[str, str], str] = {}
        self._rows: dict[tuple[str, str, str], int] = {}

    def entity(self, iso3: str, name: str, wb_id: str, *, row: int, column: str) -> str:
        key = (iso3, wb_id)
        code = self._codes.get(key)
        if code is None:
            if not iso3.strip() and not wb_id.strip():
                raise InputError("the economy has no code", file=self.file, row=row, column=column)
            code, record = classify(iso3, name, wb_id)
            if record is not None:
                self.entities.setdefault(code, record)
            self._codes[key] = code
        return code

    def indicator(self, code: str, label: str, *, row: int, column: str) -> str:
        code = code.strip()
        if code not in self.labels:
            if not CODE.fullmatch(code):
                raise InputError(
                    f"'{code}' is not an indicator code", file=self.file, row=row, column=column
                )
            self.labels[code] = label.strip()
        return code

    def add(
        self,
        entity: str,
        indicator: str,
        period: str,
        value: float | None,
        note: str | None,
        *,
        row: int,
        column: str,
    ) -> None:
        key = (entity, indicator, period)
        first = self._rows.setdefault(key, row)
        if first != row:
            # Two values for one cell: which one is right cannot be guessed.
            raise InputError(
                f"{entity} {indicator} {period} appears twice (rows {first} and {row})",
                file=self.file,
                row=row,
                column=column,
            )
        self.observations.append(Observation(entity, indicator, period, value, note))


def _period(text: str, *, file: str, row: int, column: str) -> str:
    period = text.strip()
    if not YEAR.fullmatch(period):
        raise InputError(f"'{period}' is not a year", file=file, row=row, column=column)
    return period


def _note(status: str) -> str | None:
    return f"World Bank observation status '{status}'" if status else None


# the API v2 layout --------------------------------------------------------------------------
def _count(value: Any) -> int | None:
    """A page count from an API header: an int, or digits (older answers quote them)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _api_message(first: dict[str, Any]) -> str:
    messages = first.get("message")
    parts = [
        " ".join(str(m.get(k, "")) for k in ("id", "key")).strip() + f": {m.get('value', '')}"
        for m in (messages if isinstance(messages, list) else [])
        if isinstance(m, dict)
    ]
    return " ".join("; ".join(parts).split()) or "no message"


def _is_error_answer(doc: Any) -> bool:
    return (
        isinstance(doc, list) and len(doc) >= 1 and isinstance(doc[0], dict) and "message" in doc[0]
    )


def _field(record: dict[str, Any], key: str, *, file: str, row: int) -> Any:
    try:
        return record[key]
    except KeyError:
        raise InputError(f"record has no '{key}'", file=file, row=row, column=key) from None


def _text(value: Any, column: str, *, file: str, row: int) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise InputError(f"{json.dumps(value)} is not text", file=file, row=row, column=column)


def _id_value(record: dict[str, Any], key: str, *, file: str, row: int) -> tuple[str, str]:
    """The ``{"id", "value"}`` pair of ``indicator`` or ``country``."""
    pair = _field(record, key, file=file, row=row)
    if not isinstance(pair, dict) or "id" not in pair:
        raise InputError(f"'{key}' has no 'id'", file=file, row=row, column=f"{key}.id")
    ident = _text(pair["id"], f"{key}.id", file=file, row=row)
    label = _text(pair.get("value") or "", f"{key}.value", file=file, row=row)
    return ident, label


def _json_value(value: Any, *, file: str, row: int) -> float | None:
    if value is None:
        return None
    if isinstance(value, str):
        return parse_number(value, file=file, row=row, column="value", missing=MISSING)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{json.dumps(value)} is not a number", file=file, row=row, column="value")
    number = float(value)
    if not math.isfinite(number):
        raise InputError(f"'{value}' is not a finite number", file=file, row=row, column="value")
    return number


def _parse_json(raw: RawFile, out: Collector) -> str | None:
    """Read an API v2 answer; returns its ``lastupdated``. Rows are record positions from 1."""
    file = raw.path.name
    try:
        doc = json.loads(raw.data)
    except UnicodeDecodeError as exc:
        line = raw.data[: exc.start].count(b"\n") + 1
        raise InputError("is not a UTF-8 JSON file", file=file, row=line) from exc
    except json.JSONDecodeError as exc:
        raise InputError(
            f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})",
            file=file,
            row=exc.lineno,
        ) from exc
    if _is_error_answer(doc):
        raise InputError(f"is a World Bank API error answer: {_api_message(doc[0])}", file=file)
    if not (isinstance(doc, list) and len(doc) == 2 and isinstance(doc[0], dict)):
        raise InputError(
            "is not a World Bank API v2 answer (a list [header, records])", file=file, row=1
        )
    header, records = doc
    counts = {key: _count(header.get(key)) for key in ("pages", "total")}
    for key, count in counts.items():
        if count is None:
            raise InputError(f"the header has no count '{key}'", file=file, row=1, column=key)
    if not isinstance(records, list) or not records:
        raise InputError("holds no records", file=file, row=1, column="records")
    if counts["pages"] != 1:
        # Page 1 of several is a partial download: the rest of the indicator would be missing.
        raise InputError(
            f"holds one page of {counts['pages']}; combine all pages into one file "
            "(infosoc's fetch does)",
            file=file,
            row=1,
            column="pages",
        )
    if counts["total"] != len(records):
        raise InputError(
            f"holds {len(records)} records, its header announces {counts['total']}",
            file=file,
            row=1,
            column="total",
        )
    labels: dict[str, str] = {}
    for row, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise InputError("record is not an object", file=file, row=row)
        ind_id, ind_label = _id_value(record, "indicator", file=file, row=row)
        indicator = labels.get(ind_id)
        if indicator is None:
            indicator = out.indicator(ind_id, ind_label, row=row, column="indicator.id")
            labels[ind_id] = indicator
        wb_id, name = _id_value(record, "country", file=file, row=row)
        iso3 = _text(
            _field(record, "countryiso3code", file=file, row=row),
            "countryiso3code",
            file=file,
            row=row,
        )
        entity = out.entity(iso3, name, wb_id, row=row, column="countryiso3code")
        date = _text(_field(record, "date", file=file, row=row), "date", file=file, row=row)
        period = _period(date, file=file, row=row, column="date")
        value = _json_value(_field(record, "value", file=file, row=row), file=file, row=row)
        status = record.get("obs_status") or ""
        note = _note(status.strip()) if isinstance(status, str) else None
        out.add(entity, indicator, period, value, note, row=row, column="date")
    updated = header.get("lastupdated")
    return updated if isinstance(updated, str) and updated else None


# the CSV layouts ----------------------------------------------------------------------------
def _csv_layout(header: list[str]) -> str | None:
    """ "wide" or "long" when the header is (even partly) one of the WDI CSV layouts."""
    if "Country Code" in header or "Indicator Code" in header:
        return "wide"
    if "ind_id" in header or "cty_iso" in header:
        return "long"
    return None


def _positions(header: list[str], wanted: list[str], *, file: str, line: int) -> dict[str, int]:
    positions = {name: i for i, name in enumerate(header)}
    missing = [c for c in wanted if c not in positions]
    if missing:
        raise InputError(
            f"missing column{'s' if len(missing) > 1 else ''} "
            + ", ".join(f"'{m}'" for m in missing),
            file=file,
            row=line,
            column=missing[0],
        )
    return {c: positions[c] for c in wanted}


def _check_length(fields: list[str], header: list[str], *, file: str, line: int) -> None:
    if len(fields) != len(header):
        raise InputError(
            f"row has {len(fields)} fields, the header has {len(header)}",
            file=file,
            row=line,
            column=header[min(len(fields), len(header) - 1)],
        )


def _need_rows(rows: list[tuple[int, list[str]]], *, file: str, line: int) -> None:
    if not rows:
        raise InputError("the file has a header but no data rows", file=file, row=line + 1)


def _parse_wide(
    header: list[str], line0: int, rows: list[tuple[int, list[str]]], out: Collector
) -> None:
    file = out.file
    at = _positions(header, WIDE_COLUMNS, file=file, line=line0)
    years = [(i, h) for i, h in enumerate(header) if YEAR.fullmatch(h)]
    # data.worldbank.org downloads end each line with a comma: an unnamed, empty last column.
    extra = [
        h for i, h in enumerate(header) if h and i not in at.values() and not YEAR.fullmatch(h)
    ]
    if extra:
        raise InputError(f"unexpected column '{extra[0]}'", file=file, row=line0, column=extra[0])
    if not years:
        raise InputError("no year columns", file=file, row=line0, column=header[-1])
    _need_rows(rows, file=file, line=line0)
    name_at, code_at, label_at, ind_at = (at[c] for c in WIDE_COLUMNS)
    for line, fields in rows:
        _check_length(fields, header, file=file, line=line)
        indicator = out.indicator(
            fields[ind_at], fields[label_at], row=line, column=WIDE_COLUMNS[3]
        )
        entity = out.entity(fields[code_at], fields[name_at], "", row=line, column=WIDE_COLUMNS[1])
        for i, year in years:
            value = parse_number(fields[i], file=file, row=line, column=year, missing=MISSING)
            out.add(entity, indicator, year, value, None, row=line, column=year)


def _parse_long(
    header: list[str], line0: int, rows: list[tuple[int, list[str]]], out: Collector
) -> None:
    file = out.file
    names = {field: column for column, field in (LONG_COLUMNS | LONG_OPTIONAL).items()}
    at = {
        LONG_COLUMNS[c]: i
        for c, i in _positions(header, list(LONG_COLUMNS), file=file, line=line0).items()
    }
    _need_rows(rows, file=file, line=line0)
    status_at = next((i for i, h in enumerate(header) if LONG_OPTIONAL.get(h) == "status"), None)
    for line, fields in rows:
        _check_length(fields, header, file=file, line=line)
        indicator = out.indicator(
            fields[at["indicator"]], fields[at["label"]], row=line, column=names["indicator"]
        )
        entity = out.entity(
            fields[at["iso3"]],
            fields[at["name"]],
            fields[at["wb_id"]],
            row=line,
            column=names["iso3"],
        )
        period = _period(fields[at["date"]], file=file, row=line, column=names["date"])
        value = parse_number(
            fields[at["value"]], file=file, row=line, column=names["value"], missing=MISSING
        )
        note = _note(fields[status_at].strip()) if status_at is not None else None
        out.add(entity, indicator, period, value, note, row=line, column=names["date"])


def _header_of(rows: list[tuple[int, list[str]]]) -> int:
    """Index in ``rows`` of the real header when a download starts with a "Data Source" block."""
    for index, (_, fields) in enumerate(rows[:10]):
        if [f.strip() for f in fields[:2]] == WIDE_COLUMNS[:2]:
            return index
    return -1


def _parse_csv(raw: RawFile, out: Collector) -> None:
    file = out.file
    header, rows = csv_rows(raw)
    line0 = 1
    if header and header[0] == "Data Source":
        # data.worldbank.org downloads open with "Data Source" and "Last Updated Date" lines.
        index = _header_of(rows)
        if index >= 0:
            line0 = rows[index][0]
            header = [h.strip() for h in rows[index][1]]
            rows = rows[index + 1 :]
    layout = _csv_layout(header)
    if layout is None:
        raise InputError(
            "is not a World Bank file: its header has neither 'Country Code' (wide layout) "
            "nor 'ind_id' (long layout)",
            file=file,
            row=line0,
            column=header[0],
        )
    (_parse_wide if layout == "wide" else _parse_long)(header, line0, rows, out)


def _is_json(raw: RawFile) -> bool:
    start = raw.data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return raw.path.suffix.lower() == ".json" or start in (b"[", b"{")


def parse(raw: RawFile) -> ParsedFile:
    """Parse an API answer or a WDI CSV; any fault is an InputError naming file, row, column."""
    file = raw.path.name
    out = Collector(file)
    updated = None
    if _is_json(raw):
        updated = _parse_json(raw, out)
    else:
        _parse_csv(raw, out)
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
    provenance = Provenance(
        source=NAME,
        # fetch names its file after the indicator, so the stem is the indicator code online.
        edition=raw.path.stem,
        publisher=META["publisher"],
        title=title,
        url=url,
        file_name=file,
        licence=META["licence"],
        retrieved_at=raw.retrieved_at,
        retrieved_from=raw.retrieved_from,
        sha256=raw.sha256,
        size_bytes=len(raw.data),
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
        if _csv_layout(fields):
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


def read_mirror(mirror: Path) -> list[RawFile]:
    """The raw files of every WDI file found in a local mirror folder."""
    return [read_local(p) for p in find_files(mirror)]


# fetching -----------------------------------------------------------------------------------
def api_url(code: str, page: int | None = None) -> str:
    """The API address of an indicator (``$INFOSOC_WORLDBANK_API`` overrides the base)."""
    base = (os.environ.get(API_ENV) or META["api_base"]).rstrip("/")
    url = base + META["api_path"].format(code=code)
    return url if page is None else f"{url}&per_page={META['per_page']}&page={page}"


def _json_problem(body: bytes) -> str | None:
    # A body cut short without a Content-Length shows up as bad JSON: retry it.
    try:
        json.loads(body)
    except ValueError as exc:
        return f"malformed JSON ({' '.join(str(exc).split())})"
    return None


def _get_json(client: httpx.Client, url: str, sleep: float) -> Any:
    """The decoded JSON at ``url``, retried as every download is, and on malformed JSON too."""
    from .fetch import get_with_retries

    return json.loads(get_with_retries(client, url, sleep=sleep, check=_json_problem))


def _page(
    client: httpx.Client, code: str, page: int, sleep: float
) -> tuple[dict[str, Any], list[Any]]:
    url = api_url(code, page)
    doc = _get_json(client, url, sleep)
    if _is_error_answer(doc):
        raise SourceError(f"the API answered with an error: {_api_message(doc[0])}")
    if not (
        isinstance(doc, list)
        and len(doc) == 2
        and isinstance(doc[0], dict)
        and (doc[1] is None or isinstance(doc[1], list))
        and _count(doc[0].get("pages")) is not None
        and _count(doc[0].get("total")) is not None
    ):
        raise SourceError(f"{url}: not an API v2 answer (a list [header, records])")
    return doc[0], doc[1] or []


def _download(client: httpx.Client, code: str, target: Path, sleep: float) -> RawFile:
    """Every page of one indicator, written to the cache as one answer of one page."""
    from .fetch import save_to_cache

    header, records = _page(client, code, 1, sleep)
    pages, total = _count(header["pages"]), _count(header["total"])
    if not total or not records:
        raise SourceError("the API has no data for this indicator")
    for page in range(2, (pages or 1) + 1):
        records += _page(client, code, page, sleep)[1]
    if len(records) != total:
        raise SourceError(f"{len(records)} records received, the API announced {total}")
    combined = [{**header, "page": 1, "pages": 1, "per_page": total, "total": total}, records]
    data = json.dumps(combined, ensure_ascii=False, separators=(",", ":")).encode()
    # Written only now that every page arrived: the cache never holds part of an indicator.
    return save_to_cache(target, data, api_url(code))


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
    from .fetch import BACKOFF_SECONDS, TIMEOUT, cached

    codes = [str(c).strip() for c in (editions or META["editions"])]
    for code in codes:
        if not CODE.fullmatch(code):
            raise InputError(f"'{code}' is not a World Bank indicator code")
    backoff = BACKOFF_SECONDS if sleep is None else sleep
    own: httpx.Client | None = None
    files: list[RawFile] = []
    try:
        for code in codes:
            target = cache / NAME / f"{code}.json"
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
                files.append(_download(active, code, target, backoff))
            except SourceError as exc:
                raise SourceError(f"World Bank indicator {code}: {exc}") from exc
    finally:
        if own is not None:
            own.close()
    return files
