"""Where infosoc keeps its store and cache, and where it reads a local mirror from."""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
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


# Downloads -----------------------------------------------------------------------------------
#: Environment variables of the HTTP policy (sources/http.py), and what each holds.
HTTP_CONNECT_TIMEOUT_ENV = "INFOSOC_HTTP_CONNECT_TIMEOUT"
HTTP_TIMEOUT_ENV = "INFOSOC_HTTP_TIMEOUT"
HTTP_TOTAL_TIMEOUT_ENV = "INFOSOC_HTTP_TOTAL_TIMEOUT"
HTTP_MIN_RATE_ENV = "INFOSOC_HTTP_MIN_RATE"
HTTP_ATTEMPTS_ENV = "INFOSOC_HTTP_ATTEMPTS"
HTTP_BACKOFF_ENV = "INFOSOC_HTTP_BACKOFF"
HTTP_RETRY_AFTER_MAX_ENV = "INFOSOC_HTTP_RETRY_AFTER_MAX"


@dataclass(frozen=True)
class HttpSettings:
    """How long a download may wait and how often it is tried (docs/reliability.md).

    Times are in seconds. ``timeout`` is the longest silence: waiting for the answer, or
    between two pieces of its body; ``min_rate`` (bytes a second, 0: no minimum) is measured
    over stretches of ``timeout`` seconds, so a server that trickles fails in bounded time;
    ``total_timeout`` bounds one attempt from connecting to the last byte. ``backoff`` is the
    first wait before a retry (doubled each time, with jitter); ``retry_after_max`` is the
    longest ``Retry-After`` honoured."""

    connect_timeout: float = 10.0
    timeout: float = 20.0
    total_timeout: float = 3600.0
    min_rate: float = 1024.0
    attempts: int = 3
    backoff: float = 1.0
    retry_after_max: float = 120.0


#: The largest value a time of the HTTP settings takes (a day), a rate (a terabyte a second),
#: and the attempts.
_HTTP_LIMIT = 86_400.0
_RATE_LIMIT = 1e12
_MAX_ATTEMPTS = 100
_DECIMAL = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)


def _env_number(
    name: str, default: float, *, low: float, zero_ok: bool, high: float = _HTTP_LIMIT
) -> float:
    text = os.environ.get(name)
    if text is None or not text.strip():
        return default
    # Plain ASCII decimals only: float() would also take "1_0" and other scripts' digits.
    value = float(text.strip()) if _DECIMAL.fullmatch(text.strip()) else math.nan
    allowed = value >= low if zero_ok else value > low
    if not (math.isfinite(value) and allowed and value <= high):
        least = "0 or more" if zero_ok else f"above {low:g}"
        raise InputError(f"{name} must be a number {least} and at most {high:g}, not '{text[:40]}'")
    return value


def http_settings() -> HttpSettings:
    """The HTTP policy: the defaults of :class:`HttpSettings`, each overridden by its
    environment variable (``INFOSOC_HTTP_TIMEOUT=5``); a bad value is an InputError naming it."""
    d = HttpSettings()
    attempts_text = os.environ.get(HTTP_ATTEMPTS_ENV, "").strip()
    attempts = d.attempts
    if attempts_text:
        if not (attempts_text.isascii() and attempts_text.isdigit()) or not (
            1 <= int(attempts_text) <= _MAX_ATTEMPTS
        ):
            raise InputError(
                f"{HTTP_ATTEMPTS_ENV} must be a whole number from 1 to {_MAX_ATTEMPTS}, "
                f"not '{attempts_text[:40]}'"
            )
        attempts = int(attempts_text)
    return HttpSettings(
        connect_timeout=_env_number(
            HTTP_CONNECT_TIMEOUT_ENV, d.connect_timeout, low=0, zero_ok=False
        ),
        timeout=_env_number(HTTP_TIMEOUT_ENV, d.timeout, low=0, zero_ok=False),
        total_timeout=_env_number(HTTP_TOTAL_TIMEOUT_ENV, d.total_timeout, low=0, zero_ok=False),
        min_rate=_env_number(HTTP_MIN_RATE_ENV, d.min_rate, low=0, zero_ok=True, high=_RATE_LIMIT),
        attempts=attempts,
        backoff=_env_number(HTTP_BACKOFF_ENV, d.backoff, low=0, zero_ok=True),
        retry_after_max=_env_number(
            HTTP_RETRY_AFTER_MAX_ENV, d.retry_after_max, low=0, zero_ok=True
        ),
    )
