"""Ookla's open-data speed tiles: one Parquet file per network kind and quarter, from Q1 2019.

Each file holds the zoom-16 tiles in which someone ran a test that quarter, worldwide, with the
tile averages of download, upload and latency and the counts of tests and devices. This module
names the files (:class:`TileQuarter`), checks them cheaply (:func:`check_tiles_file`) and reads
their columns into memory (:func:`tile_table`, :func:`read_tile_file`); ookla_tiles_fetch finds
them in a data folder or the cache and downloads them resumably. It is not an observation
source: aggregating tiles to regions is the divide's job (infosoc.divide). The other layouts
of tile files found in the wild (GeoJSON, Parquet with tile centres instead of quadkeys) are
read to the same table by ookla_tile_formats and ookla_tile_geojson.
docs/sources/ookla-tiles.md has the details.
"""

from __future__ import annotations

import os
import re
from dataclasses import InitVar, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, get_args

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import InputError
from ..files import file_sha256
from ..limits import check_count
from ..structured import regular_file

Kind = Literal["fixed", "mobile"]
KINDS: tuple[Kind, ...] = get_args(Kind)
FIRST_YEAR = 2019  # Ookla's open data start with Q1 2019
URL_ENV = "INFOSOC_OOKLA_TILES_URL"
DEFAULT_URL = "https://ookla-open-data.s3.amazonaws.com/parquet/performance"
MIRROR_FOLDER = Path("speed") / "ookla_open_data_tiles"
LICENCE = "CC BY-NC-SA 4.0"

REQUIRED_COLUMNS = ("quadkey", "avg_d_kbps", "avg_u_kbps", "avg_lat_ms", "tests", "devices")
OPTIONAL_COLUMNS = ("avg_lat_down_ms", "avg_lat_up_ms", "tile_x", "tile_y")
#: The most tiles one file may hold (a quarter of the world has a few million), and the memory
#: the divide needs per tile, an estimate on the high side (the columns, the lookup, the scans).
MAX_TILES = 100_000_000
BYTES_PER_TILE = 200
# The columns the divide reads, in this order, whatever the year and the engine.
TILE_SCHEMA: dict[str, str] = {
    "quadkey": "string",
    "avg_d_kbps": "float64",
    "avg_u_kbps": "float64",
    "avg_lat_ms": "float64",
    "avg_lat_down_ms": "float64",
    "avg_lat_up_ms": "float64",
    "tests": "int64",
    "devices": "int64",
}

_NAME = re.compile(r"([0-9]{4})-([0-9]{2})-01_performance_([a-z]+)_tiles\.parquet$")
_RANGE = re.compile(r"bytes ([0-9]+)-([0-9]+)/([0-9]+|\*)")
_UNSATISFIED = re.compile(r"bytes \*/([0-9]+)")
_MAGIC = b"PAR1"  # a Parquet file starts and ends with it
_HEAD = 4096  # the bytes in which a JSON file's opening brace must come


