"""An evidence-based SWOT: rules over the store's indicators, and the review article's own SWOT.

Rules live in ``swot_rules.yaml`` beside this module (or in a user's file), the article's twenty
items in ``article_swot.yaml``; both are validated with pydantic when loaded. A rule compares one
indicator with the median of a peer group, follows its trend, or its rank between editions, and
yields an item only when the data hold it: every item carries its evidence (value, period, peer
median, source file). A rule without data yields no item and is listed, with the reason, under
``not_evaluated``. docs/swot.md describes the rules and the verdicts.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from statistics import median
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ..errors import InfosocError, InputError, NotFoundError
from ..geo.countries import country
from ..i18n import Lang
from ..ranks import competition_ranks
from ..store import Store
from . import connectivity
from .growth import period_in_years
from .swot_words import BASIS, GROUP_NAMES, INCOME_EN, LANG_INDEX, PHRASES, phrase, word

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
# libyaml's parser when PyYAML has it: the rules parse ten times faster than in pure Python.
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
    """One text in English, Russian and Kazakh."""

    en: str = Field(min_length=1)
    ru: str = Field(min_length=1)
    kk: str = Field(min_length=1)

    def get(self, lang: Lang) -> str:
        return {"en": self.en, "ru": self.ru, "kk": self.kk}[lang]


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
    #: The indicator's name in each language; default: the store's label (English).
    label: Texts | None = None
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
    text: Texts

    @model_validator(mode="after")
    def _known_placeholders(self) -> Rule:
        allowed = allowed_placeholders(self)
        for lang in ("en", "ru", "kk"):
            try:
                unknown = sorted(set(_template_fields(getattr(self.text, lang))) - allowed)
            except ValueError as exc:
                raise ValueError(f"text.{lang}: {exc}") from None
            if unknown:
                raise ValueError(
                    f"text.{lang}: unknown placeholder {', '.join('{' + u + '}' for u in unknown)}"
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
    """One item of the article's SWOT, quoted, with the checks that decide it (or why none can)."""

    kind: Kind
    number: int = Field(ge=1)
    text_ru: str = Field(min_length=1)
    text_en: str = Field(min_length=1)
    text_kk: str = Field(min_length=1)
    checks: list[Check] | None = None
    untestable: Texts | None = None

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


