"""The SWOT's two data files: the rules (``swot_rules.yaml``, or a user's file) and the
article's SWOT (``article_swot.yaml``), their pydantic schema and their loader.

A fault in a file is one :class:`~infosoc.errors.InputError` naming the file, the entry, its
line and the field (docs/swot.md).
"""

from __future__ import annotations

import string
from collections.abc import Callable
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
from ...structured import YAML_MAX_BYTES, load_yaml, read_bytes
from ..growth import period_in_years

Kind = Literal["strength", "weakness", "opportunity", "threat"]
KINDS: tuple[Kind, ...] = ("strength", "weakness", "opportunity", "threat")
Verdict = Literal["supported", "contradicted", "untestable"]
VERDICTS: tuple[Verdict, ...] = ("supported", "contradicted", "untestable")
PeerBy = Literal["world", "region", "subregion", "income", "neighbours"]
Direction = Literal["better", "worse"]
#: Called with an ISO3 code; returns the programme-targets scorecard (``Observatory.targets``).
TargetsFn = Callable[[str], dict[str, Any]]

RULES_FILE = "swot_rules.yaml"
ARTICLE_FILE = "article_swot.yaml"
# libyaml's parser when PyYAML has it: it parses the rules much faster than pure Python.
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RULE_ID = r"^[a-z0-9][a-z0-9._-]*$"


# --- the files -----------------------------------------------------------------------------
def _checked_period(value: str | None) -> str | None:
    """A period such as 2020, 2020-Q2 or 2020-04, refused when loading rather than when run."""
    if value is not None:
        try:
            period_in_years(value)
        except InputError as exc:
            raise ValueError(exc.reason) from None
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Texts(_Strict):
    """A text of a rules file. A file gives it as one English string, which the catalogues
    translate (decision 0013); the older form, a mapping with ``en`` and the user's own ``ru``
    and ``kk``, is still read."""

    en: str = Field(min_length=1)
    ru: str | None = Field(default=None, min_length=1)
    kk: str | None = Field(default=None, min_length=1)


def _one_text(value: Any) -> Any:
    """A plain string is the text's English."""
    return {"en": value} if isinstance(value, str) else value


#: A text: a string, or a mapping with ``en`` (and optionally ``ru``, ``kk``).
Text = Annotated[Texts, BeforeValidator(_one_text)]


