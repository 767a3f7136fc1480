"""Query results: rows as dicts, ready for JSON, and convertible to Arrow or pandas on demand.

Building an Arrow table from Python objects makes pyarrow import pandas (half a second), so
results stay plain rows until a caller asks for ``to_arrow()`` or ``to_pandas()``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class Records(list[dict[str, Any]]):
    """The rows of a result, with optional metadata (label, unit, sources)."""

    def __init__(
        self, rows: Iterable[dict[str, Any]] = (), metadata: dict[str, str] | None = None
    ) -> None:
        super().__init__(rows)
        self.metadata: dict[str, str] = dict(metadata or {})

    @property
    def column_names(self) -> list[str]:
        """Column names, in the order of the first row."""
        return list(self[0]) if self else []

    def column(self, name: str) -> list[Any]:
        """One column's values, row by row (None where a row lacks it)."""
        return [row.get(name) for row in self]

    def to_pylist(self) -> list[dict[str, Any]]:
        """The rows as a plain list of dicts."""
        return list(self)

    def to_arrow(self) -> Any:
        """A ``pyarrow.Table``, with the metadata in its schema."""
        import pyarrow as pa

        table = pa.Table.from_pylist(list(self))
        return table.replace_schema_metadata(self.metadata) if self.metadata else table

    def to_pandas(self) -> Any:
        """A ``pandas.DataFrame`` (through Arrow)."""
        return self.to_arrow().to_pandas()
