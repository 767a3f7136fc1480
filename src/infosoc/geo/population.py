"""Population by region: stat.gov.kz's series for Kazakhstan, and a user's own CSV file.

stat.gov.kz publishes the population at 1 January of each year by region, in the layout of the
regions of that time (16 regions to 2016, 17 from 2017, 20 from 2022; see :mod:`.regions`).
Each year's layout is read from the regions it lists, not from the calendar: the office gives
1 January 2017 already with Shymkent apart and 1 January 2022 already with Abai, Jetisu and
Ulytau, though the reforms came in June 2018 and June 2022. A year is then summed up the
crosswalk to the layout asked for; a year published in an older layout cannot be split into a
newer one and is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..csvfiles import check_row_length, column_positions, parse_number, read_csv_file
from ..errors import InputError
from ..structured import regular_file
from .kz_regions import (
    LAYOUTS,
    check_layout,
    crosswalk,
    fold_region_name,
    kz_layout_codes,
    lookup_kz_region,
)

POPULATION_FILE = "kz_region_population_2000-2023_statgovkz.csv"
MAX_BYTES = 64 << 20  # a table of region populations is a few kilobytes
MAX_POPULATION = 1e10  # no region holds more people than the world
REGION_COLUMN, YEAR_COLUMN, VALUE_COLUMN = "Область", "Год", "Население"
TOTAL_NAME = "Республика Казахстан"
# The regions must sum to the national total within 0.1 %. The published series sums exactly
# in every year 2000-2023; the smallest region (Ulytau, about 1.1 % of the people) missing or
# counted twice breaks the check, while a table rounded to thousands (at most 20 x 500 people,
# 0.05 %) passes.
TOLERANCE = 0.001
# The series starts in 2000; a year before 1900 or after next year is a typo ("0000", "2099").
FIRST_YEAR = 1900
MISSING = ("", "NA", "N/A", "..", "...", "-", "–", "—", "x", "х", "null")


@dataclass
class _Year:
    """One year of the stat.gov.kz file: its regions by name, and the national total."""

    values: dict[str, float | None] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    total: float | None = None
    total_row: int = 0


def _read_years(path: Path) -> dict[int, _Year]:
    file = path.name
    header, rows = read_csv_file(path)
    pos = column_positions(header, [REGION_COLUMN, YEAR_COLUMN, VALUE_COLUMN], file=file)
    years: dict[int, _Year] = {}
    total = fold_region_name(TOTAL_NAME)
    for line, fields in rows:
        check_row_length(fields, header, file=file, row=line)
        name = fields[pos[REGION_COLUMN]].strip()
        text = fields[pos[YEAR_COLUMN]].strip()
        if not re.fullmatch(r"[0-9]{4}", text):
            raise InputError(f"'{text}' is not a year", file=file, row=line, column=YEAR_COLUMN)
        number = int(text)
        if not FIRST_YEAR <= number <= date.today().year + 1:
            raise InputError(
                f"year {number} is outside {FIRST_YEAR} to next year",
                file=file,
                row=line,
                column=YEAR_COLUMN,
            )
        year = years.setdefault(int(number), _Year())
        value = parse_number(
            fields[pos[VALUE_COLUMN]], file=file, row=line, column=VALUE_COLUMN, missing=MISSING
        )
        if value is not None and value < 0:
            raise InputError(
                f"negative population {value:g}", file=file, row=line, column=VALUE_COLUMN
            )
        if fold_region_name(name) == total:
            year.total, year.total_row = value, line
        elif name in year.rows:
            raise InputError(
                f"'{name}' is listed twice for {int(number)} (first on row {year.rows[name]})",
                file=file,
                row=line,
                column=REGION_COLUMN,
            )
        else:
            year.values[name], year.rows[name] = value, line
    return years


def _year_layout(year: int, data: _Year, file: str) -> tuple[str, dict[str, str]]:
    """The newest layout whose regions are exactly the year's names, and name -> code in it."""
    closest: tuple[int, str, list[str], list[str]] | None = None
    for layout in reversed(LAYOUTS):
        codes = {name: lookup_kz_region(name, layout=layout) for name in data.values}
        found = [c for c in codes.values() if c is not None]
        unknown = [n for n, c in codes.items() if c is None]
        missing = sorted(set(kz_layout_codes(layout)) - set(found))
        if not unknown and not missing and len(set(found)) == len(found):
            return layout, {n: c for n, c in codes.items() if c is not None}
        if closest is None or len(unknown) + len(missing) < closest[0]:
            closest = (len(unknown) + len(missing), layout, unknown, missing)
    assert closest is not None
    _, layout, unknown, missing = closest
    details = [f"not in it: {', '.join(unknown)}"] if unknown else []
    details += [f"missing: {', '.join(missing)}"] if missing else []
    raise InputError(
        f"the regions of {year} fit no layout; closest is {layout} ({'; '.join(details)})",
        file=file,
        column=REGION_COLUMN,
    )


