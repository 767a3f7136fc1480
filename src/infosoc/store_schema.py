"""The store's tables and views, and bringing a store written by an older infosoc up to date.

Schema 3 added each source file's release date (``sources.released``) and the breakdown of an
observation (``observations.breakdown``: NULL for a total); docs/store.md describes the tables.
A store that is damaged, or that a newer infosoc wrote, is named as such (:func:`check_store`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb

from .errors import StoreError
from .geo.countries import all_countries

SCHEMA_VERSION = "3"
#: Versions an older infosoc wrote, brought up to date when first opened.
OLDER_VERSIONS = ("1", "2")
TABLES = ("meta", "sources", "entities", "indicators", "observations", "attributes")
VIEWS = ("current_sources", "current_observations", "current_attributes")
#: What DuckDB says of a file that is not a whole DuckDB database, and how a user is told.
_DAMAGE = (
    ("not a valid DuckDB database", "not a DuckDB file"),
    ("Could not read enough bytes", "the file is cut short"),
    ("orrupt", "a block is corrupt"),
    ("checksum", "a block is corrupt"),
)

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


def damaged(path: Path, what: str) -> StoreError:
    """The error for a store file that cannot be read as a whole infosoc store."""
    return StoreError(
        f"the store at {path} is damaged ({what}): move it away and run "
        "`infosoc ingest all --from DIR` (or any query to rebuild it from the shipped data)"
    )


def damage_of(exc: BaseException) -> str | None:
    """What a DuckDB error says is wrong with the file it read, in a few words; None when the
    error is about something else (a lock, a permission, a query)."""
    text = str(exc)
    if not isinstance(exc, duckdb.Error):
        return None
    return next((what for sign, what in _DAMAGE if sign in text), None)


def open_error(path: Path, exc: BaseException) -> StoreError:
    """The error for a store DuckDB could not open: damaged, held by another program, or
    DuckDB's own first line."""
    what = damage_of(exc)
    if what is not None:
        return damaged(path, what)
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if "Conflicting lock" in reason:
        held = re.search(r"\(PID (\d+)\)", reason)
        by = f" (pid {held.group(1)})" if held else ""
        return StoreError(
            f"another program{by} holds the store at {path} open for writing (a DuckDB "
            "session, or an older infosoc): close it, then try again"
        )
    return StoreError(f"cannot open the store at {path}: {reason}")


def check_file(path: Path) -> None:
    """A StoreError when something other than a regular file is at a store's path (DuckDB
    would wait forever on a pipe, or read a device to no end)."""
    if path.exists() and not path.is_file():
        raise damaged(path, "not a regular file")


def check_store(con: Any, path: Path, *, empty_ok: bool = False) -> str | None:
    """The schema version of the store open on ``con`` (``path`` names it in errors), once it
    is known to be whole: a StoreError names a store that is damaged (no infosoc tables, no
    schema version, a table missing, an unreadable block) or that a newer infosoc wrote.
    ``empty_ok``: a database with no table at all is a new store (None)."""
    try:
        kinds = dict(
            con.execute("SELECT table_name, table_type FROM information_schema.tables").fetchall()
        )
        found = (
            con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
            if "meta" in kinds
            else []
        )
    except duckdb.Error as exc:
        raise damaged(path, damage_of(exc) or str(exc).splitlines()[0][:200]) from exc
    if not kinds and empty_ok:
        return None
    version = str(found[0][0]) if found and found[0][0] is not None else None
    if "meta" not in kinds:
        raise damaged(path, "it holds no infosoc tables")
    if version is None:
        raise damaged(path, "it records no schema version")
    if version.isascii() and version.isdigit() and int(version) > int(SCHEMA_VERSION):
        raise StoreError(
            f"the store at {path} was written by a newer infosoc (schema {int(version)}, this "
            f"one knows {SCHEMA_VERSION}): upgrade infosoc or use another --home"
        )
    if version != SCHEMA_VERSION and version not in OLDER_VERSIONS:
        raise damaged(path, f"unknown schema version {version[:20]!r}")
    # An older store is upgraded by create_schema, which adds what its version lacked.
    wanted = TABLES + VIEWS if version == SCHEMA_VERSION else ("sources", "observations")
    missing = [name for name in wanted if name not in kinds]
    if missing:
        raise damaged(path, f"missing: {', '.join(missing)}")
    return version


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
