"""How long a download takes at a given speed, with the unit convention stated.

cable.co.uk's league tables give "how long it takes to download a 5GB movie" as
``seconds = GB x 1024 x 8 / Mbit/s``: a binary gigabyte (1 GB = 1024 MB) of decimal megabits
(1 Mbit/s = 10^6 bit/s). That mixed convention is the default here, because it is the one the
review article's figures follow; "decimal" (1 GB = 10^9 bytes) and "binary"
(1 GiB = 2^30 bytes) are the alternatives.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from ..errors import InputError
from ..i18n import N_, NC_, Lang, translations

Convention = Literal["cableco", "decimal", "binary"]

_SIZE = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*([kmgt]i?b|b)?\s*$", re.IGNORECASE)
_SPEED = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*([kmg])?\s*(bps|bit/s|b/s)?\s*$", re.IGNORECASE)
_POWER = {"": 0, "k": 1, "m": 2, "g": 3, "t": 4}
#: Hours, minutes and seconds in a duration such as "2 h 26 min".
_UNITS = (NC_("duration", "h"), NC_("duration", "min"), NC_("duration", "s"))
_SPEED_FACTOR = {"": 1e6, "k": 1e3, "m": 1e6, "g": 1e9}  # a bare number means Mbit/s

CONVENTIONS: dict[Convention, str] = {
    "cableco": N_("cable.co.uk: 1 GB = 1024 MB, 1 MB = 8 Mbit, 1 Mbit/s = 10^6 bit/s"),
    "decimal": N_("SI: 1 GB = 10^9 bytes, 1 Mbit/s = 10^6 bit/s"),
    "binary": N_("IEC: 1 GiB = 2^30 bytes (GB read as GiB), 1 Mbit/s = 10^6 bit/s"),
}


@dataclass(frozen=True)
class DownloadTime:
    """The result, with everything needed to check it."""

    size: str
    speed: str
    megabits: float
    mbps: float
    seconds: float
    human: str
    convention: str


def size_in_megabits(text: str, convention: Convention = "cableco") -> float:
    """A size such as "5GB", "700 MB" or "1.5 TiB" in megabits (10^6 bits) under a convention."""
    match = _SIZE.match(text)
    if not match:
        raise InputError(f"'{text}' is not a size such as 5GB or 700MB")
    number = float(match.group(1))
    unit = (match.group(2) or "MB").lower()
    power = _POWER[unit[0]] if unit != "b" else 0
    binary_unit = "i" in unit
    if unit == "b":
        byte_count = number
    elif convention == "cableco" and not binary_unit:
        # megabytes are "decimal" (8 Mbit each) but each step above them is 1024
        megabytes = number * 1024 ** (power - 2) if power >= 2 else number / 1000 ** (2 - power)
        return float(megabytes * 8)
    elif convention == "binary" or binary_unit:
        byte_count = number * 1024**power
    else:
        byte_count = number * 1000**power
    return byte_count * 8 / 1e6


def speed_in_mbps(text: str) -> float:
    """A speed such as "4.66Mbps", "500 kbit/s" or "1Gbps" in Mbit/s (decimal)."""
    match = _SPEED.match(text)
    if not match:
        raise InputError(f"'{text}' is not a speed such as 4.66Mbps or 500kbps")
    value = float(match.group(1)) * _SPEED_FACTOR[(match.group(2) or "").lower()] / 1e6
    if value <= 0:
        raise InputError(f"speed '{text}' must be above zero")
    return value


def human_duration(seconds: float, lang: Lang = "en") -> str:
    """ "2 h 26 min", "8 min 2 s", "45 s" (in ``lang``): hours and minutes above an hour,
    seconds below."""
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(seconds)
    t = translations(lang)
    hour, minute, second = (t.pgettext("duration", unit) for unit in _UNITS)
    if round(seconds) >= 3600:
        minutes = round(seconds / 60)
        hours, minutes = divmod(minutes, 60)
        return f"{hours} {hour} {minutes} {minute}"
    whole = round(seconds)
    minutes, secs = divmod(whole, 60)
    if minutes:
        return f"{minutes} {minute} {secs} {second}"
    return f"{secs} {second}"


def download_time(
    size: str, speed: str, convention: Convention = "cableco", lang: Lang = "en"
) -> DownloadTime:
    """How long ``size`` takes to download at ``speed``; the duration and the convention are
    written in ``lang``."""
    if convention not in CONVENTIONS:
        raise InputError(f"unknown convention '{convention}'; choose {', '.join(CONVENTIONS)}")
    megabits = size_in_megabits(size, convention)
    mbps = speed_in_mbps(speed)
    seconds = megabits / mbps
    stated = translations(lang).gettext(CONVENTIONS[convention])
    return DownloadTime(size, speed, megabits, mbps, seconds, human_duration(seconds, lang),
                        stated)  # fmt: skip