def _check_total(year: int, data: _Year, file: str) -> None:
    if data.total is None:
        raise InputError(
            f"{year} has no national total ('{TOTAL_NAME}') to check the regions against",
            file=file,
            column=REGION_COLUMN,
        )
    if any(v is None for v in data.values.values()):
        return  # an incomplete year cannot be checked, and its gaps stay gaps
    regions = sum(v for v in data.values.values() if v is not None)
    if abs(regions - data.total) > TOLERANCE * data.total:
        raise InputError(
            f"the regions of {year} sum to {regions:,.0f} but the national total is "
            f"{data.total:,.0f} ({(regions - data.total) / data.total:+.2%})",
            file=file,
            row=data.total_row,
            column=VALUE_COLUMN,
        )


def _aggregate(values: dict[str, float | None], mapping: dict[str, str]) -> dict[str, float]:
    """Sum values up a crosswalk; a target with any missing part is missing, not short."""
    sums: dict[str, float] = {}
    gaps: set[str] = set()
    for code, value in values.items():
        target = mapping[code]
        if value is None:
            gaps.add(target)
        else:
            sums[target] = sums.get(target, 0.0) + value
    return {c: v for c, v in sorted(sums.items()) if c not in gaps}


def kz_population_layouts(shared_geo_dir: Path) -> dict[int, str]:
    """Year -> the layout stat.gov.kz gives that year's regions in."""
    path = Path(shared_geo_dir) / POPULATION_FILE
    return {
        year: _year_layout(year, data, path.name)[0]
        for year, data in sorted(_read_years(path).items())
    }


def kz_national_population(shared_geo_dir: Path) -> dict[int, float]:
    """Year -> Kazakhstan's population at 1 January, as stat.gov.kz gives it."""
    path = Path(shared_geo_dir) / POPULATION_FILE
    return {
        year: data.total
        for year, data in sorted(_read_years(path).items())
        if data.total is not None
    }


def kz_region_population(shared_geo_dir: Path, layout: str = "2022") -> dict[int, dict[str, float]]:
    """Year -> region code of ``layout`` -> population at 1 January (stat.gov.kz, 2000-2023).

    Every year is summed up to ``layout`` where it can be ("1997" takes every year); a year
    published in an older layout is absent, not zero. The national total is left out, but the
    regions of each year must add up to it (within :data:`TOLERANCE`).
    """
    path = Path(shared_geo_dir) / POPULATION_FILE
    target = LAYOUTS.index(check_layout(layout))
    result: dict[int, dict[str, float]] = {}
    for year, data in sorted(_read_years(path).items()):
        published, codes = _year_layout(year, data, path.name)
        _check_total(year, data, path.name)
        if LAYOUTS.index(published) < target:
            continue
        mapping = crosswalk(published, layout)
        by_code = {codes[name]: value for name, value in data.values.items()}
        result[year] = _aggregate(by_code, mapping)
    return result


def load_population_csv(path: Path, key_column: str, value_column: str) -> dict[str, float]:
    """Region key -> population from a user's CSV file.

    A missing cell (empty, "NA", "..", "-") leaves its region out: it is never read as zero.
    Numbers may use thousands separators ("1,234,567"). A duplicate or empty key, a negative or
    non-numeric value are :class:`InputError` naming the file, row and column.
    """
    file = Path(path).name
    # A device or a FIFO given as the file would never end: refused before it is opened.
    regular_file(Path(path), max_bytes=MAX_BYTES, file=file)
    header, rows = read_csv_file(Path(path))
    pos = column_positions(header, [key_column, value_column], file=file)
    result: dict[str, float] = {}
    first: dict[str, int] = {}
    for line, fields in rows:
        check_row_length(fields, header, file=file, row=line)
        key = fields[pos[key_column]].strip()
        if not key:
            raise InputError("the region key is empty", file=file, row=line, column=key_column)
        if key in first:
            raise InputError(
                f"'{key}' is listed twice (first on row {first[key]})",
                file=file,
                row=line,
                column=key_column,
            )
        first[key] = line
        value = parse_number(
            fields[pos[value_column]],
            file=file,
            row=line,
            column=value_column,
            thousands=True,
            missing=MISSING,
        )
        if value is None:
            continue
        if value < 0:
            raise InputError(
                f"negative population {value:g}", file=file, row=line, column=value_column
            )
        if value > MAX_POPULATION:
            raise InputError(
                f"population {value:g} is more than the world's ({MAX_POPULATION:.0e})",
                file=file,
                row=line,
                column=value_column,
            )
        result[key] = value
    return result
