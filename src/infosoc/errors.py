"""One hierarchy of errors; the CLI turns each :class:`InfosocError` into one line and exit 2."""

from __future__ import annotations


class InfosocError(Exception):
    """Base class of every error infosoc raises on purpose."""


class InputError(InfosocError):
    """A file or a value given to infosoc is malformed.

    The message names the file, the row (1 = header line) and the column, so that a user
    can open the file and find the fault.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.reason = message
        where = []
        if file is not None:
            where.append(file)
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


class UnresolvedCountriesError(InputError):
    """One or more country names could not be resolved to an ISO3 code.

    ``unresolved`` maps every name that failed to the closest suggestions; nothing is dropped.
    """

    def __init__(
        self,
        unresolved: dict[str, list[str]],
        *,
        file: str | None = None,
        rows: dict[str, int] | None = None,
        column: str | None = None,
    ) -> None:
        self.unresolved = unresolved
        parts = []
        for name, hints in unresolved.items():
            details = [f"row {rows[name]}"] if rows and name in rows else []
            if hints:
                details.append(f"did you mean {' or '.join(hints)}?")
            parts.append(f"'{name}'" + (f" ({'; '.join(details)})" if details else ""))
        noun = "country name" if len(unresolved) == 1 else "country names"
        message = f"{len(unresolved)} unknown {noun}: " + ", ".join(parts)
        super().__init__(message, file=file, column=column)


class SourceError(InfosocError):
    """An upstream source could not be fetched, or gave something unusable."""


class StoreError(InfosocError):
    """The store is missing, locked, or does not hold what was asked for."""


class NotFoundError(InfosocError):
    """The store holds no data for what was asked (a country, a year, an indicator)."""


#: The longest error line printed: a message repeating a huge bad value is cut here.
MESSAGE_LIMIT = 1000


def one_line(message: str, limit: int = MESSAGE_LIMIT) -> str:
    """``message`` as one line safe to print on a terminal: white space runs become one space,
    every other control character (ESC, BEL, ...) is written as an escape (``\\x1b``), so no
    value quoted from a file or an argument can clear, retitle or recolour the terminal; and at
    most ``limit`` characters, saying how many were left out."""
    flat = " ".join(message.split())
    safe = "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in flat
    )
    if len(safe) <= limit:
        return safe
    return f"{safe[:limit]}… ({len(safe) - limit} more characters)"