class _Span(_Strict):
    """Which two periods a trend or a rank change compares: N years or N editions back from
    the latest period, or two named periods."""

    years: float | None = Field(default=None, gt=0)
    editions: int | None = Field(default=None, ge=1)
    from_: str | None = Field(default=None, alias="from")
    to: str | None = None

    @model_validator(mode="after")
    def _one_span(self) -> _Span:
        given = [n for n in ("years", "editions", "from_") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of years, editions or from")
        if self.to is not None and self.from_ is None:
            raise ValueError("'to' goes with 'from'")
        if (
            self.from_ is not None
            and self.to is not None
            and period_in_years(self.to) <= period_in_years(self.from_)
        ):
            raise ValueError(f"'to' ({self.to}) must come after 'from' ({self.from_})")
        return self

    @field_validator("from_", "to")
    @classmethod
    def _a_period(cls, value: str | None) -> str | None:
        return _checked_period(value)


class PeerMedianTest(_Strict):
    """The value against the median of the peers (the country left out), in the same period."""

    kind: Literal["peer_median"]
    peers: PeerBy
    direction: Direction
    #: How far from the median, in per cent of the median, the value must be.
    margin_pct: float = Field(default=0, ge=0)
    min_peers: int = Field(default=3, ge=1)


class PeerRankTest(_Strict):
    """The country's place among its peer group (itself included) in its latest period."""

    kind: Literal["peer_rank"]
    peers: PeerBy
    #: Within the first (``better``) or the last (``worse``) ``places`` of the group.
    direction: Direction
    places: int = Field(default=1, ge=1)
    min_peers: int = Field(default=3, ge=1)


class ThresholdTest(_Strict):
    """The value at or beyond a fixed threshold (``better``) or short of it (``worse``)."""

    kind: Literal["threshold"]
    value: float
    direction: Direction


class TrendTest(_Span):
    """The change per year between two periods is in the ``direction`` (and at least
    ``min_per_year``, in the indicator's unit)."""

    kind: Literal["trend"]
    direction: Direction
    min_per_year: float = Field(default=0, ge=0)


class PeerTrendTest(_Span):
    """The change per year against the peers' median change over the same two periods."""

    kind: Literal["peer_trend"]
    peers: PeerBy
    direction: Direction
    margin_per_year: float = Field(default=0, ge=0)
    min_peers: int = Field(default=3, ge=1)


class RankTest(_Span):
    """The rank moving ``up`` or ``down`` by at least ``min_places`` between two periods: the
    published rank itself, or (with ``peers``) the rank computed within the peer group."""

    kind: Literal["rank"]
    direction: Literal["up", "down"]
    peers: PeerBy | None = None
    min_places: int = Field(default=1, ge=1)


class TargetsTest(_Strict):
    """A share from the programme-targets scorecard (``Observatory.targets``) against a bound."""

    kind: Literal["targets"]
    measure: Literal["share_uncheckable", "share_achieved"]
    at_least: float | None = Field(default=None, ge=0, le=1)
    at_most: float | None = Field(default=None, ge=0, le=1)

    @model_validator(mode="after")
    def _one_bound(self) -> TargetsTest:
        if (self.at_least is None) == (self.at_most is None):
            raise ValueError("give exactly one of at_least or at_most")
        return self


Test = Annotated[
    PeerMedianTest
    | PeerRankTest
    | ThresholdTest
    | TrendTest
    | PeerTrendTest
    | RankTest
    | TargetsTest,
    Field(discriminator="kind"),
]


class Check(_Strict):
    """One indicator and one test of it."""

    indicator: str | None = None
    higher_is_better: bool = True
    #: The indicator's name in texts; default: the store's label (English).
    label: Text | None = None
    #: Read data up to this period only (the article's checks: the year it was written).
    until: str | None = None
    test: Test

    @field_validator("until")
    @classmethod
    def _a_period(cls, value: str | None) -> str | None:
        return _checked_period(value)

    @model_validator(mode="after")
    def _indicator_given(self) -> Check:
        if self.indicator is None and self.test.kind != "targets":
            raise ValueError(f"a '{self.test.kind}' test needs an indicator")
        if self.test.kind == "rank" and self.test.peers is None and self.higher_is_better:
            raise ValueError(
                "a rank test without peers reads a published rank: set higher_is_better: false"
            )
        return self


_COMMON = frozenset({"country", "label", "value", "period", "unit"})
_TREND = _COMMON | {"from_value", "from_period", "per_year", "change_pct"}
_PEERS = frozenset({"peer_group", "peers", "peer_median"})
#: The placeholders a text template may use, by test kind.
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "peer_median": _COMMON | _PEERS | {"diff_pct"},
    "peer_rank": _COMMON | _PEERS | {"rank", "of"},
    "threshold": _COMMON | {"threshold"},
    "trend": _TREND,
    "peer_trend": _TREND | _PEERS | {"peer_per_year"},
    "rank": _COMMON | {"from_value", "from_period", "places"},
    "targets": _COMMON | {"share", "declared", "uncheckable"},
}


def allowed_placeholders(check: Check) -> frozenset[str]:
    """The placeholders a text for this check may use."""
    allowed = PLACEHOLDERS[check.test.kind]
    if isinstance(check.test, RankTest) and check.test.peers is not None:
        allowed = allowed | {"peer_group", "peers"}
    return allowed


def _template_fields(template: str) -> list[str]:
    """The placeholders of a template; a format spec or conversion is refused (we format)."""
    names = []
    for _, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            raise ValueError(f"placeholder '{{{name}}}' must be a bare name such as {{value}}")
        names.append(name)
    return names


class Rule(Check):
    """A SWOT rule: a check, the kind of item it yields, and the item's text."""

    id: str = Field(pattern=_RULE_ID)
    kind: Kind
    text: Text

    @model_validator(mode="after")
    def _known_placeholders(self) -> Rule:
        allowed = allowed_placeholders(self)
        given: dict[str, str] = self.text.model_dump(exclude_none=True)
        for lang, template in given.items():
            where = f"text.{lang}" if len(given) > 1 else "text"
            try:
                unknown = sorted(set(_template_fields(template)) - allowed)
            except ValueError as exc:
                raise ValueError(f"{where}: {exc}") from None
            if unknown:
                raise ValueError(
                    f"{where}: unknown placeholder {', '.join('{' + u + '}' for u in unknown)}"
                    f"; a '{self.test.kind}' rule may use "
                    + ", ".join("{" + a + "}" for a in sorted(allowed))
                )
        return self