def _yaml_lines(text: str, section: str) -> list[int]:
    """The line (1-based) where each entry of the top-level list ``section`` starts."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return []
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


def _load(text: str, name: str, model: type[Any], section: str) -> Any:
    """Parse YAML text and validate it; an error names the file, the entry, its line, the field."""
    try:
        raw = yaml.load(text, Loader=_SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(f"is not valid YAML ({reason})", file=name, row=row) from exc
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
            lines = _yaml_lines(text, section)
            row = lines[index] if index < len(lines) else None
            where = _entry_name(raw, section, index)
            column = ".".join(path) or None
            raise InputError(f"{where}: {message}", file=name, row=row, column=column) from exc
        column = ".".join(loc) or None
        raise InputError(message, file=name, column=column) from exc


def load_rules(path: Path | str | None = None) -> RulesFile:
    """The shipped rules, or a user's rules file, validated."""
    if path is None:
        text = resources.files("infosoc.analysis").joinpath(RULES_FILE).read_text("utf-8")
        return _load(text, RULES_FILE, RulesFile, "rules")  # type: ignore[no-any-return]
    file = Path(path)
    try:
        text = file.read_text("utf-8")
    except FileNotFoundError:
        raise InputError("no such file", file=str(file)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot be read ({exc})", file=str(file)) from exc
    return _load(text, str(file), RulesFile, "rules")  # type: ignore[no-any-return]


def load_article(text: str | None = None) -> ArticleFile:
    """The article's SWOT shipped with the package (or given as YAML text), validated."""
    if text is None:
        text = resources.files("infosoc.analysis").joinpath(ARTICLE_FILE).read_text("utf-8")
    return _load(text, ARTICLE_FILE, ArticleFile, "items")  # type: ignore[no-any-return]


# --- words ---------------------------------------------------------------------------------
def number(value: float | int, lang: Lang, *, signed: bool = False) -> str:
    """A number for a sentence: four significant digits (whole numbers from 10,000), a decimal
    comma and a space between thousands in Russian and Kazakh."""
    if isinstance(value, int) or abs(value) >= 1e4:
        text = f"{value:,.0f}"
    else:
        text = f"{value:.4g}"
        if "e" in text:  # 4 significant digits of a tiny number: write it out
            text = f"{value:.6f}".rstrip("0").rstrip(".")
    if signed and value > 0:
        text = "+" + text
    if lang != "en":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


# --- data ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class PeerGroup:
    """A peer group: how it was formed, its name, and its members other than the country."""

    by: PeerBy
    name: str
    members: tuple[str, ...]
    #: The vintage of the classification (income groups), if any.
    period: str | None = None

    def label(self, lang: Lang, iso3: str) -> str:
        """The group's name in ``lang``."""
        if self.by in ("neighbours", "world"):
            return word(self.by, lang).format(country=country(iso3).name(lang))
        if lang == "en":
            return INCOME_EN.get(self.name, self.name)
        names = GROUP_NAMES.get(self.name)
        return names[LANG_INDEX[lang] - 1] if names else self.name

    def basis(self, lang: Lang) -> str:
        """How the group was formed, in ``lang``."""
        return BASIS[self.by][LANG_INDEX[lang]].format(period=self.period or "—")


class _Data:
    """What the checks read from the store, each series and group read once."""

    def __init__(self, store: Store, iso3: str, lang: Lang, targets: TargetsFn | None) -> None:
        self.store, self.iso3, self.lang, self.targets_fn = store, iso3, lang, targets
        self._meta: dict[str, dict[str, Any] | None] = {}
        self._series: dict[str, dict[str, dict[str, dict[str, Any]]]] = {}
        self._groups: dict[PeerBy, PeerGroup | str] = {}
        self._targets: dict[str, Any] | str | None = None

    @property
    def name(self) -> str:
        return country(self.iso3).name(self.lang)

    def meta(self, code: str) -> dict[str, Any] | None:
        if code not in self._meta:
            try:
                self._meta[code] = connectivity.indicator_meta(self.store, code)
            except NotFoundError:
                self._meta[code] = None
        return self._meta[code]

    def series(self, code: str) -> dict[str, dict[str, dict[str, Any]]]:
        """entity -> period -> row, present values only."""
        if code not in self._series:
            by_entity: dict[str, dict[str, dict[str, Any]]] = {}
            for row in connectivity.series(self.store, code):
                value = row["value"]
                if value is not None and not math.isnan(value):
                    by_entity.setdefault(row["entity"], {})[row["period"]] = row
            self._series[code] = by_entity
        return self._series[code]

    def group(self, by: PeerBy) -> PeerGroup | str:
        """The peer group, or why it cannot be formed."""
        if by not in self._groups:
            self._groups[by] = self._form_group(by)
        return self._groups[by]

    def _form_group(self, by: PeerBy) -> PeerGroup | str:
        try:
            members = connectivity.peer_group(self.store, self.iso3, by)
        except InfosocError as exc:
            return str(exc)
        others = tuple(m for m in members if m != self.iso3)
        home = country(self.iso3)
        if by == "income":
            rows = self.store.rows(
                "SELECT value, period FROM current_attributes WHERE entity = ? "
                "AND attribute = 'income_group' ORDER BY period DESC LIMIT 1",
                [self.iso3],
            )
            return PeerGroup(by, str(rows[0]["value"]), others, str(rows[0]["period"]))
        name = {"region": home.region, "subregion": home.subregion}.get(by) or by
        return PeerGroup(by, name, others)

    def groups_used(self) -> dict[PeerBy, PeerGroup | str]:
        return dict(self._groups)

    def targets(self) -> dict[str, Any] | str:
        """The programme-targets scorecard, or why there is none (in ``lang``)."""
        if self._targets is None:
            if self.targets_fn is None:
                self._targets = phrase("no_targets_api", self.lang)
            else:
                try:
                    self._targets = self.targets_fn(self.iso3)
                except InfosocError as exc:
                    self._targets = phrase("no_targets", self.lang, detail=exc)
        return self._targets


@dataclass
class Finding:
    """What one check found: whether it holds (None: no data), with evidence and numbers."""

    holds: bool | None
    evidence: dict[str, Any] | None = None
    #: Raw values for the text templates (numbers formatted later, in the item's language).
    numbers: dict[str, Any] = field(default_factory=dict)
    missing: str | None = None
    latest: tuple[str, float] | None = None


def _missing(why: str) -> Finding:
    return Finding(None, missing=why)


def _period_end(period: str) -> float:
    """The end of a period in years: 2020 -> 2021.0, 2020-Q2 -> 2020.5, 2020-04 -> 2020.333."""
    start = period_in_years(period)
    if "-Q" in period:
        return start + 0.25
    if "-" in period:
        return start + 1 / 12
    return start + 1


def _within(period: str, until: str | None) -> bool:
    return until is None or period_in_years(period) < _period_end(until) - 1e-9


def _sign(check: Check) -> int:
    return 1 if check.higher_is_better else -1


def _label(check: Check, meta: dict[str, Any], lang: Lang) -> str:
    """The indicator's name in ``lang``: the rule's, else the store's with its statistic."""
    if check.label is not None:
        return check.label.get(lang)
    label = str(meta["label"])
    statistic = meta.get("statistic")
    if statistic and str(statistic) not in label:
        # "Speed (Speedtest Global Index)" + "median" -> "Speed (Speedtest Global Index; median)"
        label = f"{label[:-1]}; {statistic})" if label.endswith(")") else f"{label} ({statistic})"
    return label


def _evidence(
    check: Check,
    data: _Data,
    meta: dict[str, Any],
    row: dict[str, Any],
    *,
    group: PeerGroup | None = None,
    peer_median: float | None = None,
    peers: int | None = None,
    trend: dict[str, Any] | None = None,
) -> dict[str, Any]:
    assert check.indicator is not None
    return {
        "indicator": check.indicator,
        "label": _label(check, meta, data.lang),
        "value": float(row["value"]),
        "period": row["period"],
        "unit": meta.get("unit"),
        "peer_median": peer_median,
        "peer_group": group.label(data.lang, data.iso3) if group else None,
        "peers": peers,
        "trend": trend,
        "source": {
            "source": row["source"],
            "file_name": row["file_name"],
            "retrieved": row["retrieved"],
        },
    }


def _own(data: _Data, code: str, until: str | None) -> list[tuple[str, dict[str, Any]]]:
    """The country's periods with a value, oldest first, up to ``until``."""
    own = data.series(code).get(data.iso3, {})
    periods = sorted((p for p in own if _within(p, until)), key=period_in_years)
    return [(p, own[p]) for p in periods]


def _span(
    test: _Span, own: list[tuple[str, dict[str, Any]]], data: _Data, code: str
) -> tuple[dict[str, Any], dict[str, Any]] | str:
    """The two rows a trend compares (older, newer), or why they cannot be found."""
    by_period = dict(own)
    if test.from_ is not None:
        end = test.to or own[-1][0]
        for p in (test.from_, end):
            if p not in by_period:
                return phrase("no_value_in", data.lang, code=code, country=data.name, period=p)
        if period_in_years(end) <= period_in_years(test.from_):
            return phrase("too_short", data.lang, code=code, country=data.name, period=end)
        return by_period[test.from_], by_period[end]
    last_period, last = own[-1]
    if test.editions is not None:
        if len(own) <= test.editions:
            return phrase("too_short", data.lang, code=code, country=data.name, period=last_period)
        return own[-1 - test.editions][1], last
    assert test.years is not None
    cutoff = period_in_years(last_period) - test.years + 1e-9
    earlier = [row for p, row in own if period_in_years(p) <= cutoff]
    if not earlier:
        return phrase("too_short", data.lang, code=code, country=data.name, period=last_period)
    return earlier[-1], last


def _per_year(first: dict[str, Any], last: dict[str, Any]) -> float:
    years = period_in_years(last["period"]) - period_in_years(first["period"])
    return (float(last["value"]) - float(first["value"])) / years


def _peer_values(data: _Data, code: str, group: PeerGroup, period: str) -> dict[str, float]:
    series = data.series(code)
    return {
        m: float(series[m][period]["value"])
        for m in group.members
        if m in series and period in series[m]
    }


def _too_few(data: _Data, code: str, group: PeerGroup, period: str, n: int, need: int) -> str:
    return phrase(
        "few_peers",
        data.lang,
        n=n,
        min=need,
        code=code,
        period=period,
        country=data.name,
        peer_group=group.label(data.lang, data.iso3),
    )


def _group_or_why(data: _Data, by: PeerBy) -> PeerGroup | Finding:
    group = data.group(by)
    if isinstance(group, str):
        return _missing(phrase("no_group", data.lang, by=by, detail=group))
    return group


def _peer_median(
    check: Check,
    test: PeerMedianTest,
    data: _Data,
    meta: dict[str, Any],
    own: list[tuple[str, dict[str, Any]]],
) -> Finding:
    group = _group_or_why(data, test.peers)
    if isinstance(group, Finding):
        return group
    assert check.indicator is not None
    period, row = own[-1]
    values = _peer_values(data, check.indicator, group, period)
    if len(values) < test.min_peers:
        return _missing(_too_few(data, check.indicator, group, period, len(values), test.min_peers))
    mid = float(median(values.values()))
    value = float(row["value"])
    gap = (value - mid) * _sign(check) * (1 if test.direction == "better" else -1)
    holds = gap > 0 and gap >= test.margin_pct / 100 * abs(mid)
    diff_pct = abs(value / mid - 1) * 100 if mid else None
    evidence = _evidence(check, data, meta, row, group=group, peer_median=mid, peers=len(values))
    numbers = {
        "peer_median": mid,
        "peers": len(values),
        "diff_pct": diff_pct,
        "dir": "above" if value >= mid else "below",
    }
    return Finding(holds, evidence, numbers)


def _peer_rank(
    check: Check,
    test: PeerRankTest,
    data: _Data,
    meta: dict[str, Any],
    own: list[tuple[str, dict[str, Any]]],
) -> Finding:
    group = _group_or_why(data, test.peers)
    if isinstance(group, Finding):
        return group
    assert check.indicator is not None
    period, row = own[-1]
    values = _peer_values(data, check.indicator, group, period)
    if len(values) < test.min_peers:
        return _missing(_too_few(data, check.indicator, group, period, len(values), test.min_peers))
    value = float(row["value"])
    sign = _sign(check)
    ranks = competition_ranks({**{k: v * sign for k, v in values.items()}, data.iso3: value * sign})
    rank, of = ranks[data.iso3], len(values) + 1
    assert rank is not None
    holds = rank <= test.places if test.direction == "better" else rank > of - test.places
    mid = float(median(values.values()))
    evidence = _evidence(check, data, meta, row, group=group, peer_median=mid, peers=len(values))
    return Finding(
        holds, evidence, {"peer_median": mid, "peers": len(values), "rank": rank, "of": of}
    )


def _threshold(
    check: Check,
    test: ThresholdTest,
    data: _Data,
    meta: dict[str, Any],
    own: list[tuple[str, dict[str, Any]]],
) -> Finding:
    _, row = own[-1]
    value = float(row["value"])
    reached = (value - test.value) * _sign(check) >= 0
    holds = reached if test.direction == "better" else not reached
    at_or_above = value >= test.value
    return Finding(
        holds,
        _evidence(check, data, meta, row),
        {"threshold": test.value, "dir": "at_or_above" if at_or_above else "under"},
    )


def _trend_dict(
    first: dict[str, Any], last: dict[str, Any], per_year: float, peer_per_year: float | None = None
) -> dict[str, Any]:
    return {
        "per_year": per_year,
        "from_period": first["period"],
        "to_period": last["period"],
        "from_value": float(first["value"]),
        "peer_median_per_year": peer_per_year,
    }


def _trend_numbers(first: dict[str, Any], last: dict[str, Any], per_year: float) -> dict[str, Any]:
    start = float(first["value"])
    change_pct = (float(last["value"]) / start - 1) * 100 if start else None
    return {
        "from_value": start,
        "from_period": first["period"],
        "per_year": per_year,
        "change_pct": change_pct,
    }


def _trend(
    check: Check,
    test: TrendTest,
    data: _Data,
    meta: dict[str, Any],
    own: list[tuple[str, dict[str, Any]]],
) -> Finding:
    assert check.indicator is not None
    span = _span(test, own, data, check.indicator)
    if isinstance(span, str):
        return _missing(span)
    first, last = span
    per_year = _per_year(first, last)
    moved = per_year * _sign(check) * (1 if test.direction == "better" else -1)
    holds = moved > 0 and moved >= test.min_per_year
    evidence = _evidence(check, data, meta, last, trend=_trend_dict(first, last, per_year))
    return Finding(holds, evidence, _trend_numbers(first, last, per_year))


def _peer_trend(
    check: Check,
    test: PeerTrendTest,
    data: _Data,
    meta: dict[str, Any],
    own: list[tuple[str, dict[str, Any]]],
) -> Finding:
    assert check.indicator is not None
    group = _group_or_why(data, test.peers)
    if isinstance(group, Finding):
        return group
    span = _span(test, own, data, check.indicator)
    if isinstance(span, str):
        return _missing(span)
    first, last = span
    series = data.series(check.indicator)
    peer_rates = {
        m: _per_year(series[m][first["period"]], series[m][last["period"]])
        for m in group.members
        if m in series and first["period"] in series[m] and last["period"] in series[m]
    }
    if len(peer_rates) < test.min_peers:
        return _missing(
            _too_few(
                data,
                check.indicator,
                group,
                f"{first['period']}–{last['period']}",
                len(peer_rates),
                test.min_peers,
            )
        )
    per_year, peer_rate = _per_year(first, last), float(median(peer_rates.values()))
    gap = (per_year - peer_rate) * _sign(check) * (1 if test.direction == "better" else -1)
    holds = gap > 0 and gap >= test.margin_per_year
    level = float(median(float(series[m][last["period"]]["value"]) for m in peer_rates))
    evidence = _evidence(
        check,
        data,
        meta,
        last,
        group=group,
        peer_median=level,
        peers=len(peer_rates),
        trend=_trend_dict(first, last, per_year, peer_rate),
    )
    numbers = {
        **_trend_numbers(first, last, per_year),
        "peer_median": level,
        "peers": len(peer_rates),
        "peer_per_year": peer_rate,
    }
    return Finding(holds, evidence, numbers)


def _rank_in(data: _Data, code: str, group: PeerGroup, period: str, sign: int) -> int:
    """The country's rank within the group in a period where it has a value."""
    values = _peer_values(data, code, group, period)
    own = data.series(code)[data.iso3][period]["value"]
    ranks = competition_ranks({**{k: v * sign for k, v in values.items()}, data.iso3: own * sign})
    rank = ranks[data.iso3]
    assert rank is not None  # the country has a value in this period
    return rank


def _rank(
    check: Check,
    test: RankTest,
    data: _Data,
    meta: dict[str, Any],
    own: list[tuple[str, dict[str, Any]]],
) -> Finding:
    assert check.indicator is not None
    group: PeerGroup | None = None
    if test.peers is not None:
        found = _group_or_why(data, test.peers)
        if isinstance(found, Finding):
            return found
        group = found
    span = _span(test, own, data, check.indicator)
    if isinstance(span, str):
        return _missing(span)
    first, last = span
    if group is None:
        rank_from, rank_to = float(first["value"]), float(last["value"])
        peers = None
    else:
        sign = _sign(check)
        rank_from = float(_rank_in(data, check.indicator, group, first["period"], sign))
        rank_to = float(_rank_in(data, check.indicator, group, last["period"], sign))
        peers = len(_peer_values(data, check.indicator, group, last["period"]))
    places = rank_from - rank_to  # positive: moved up
    holds = (places if test.direction == "up" else -places) >= test.min_places
    years = period_in_years(last["period"]) - period_in_years(first["period"])
    row = {**last, "value": rank_to}
    trend = _trend_dict({**first, "value": rank_from}, row, (rank_to - rank_from) / years)
    evidence = _evidence(check, data, meta, row, group=group, peers=peers, trend=trend)
    numbers = {
        "from_value": rank_from,
        "from_period": first["period"],
        "places": abs(places),
        "value": rank_to,
    }
    if group is not None:
        numbers.update(peers=peers)
    return Finding(holds, evidence, numbers)


_TARGETS_LABEL = Texts(
    en="share of declared programme targets that cannot be checked",
    ru="доля заявленных целевых индикаторов программ, которые невозможно проверить",
    kk="бағдарламалардың тексеру мүмкін емес жарияланған нысаналы индикаторларының үлесі",
)
_ACHIEVED_LABEL = Texts(
    en="share of declared programme targets achieved",
    ru="доля достигнутых заявленных целевых индикаторов программ",
    kk="бағдарламалардың орындалған жарияланған нысаналы индикаторларының үлесі",
)


def _share(card: dict[str, Any], measure: str, count: str) -> float | None:
    """A share of the declared targets: the scorecard's own, else counted."""
    share = card.get(measure)
    if isinstance(share, int | float) and 0 <= share <= 1:
        return float(share)
    declared, part = card.get("declared"), card.get(count)
    if isinstance(declared, int) and declared > 0 and isinstance(part, int):
        return part / declared
    return None


def _targets_source(result: dict[str, Any]) -> dict[str, Any]:
    """Where the scorecard comes from, in the evidence's shape: the registry of targets."""
    found = result.get("source")
    if isinstance(found, dict):
        return {k: found.get(k) for k in ("source", "file_name", "retrieved")}
    registry = result.get("registry") or "infosoc"
    return {
        "source": f"programme targets: {registry}",
        "file_name": result.get("file_name"),
        "retrieved": result.get("as_of"),
    }


def _targets(check: Check, test: TargetsTest, data: _Data) -> Finding:
    result = data.targets()
    if isinstance(result, str):
        return _missing(result)
    card = result.get("scorecard") or {}
    share = _share(card, test.measure, "no_data" if test.measure == "share_uncheckable" else "met")
    if share is None or not card.get("declared"):
        return _missing(phrase("no_targets", data.lang, detail="no declared targets"))
    holds = share >= test.at_least if test.at_least is not None else share <= (test.at_most or 0)
    achieved = _share(card, "share_achieved", "met")
    label = check.label or (
        _TARGETS_LABEL if test.measure == "share_uncheckable" else _ACHIEVED_LABEL
    )
    period = str(result.get("as_of") or "")
    evidence = {
        "indicator": check.indicator or f"targets.{test.measure}",
        "label": label.get(data.lang),
        "value": share,
        "period": period,
        "unit": "share of declared targets (0 to 1)",
        "peer_median": None,
        "peer_group": None,
        "peers": None,
        "trend": None,
        "source": _targets_source(result),
    }
    numbers = {
        "share": share * 100,
        "declared": int(card["declared"]),
        "uncheckable": card.get("no_data"),
        "achieved": achieved * 100 if achieved is not None else None,  # missing is not 0 %
        "value": share,
        "period": period,
    }
    return Finding(holds, evidence, numbers)


_HANDLERS: dict[str, Callable[..., Finding]] = {
    "peer_median": _peer_median,
    "peer_rank": _peer_rank,
    "threshold": _threshold,
    "trend": _trend,
    "peer_trend": _peer_trend,
    "rank": _rank,
}


def evaluate_check(check: Check, data: _Data, until: str | None = None) -> Finding:
    """Run one check against the store."""
    if isinstance(check.test, TargetsTest):
        return _targets(check, check.test, data)
    assert check.indicator is not None
    limit = check.until or until
    meta = data.meta(check.indicator)
    if meta is None:
        named = f" ({check.label.get(data.lang)})" if check.label else ""
        return _missing(phrase("no_indicator", data.lang, code=check.indicator + named))
    own = _own(data, check.indicator, limit)
    if not own:
        upto = phrase("upto", data.lang, until=limit) if limit else ""
        why = phrase("no_value", data.lang, code=check.indicator, country=data.name, upto=upto)
        return _missing(why)
    finding = _HANDLERS[check.test.kind](check, check.test, data, meta, own)
    later = _own(data, check.indicator, None)
    fixed_window = getattr(check.test, "from_", None) is not None
    if finding.evidence is not None and not fixed_window and later[-1][0] != own[-1][0]:
        finding.latest = (later[-1][0], float(later[-1][1]["value"]))
    return finding


# --- texts ---------------------------------------------------------------------------------
_SIGNED = {"per_year", "peer_per_year"}
#: Per cents read best with one decimal.
_PERCENT = {"diff_pct", "change_pct", "share", "achieved"}


def _fill(template: str, finding: Finding, data: _Data) -> str:
    """A template filled with the finding's numbers, formatted for the language."""
    evidence = finding.evidence or {}
    values: dict[str, Any] = {
        "country": data.name,
        "label": evidence.get("label", ""),
        "value": evidence.get("value"),
        "period": evidence.get("period", ""),
        "unit": evidence.get("unit") or "",
        "peer_group": evidence.get("peer_group") or "",
        **finding.numbers,
    }
    shown: dict[str, str] = {}
    for key, value in values.items():
        if key == "dir":
            shown[key] = word(str(value), data.lang)
        elif value is None:
            shown[key] = "—"
        elif isinstance(value, float) and key in _PERCENT:
            shown[key] = number(round(value, 1), data.lang)
        elif isinstance(value, int | float):
            shown[key] = number(value, data.lang, signed=key in _SIGNED)
        else:
            shown[key] = str(value)
    return template.format(**shown)


def _reason(checks: Sequence[Check], findings: Sequence[Finding], data: _Data) -> str:
    """One sentence: what each check found (or why it could not), in the item's language."""
    parts = []
    for check, finding in zip(checks, findings, strict=True):
        if finding.holds is None:
            parts.append(finding.missing or "")
            continue
        text = _fill(PHRASES[check.test.kind][data.lang], finding, data)
        if finding.latest is not None:
            period, value = finding.latest
            latest = phrase("latest", data.lang, value=number(value, data.lang), period=period)
            text += f" ({latest})"
        parts.append(text)
    sentence = "; ".join(p for p in parts if p)
    return sentence[:1].upper() + sentence[1:] + "."


def _deciding_evidence(findings: Sequence[Finding], verdict: Verdict) -> dict[str, Any] | None:
    """The evidence of the check that decided the verdict: the first that failed when the item
    is contradicted, else the first with data."""
    wanted = [f for f in findings if f.holds is False] if verdict == "contradicted" else []
    return next((f.evidence for f in [*wanted, *findings] if f.evidence is not None), None)


def _verdict(findings: Sequence[Finding]) -> Verdict:
    """Supported when every check holds; contradicted when any fails; else untestable."""
    if any(f.holds is False for f in findings):
        return "contradicted"
    if findings and all(f.holds is True for f in findings):
        return "supported"
    return "untestable"


# --- the SWOT ------------------------------------------------------------------------------
def _items(rules: Iterable[Rule], data: _Data) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The items the rules yield, and the rules that could not be evaluated, with why."""
    items: list[dict[str, Any]] = []
    not_evaluated: list[dict[str, Any]] = []
    for rule in rules:
        finding = evaluate_check(rule, data)
        if finding.holds is None or finding.evidence is None:
            not_evaluated.append({"rule": rule.id, "kind": rule.kind, "reason": finding.missing})
        elif finding.holds:
            text = _fill(rule.text.get(data.lang), finding, data)
            items.append(
                {"kind": rule.kind, "rule": rule.id, "text": text, "evidence": finding.evidence}
            )
    items.sort(key=lambda item: KINDS.index(item["kind"]))
    return items, not_evaluated


def _article(article: ArticleFile, data: _Data) -> list[dict[str, Any]]:
    """The article's items, each with a verdict, a one-sentence reason and its evidence."""
    out = []
    order = {k: i for i, k in enumerate(KINDS)}
    for item in sorted(article.items, key=lambda i: (order[i.kind], i.number)):
        if item.checks is None:
            assert item.untestable is not None
            verdict: Verdict = "untestable"
            reason, evidence = item.untestable.get(data.lang), None
        else:
            findings = [evaluate_check(c, data, article.as_of) for c in item.checks]
            verdict = _verdict(findings)
            reason = _reason(item.checks, findings, data)
            evidence = _deciding_evidence(findings, verdict)
        out.append(
            {
                "kind": item.kind,
                "number": item.number,
                "text_ru": item.text_ru,
                "text_en": item.text_en,
                "text_kk": item.text_kk,
                "verdict": verdict,
                "reason": reason,
                "evidence": evidence,
            }
        )
    return out


def _peer_groups(data: _Data) -> dict[str, Any]:
    """Each peer group the checks used: its name, how it was formed, its members."""
    out: dict[str, Any] = {}
    for by, group in sorted(data.groups_used().items()):
        if isinstance(group, str):
            out[by] = {"name": None, "basis": None, "members": None, "error": group}
        else:
            out[by] = {
                "name": group.label(data.lang, data.iso3),
                "basis": group.basis(data.lang),
                "members": len(group.members),
            }
    return out


def swot(
    store: Store,
    code: str,
    *,
    rules: Path | str | RulesFile | None = None,
    lang: Lang = "en",
    targets: TargetsFn | None = None,
) -> dict[str, Any]:
    """A country's SWOT from the rules (the shipped ones by default), and the article's SWOT.

    ``targets`` gives the programme-targets scorecard for the rules that read it
    (``Observatory.targets``); without it those rules are not evaluated, and say why.
    Returns ``country, peer_groups, items, article, summary, not_evaluated`` (docs/swot.md).
    """
    iso3 = country(code).iso3
    rule_set = rules if isinstance(rules, RulesFile) else load_rules(rules)
    article_swot = load_article()
    checks = [*rule_set.rules, *(c for item in article_swot.items for c in item.checks or ())]
    store.prefetch_series(c.indicator for c in checks if c.indicator is not None)
    data = _Data(store, iso3, lang, targets)
    items, not_evaluated = _items(rule_set.rules, data)
    article = _article(article_swot, data)
    summary: dict[str, Any] = {k: sum(1 for i in items if i["kind"] == k) for k in KINDS}
    summary["article"] = {v: sum(1 for a in article if a["verdict"] == v) for v in VERDICTS}
    return {
        "country": iso3,
        "peer_groups": _peer_groups(data),
        "items": items,
        "article": article,
        "summary": summary,
        "not_evaluated": not_evaluated,
    }


_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def unfilled(text: str) -> list[str]:
    """Template placeholders left in a text (none should be): for tests and checks."""
    return _PLACEHOLDER.findall(text)
