"""Numbers, dates and missing values in the locale's own way (Babel), for every output."""

from __future__ import annotations

import datetime as dt
import math
from functools import cache
from typing import Any

from . import parse_lang, translations

#: What a missing value prints as, in every language: never 0, "nan" or "None".
MISSING = "—"


def missing(lang: str, *, sentence: bool = False) -> str:
    """The mark of a missing value ("—"), or with ``sentence`` a short text saying so."""
    if not sentence:
        return MISSING
    return translations(lang).gettext("No data.")


def _absent(value: Any) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def format_number(value: Any, lang: str, digits: int = 0) -> str:
    """``value`` with ``digits`` decimals in the locale's way ("0,86" in ru); "—" if missing."""
    if _absent(value):
        return MISSING
    locale, pattern = _decimal_format(parse_lang(lang), digits)
    return str(pattern.apply(value, locale))


@cache
def _decimal_format(lang: str, digits: int) -> tuple[Any, Any]:
    """Babel's locale and parsed pattern for ``digits`` decimals: what ``format_decimal``
    would parse again for every number (a site formats hundreds of thousands)."""
    from babel import Locale
    from babel.numbers import parse_pattern

    return Locale.parse(lang), parse_pattern("#,##0" + ("." + "0" * digits if digits > 0 else ""))


def format_percent(value: Any, lang: str, digits: int = 1, *, scale: float = 100.0) -> str:
    """A share as a percentage in the locale's pattern ("85,9 %" in ru); "—" if missing.

    ``value`` is in per cent by default (85.9); give ``scale=1`` for a fraction (0.859).
    """
    from babel import Locale
    from babel.numbers import format_percent as babel_percent

    if _absent(value):
        return MISSING
    pattern = Locale.parse(parse_lang(lang)).percent_formats[None].pattern
    if digits > 0:
        # Keep the locale's own spacing and sign position, only widen the fraction.
        pattern = pattern.replace("0", "0." + "0" * digits, 1)
    return str(babel_percent(float(value) / scale, format=pattern, locale=lang))


def format_date(value: dt.date | dt.datetime | str | None, lang: str) -> str:
    """A date in the locale's long form ("26 ноября 2026 г."); "—" if missing."""
    from babel.dates import format_date as babel_date

    if value is None or value == "":
        return MISSING
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace(" ", "T", 1))
    if isinstance(value, dt.datetime):
        value = value.date()
    return str(babel_date(value, format="long", locale=parse_lang(lang)))


def format_month(year: int, month: int, lang: str) -> str:
    """A month of a year in the locale's own pattern ("сентябрь 2025 г.", "2025 ж. қыркүйек")."""
    from babel.dates import format_skeleton

    return str(format_skeleton("yMMMM", dt.date(year, month, 1), locale=parse_lang(lang)))


def format_ordinal(value: Any, lang: str) -> str:
    """A rank as an ordinal where the language writes one ("28th"); the catalogues add the
    Russian and Kazakh endings themselves ("28-е место", "28-орын")."""
    if _absent(value):
        return MISSING
    number = int(value)
    if lang != "en":
        return format_number(number, lang)
    suffix = "th"
    if number % 100 not in (11, 12, 13):
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number:,}{suffix}"


def format_significant(value: Any, lang: str, digits: int = 4, *, min_decimals: int = 0) -> str:
    """``value`` to ``digits`` significant digits, trailing zeros dropped but at least
    ``min_decimals`` kept, in the locale's way ("0,8628" in ru, "1,234" in en); "—" if
    missing."""
    from decimal import Decimal

    if _absent(value):
        return MISSING
    shown = Decimal(f"{float(value):.{digits}g}").normalize()
    decimals = max(min_decimals, -int(shown.as_tuple().exponent))
    return format_number(float(shown), lang, decimals)
