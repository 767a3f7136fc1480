"""What infosoc's queries return: rows (``Records``) or a structured document (``Document``).

Every ``Observatory`` query returns one of the two (docs/conventions.md). Rows stay plain dicts
until a caller asks for ``to_arrow()`` or ``to_pandas()``, because building an Arrow table from
Python objects makes pyarrow import pandas.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

#: How a long operation reports where it is: ``progress(done, total, what)``, where ``total``
#: is None while unknown and ``what`` says the current step in a few words.
Progress = Callable[[int, int | None, str], None]


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


class Document(dict[str, Any]):
    """A structured result (a SWOT, a scorecard of targets, an audit, the article's claims):
    a JSON object whose shape docs/conventions.md documents per ``kind``.

    Its main rows are the list under ``rows_key``; ``rows()`` gives them as ``Records``, which
    is what ``-f csv`` and ``-f ndjson`` print, while ``-f json`` prints the whole object.
    """

    def __init__(self, kind: str, content: Mapping[str, Any], rows_key: str) -> None:
        super().__init__(content)
        if not isinstance(self.get(rows_key), list):
            raise TypeError(f"a {kind} document needs a list under {rows_key!r}")
        self.kind = kind
        self.rows_key = rows_key

    def rows(self) -> Records:
        """The document's main rows."""
        return Records(self[self.rows_key])
