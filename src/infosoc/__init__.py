"""infosoc: an open observatory of digital development.

>>> from infosoc import Observatory
>>> Observatory().egdi("KAZ")  # doctest: +SKIP
"""

from typing import TYPE_CHECKING

from .errors import (
    InfosocError,
    InputError,
    NotFoundError,
    SourceError,
    StoreError,
    UnresolvedCountriesError,
)
from .records import Document, Progress, Records

__version__ = "0.1.0"

if TYPE_CHECKING:  # type checkers see the class; at run time it loads on first use
    from .observatory import Observatory


def __getattr__(name: str) -> type:
    # Observatory pulls in DuckDB and Arrow; load it on first use so that `infosoc --help`
    # and error paths start fast.
    if name == "Observatory":
        from .observatory import Observatory

        return Observatory
    raise AttributeError(f"module 'infosoc' has no attribute {name!r}")


__all__ = [
    "Document",
    "InfosocError",
    "InputError",
    "NotFoundError",
    "Observatory",
    "Progress",
    "Records",
    "SourceError",
    "StoreError",
    "UnresolvedCountriesError",
    "__version__",
]
