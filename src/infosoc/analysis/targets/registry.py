"""Registries of programme targets: a YAML file, validated with pydantic.

A registry lists what a government declared (a value to reach by a deadline, with the
document that set it), the official series that measure it (one or several, a series'
breakdown such as ``urbanisation=rural`` included) and, optionally, values observed outside the
store: a statistics table, or an official statement as the press *reported* it (with the
statement's text, date and address), plus statements that give no value (a plan, a moved goal).
Every fault is one line naming the file, the YAML line, the target and the field. The format
is described in docs/targets.md; the shipped registries live beside this module.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ...errors import InputError
from ...geo.countries import lookup, suggest
from ...i18n import Lang, translations
from ...sources.base import breakdown_key
from ...structured import YAML_MAX_BYTES, load_yaml, read_bytes
from ..growth import period_in_years

_Date = date  # a field named "date" hides the type inside some models

_DEADLINE = re.compile(r"^\d{4}(-\d{2}-\d{2})?$")
_DAY = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_URL = re.compile(r"^https?://[^\s/]+\.[^\s]+$")
_BREAKDOWN_PART = re.compile(r"^[a-z][a-z0-9_]*=[^;=]+$")


# A SafeLoader that leaves dates as text, so that a bad date is reported with its field.
# (on libyaml's parser when PyYAML has it: much faster than the pure-Python one)
_Loader: Any = type("_Loader", (getattr(yaml, "CSafeLoader", yaml.SafeLoader),), {})
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _period(value: Any) -> str:
    """A period such as 2020, 2020-Q2 or 2020-04 (YAML reads a bare year as a number)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"a period such as 2020, 2020-Q2 or 2020-04, not {value!r}")
    text = str(value).strip()
    try:
        period_in_years(text)
    except InputError as exc:
        raise ValueError(exc.reason) from None
    return text


def _day(value: Any) -> str:
    """The date of a statement: 2023-11-07, or 2021-03 or 2019 when only that is known."""
    if isinstance(value, date):
        return value.isoformat()
    plain = isinstance(value, int | str) and not isinstance(value, bool)
    text = str(value).strip() if plain else ""
    match = _DAY.match(text)
    if match is None:
        raise ValueError(f"a date such as 2023-11-07, 2021-03 or 2019, not {value!r}")
    try:
        last_day(text)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a date ({exc})") from None
    return text


def last_day(text: str) -> date:
    """The last day a statement date can stand for: 2021-03 -> 2021-03-31, 2019 -> 2019-12-31
    (a statement dated by its month alone is known from the end of that month)."""
    match = _DAY.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a date such as 2023-11-07, 2021-03 or 2019")
    year, month, day = match.groups()
    if day is not None:
        return date(int(year), int(month), int(day))
    if month is not None:
        first = date(int(year), int(month), 1)  # raises on month 13
        return date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])
    return date(int(year), 12, 31)


