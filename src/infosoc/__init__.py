"""infosoc: an open observatory of digital development.

>>> from infosoc import Observatory
>>> Observatory().egdi("KAZ")  # doctest: +SKIP
"""

from .errors import (
    InfosocError,
    InputError,
    NotFoundError,
    SourceError,
    StoreError,
    UnresolvedCountriesError,
)
from .observatory import Observatory

__version__ = "0.1.0"

__all__ = [
    "InfosocError", "InputError", "NotFoundError", "Observatory", "SourceError", "StoreError",
    "UnresolvedCountriesError", "__version__",
]
