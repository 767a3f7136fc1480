"""Footnotes: each source a figure comes from gets one numbered note, and the notes are
numbered in reading order once the report is gathered."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .localiser import Localiser
from .model import Cell, Note, Section


class Notes:
    """Numbered footnotes: each source file (or text) gets one number, the first time cited.

    ``sources`` are the store's source versions (rows of ``sources()``); only the current
    version of each file is cited. ``cited`` lists the versions cited, for the list of sources.
    """

    def __init__(self, sources: Iterable[Mapping[str, Any]], loc: Localiser) -> None:
        self._loc = loc
        current = [s for s in sources if s.get("current", True)]
        self.by_file = {str(s["file_name"]): dict(s) for s in current}
        self.by_edition = {(str(s["source"]), str(s["edition"])): dict(s) for s in current}
        self.entries: list[Note] = []
        self._numbers: dict[str, int] = {}
        self.cited: list[dict[str, Any]] = []

    def _add(self, key: str, text: str, url: str | None = None) -> int:
        if key not in self._numbers:
            self._numbers[key] = len(self.entries) + 1
            self.entries.append(Note(self._numbers[key], text, url))
        return self._numbers[key]

    def source(self, row: Mapping[str, Any] | None) -> tuple[int, ...]:
        """The footnote of one source version (a row of ``sources()``); none for None."""
        if row is None:
            return ()
        if row not in self.cited:
            self.cited.append(dict(row))
        loc = self._loc
        values = {
            "publisher": row["publisher"],
            "title": row["title"],
            "file": row["file_name"],
            "edition": row["edition"],
            "version": row["version"],
            "date": loc.date(row["retrieved_at"]),
        }
        if str(row["file_name"]).startswith(str(row["edition"]) + "."):
            # Editions named after their file (most sources but the UN survey): say it once.
            text = loc._(
                "%(publisher)s, %(title)s. File %(file)s, version %(version)s, retrieved %(date)s.",
                **values,
            )
        else:
            text = loc._(
                "%(publisher)s, %(title)s. File %(file)s (edition %(edition)s, version "
                "%(version)s), retrieved %(date)s.",
                **values,
            )
        return (self._add("file:" + str(row["file_name"]), text),)

    def file(self, file_name: Any, retrieved: Any = None) -> tuple[int, ...]:
        """The footnote of a file by name; a file the store does not list is cited by name."""
        if not file_name:
            return ()
        row = self.by_file.get(str(file_name))
        if row is not None:
            return self.source(row)
        text = self._loc._(
            "File %(file)s, retrieved %(date)s.", file=file_name, date=self._loc.date(retrieved)
        )
        return (self._add("file:" + str(file_name), text),)

    def files(self, names: Iterable[Any]) -> tuple[int, ...]:
        """The footnotes of several files, each once, in ascending order."""
        numbers = [n for name in dict.fromkeys(names) for n in self.file(name)]
        return tuple(sorted(set(numbers)))

    def edition(self, source: str, edition: Any) -> tuple[int, ...]:
        """The footnote of one edition of a source; none if the store does not hold it."""
        return self.source(self.by_edition.get((source, str(edition))))

    def text(self, key: str, text: str, url: str | None = None) -> tuple[int, ...]:
        """A footnote that is a text of its own (a document, a statement), once per ``key``."""
        return (self._add("text:" + key, text, url),)

    def sources_of(self, numbers: Iterable[int]) -> list[dict[str, Any]]:
        """The source versions that footnotes ``numbers`` cite (numbers as given while the
        data is gathered, before :func:`renumber`); notes of other kinds are left out."""
        files = {n: key[len("file:"):] for key, n in self._numbers.items()
                 if key.startswith("file:")}  # fmt: skip
        return [dict(self.by_file[f]) for n in numbers if (f := files.get(n, "")) in self.by_file]

    def mentioned(self, text: Any) -> tuple[int, ...]:
        """The footnotes of every held file whose name appears in ``text``."""
        if not text:
            return ()
        found = [name for name in self.by_file if name in str(text)]
        return self.files(found)


def renumber(sections: Sequence[Section], notes: Sequence[Note]) -> list[Note]:
    """The notes numbered in reading order (they were numbered in the order data was
    gathered); every cell of ``sections`` is changed to cite the new numbers."""
    cells = cells_of(sections)
    order = list(dict.fromkeys(n for cell in cells for n in cell.notes))
    order += [n.number for n in notes if n.number not in order]
    new = {old: i for i, old in enumerate(order, start=1)}
    for cell in cells:
        cell.notes = tuple(sorted(new[n] for n in cell.notes))
    by_number = {n.number: n for n in notes}
    return [Note(new[old], by_number[old].text, by_number[old].url) for old in order]


def cells_of(sections: Sequence[Section]) -> list[Cell]:
    """Every cell of ``sections`` that may cite a note, in reading order."""
    cells: list[Cell] = []
    for section in sections:
        cells += [cell for _, cell in section.facts]
        for table in section.tables:
            cells += table.columns + [cell for row in table.rows for cell in row]
        cells += [cell for _, entries in section.groups for _, cell in entries]
        cells += [chart.source for chart in section.charts]
    return cells
