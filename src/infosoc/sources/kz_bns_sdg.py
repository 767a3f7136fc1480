"""Bureau of National Statistics of Kazakhstan: the Open SDG "tidy" CSVs of the national SDG
platform (``data/indicator_<id>.csv`` of kazstat/sdg-data-kazstat).

Layout ``Year, [SERIES,] UNIT_MEASURE, [URBANISATION, SEX, REF_AREA, AGE, ...] Value``: one row
per value, an empty disaggregation cell meaning "total". Every value is Kazakhstan's (entity
``KAZ``); disaggregations go into :attr:`Observation.breakdown` (``urbanisation=rural``,
``region=KZ-11;sex=female``). REF_AREA codes are named in the code lists beside ``data/``
(``translations_ru/REF_AREA.yml``, ``translations_en/...``) and resolved to ISO 3166-2 region
codes through those names; towns and villages stay ``area=<code>``. Two different values for
one cell are both kept, each with a note; exact duplicates once. See docs/sources/kz-bns-sdg.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..snapshot import snapshot_dir
from .base import (
    IndicatorMeta,
    Observation,
    ParsedFile,
    RawFile,
    breakdown_key,
    check_row_length,
    column_positions,
    csv_rows,
    load_meta,
    parse_number,
    provenance_of,
)
from .plausible import Plausibility

META = load_meta(__file__)
NAME: str = META["name"]
ENTITY: str = META["entity"]
FILE_NAME = re.compile(r"indicator_([0-9]{1,2}(?:-[0-9a-z]{1,2})+)\.csv")
YEAR = re.compile(r"[0-9]{4}")
TOTAL_CELLS = ("", "_T")
FIXED_COLUMNS = ("Year", "UNIT_MEASURE", "Value")
REF_AREA = "REF_AREA"
AREA_KEY = "area"
INDICATORS: dict[str, dict[str, Any]] = dict(META["indicators"])
PLAUSIBLE = Plausibility.from_meta(META)
_AGE = re.compile(r"Y(?:([0-9]+)T([0-9]+)|_GE([0-9]+)|([0-9]+))")


def indicator_code(file_id: str) -> str:
    """The stored code of an indicator file's id: "17-8-1" -> "KZ.SDG.17.8.1"."""
    return str(META["code_prefix"]) + file_id.replace("-", ".")


def _looks_tidy(path: Path) -> bool:
    """Whether a file's header is an Open SDG tidy CSV's: it starts with ``Year``."""
    try:
        with path.open("rb") as handle:
            first = handle.readline(4096)
    except OSError:
        return False
    cells = first.decode("utf-8-sig", errors="replace").strip().split(",")
    return cells[0].strip().strip('"') == "Year"


def find_files(mirror: Path) -> list[Path]:
    """The ``indicator_<id>.csv`` of the indicators this source reads (``kz_bns_sdg.meta.toml``)
    in ``mirror/kz/bns_sdg/data/`` (or ``mirror`` itself), whose header is a tidy CSV's."""
    folder = mirror / META["mirror_folder"]
    if not folder.is_dir():
        folder = mirror
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("indicator_*.csv")):
        match = FILE_NAME.fullmatch(path.name)
        if match and match[1] in INDICATORS and path.is_file() and _looks_tidy(path):
            found.append(path)
    return found


# --- code lists -----------------------------------------------------------------------------


@cache
def _read_yaml(path: Path, stamp: tuple[int, int]) -> dict[str, str]:
    """A code list (``CODE: name``); ``stamp`` (mtime, size) makes a changed file read anew."""
    from ..structured import YAML_MAX_BYTES, load_yaml, read_bytes

    # Size, depth and aliases bounded (decision 0027): the file comes from a data folder.
    document = load_yaml(read_bytes(path, max_bytes=YAML_MAX_BYTES), file=str(path))
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise InputError("is not a YAML code list (CODE: name)", file=str(path))
    return {str(k): str(v).strip() for k, v in document.items() if v is not None}


def _support_file(data_file: Path, folder: str, name: str) -> dict[str, str]:
    """A YAML file beside the data folder (``../<folder>/<name>``), else the snapshot's, else
    nothing."""
    for root in (data_file.parent.parent, snapshot_dir() / META["snapshot_folder"]):
        path = root / folder / name
        if path.is_file():
            stat = path.stat()
            return _read_yaml(path.resolve(), (stat.st_mtime_ns, stat.st_size))
    return {}


@dataclass(frozen=True)
class _Area:
    """What a REF_AREA code stands for: a region (ISO 3166-2 code) or a place below one."""

    key: str
    value: str


def _below_region(code: str, en: str | None, ru: str | None) -> bool:
    """Whether a REF_AREA code names a town, village or resort zone rather than a region."""
    if code in META["below_region"]:
        return True
    if ru is not None and ru.casefold().startswith(tuple(META["below_region_prefixes_ru"])):
        return True
    return en is not None and en.casefold().startswith(tuple(META["below_region_prefixes_en"]))


