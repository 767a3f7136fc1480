"""Plausibility rules: the natural bounds of every value a source can produce, and the one
check every parsed file passes before anything of it is stored (decision 0026).

Each source declares its rules in the ``[plausibility]`` table of its ``.meta.toml``:

- ``years = [first, last]``: the years its data can describe; ``last`` may be ``"next"``,
  the current year + 1;
- ``[plausibility.rules]``: indicator (or ``fnmatch`` pattern such as
  ``"speed.ookla_si.*.download.*"``) -> a kind of :data:`KINDS` (``"share"``), or a table
  ``{ kind = "rank", max = 193 }`` that narrows or widens the kind's bounds; the first
  exact name, else the first matching pattern in the file's order, decides;
- ``[[plausibility.exceptions]]``: values a publisher really published outside their
  bounds (indicator, entity, period, value, optional breakdown, and a note, which is stored
  with the value). Every other value outside its bounds is an InputError.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from fnmatch import fnmatchcase
from functools import cache
from typing import Any

from ..errors import InputError
from .base import Observation, ParsedFile, RawFile

__all__ = [
    "KINDS",
    "Bound",
    "Plausibility",
    "checked",
]


@dataclass(frozen=True)
class Bound:
    """The plausible values of an indicator: from ``low`` to ``high`` (both included, unless
    ``above``: then strictly above ``low``), whole numbers only when ``whole``."""

    kind: str
    low: float
    high: float = math.inf
    whole: bool = False
    above: bool = False

    def admits(self, value: float) -> bool:
        """Whether ``value`` is finite and within the bounds."""
        if not math.isfinite(value) or value > self.high:
            return False
        if value < self.low or (self.above and value == self.low):
            return False
        return not self.whole or float(value).is_integer()

    def describe(self) -> str:
        """The bounds in words: "0 to 100", "above 0", "a whole number, 1 to 193"."""
        if math.isinf(self.low):
            span = "any finite number"
        elif math.isinf(self.high):
            span = f"above {self.low:g}" if self.above else f"{self.low:g} or more"
        else:
            span = f"{self.low:g} to {self.high:g}" + (f", not {self.low:g}" if self.above else "")
        return f"a whole number, {span}" if self.whole else span


#: The natural bounds of each kind of unit. Rules name one, and may narrow it.
KINDS: dict[str, Bound] = {
    # Per cent of people, households or population.
    "share": Bound("share", 0, 100),
    # Composite indices scaled 0 to 1 (UN EGDI and its components).
    "index": Bound("index", 0, 1),
    # A place in a league of countries and territories: ISO 3166 has 249 codes.
    "rank": Bound("rank", 1, 250, whole=True),
    # Mbit/s: 100 Gbit/s is beyond any country's average line.
    "speed": Bound("speed", 0, 100_000),
    # Milliseconds of latency or jitter: a minute is beyond any network's average.
    "latency": Bound("latency", 0, 60_000),
    # Counted things: tests, devices, tiles, people, subscriptions.
    "count": Bound("count", 0, whole=True),
    # Non-negative amounts that need not be whole ("thousand subscriptions").
    "amount": Bound("amount", 0),
    # Amounts that are above 0 for any economy that exists: GDP, population.
    "positive": Bound("positive", 0, above=True),
    # Subscriptions per 100 people: several SIMs a person is common, 500 is not seen.
    "per100": Bound("per100", 0, 500),
    # Any finite number: only for series whose meaning infosoc does not know (see decision 0026).
    "finite": Bound("finite", -math.inf),
}

_YEAR = re.compile(r"([0-9]{4})(?:-(?:[0-9]{2}|Q[1-4]))?")

ExceptionKey = tuple[str, str, str, str | None, float]


@dataclass(frozen=True)
class Plausibility:
    """A source's years, rules and exceptions, as its ``.meta.toml`` declares them."""

    source: str
    first_year: int
    last_year: int
    rules: tuple[tuple[str, Bound], ...]
    exceptions: dict[ExceptionKey, str]

    @classmethod
    def from_meta(cls, meta: dict[str, Any], today: date | None = None) -> Plausibility:
        """Read ``meta["plausibility"]``; a missing or malformed table is a ValueError (a
        fault of infosoc's own files, found by the tests, never by a user)."""
        spec = meta.get("plausibility")
        if not isinstance(spec, dict):
            raise ValueError(f"{meta.get('name')}.meta.toml has no [plausibility] table")
        first, last = spec["years"]
        if last == "next":
            last = (today or date.today()).year + 1
        rules = tuple((pattern, _bound(rule)) for pattern, rule in spec["rules"].items())
        exceptions = {
            (
                e["indicator"],
                e["entity"],
                str(e["period"]),
                e.get("breakdown"),
                float(e["value"]),
            ): str(e["note"])
            for e in spec.get("exceptions", [])
        }
        return cls(str(meta["name"]), int(first), int(last), rules, exceptions)

    @property
    def meta_file(self) -> str:
        """The name of the metadata file that declares these rules."""
        return self.source.replace("-", "_") + ".meta.toml"

    def rule(self, indicator: str) -> Bound | None:
        """The bounds of ``indicator``: its own rule, else the first pattern that matches."""
        for pattern, bound in self.rules:
            if pattern == indicator:
                return bound
        for pattern, bound in self.rules:
            if fnmatchcase(indicator, pattern):
                return bound
        return None

    def exception(
        self, indicator: str, entity: str, period: str, value: float, breakdown: str | None = None
    ) -> str | None:
        """The note of a listed exception for exactly this value, None if it is not listed."""
        return self.exceptions.get((indicator, entity, period, breakdown, value))

    def year(
        self, text: str, *, file: str, row: int | None = None, column: str | None = None
    ) -> int:
        """The year of a period ("2024", "2024-08", "2024-Q3"), or an InputError when it is
        not one or lies outside the source's years."""
        match = _YEAR.fullmatch(text)
        if match is None:
            raise InputError(f"'{text}' is not a period", file=file, row=row, column=column)
        year = int(match.group(1))
        if not self.first_year <= year <= self.last_year:
            raise InputError(
                f"year {year} is outside {self.source}'s years, "
                f"{self.first_year} to {self.last_year}",
                file=file,
                row=row,
                column=column,
            )
        return year

    def two_digit_year(self, text: str) -> int | None:
        """A two-digit year ("19", "99") as the one year of this source's years that ends so
        (2019; 1999 for a source from 1990), None when none or two do."""
        if not re.fullmatch(r"[0-9]{2}", text):
            return None
        fits = [
            c * 100 + int(text) for c in range(self.first_year // 100, self.last_year // 100 + 1)
        ]
        fits = [y for y in fits if self.first_year <= y <= self.last_year]
        return fits[0] if len(fits) == 1 else None

    def check(self, obs: Observation, *, file: str) -> Observation:
        """``obs`` if its period and value are plausible, with an exception's note added where
        the value is a listed exception; otherwise an InputError naming file, row, column,
        the value and the bounds."""
        where = f"{obs.entity} {obs.indicator} {obs.period}" + (
            f" ({obs.breakdown})" if obs.breakdown else ""
        )
        self.year(obs.period, file=file, row=obs.row, column=obs.column)
        bound = self.rule(obs.indicator)
        if bound is None:
            raise InputError(
                f"{where}: {obs.indicator} has no plausibility rule in {self.meta_file}",
                file=file,
                row=obs.row,
                column=obs.column,
            )
        if obs.value is None or bound.admits(obs.value):
            return obs
        note = self.exception(obs.indicator, obs.entity, obs.period, obs.value, obs.breakdown)
        if note is None:
            raise InputError(
                f"{where} = {obs.value:g} is not plausible: must be {bound.describe()} "
                f"({bound.kind}, {self.meta_file})",
                file=file,
                row=obs.row,
                column=obs.column,
            )
        if obs.note and note in obs.note:
            return obs
        return replace(obs, note=f"{obs.note}; {note}" if obs.note else note)


def _bound(rule: str | dict[str, Any]) -> Bound:
    if isinstance(rule, str):
        return KINDS[rule]
    base = KINDS[rule["kind"]]
    return replace(
        base,
        low=float(rule.get("min", base.low)),
        high=float(rule.get("max", base.high)),
        whole=bool(rule.get("whole", base.whole)),
    )


@cache
def _of(source: str) -> Plausibility:
    from . import REGISTRY

    return Plausibility.from_meta(REGISTRY[source].META)


def bound_of(indicator: str) -> Bound | None:
    """The plausible values of a stored indicator, whichever source declares it: a rule naming
    it exactly first, else the first pattern (other than the catch-all ``*``) that matches;
    None when no source bounds it. For values given by hand, such as a what-if's."""
    from . import REGISTRY

    every = [_of(name) for name in REGISTRY]
    for plausibility in every:
        for pattern, bound in plausibility.rules:
            if pattern == indicator:
                return bound
    for plausibility in every:
        for pattern, bound in plausibility.rules:
            if pattern != "*" and fnmatchcase(indicator, pattern):
                return bound
    return None


def checked(source: str, parsed: ParsedFile) -> ParsedFile:
    """``parsed`` with every observation checked against ``source``'s rules (exceptions'
    notes added); the first implausible period or value is an InputError naming the file."""
    rules = _of(source)
    file = parsed.provenance.file_name
    parsed.observations = [rules.check(o, file=file) for o in parsed.observations]
    return parsed


def checked_parse(
    source: str, parse: Callable[[RawFile], ParsedFile]
) -> Callable[[RawFile], ParsedFile]:
    """``parse`` followed by :func:`checked`: what a download must pass before it is cached,
    so a body with an impossible value is never kept."""

    def parse_and_check(raw: RawFile) -> ParsedFile:
        return checked(source, parse(raw))

    return parse_and_check