@dataclass(frozen=True)
class TileQuarter:
    """One file of Ookla's tiles: a network kind and a quarter that has ended by ``today``.

    A quarter's file is published after the quarter ends (some weeks after), so a quarter that
    is still running is refused; one that has ended may still be missing upstream for a while.
    """

    kind: Kind
    year: int
    quarter: int
    today: InitVar[date | None] = None

    def __post_init__(self, today: date | None) -> None:
        if self.kind not in KINDS:
            raise InputError(f"tile kind {self.kind!r}: must be 'fixed' or 'mobile'")
        for name, value in (("year", self.year), ("quarter", self.quarter)):
            # bool is an int to Python, but True is no year.
            if not isinstance(value, int) or isinstance(value, bool):
                raise InputError(f"tile {name} {value!r}: must be a whole number")
        if self.year < FIRST_YEAR:
            raise InputError(f"year {self.year}: Ookla's open tiles start in {FIRST_YEAR} Q1")
        if not 1 <= self.quarter <= 4:
            raise InputError(f"quarter {self.quarter}: must be 1, 2, 3 or 4")
        today = today or date.today()
        if today < self.ends:
            raise InputError(
                f"{self.label}: the quarter has not ended by {today.isoformat()}, "
                "and Ookla publishes a quarter's tiles only after it ends"
            )

    @classmethod
    def from_name(cls, name: str, *, today: date | None = None) -> TileQuarter:
        """The quarter of a file name, path or URL ending in Ookla's file name."""
        found = _NAME.search(name)
        if found is None:
            raise InputError(
                "is not named like an Ookla tile file (YYYY-MM-01_performance_KIND_tiles.parquet)",
                file=name,
            )
        year, month, kind = int(found[1]), int(found[2]), found[3]
        if month not in (1, 4, 7, 10):
            raise InputError(f"month {month:02d} does not start a quarter", file=name)
        if kind not in KINDS:
            raise InputError(f"tile kind {kind!r}: must be 'fixed' or 'mobile'", file=name)
        fixed_or_mobile: Kind = "fixed" if kind == "fixed" else "mobile"
        return cls(fixed_or_mobile, year, (month - 1) // 3 + 1, today=today)

    @property
    def ends(self) -> date:
        """The first day after the quarter."""
        if self.quarter == 4:
            return date(self.year + 1, 1, 1)
        return date(self.year, 3 * self.quarter + 1, 1)

    @property
    def filename(self) -> str:
        """Ookla's name, dated by the quarter's first month (``2023-01-01_performance_...``)."""
        month = 3 * (self.quarter - 1) + 1
        return f"{self.year}-{month:02d}-01_performance_{self.kind}_tiles.parquet"

    @property
    def partition(self) -> str:
        """Ookla's Hive-style folders: ``type=fixed/year=2023/quarter=1``."""
        return f"type={self.kind}/year={self.year}/quarter={self.quarter}"

    @property
    def url(self) -> str:
        """Where to download the file; the base is ``$INFOSOC_OOKLA_TILES_URL`` when set."""
        base = (os.environ.get(URL_ENV) or DEFAULT_URL).rstrip("/")
        return f"{base}/{self.partition}/{self.filename}"

    @property
    def relative_path(self) -> Path:
        """Where the file sits in a mirror folder (and in the cache), Ookla's folders kept."""
        return MIRROR_FOLDER / self.partition / self.filename

    @property
    def label(self) -> str:
        """For messages: ``fixed 2023 Q1``."""
        return f"{self.kind} {self.year} Q{self.quarter}"


Layout = Literal["parquet", "parquet-centres", "geojson"]


@dataclass(frozen=True)
class TileFileInfo:
    """What a tile file's Parquet footer says; nothing here reads the data itself (except for
    GeoJSON, which has no footer: it is read and checked whole).

    ``layout``: ``parquet``, Ookla's own files; ``parquet-centres``, Parquet with ``tile_x``,
    ``tile_y`` instead of ``quadkey``; ``geojson``, a FeatureCollection.
    """

    path: Path
    rows: int
    columns: tuple[str, ...]
    missing_optional: tuple[str, ...]
    size_bytes: int
    layout: Layout = "parquet"
    #: The Parquet footer (None for GeoJSON), for the checks of the values' statistics.
    metadata: Any = field(default=None, repr=False, compare=False)

    def sha256(self) -> str:
        """The file's SHA-256; reads the whole file, so it is computed only when asked for."""
        return file_sha256(self.path)


def _is_number(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return bool(pa.types.is_integer(kind) or pa.types.is_floating(kind))


def _is_text(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _footer(path: Path) -> Any:
    """The Parquet metadata of ``path``, or an InputError saying why it is not a Parquet file."""
    name = str(path)
    size = regular_file(path)
    if size == 0:
        raise InputError("the file is empty", file=name)
    with path.open("rb") as handle:
        head = handle.read(len(_MAGIC))
        handle.seek(max(size - len(_MAGIC), 0))
        tail = handle.read(len(_MAGIC))
    if head != _MAGIC:
        # An error page saved in place of the file is the usual culprit.
        looks = " (it looks like an HTML page)" if head.lstrip()[:1] == b"<" else ""
        raise InputError(f"is not a Parquet file{looks}", file=name)
    if tail != _MAGIC:
        raise InputError("is not a complete Parquet file (truncated: no footer)", file=name)
    try:
        return pq.read_metadata(path)
    except (OSError, pa.ArrowException) as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"is a damaged Parquet file ({first_line})", file=name) from exc


def check_tiles_file(path: Path) -> TileFileInfo:
    """What a tile file holds, from its Parquet footer only, or an InputError naming the fault.

    The file must be Parquet and have every required column, quadkey as text and the others
    as numbers (Ookla's integer widths vary by year, so any integer or float will do); or
    Parquet with ``tile_x`` and ``tile_y`` in place of the quadkey; or a GeoJSON
    FeatureCollection of tiles, which is read and checked whole (it has no footer).

    Before anything is read, the path must be a regular file (not a folder, a device such as
    /dev/zero or a FIFO), and its first bytes must be Parquet's or a JSON object's: a wrong
    file is refused at once, whatever its size.
    """
    path = Path(path)
    if _geojson(path):
        return _geojson_info(path)
    metadata = _footer(path)
    # The divide holds a quarter's tiles in memory (decision 0007): a file too large for this
    # machine is refused from its footer's row count, before a row is read.
    check_count(
        int(metadata.num_rows), f"{path.name}: tiles", least=0, most=MAX_TILES,
        bytes_each=BYTES_PER_TILE,
    )  # fmt: skip
    schema = metadata.schema.to_arrow_schema()
    names = tuple(schema.names)
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    # Some copies drop the quadkey but keep the tile centre, from which it is rebuilt.
    centres = "quadkey" in missing and {"tile_x", "tile_y"} <= set(names)
    if centres:
        missing.remove("quadkey")
    if missing:
        raise InputError(
            f"missing column{'s' if len(missing) > 1 else ''} "
            + ", ".join(f"'{m}'" for m in missing)
            + (" (nor tile_x, tile_y to rebuild it from)" if "quadkey" in missing else ""),
            file=str(path),
            column=missing[0],
        )
    for column in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
        if column not in names:
            continue
        kind = schema.field(column).type
        ok = _is_text(kind) if column == "quadkey" else _is_number(kind)
        if not ok:
            wanted = "text" if column == "quadkey" else "a number"
            raise InputError(f"is {kind}, should be {wanted}", file=str(path), column=column)
    return TileFileInfo(
        path=path,
        rows=int(metadata.num_rows),
        columns=names,
        missing_optional=tuple(c for c in OPTIONAL_COLUMNS if c not in names),
        size_bytes=path.stat().st_size,
        layout="parquet-centres" if centres else "parquet",
        metadata=metadata,
    )


def _geojson_info(path: Path) -> TileFileInfo:
    from .ookla_tile_geojson import read_geojson_tiles

    table = read_geojson_tiles(path)
    names = tuple(table.column_names)
    return TileFileInfo(
        path=path,
        rows=table.num_rows,
        columns=names,
        missing_optional=tuple(c for c in OPTIONAL_COLUMNS if c not in names),
        size_bytes=path.stat().st_size,
        layout="geojson",
    )


def check_tile_values(info: TileFileInfo, table: Any = None) -> None:
    """The plausibility checks of an Ookla Parquet file (no negative count or speed, no NaN):
    from the footer's statistics where they suffice, else on the values, from ``table`` when
    it is in memory or else read from the file. An InputError names the row and column."""
    from .ookla_tile_formats import check_footer_values, check_values

    unverified = check_footer_values(info.metadata, info.path)
    if not unverified:
        return
    if table is None:
        with pq.ParquetFile(info.path) as parquet:
            table = parquet.read(columns=list(unverified))
    check_values(table, info.path, unverified)


SCAN_BATCH_ROWS = 131_072  # DuckDB scans an in-memory table one batch per thread


def tile_table(path: Path) -> Any:
    """The columns of :data:`TILE_SCHEMA` a tile file has, in memory, in the file's row order,
    with every value checked for plausibility.

    Any layout gives the same columns: a GeoJSON file, or a Parquet file with tile centres
    instead of quadkeys, has its quadkeys taken from its properties or rebuilt. The batches
    are cut small enough for a database engine to scan them on every core.
    """
    path = Path(path)
    info = None if _geojson(path) else check_tiles_file(path)
    if info is None or info.layout != "parquet":
        table = _other_layout(path, info)
    else:
        try:
            # ParquetFile, not pq.read_table: that loads pyarrow.dataset, a slow import for
            # every divide command.
            with pq.ParquetFile(path) as parquet:
                table = parquet.read(columns=[c for c in TILE_SCHEMA if c in info.columns])
        except (OSError, pa.ArrowException) as exc:
            first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InputError(f"cannot be read ({first_line})", file=str(path)) from None
        check_tile_values(info, table)
    return pa.Table.from_batches(table.to_batches(max_chunksize=SCAN_BATCH_ROWS), table.schema)


def _geojson(path: Path) -> bool:
    """True for a regular file whose text starts with ``{`` (a byte-order mark and blanks
    before it allowed); False for anything else, which the Parquet checks then judge. A file
    named ``*.geojson``/``*.json`` that does not start so is refused here. Here, not beside the
    reader, to keep numpy out of a check."""
    regular_file(path)  # a FIFO would block the opening below; /dev/zero never ends
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD)
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror or exc})", file=str(path)) from None
    if head.startswith(_MAGIC):
        return False
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"{"):
        return True
    if path.suffix.lower() in (".geojson", ".json"):
        if not text and len(head) < _HEAD:  # blank: the reader says the file is empty
            return True
        looks = " (it looks like an HTML page)" if head.lstrip()[:1] == b"<" else ""
        raise InputError(
            f"is not a GeoJSON file: it does not start with '{{'{looks}", file=str(path)
        )
    return False


def _other_layout(path: Path, info: TileFileInfo | None) -> Any:
    """The tiles of a GeoJSON file (``info`` None) or of a Parquet file with tile centres,
    read whole and checked, as :func:`tile_table`'s columns."""
    if info is None:
        from .ookla_tile_geojson import read_geojson_tiles

        return read_geojson_tiles(path)
    from .ookla_tile_formats import read_centre_tiles

    columns = tuple(c for c in TILE_SCHEMA if c in info.columns and c != "quadkey")
    return read_centre_tiles(path, columns)


@dataclass(frozen=True)
class TileFile:
    """A tile file in memory (:func:`tile_table`) with the SHA-256 of its bytes."""

    path: Path
    table: Any
    sha256: str


def read_tile_file(path: Path) -> TileFile:
    """:func:`tile_table` and the file's SHA-256 (which keys what is computed from it)."""
    path = Path(path)
    table = tile_table(path)
    return TileFile(path, table, file_sha256(path))
