"""Where infosoc keeps its store and cache, and where it reads a local mirror from."""

from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import InputError

HOME_ENV = "INFOSOC_HOME"
MIRROR_ENV = "INFOSOC_MIRROR"
STORE_FILE = "infosoc.duckdb"


def home_dir(home: Path | str | None = None) -> Path:
    """The infosoc home: ``home`` if given, else ``$INFOSOC_HOME``, else the user data directory."""
    if home is not None:
        return Path(home).expanduser()
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("infosoc", appauthor=False))


def store_path(home: Path | str | None = None) -> Path:
    """Path of the DuckDB store file inside the home."""
    return home_dir(home) / STORE_FILE


def cache_dir(home: Path | str | None = None) -> Path:
    """Folder where downloads from official sources are cached."""
    return home_dir(home) / "cache"


def mirror_dir(mirror: Path | str | None = None) -> Path | None:
    """A local folder laid out like the shared data folder: ``mirror``, else ``$INFOSOC_MIRROR``."""
    chosen = mirror if mirror is not None else os.environ.get(MIRROR_ENV) or None
    if chosen is None:
        return None
    path = Path(chosen).expanduser()
    if not path.is_dir():
        raise InputError("is not a folder", file=str(path))
    return path


STORE_WAIT_ENV = "INFOSOC_STORE_WAIT"
#: How long a process that must write the store waits for another one writing it, in seconds.
STORE_WAIT_DEFAULT = 600.0


def store_wait() -> float:
    """Seconds a second writer of the store waits for the first: ``$INFOSOC_STORE_WAIT``,
    else ten minutes; 0 gives up at once. Anything but plain digits (with an optional
    decimal part) is an InputError naming the variable."""
    raw = os.environ.get(STORE_WAIT_ENV, "").strip()
    if not raw:
        return STORE_WAIT_DEFAULT
    # Plain ASCII digits only: float() would also take "1_000", "٦٠٠", "nan" and "inf".
    if not re.fullmatch(r"[0-9]{1,9}(\.[0-9]{1,6})?", raw):
        raise InputError(
            f"{STORE_WAIT_ENV} must be a number of seconds such as 600, not {raw[:40]!r}"
        )
    return float(raw)