def _url(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not _URL.match(text):
        raise ValueError(f"an address starting with https:// or http://, not {value!r}")
    return text


def _breakdown(value: Any) -> str | None:
    """A series' breakdown as the store keeps it: "urbanisation=rural", "region=KZ-11;sex=female"
    (parts sorted by key; see :func:`infosoc.sources.base.breakdown_key`)."""
    if value is None:
        return None
    parts = [p.strip() for p in value.split(";")] if isinstance(value, str) else []
    if not parts or not all(_BREAKDOWN_PART.match(p) for p in parts):
        raise ValueError(
            f"a breakdown such as urbanisation=rural or region=KZ-11;sex=female, not {value!r}"
        )
    pairs = dict(p.split("=", 1) for p in parts)
    if len(pairs) != len(parts):
        raise ValueError(f"a breakdown names each key once, not {value!r}")
    return breakdown_key(pairs)


Period = Annotated[str, BeforeValidator(_period)]
Day = Annotated[str, BeforeValidator(_day)]
Url = Annotated[str, BeforeValidator(_url)]
Breakdown = Annotated[str | None, BeforeValidator(_breakdown)]
#: A value: a finite number as written (``.nan``, ``.inf``, "12" or true are refused).
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Titles(_Model):
    """A target's title. A registry gives it in English, which the catalogues translate
    (decision 0013); a user's registry may still give its own ``ru`` and ``kk``."""

    en: str = Field(min_length=1)
    ru: str | None = None
    kk: str | None = None

    def get(self, lang: Lang) -> str:
        """The title in ``lang``: the catalogue's translation of the English; else the
        registry's own; else the English as written."""
        found = str(translations(lang).gettext(self.en))
        if lang == "en" or found != self.en:
            return found
        own: str | None = getattr(self, lang)
        return own or self.en


class Baseline(_Model):
    """Where the programme started from, as it declared it."""

    period: Period
    value: Number
    source: str | None = None


class Goal(_Model):
    """The value to reach, and whether it is a floor (at_least) or a ceiling (at_most)."""

    value: Number
    direction: Literal["at_least", "at_most"]


class SourceDocument(_Model):
    """The document that declared the target, and where it was found cited; for a target
    known from an official statement, the statement's words and date."""

    title: str = Field(min_length=1)
    url: str | None = None
    cited_in: str | None = None
    date: Day | None = None
    statement: str | None = None


class Reported(_Model):
    """The provenance of a *reported* value: an official statement as the press reported it
    (no statistical series stands behind it), with its words, its date and its address."""

    statement: str = Field(min_length=1)
    date: Day
    url: Url

    @property
    def known_from(self) -> _Date:
        """The day from which the statement can be used (the end of its month or year when
        only those are known)."""
        return last_day(self.date)


class Observed(_Model):
    """A value from outside the store, with its own source: from a statistics table (the
    default), or ``reported`` in an official statement, with the statement as provenance."""

    period: Period
    value: Number
    source: str = Field(min_length=1)
    retrieved: date | None = None
    note: str | None = None
    reported: Reported | None = None


class Statement(_Model):
    """An official statement about a target that gives no value to judge it by (a plan, a
    goal restated or moved, a value of another unit), kept beside the target as context."""

    date: Day
    statement: str = Field(min_length=1)
    url: Url
    source: str = Field(min_length=1)
    note: str | None = None


class Series(_Model):
    """One more official series measuring the target (another publisher's, another method),
    judged beside the target's own ``indicator``."""

    indicator: str = Field(min_length=1)
    breakdown: Breakdown = None
    note: str | None = None


class Target(_Model):
    """One declared target."""

    id: str = Field(min_length=1)
    country: str
    title: Titles
    indicator: str | None = None
    breakdown: Breakdown = None
    also_measured_by: list[Series] = Field(default_factory=list)
    unit: str = Field(min_length=1)
    baseline: Baseline | None = None
    target: Goal
    deadline: str
    source_document: SourceDocument
    observed: list[Observed] = Field(default_factory=list)
    statements: list[Statement] = Field(default_factory=list)
    notes: str | None = None

    @field_validator("title", mode="before")
    @classmethod
    def _plain_title(cls, value: Any) -> Any:
        return {"en": value} if isinstance(value, str) else value

    @field_validator("country", mode="before")
    @classmethod
    def _country(cls, value: Any) -> str:
        iso3 = lookup(str(value)) if isinstance(value, str | int) else None
        if iso3 is None:
            hints = suggest(str(value))
            hint = f"; did you mean {' or '.join(hints)}?" if hints else ""
            raise ValueError(f"unknown country {value!r}{hint}")
        return iso3

    @field_validator("deadline", mode="before")
    @classmethod
    def _deadline(cls, value: Any) -> str:
        # YAML reads 2022 as a number and 2021-12-31 as a date; both are fine.
        if isinstance(value, date):
            return value.isoformat()
        text = str(value).strip() if isinstance(value, int | str) else ""
        if isinstance(value, bool) or not _DEADLINE.match(text):
            raise ValueError(f"a year (2022) or a date (2021-12-31), not {value!r}")
        if len(text) > 4:
            try:
                date.fromisoformat(text)
            except ValueError as exc:
                raise ValueError(f"{text!r} is not a date ({exc})") from None
        return text

    @model_validator(mode="after")
    def _series_need_an_indicator(self) -> Target:
        if self.indicator is None and (self.breakdown is not None or self.also_measured_by):
            field = "breakdown" if self.breakdown is not None else "also_measured_by"
            raise ValueError(f"'{field}' needs an 'indicator' (the series it belongs to)")
        return self

    @property
    def deadline_date(self) -> date:
        """The last day on which the target can still be met."""
        if len(self.deadline) == 4:
            return date(int(self.deadline), 12, 31)
        return date.fromisoformat(self.deadline)


class _File(_Model):
    name: str | None = None
    description: str | None = None
    targets: list[Target] = Field(min_length=1)


@dataclass(frozen=True)
class Registry:
    """Validated targets and where they came from (a path, or ``builtin:NAME``)."""

    label: str
    file_name: str
    targets: list[Target]


def builtin_registries() -> list[Registry]:
    """Every registry shipped with infosoc."""
    folder = resources.files("infosoc.analysis.targets")
    found = sorted((p for p in folder.iterdir() if p.name.endswith(".yaml")), key=lambda p: p.name)
    return [
        _parse(p.read_text("utf-8"), f"builtin:{p.name.removesuffix('.yaml')}", p.name)
        for p in found
    ]


def load_registry(path: Path) -> Registry:
    """Read and validate a registry file; any fault is an InputError naming where it is."""
    if not Path(path).exists():
        raise InputError("no such registry file", file=str(path))
    text = read_bytes(Path(path), max_bytes=YAML_MAX_BYTES, file=path.name)
    return _parse(text, str(path), path.name)


def _parse(text: str | bytes, label: str, file_name: str) -> Registry:
    # A SafeLoader (builds no objects), with size, depth and aliases bounded (decision
    # 0027); the node tree gives each fault its line.
    data, root = load_yaml(text, file=file_name, loader=_Loader, with_nodes=True)
    if not isinstance(data, dict) or "targets" not in data:
        raise InputError("expected a mapping with a 'targets' list", file=file_name, row=1)
    try:
        parsed = _File.model_validate(data)
    except ValidationError as exc:
        raise _input_error(exc, data, root, file_name) from None
    _check_unique(parsed.targets, data, root, file_name)
    return Registry(label, file_name, parsed.targets)


def _check_unique(targets: list[Target], data: dict[str, Any], root: Any, file_name: str) -> None:
    seen: set[str] = set()
    for position, target in enumerate(targets):
        if target.id in seen:
            raise InputError(
                f"target '{target.id}' (#{position + 1}): the id is used twice",
                file=file_name,
                row=_line(root, ("targets", position, "id")),
                column="id",
            )
        seen.add(target.id)


def _input_error(
    exc: ValidationError, data: dict[str, Any], root: Any, file_name: str
) -> InputError:
    """The first validation fault as one line: file, YAML line, target and field."""
    error = exc.errors()[0]
    loc = tuple(error["loc"])
    more = exc.error_count() - 1
    suffix = f" (and {more} more {'fault' if more == 1 else 'faults'})" if more else ""
    who = "the registry"
    path = loc
    if len(loc) >= 2 and loc[0] == "targets" and isinstance(loc[1], int):
        position, path = loc[1], loc[2:]
        items = data.get("targets")
        raw = items[position] if isinstance(items, list) and position < len(items) else None
        ident = raw.get("id") if isinstance(raw, dict) else None
        who = f"target '{ident}' (#{position + 1})" if ident else f"target #{position + 1}"
    field = ".".join(str(part) for part in path) or None
    message = f"{who}: {_describe(error, field)}{suffix}"
    return InputError(message, file=file_name, row=_line(root, loc), column=field)


def _describe(error: Any, field: str | None) -> str:
    kind, message = error["type"], str(error["msg"])
    if kind == "missing":
        return f"the field '{field}' is missing"
    if kind == "extra_forbidden":
        return f"'{field}' is not a field of a target registry (misspelt?)"
    message = message.removeprefix("Value error, ")
    if kind == "literal_error" or kind.endswith("_parsing") or kind.endswith("_type"):
        message += f", not {error.get('input')!r}"
    return message


def _line(node: Any, loc: tuple[Any, ...]) -> int | None:
    """The 1-based YAML line of the deepest node on ``loc`` that exists."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == str(key)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            node = None
        if node is None:
            break
        line = node.start_mark.line + 1
    return line
