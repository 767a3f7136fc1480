"""The DuckDB store: observations in tidy form, sources with full provenance, and entities.

Each ingest is one transaction, written on a copy of the store that replaces it whole
(:func:`writing`, decision 0028). A file whose bytes are already the current version of its
(source, edition) changes nothing; a file with other bytes becomes a new version of that
edition, and the older version stays in the store, visible in ``sources``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from .errors import StoreError

if TYPE_CHECKING:
    import pyarrow as pa
from .sources.base import ParsedFile
from .store_files import Notice, fresh_copy, writer_lock
from .store_schema import (
    OBS_COLUMNS,
    SCHEMA_VERSION,
    check_file,
    check_store,
    create_schema,
    damage_of,
    damaged,
    open_error,
)

#: Codes of one series as different publishers number it: the World Bank's WDI republishes
#: ITU's World Telecommunication/ICT Indicators, so ITU's newer release of ``i911`` is a newer
#: vintage of ``IT.CEL.SETS.P2``. A query of either code is answered from both, newest release
#: first. Series measured by another method are never listed (docs/data-snapshot.md).
EQUIVALENT_SERIES: tuple[tuple[str, ...], ...] = (
    ("IT.CEL.SETS.P2", "ITU.i911"),
    ("IT.CEL.SETS", "ITU.i271"),
)


def equivalent_codes(code: str) -> tuple[str, ...]:
    """``code`` and the codes of the same series at other publishers (``code`` first)."""
    for group in EQUIVALENT_SERIES:
        if code in group:
            return (code, *[c for c in group if c != code])
    return (code,)


def cite(row: dict[str, Any]) -> str:
    """The short citation of the file that answered a :meth:`Store.series` row: source,
    release (edition and release date), file and retrieval date."""
    released = f", released {row['released']}" if row.get("released") else ""
    return (
        f"{row['source']} {row['edition']}{released}: {row['file_name']} "
        f"(retrieved {row['retrieved']})"
    )


#: Lower comes first when two sources describe the same indicator, country and period: the
#: World Bank's own files before Our World in Data's copies of them; others after both.
SOURCE_PRIORITY: dict[str, int] = {"worldbank": 0, "owid": 1}


@contextmanager
def writing(path: Path, *, notice: Notice | None = None) -> Iterator[Store]:
    """A writable :class:`Store` holding what the store at ``path`` holds (an empty one when
    there is none), under the writer lock (a second writer waits: ``notice`` is told, by
    default on stderr); when the block ends without an error it replaces the store whole, and
    on any error the store is as it was (decision 0028). Every write of a store comes here."""
    with writer_lock(path, notice=notice), new_version(path) as store:
        yield store


@contextmanager
def new_version(path: Path) -> Iterator[Store]:
    """:func:`writing` for a caller that holds the writer lock already."""
    with fresh_copy(path) as copy, Store(copy) as store:
        yield store
        store.con.execute("CHECKPOINT")


@dataclass(frozen=True)
class IngestResult:
    """What one file did to the store: ``added``, ``new version`` or ``unchanged``."""

    source: str
    edition: str
    file_name: str
    status: str
    version: int
    observations: int


class Store:
    """An infosoc store in one DuckDB file. Use as a context manager."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        if read_only and not path.exists():
            raise StoreError(
                f"no store at {path}: run 'infosoc ingest all --from DIR' or "
                "'infosoc ingest un-egov' first"
            )
        check_file(path)
        self.con = self._connect(read_only)
        version = self._check(empty_ok=not read_only)
        if read_only and version != SCHEMA_VERSION:
            # A store an older infosoc wrote: brought up to date once, the way every write is
            # made (a copy swapped in whole, decision 0028), then read.
            self.con.close()
            with writing(path):
                pass
            self.con = self._connect(read_only)
            self._check(empty_ok=False)
        # A read-only connection keeps the file it opened: writers swap a new file in and
        # never change an open one (decision 0028), so the same query gets the same answer;
        # DuckDB plans each query anew, whatever its size, so a repeated one is answered
        # from memory.
        self._answers: dict[tuple[str, str], list[dict[str, Any]]] | None = (
            {} if read_only else None
        )
        self._series: dict[tuple[str, bool], list[dict[str, Any]]] = {}  # prefetched, whole
        if not read_only:
            self._create()

    def _connect(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        try:
            if not read_only:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            return duckdb.connect(str(self.path), read_only=read_only)
        except (duckdb.Error, OSError) as exc:
            raise open_error(self.path, exc) from exc

    def _check(self, *, empty_ok: bool) -> str | None:
        """The store's schema version, or a StoreError naming it damaged or too new."""
        try:
            return check_store(self.con, self.path, empty_ok=empty_ok)
        except BaseException:
            self.con.close()
            raise

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    def _create(self) -> None:
        self.con.execute("BEGIN TRANSACTION")
        try:
            create_schema(self.con)
            self.con.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise

    def ingest(self, files: Sequence[ParsedFile]) -> list[IngestResult]:
        """Write parsed files in one transaction: all of them or, on any failure, none."""
        results: list[IngestResult] = []
        now = datetime.now(UTC)
        self.con.execute("BEGIN TRANSACTION")
        try:
            for parsed in files:
                results.append(self._ingest_one(parsed, now))
            self.con.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise
        return results

    def _rollback(self) -> None:
        """Roll back after a failure, which alone is reported: when the failure was the disk's
        (full, or a file size limit), DuckDB has ended the transaction itself, and its
        "cannot rollback" would hide the cause."""
        with suppress(duckdb.Error):
            self.con.execute("ROLLBACK")

    def _ingest_one(self, parsed: ParsedFile, now: datetime) -> IngestResult:
        import pyarrow as pa  # only writes need Arrow; queries start faster without it

        p = parsed.provenance
        current = self.con.execute(
            "SELECT version, sha256, observations FROM current_sources "
            "WHERE source = ? AND edition = ?",
            [p.source, p.edition],
        ).fetchall()
        if current and current[0][1] == p.sha256:
            version, _, count = current[0]
            return IngestResult(p.source, p.edition, p.file_name, "unchanged", version, count)
        version = current[0][0] + 1 if current else 1
        source_id = self.con.execute(
            "SELECT coalesce(max(source_id), 0) + 1 FROM sources"
        ).fetchall()[0][0]
        self.con.execute(
            "INSERT INTO sources (source_id, source, edition, version, publisher, title, url, "
            "file_name, licence, retrieved_at, retrieved_from, sha256, size_bytes, ingested_at, "
            "observations, released) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                source_id,
                p.source,
                p.edition,
                version,
                p.publisher,
                p.title,
                p.url,
                p.file_name,
                p.licence,
                p.retrieved_at,
                p.retrieved_from,
                p.sha256,
                p.size_bytes,
                now,
                len(parsed.observations),
                p.released,
            ],
        )
        obs = parsed.observations
        table = pa.table(
            [
                [o.entity for o in obs],
                [o.indicator for o in obs],
                [o.period for o in obs],
                [o.value for o in obs],
                [o.note for o in obs],
                [source_id] * len(obs),
                [o.breakdown for o in obs],
            ],
            schema=pa.schema(OBS_COLUMNS),
        )
        self._insert_from(table, "INSERT INTO observations BY NAME SELECT * FROM _t")
        if parsed.attributes:
            attributes = pa.table({
                "entity": [a.entity for a in parsed.attributes],
                "attribute": [a.attribute for a in parsed.attributes],
                "period": [a.period for a in parsed.attributes],
                "value": pa.array([a.value for a in parsed.attributes], pa.string()),
            })  # fmt: skip
            self._insert_from(attributes, "INSERT INTO attributes SELECT *, ? FROM _t", [source_id])
        if parsed.entities:
            entities = pa.table({
                "code": [e.code for e in parsed.entities],
                "kind": [e.kind for e in parsed.entities],
                "name_en": [e.name for e in parsed.entities],
            })  # fmt: skip
            self._insert_from(
                entities,
                "INSERT INTO entities (code, kind, name_en) SELECT DISTINCT ON (code) * FROM _t "
                "ON CONFLICT (code) DO NOTHING",
            )
        self._describe(parsed, p.source)
        status = "new version" if current else "added"
        return IngestResult(p.source, p.edition, p.file_name, status, version, len(obs))

    def _describe(self, parsed: ParsedFile, source: str) -> None:
        """Record what each indicator measures, unless a more authoritative source already did."""
        import pyarrow as pa

        rank = SOURCE_PRIORITY.get(source, 9)
        known = dict(self.con.execute("SELECT indicator, source FROM indicators").fetchall())
        fresh = [
            m for m in parsed.indicators
            if m.indicator not in known or SOURCE_PRIORITY.get(known[m.indicator], 9) >= rank
        ]  # fmt: skip
        if not fresh:
            return
        columns = ("indicator", "label", "unit", "statistic", "method", "period_kind")
        table = pa.table(
            {c: pa.array([getattr(m, c) for m in fresh], pa.string()) for c in columns}
        )
        self._insert_from(
            table,
            "INSERT OR REPLACE INTO indicators SELECT indicator, label, unit, statistic, method, "
            "period_kind, ? FROM _t",
            [source],
        )

    def _insert_from(self, table: pa.Table, sql: str, params: Sequence[Any] = ()) -> None:
        """Run an INSERT that reads an Arrow table as ``_t``: one statement for many rows."""
        self.con.register("_t", table)
        try:
            self.con.execute(sql, list(params))
        finally:
            self.con.unregister("_t")

    def meta(self, key: str) -> str | None:
        """A value the store records about itself (``schema_version``, ``snapshot``)."""
        found = self.con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
        return str(found[0][0]) if found else None

    def set_meta(self, key: str, value: str) -> None:
        """Record a value about the store (a store opened for writing)."""
        self.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    def query(self, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
        """Run SQL against the store and return an Arrow table."""
        with self._reading():
            return self.con.execute(sql, list(params or [])).to_arrow_table()

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Name the store damaged when a query finds a block of it unreadable."""
        try:
            yield
        except duckdb.Error as exc:
            what = damage_of(exc)
            if what is None:
                raise
            raise damaged(self.path, what) from exc

    def rows(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        """Run SQL and return rows as dictionaries (fresh ones: callers may change them)."""
        key = (sql, repr(list(params or [])))
        if self._answers is not None and key in self._answers:
            return [dict(row) for row in self._answers[key]]
        with self._reading():
            cursor = self.con.execute(sql, list(params or []))
            names = [d[0] for d in cursor.description or []]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        if self._answers is not None:
            self._answers[key] = [dict(row) for row in rows]
        return rows

    def series(
        self,
        code: str,
        entities: Sequence[str] | None = None,
        *,
        period: str | None = None,
        countries_only: bool = True,
    ) -> list[dict[str, Any]]:
        """One value per (entity, period) of an indicator (its totals, not its breakdowns),
        from the newest release that has it.

        A present value beats a missing one; then the newest release (the publisher's release
        date, else the retrieval date): a value published again in a later release is
        answered by the later one, and the earlier stays in the store (:meth:`revisions`);
        then ``SOURCE_PRIORITY``; then the latest file. Each row: ``entity, period, value,
        note, source, edition, released, file_name, retrieved``.
        """
        whole = self._series.get((code, countries_only))
        if whole is not None and period is None:
            wanted = None if entities is None else set(entities)
            return [dict(r) for r in whole if wanted is None or r["entity"] in wanted]
        return self._current(
            [code], entities, period=period, countries_only=countries_only, with_code=False
        )

    def _current(
        self,
        codes: Sequence[str],
        entities: Sequence[str] | None,
        *,
        period: str | None,
        countries_only: bool,
        with_code: bool,
    ) -> list[dict[str, Any]]:
        """The rows of :meth:`series` for several indicators (``indicator`` first if asked)."""
        # Each asked code with the codes of the same series at other publishers: one row
        # (asked, held) each, passed as parameters.
        pairs = [(asked, held) for asked in codes for held in equivalent_codes(asked)]
        wanted = ", ".join("(?, ?)" for _ in pairs)
        params: list[Any] = [x for pair in pairs for x in pair]
        where = ["o.breakdown IS NULL"]
        if entities is not None:
            where.append(f"o.entity IN ({', '.join('?' for _ in entities)})")
            params += list(entities)
        if period is not None:
            where.append("o.period = ?")
            params.append(period)
        if countries_only:
            where.append("e.kind = 'country'")
        ranks = " ".join(f"WHEN '{name}' THEN {rank}" for name, rank in SOURCE_PRIORITY.items())
        # Only placeholders and our own constants are interpolated into this SQL.
        # The sources' current versions first, in a CTE of a few dozen rows: joining that is
        # cheaper than the current_observations view, which plans the same window per query.
        sql = f"""
            WITH s AS (
                SELECT source_id, source, edition, file_name, retrieved_at,
                       coalesce(released, strftime(retrieved_at AT TIME ZONE 'UTC', '%Y-%m-%d'))
                           AS released
                FROM sources
                QUALIFY version = max(version) OVER (PARTITION BY source, edition)
            ),
            w (asked, held) AS (VALUES {wanted})
            SELECT {"w.asked AS indicator, " if with_code else ""}o.entity, o.period, o.value,
                   o.note, s.source, s.edition, s.released, s.file_name,
                   strftime(s.retrieved_at AT TIME ZONE 'UTC', '%Y-%m-%d') AS retrieved
            FROM observations o
            JOIN w ON o.indicator = w.held
            JOIN s USING (source_id)
            JOIN entities e ON e.code = o.entity
            WHERE {" AND ".join(where)}
            QUALIFY row_number() OVER (
                PARTITION BY w.asked, o.entity, o.period
                ORDER BY o.value IS NULL, s.released DESC, CASE s.source {ranks} ELSE 9 END,
                         s.retrieved_at DESC
            ) = 1
            ORDER BY w.asked, o.period, o.entity
        """
        return self.rows(sql, params)

    def prefetch_series(self, codes: Iterable[str], *, countries_only: bool = True) -> None:
        """Read several indicators whole in one query, for the :meth:`series` calls to come.

        Only a read-only store keeps them (it cannot change while open); one query for a
        few dozen indicators costs about what one costs, most of it DuckDB's planning.
        """
        wanted = sorted({c for c in codes if (c, countries_only) not in self._series})
        if self._answers is None or not wanted:
            return
        rows = self._current(
            wanted, None, period=None, countries_only=countries_only, with_code=True
        )
        by_code: dict[str, list[dict[str, Any]]] = {code: [] for code in wanted}
        for row in rows:
            by_code[row.pop("indicator")].append(row)
        for code, found in by_code.items():
            self._series[(code, countries_only)] = found

    def sources(self) -> list[dict[str, Any]]:
        """Every source version the store holds, newest edition first, with its provenance."""
        return self.rows(
            """
            SELECT s.source, s.edition, s.version,
                   s.version = max(s.version) OVER (PARTITION BY s.source, s.edition) AS current,
                   s.observations, s.publisher, s.title, s.file_name, s.url, s.retrieved_from,
                   s.licence, s.released, s.retrieved_at, s.ingested_at, s.sha256, s.size_bytes
            FROM sources s ORDER BY s.source, s.edition DESC, s.version DESC
            """
        )

    def revisions(self, code: str, entity: str) -> list[dict[str, Any]]:
        """Every value of one indicator for one entity in every release the store holds (its
        totals), oldest release first: how the series was revised, release by release.

        Each row: ``period, value, note, source, edition, version, current, released,
        file_name``."""
        return self.rows(
            """
            SELECT o.period, o.value, o.note, s.source, s.edition, s.version,
                   s.version = max(s.version) OVER (PARTITION BY s.source, s.edition) AS current,
                   coalesce(s.released, strftime(s.retrieved_at AT TIME ZONE 'UTC', '%Y-%m-%d'))
                       AS released,
                   s.file_name
            FROM observations o JOIN sources s USING (source_id)
            WHERE o.indicator = ? AND o.entity = ? AND o.breakdown IS NULL
            ORDER BY o.period, released, s.source, s.edition, s.version
            """,
            [code, entity],
        )

    def breakdowns(self, code: str, entity: str) -> list[dict[str, Any]]:
        """Every value of one indicator for one entity, totals and breakdowns, from the current
        version of each file: ``period, breakdown, value, note, source, edition, released,
        file_name`` (``breakdown`` None for the total). Two values for one cell are both
        returned; deciding between them is the caller's business."""
        return self.rows(
            """
            WITH s AS (
                SELECT source_id, source, edition, file_name,
                       coalesce(released, strftime(retrieved_at AT TIME ZONE 'UTC', '%Y-%m-%d'))
                           AS released
                FROM sources
                QUALIFY version = max(version) OVER (PARTITION BY source, edition)
            )
            SELECT o.period, o.breakdown, o.value, o.note, s.source, s.edition, s.released,
                   s.file_name
            FROM observations o JOIN s USING (source_id)
            WHERE o.indicator = ? AND o.entity = ?
            ORDER BY o.period, o.breakdown NULLS FIRST, o.value
            """,
            [code, entity],
        )
