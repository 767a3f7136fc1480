"""The bulk download's country metadata: each economy's region and income group, and which
codes are aggregates.

``Metadata_Country_API_<code>_DS2_en_csv_v2_<n>.csv`` comes in every data.worldbank.org bulk
download: ``Country Code, Region, IncomeGroup, SpecialNotes, TableName``, one row per economy
or aggregate. An economy has a region; an aggregate (World, regions, income groups, "IDA
total") has none. The classification is the one in force when the file was released, so its
attributes carry the release year as their period (see docs/sources/worldbank.md).
"""

from __future__ import annotations

from ..errors import InputError
from .base import Attribute, EntityRecord, check_row_length, column_positions
from .worldbank_csv import Table, need_rows
from .worldbank_files import Rules, is_iso3

REGION = "wb_region"
INCOME = "income_group"


def read_countries(
    table: Table, rules: Rules, *, file: str, period: str
) -> tuple[list[Attribute], list[EntityRecord]]:
    """The attributes ``wb_region`` and ``income_group`` of every economy for ``period``, and
    an entity record for every aggregate (and for economies without an ISO code).

    Income groups are stored under infosoc's names ("upper middle income"); an economy
    without one gets a missing value. Any fault (an unknown income group, a country without a
    region, a code twice) is an InputError naming file, row and column.
    """
    code_col, region_col, income_col, name_col = rules.country_columns
    at = column_positions(table.header, rules.country_columns, file=file, row=table.line)
    need_rows(table, file)
    attributes: list[Attribute] = []
    entities: list[EntityRecord] = []
    seen: dict[str, int] = {}
    for line, fields in table.rows:
        check_row_length(fields, table.header, file=file, row=line)
        code = fields[at[code_col]].strip().upper()
        region = fields[at[region_col]].strip()
        income = fields[at[income_col]].strip()
        name = fields[at[name_col]].strip()
        if not code:
            raise InputError("the economy has no code", file=file, row=line, column=code_col)
        if code in seen:
            raise InputError(
                f"{code} appears twice (rows {seen[code]} and {line})",
                file=file,
                row=line,
                column=code_col,
            )
        seen[code] = line
        if not region:
            entities.append(_aggregate(code, name, income, rules, file=file, row=line))
            continue
        try:
            entity, record = rules.classify(code, name)
        except ValueError as exc:
            raise InputError(str(exc), file=file, row=line, column=code_col) from None
        if record is not None and record.kind != "country":
            raise InputError(
                f"'{code}' ({name}) has a region, so it is an economy, but it is neither an ISO "
                "3166 code nor one of the non_iso_countries of worldbank.meta.toml",
                file=file,
                row=line,
                column=code_col,
            )
        if record is not None:
            entities.append(record)
        group = rules.income_groups.get(income) if income else None
        if income and group is None:
            known = ", ".join(rules.income_groups)
            raise InputError(
                f"unknown income group '{income}' (known: {known})",
                file=file,
                row=line,
                column=income_col,
            )
        attributes.append(Attribute(entity, REGION, period, region))
        attributes.append(Attribute(entity, INCOME, period, group))
    return attributes, entities


def _aggregate(
    code: str, name: str, income: str, rules: Rules, *, file: str, row: int
) -> EntityRecord:
    """The record of a row without a region: an aggregate, unless its code says otherwise."""
    region_col = rules.country_columns[1]
    if is_iso3(code) or code in rules.non_iso_countries:
        raise InputError(
            f"{code} is a country but has no region (only aggregates have none)",
            file=file,
            row=row,
            column=region_col,
        )
    if income:
        raise InputError(
            f"{code} has an income group ('{income}') but no region: an economy has both, "
            "an aggregate neither",
            file=file,
            row=row,
            column=region_col,
        )
    return EntityRecord(code, "aggregate", name or code)