class RulesFile(_Strict):
    """A rules file: the rules, and free ``templates`` to share texts through YAML anchors."""

    templates: dict[str, Any] = {}
    rules: list[Rule] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> RulesFile:
        ids = [r.id for r in self.rules]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"rule ids used twice: {', '.join(twice)}")
        return self


class ArticleItem(_Strict):
    """One item of the article's SWOT: the article's words, the item in English, and the
    checks that decide it (or why none can)."""

    kind: Kind
    number: int = Field(ge=1)
    #: The article's own words (Russian), quoted as they are.
    quote: str = Field(min_length=1)
    #: The item in English, translated through the catalogues.
    text: str = Field(min_length=1)
    checks: list[Check] | None = None
    untestable: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _checks_or_reason(self) -> ArticleItem:
        if (self.checks is None) == (self.untestable is None):
            raise ValueError("give either checks or untestable (the reason), not both")
        if self.checks is not None and not self.checks:
            raise ValueError("checks must not be empty")
        return self


class ArticleFile(_Strict):
    """The article's SWOT: where it comes from, the year of its data, and its items."""

    article: str
    as_of: str
    items: list[ArticleItem]

    @field_validator("as_of")
    @classmethod
    def _a_period(cls, value: str) -> str:
        return _checked_period(value) or value

    @model_validator(mode="after")
    def _unique_items(self) -> ArticleFile:
        keys = [(i.kind, i.number) for i in self.items]
        twice = sorted({f"{k} {n}" for k, n in keys if keys.count((k, n)) > 1})
        if twice:
            raise ValueError(f"items given twice: {', '.join(twice)}")
        return self


def _yaml_lines(root: Any, section: str) -> list[int]:
    """The line (1-based) where each entry of the top-level list ``section`` starts."""
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == section and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _entry_name(raw: Any, section: str, index: int) -> str:
    entries = raw.get(section) if isinstance(raw, dict) else None
    entry = entries[index] if isinstance(entries, list) and index < len(entries) else None
    if isinstance(entry, dict) and section == "rules" and entry.get("id"):
        return f"rule '{entry['id']}'"
    if isinstance(entry, dict) and section == "items" and entry.get("kind"):
        return f"item {entry['kind']} {entry.get('number', '?')}"
    return f"{section[:-1]} {index + 1}"


def _load(text: str | bytes, name: str, model: type[Any], section: str) -> Any:
    """Parse YAML text and validate it; an error names the file, the entry, its line, the field."""
    # Size, depth and aliases bounded (decision 0027); the nodes give each entry's line.
    raw, root = load_yaml(text, file=name, loader=_SAFE_LOADER, with_nodes=True)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = [str(p) for p in first["loc"]]
        message = first["msg"].removeprefix("Value error, ")
        if len(loc) >= 2 and loc[0] == section and loc[1].isdigit():
            index = int(loc[1])
            path = loc[2:]
            if "test" in path and path.index("test") + 1 < len(path):
                # pydantic names the union member (test.peer_median.margin_pct): not a field
                at = path.index("test") + 1
                path = path[:at] + path[at + 1 :] if path[at] in PLACEHOLDERS else path
            lines = _yaml_lines(root, section)
            row = lines[index] if index < len(lines) else None
            where = _entry_name(raw, section, index)
            column = ".".join(path) or None
            raise InputError(f"{where}: {message}", file=name, row=row, column=column) from exc
        column = ".".join(loc) or None
        raise InputError(message, file=name, column=column) from exc


def load_rules(path: Path | str | None = None) -> RulesFile:
    """The shipped rules, or a user's rules file, validated."""
    if path is None:
        text = resources.files("infosoc.analysis.swot").joinpath(RULES_FILE).read_text("utf-8")
        return _load(text, RULES_FILE, RulesFile, "rules")  # type: ignore[no-any-return]
    file = Path(path)
    return _load(read_bytes(file, max_bytes=YAML_MAX_BYTES), str(file), RulesFile, "rules")  # type: ignore[no-any-return]


def load_article(text: str | None = None) -> ArticleFile:
    """The article's SWOT shipped with the package (or given as YAML text), validated."""
    if text is None:
        text = resources.files("infosoc.analysis.swot").joinpath(ARTICLE_FILE).read_text("utf-8")
    return _load(text, ARTICLE_FILE, ArticleFile, "items")  # type: ignore[no-any-return]