def _areas(codes: dict[str, int], data_file: Path, file: str) -> dict[str, _Area]:
    """Each REF_AREA code (with the row it first appears on) -> region or place; one error
    lists every code that names nothing known."""
    # The regions' tables pull in numpy: imported when a file is parsed, not with the registry.
    from ..geo.kz_regions import lookup_kz_region

    en = _support_file(data_file, "translations_en", "REF_AREA.yml")
    ru = _support_file(data_file, "translations_ru", "REF_AREA.yml")
    areas: dict[str, _Area] = {}
    failed: dict[str, str] = {}
    for code, row in codes.items():
        names = (ru.get(code), en.get(code))
        if _below_region(code, names[1], names[0]):
            areas[code] = _Area(AREA_KEY, code)
            continue
        # Russian first: the English list calls Almaty Region "Almaty", the city's own name.
        region = next((r for n in names if n and (r := lookup_kz_region(n)) is not None), None)
        if region is not None:
            areas[code] = _Area(META["columns"][REF_AREA]["key"], region)
            continue
        named = " / ".join(f"'{n}'" for n in names if n) or "not in REF_AREA.yml"
        failed[code] = f"{code} ({named}, row {row})"
    if failed:
        verb = "name" if len(failed) > 1 else "names"
        raise InputError(
            f"{len(failed)} REF_AREA code{'s' if len(failed) > 1 else ''} {verb} no region of "
            "Kazakhstan: " + "; ".join(failed.values()),
            file=file,
            row=min(codes[c] for c in failed),
            column=REF_AREA,
        )
    return areas


def _age(code: str) -> str:
    """An SDMX age code as a breakdown value: Y15T24 -> 15-24, Y_GE15 -> 15+, Y6 -> 6; any
    other code (months, M36T47) lower-cased."""
    match = _AGE.fullmatch(code)
    if match is None:
        return code.lower()
    low, high, plus, single = match.groups()
    if low is not None:
        return f"{int(low)}-{int(high)}"
    return f"{int(plus)}+" if plus is not None else str(int(single))


# --- parsing --------------------------------------------------------------------------------


def _column(column: str, spec: dict[str, Any]) -> dict[str, Any]:
    """How a disaggregation column is read: the indicator's own mapping, else the common one."""
    own: dict[str, Any] = spec.get("columns", {})
    return dict(own[column]) if column in own else dict(META["columns"][column])


def _disaggregations(header: list[str], spec: dict[str, Any], file: str) -> list[tuple[int, str]]:
    """Positions and names of the disaggregation columns; an unknown one is refused."""
    found = []
    for i, column in enumerate(header):
        if column in FIXED_COLUMNS:
            continue
        if column not in META["columns"] and column not in spec.get("columns", {}):
            raise InputError(
                f"unknown disaggregation column '{column}': map it to a breakdown key in "
                "kz_bns_sdg.meta.toml",
                file=file,
                row=1,
                column=column,
            )
        found.append((i, column))
    return found


def _part(column: str, cell: str, spec: dict[str, Any], *, file: str, row: int) -> str:
    """The breakdown value of one non-total cell of a disaggregation column (not REF_AREA)."""
    if column == "AGE":
        return _age(cell)
    codes: dict[str, str] = _column(column, spec).get("codes", {})
    if cell not in codes:
        raise InputError(
            f"unknown code '{cell}' (known: {', '.join(codes) or 'none'}); map it in "
            "kz_bns_sdg.meta.toml",
            file=file,
            row=row,
            column=column,
        )
    return codes[cell]


def _check_layouts(regions: dict[str, dict[str, int]], file: str) -> None:
    """Each year's regions must all belong to one layout (1997, 2018 or 2022): a year that
    mixes South Kazakhstan with Shymkent, say, has a REF_AREA read wrongly."""
    from ..geo.kz_regions import LAYOUTS, kz_layout_codes

    for year, codes in sorted(regions.items()):
        if any(set(codes) <= set(kz_layout_codes(layout)) for layout in LAYOUTS):
            continue
        raise InputError(
            f"the regions of {year} belong to no one layout ({', '.join(sorted(codes))}): "
            "check the REF_AREA names",
            file=file,
            row=min(codes.values()),
            column=REF_AREA,
        )


#: (period, breakdown) -> value -> (published text, first row); None is a missing value.
_Cells = dict[tuple[str, str | None], dict[float | None, tuple[str, int]]]


def _observations(cells: _Cells, code: str) -> Iterable[Observation]:
    """One observation per cell, or one per distinct value where the Bureau gives several."""
    for (period, breakdown), values in cells.items():
        present = {v: text for v, (text, _) in values.items() if v is not None}
        if not present:
            line = min(row for _, row in values.values())
            yield Observation(ENTITY, code, period, None, None, breakdown, row=line, column="Value")
            continue
        conflict = None
        if len(present) > 1:
            texts = [present[v] for v in sorted(present)]
            listed = ", ".join(texts[:-1]) + f" and {texts[-1]}"
            conflict = f"conflict: the Bureau publishes {listed} for this cell"
        for value in present:
            notes = [conflict] if conflict else []
            known = PLAUSIBLE.exception(code, ENTITY, period, value, breakdown)
            if known is not None:
                notes.append(known)
            yield Observation(
                ENTITY,
                code,
                period,
                value,
                "; ".join(notes) or None,
                breakdown,
                row=values[value][1],
                column="Value",
            )


