"""The report's sentences and numbers in one language: translation and formatting together."""

from __future__ import annotations

import math
import re
from typing import Any

from ..i18n import Lang, translations
from ..i18n.format import (
    MISSING,
    format_date,
    format_month,
    format_number,
    format_ordinal,
    format_percent,
)


class Localiser:
    """Translates and formats in one language: ``loc._("…", n=…)``, ``loc.num(0.86, 2)``.

    Messages are English msgids of the gettext catalogues, with ``%(name)s`` placeholders (a
    literal per cent sign is written ``%%``). Every number and date is formatted the
    language's way; a missing value is "—", never 0.
    """

    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self._tr = translations(lang)

    def _(self, message: str, **values: Any) -> str:
        """``message`` translated, its placeholders filled with ``values``."""
        # Always %-formatted, as Jinja's new-style gettext does: a literal % is written %%.
        text = str(self._tr.gettext(message)) % values
        # A value ending in a full stop ("26 ноября 2026 г.") must not double the sentence's.
        return re.sub(r"(?<!\.)\.\.(?!\.)", ".", text)

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        """The form of the message for ``n``, with ``%(n)s`` filled with ``n`` formatted."""
        text = str(self._tr.ngettext(singular, plural, n))
        return text % {"n": self.num(n), **values}

    def num(self, value: Any, digits: int = 0) -> str:
        """``value`` with ``digits`` decimals."""
        return format_number(value, self.lang, digits)

    def auto(self, value: Any) -> str:
        """A number with as many decimals as its size needs (4.66, 39.8, 13 913 699)."""
        if not isinstance(value, int | float) or isinstance(value, bool):
            return MISSING if value is None else str(value)
        if not math.isfinite(value):
            return MISSING
        if float(value).is_integer():
            return self.num(value, 0)
        size = abs(value)
        most = 0 if size >= 1000 else 1 if size >= 100 else 2 if size >= 1 else 4
        # No trailing zeros: 88.5 stays "88,5", not "88,50".
        digits = next(d for d in range(most + 1) if round(value, d) == round(value, most))
        return self.num(value, digits)

    def signed(self, value: float | None, digits: int = 1) -> str:
        """A change with its sign: "+1,5", "−0,25" (a true minus sign), "0"."""
        if value is None:
            return MISSING
        sign = "+" if value > 0 else "−" if value < 0 else ""
        return sign + self.num(abs(value), digits)

    def pct(self, value: Any, digits: int = 1) -> str:
        """A value in per cent (85.9) as a percentage."""
        return format_percent(value, self.lang, digits)

    def share(self, value: Any) -> str:
        """A share given as a fraction (0.4) or in per cent (40), as a whole percentage."""
        if value is None:
            return MISSING
        return format_percent(value, self.lang, 0, scale=1 if abs(value) <= 1 else 100)

    def date(self, value: Any) -> str:
        """A date (or an ISO date string) in the language's long form."""
        return format_date(value, self.lang)

    def ordinal(self, value: Any) -> str:
        """A rank in a sentence: "28th", "28-е", "28-орында"."""
        return format_ordinal(value, self.lang)

    def period(self, period: Any) -> str:
        """A period as written in the language: 2020, "сентябрь 2025", "2019 ж. 1-тоқсан"."""
        text = "" if period is None else str(period)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return self.date(text)
        if match := re.fullmatch(r"(\d{4})-(\d{2})", text):
            return format_month(int(match[1]), int(match[2]), self.lang)
        if match := re.fullmatch(r"(\d{4})[- ]?Q([1-4])", text):
            return self._("%(year)s Q%(quarter)s", year=match[1], quarter=match[2])
        return text or MISSING
