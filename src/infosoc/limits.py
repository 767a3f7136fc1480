"""Checks of user-given values that every command and method shares (decision 0029): a data
period, an output path, and the memory an argument would make infosoc allocate.

Each refuses with an :class:`~infosoc.errors.InputError` of one line naming the option (``name``:
``--start`` on the command line, ``start`` in Python) and what it should be, before any work.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from .errors import InputError

PERIOD = re.compile(r"[0-9]{4}(?:-(?:Q[1-4]|0[1-9]|1[0-2]))?")
"""A data period: a year (2022), a quarter (2020-Q1) or a month (2020-04)."""

#: The share of the available memory one command may plan to use: the rest is for Python,
#: the libraries and whatever else runs on the machine.
MEMORY_SHARE = 0.5


def check_period(value: str | None, name: str) -> str | None:
    """``value`` if it is a period such as 2022, 2020-Q1 or 2020-04 (or None); else an
    InputError naming ``name`` and the expected form."""
    if value is None:
        return None
    if not isinstance(value, str) or not PERIOD.fullmatch(value):
        raise InputError(f"{name} must be a period such as 2022, 2020-Q1 or 2020-04, not {value!r}")
    return value


def check_periods(given: dict[str, str | None], prefix: str = "") -> None:
    """Every period in ``given`` (``{"start": "2020", "end": None}``) checked by
    :func:`check_period`, named ``prefix + key`` (``--start``); and a ``start`` after the
    ``end`` (a later year) refused, since it could only give an empty answer."""
    for key, value in given.items():
        check_period(value, prefix + key)
    start, end = given.get("start"), given.get("end")
    if start is not None and end is not None and start[:4] > end[:4]:
        raise InputError(
            f"{prefix}start {start} is after {prefix}end {end}: give the earlier period first"
        )


def check_output(path: Path | str, name: str, *, folder: bool) -> Path:
    """``path`` if infosoc can write there: into it (``folder``) or as a file; else an
    InputError saying what is wrong (a file where a folder is wanted or the reverse, a path
    under a file, a folder without permission to write)."""
    target = Path(path)
    if target.exists():
        if folder and not target.is_dir():
            raise InputError(f"{name} {str(target)!r} is a file, not a folder; name a folder")
        if not folder and target.is_dir():
            raise InputError(f"{name} {str(target)!r} is a folder; name a file to write")
        _writable(target if folder else target.absolute().parent, target, name)
        return target
    parent = target.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise InputError(
            f"{name} {str(target)!r} is under {str(parent)!r}, which is a file, not a folder"
        )
    _writable(parent, target, name)
    return target


def _writable(folder: Path, target: Path, name: str) -> None:
    """Refuse ``target`` unless a file can be made in ``folder``: tried, not guessed from the
    permission bits, which say nothing of a read-only disk, /proc, or a user who is root."""
    try:
        handle, probe = tempfile.mkstemp(prefix=".infosoc-probe-", dir=folder)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError(
            f"{name} {str(target)!r}: cannot write in {str(folder)!r} ({reason})"
        ) from None
    os.close(handle)
    os.unlink(probe)


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation now (Linux's MemAvailable, else the free
    physical pages), or None where the system does not say."""
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return None


def _size(count: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if count < 1024 or unit == "TiB":
            return f"{count:.0f} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024
    raise AssertionError("unreachable")


def check_count(
    value: int, name: str, *, least: int, most: int, bytes_each: int, fixed: int = 0
) -> int:
    """``value`` if it lies in [``least``, ``most``] and ``value × bytes_each + fixed`` bytes fit
    in memory; else an InputError saying how much it needs and the largest value that fits."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{name} must be a whole number, not {value!r}")
    if value < least:
        raise InputError(f"{name} must be at least {least}, not {value}")
    if value > most:
        raise InputError(f"{name} must be at most {most}, not {value}")
    available = available_memory()
    if available is None:
        return value
    budget = int(available * MEMORY_SHARE)
    needed = value * bytes_each + fixed
    if needed > budget:
        largest = max(0, (budget - fixed) // bytes_each)
        fits = (
            f"the largest {name} that fits is {largest}"
            if largest >= least
            else f"not even {name} {least} fits"
        )
        raise InputError(
            f"{name} {value} needs about {_size(needed)} of memory, and {_size(available)} is "
            f"available; {fits}"
        )
    return value