def parse(raw: RawFile) -> ParsedFile:
    """Parse one indicator file into observations of ``KAZ``, totals and breakdowns.

    Any fault is an :class:`InputError` naming the file, row and column: a name that is not
    ``indicator_<id>.csv`` of a known indicator, a missing Year or Value column, an unknown
    disaggregation column or code, a unit other than the indicator's, a year outside
    the source's years, a value that is not a number or lies outside its rule (0-100 for
    per cent, non-negative for counts) unless listed as a known anomaly, a REF_AREA code that
    names no region (all such codes in one error), a year whose regions mix layouts.
    """
    file = raw.path.name
    match = FILE_NAME.fullmatch(file)
    if match is None:
        raise InputError("is not an Open SDG indicator file (indicator_<id>.csv)", file=file)
    file_id = match[1]
    spec = INDICATORS.get(file_id)
    if spec is None:
        known = ", ".join(INDICATORS)
        raise InputError(f"indicator {file_id} is not one infosoc reads ({known})", file=file)
    code = indicator_code(file_id)
    header, rows = csv_rows(raw)
    at = column_positions(header, ["Year", "Value"], file=file)
    unit_at = header.index("UNIT_MEASURE") if "UNIT_MEASURE" in header else None
    split = _disaggregations(header, spec, file)
    if not rows:
        raise InputError("the file has a header but no data rows", file=file, row=2)
    area_at = header.index(REF_AREA) if REF_AREA in header else None
    area_rows: dict[str, int] = {}
    for line, fields in rows:
        check_row_length(fields, header, file=file, row=line)
        if area_at is not None and fields[area_at].strip() not in TOTAL_CELLS:
            area_rows.setdefault(fields[area_at].strip(), line)
    areas = _areas(area_rows, raw.path, file) if area_rows else {}
    unit: str = spec["unit_measure"]
    cells: _Cells = {}
    regions: dict[str, dict[str, int]] = {}
    for line, fields in rows:
        year = fields[at["Year"]].strip()
        if not YEAR.fullmatch(year):
            raise InputError(f"'{year}' is not a year", file=file, row=line, column="Year")
        PLAUSIBLE.year(year, file=file, row=line, column="Year")
        if unit_at is not None and fields[unit_at].strip() != unit:
            raise InputError(
                f"unit '{fields[unit_at].strip()}', expected '{unit}' for {code}",
                file=file,
                row=line,
                column="UNIT_MEASURE",
            )
        parts: dict[str, str] = {}
        for i, column in split:
            cell = fields[i].strip()
            if cell in TOTAL_CELLS:
                continue
            if column == REF_AREA:
                area = areas[cell]
                parts[area.key] = area.value
                if area.key != AREA_KEY:
                    regions.setdefault(year, {}).setdefault(area.value, line)
            else:
                key = _column(column, spec)["key"]
                parts[key] = _part(column, cell, spec, file=file, row=line)
        breakdown = breakdown_key(parts)
        text = fields[at["Value"]].strip()
        value = parse_number(text, file=file, row=line, column="Value")
        bound = PLAUSIBLE.rule(code)
        if (
            value is not None
            and bound is not None
            and not bound.admits(value)
            and PLAUSIBLE.exception(code, ENTITY, year, value, breakdown) is None
        ):
            raise InputError(
                f"{text} is outside the plausible range of {unit} values ({bound.describe()})",
                file=file,
                row=line,
                column="Value",
            )
        cells.setdefault((year, breakdown), {}).setdefault(value, (text, line))
    _check_layouts(regions, file)
    released = raw.released
    edition = f"SDG {code.removeprefix(META['code_prefix'])}, Open SDG data" + (
        f" {released}" if released else ""
    )
    online = raw.retrieved_from.startswith(("http://", "https://"))
    provenance = provenance_of(
        raw,
        source=NAME,
        edition=edition,
        publisher=META["publisher"],
        title=f"{META['title']}: {spec['label']} ({file})",
        url=raw.retrieved_from if online else META["landing_url"],
        licence=META["licence"],
    )
    return ParsedFile(
        provenance=provenance,
        observations=list(_observations(cells, code)),
        indicators=[_indicator_meta(file_id, raw.path)],
    )


def _indicator_meta(file_id: str, data_file: Path) -> IndicatorMeta:
    """Label and unit from the metadata; the UN custodian from ``meta/<id>.yml`` if present."""
    spec = INDICATORS[file_id]
    method = spec.get("method", META["method"])
    custodian = _support_file(data_file, "meta", f"{file_id}.yml").get("un_custodian_agency")
    if custodian:
        method += f"; UN custodian agency: {custodian}"
    return IndicatorMeta(
        indicator_code(file_id), spec["label"], spec["unit"], "year", method=method
    )
