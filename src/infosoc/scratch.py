"""An in-memory DuckDB for transient work (reading Parquet files, summing tiles up), one
per thread: making one costs about 30 ms, more than many of the queries run on it."""

from __future__ import annotations

import threading
from typing import Any

_local = threading.local()


def scratch_duckdb() -> Any:
    """This thread's in-memory DuckDB connection, made on first use.

    Whatever a caller creates on it (views, temporary tables) it drops when done: the next
    caller shares the connection, and a kept table would hold its memory.
    """
    con = getattr(_local, "con", None)
    if con is None:
        import duckdb

        con = duckdb.connect()
        con.execute("SET enable_progress_bar = false")
        _local.con = con
    return con
