"""The store's tables and views, and bringing a store written by an older infosoc up to date.

Schema 3 added each source file's release date (``sources.released``) and the breakdown of an
observation (``observations.breakdown``: NULL for a total); docs/store.md describes the tables.
"""

from __future__ import annotations

from typing import Any

import duckdb

from .geo.countries import all_countries

SCHEMA_VERSION = "3"

OBS_COLUMNS = [
    ("entity", "string"),
    ("indicator", "string"),
    ("period", "string"),
    ("value", "float64"),
    ("note", "string"),
    ("source_id", "int32"),
    ("breakdown", "string"),
]

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS sources (
    source_id INTEGER PRIMARY KEY,
    source VARCHAR NOT NULL,
    edition VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    publisher VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    licence VARCHAR NOT NULL,
    retrieved_at TIMESTAMPTZ NOT NULL,
    retrieved_from VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    size_bytes BIGINT NOT NULL,
    ingested_at TIMESTAMPTZ NOT NULL,
    observations INTEGER NOT NULL,
    released VARCHAR,
    UNIQUE (source, edition, version)
);
CREATE TABLE IF NOT EXISTS entities (
    code VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,
    iso2 VARCHAR, m49 VARCHAR,
    name_en VARCHAR, name_ru VARCHAR, name_kk VARCHAR,
    region VARCHAR, subregion VARCHAR, intermediate_region VARCHAR,
    un_member BOOLEAN
);
CREATE TABLE IF NOT EXISTS indicators (
    indicator VARCHAR PRIMARY KEY,
    label VARCHAR NOT NULL,
    unit VARCHAR NOT NULL,
    statistic VARCHAR,
    method VARCHAR,
    period_kind VARCHAR NOT NULL,
    source VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS observations (
    entity VARCHAR NOT NULL,
    indicator VARCHAR NOT NULL,
    period VARCHAR NOT NULL,
    value DOUBLE,
    note VARCHAR,
    source_id INTEGER NOT NULL,
    breakdown VARCHAR
);
CREATE TABLE IF NOT EXISTS attributes (
    entity VARCHAR NOT NULL,
    attribute VARCHAR NOT NULL,
    period VARCHAR NOT NULL,
    value VARCHAR,
    source_id INTEGER NOT NULL
);
CREATE OR REPLACE VIEW current_sources AS
    SELECT * FROM sources
    QUALIFY version = max(version) OVER (PARTITION BY source, edition);
CREATE OR REPLACE VIEW current_observations AS
    SELECT o.* FROM observations o JOIN current_sources s USING (source_id);
CREATE OR REPLACE VIEW current_attributes AS
    SELECT a.* FROM attributes a JOIN current_sources s USING (source_id);
"""


def create_schema(con: Any) -> None:
    """Create (or upgrade) every table and view on an open DuckDB connection, inside the
    caller's transaction, and fill the entities with the countries on first use."""
    _upgrade(con)
    con.execute(SCHEMA)
    con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
    if con.execute("SELECT count(*) FROM entities").fetchall()[0][0] == 0:
        rows = [
            (
                c.iso3, "country", c.iso2, c.m49, c.name_en, c.name_ru, c.name_kk, c.region,
                c.subregion, c.intermediate_region, c.un_member,
            )
            for c in all_countries()
        ]  # fmt: skip
        con.executemany("INSERT INTO entities VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def schema_version(con: Any) -> str | None:
    """The schema version a store records, or None when it records none (not an infosoc
    store, or one cut short: its queries then say what is missing)."""
    try:
        found = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    except duckdb.Error:
        return None
    return str(found[0][0]) if found else None


def _upgrade(con: Any) -> None:
    """Bring a store written by an older infosoc to this schema (entities are rebuilt)."""
    tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
    if "meta" not in tables:
        return
    found = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    version = found[0][0] if found else SCHEMA_VERSION
    if version == "1":
        con.execute("DROP TABLE entities")
    if version in ("1", "2"):
        # Views over the old columns must go before the tables can change.
        for view in ("current_observations", "current_attributes", "current_sources"):
            con.execute(f"DROP VIEW IF EXISTS {view}")
        con.execute("ALTER TABLE sources ADD COLUMN IF NOT EXISTS released VARCHAR")
        con.execute("ALTER TABLE observations ADD COLUMN IF NOT EXISTS breakdown VARCHAR")
