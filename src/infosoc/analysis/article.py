"""The review article's claims, each checked against the official data in the store.

The claims live in ``article_claims.toml`` beside this module, validated with pydantic when
loaded, so that a claim with a missing field or an unknown kind fails loudly. Its texts are in
English; every claim's summary and explanation reach the reader in their language through the
gettext catalogues (decision 0013), while the quotes stay the article's own Russian words.

A value read from a series is the newest release's (the store's rule); when an older release
held gives another value, the explanation says so, naming both releases. A claim may name
other official series of the same quantity (``also``: another publisher, another method): their
values are shown beside the computed one, each with its verdict and source, never mixed into it.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import InputError, NotFoundError
from ..geo.countries import country, match_area
from ..i18n import Lang, translations
from ..i18n.format import format_number, format_significant
from ..ranks import competition_ranks
from ..records import Document
from ..store import Store, cite
from . import connectivity
from .download_time import download_time
from .egov import COMPONENTS, Panel, load_panel
from .revisions import revisions
from .targets.series import read_series

VERDICTS = ("confirmed", "differs", "unverifiable")
#: Floating-point slack on top of each claim's tolerance.
EPSILON = 1e-9
CLAIMS_FILE = "article_claims.toml"

_NEEDS: dict[str, tuple[str, ...]] = {
    "value": ("indicator", "country", "year"),
    "category": ("indicator", "country", "year"),
    "growth_pct": ("indicator", "country", "from_", "to"),
    "group_rank": ("group", "country", "year"),
    "count": ("year",),
    "series_value": ("code", "country", "period"),
    "series_rank": ("code", "country", "period"),
    "series_count": ("code", "period"),
    "series_max": ("code", "period"),
    "quotient": ("numerator", "denominator"),
    "download_minutes": ("size", "speed"),
}
Kind = Literal[
    "value", "category", "growth_pct", "group_rank", "count", "series_value", "series_rank",
    "series_count", "series_max", "quotient", "download_minutes",
]  # fmt: skip


class Compute(BaseModel):
    """How to compute a claim: from the E-Government panel, from any series, or arithmetic.

    ``value``, ``category``, ``growth_pct``, ``group_rank`` and ``count`` read the UN
    E-Government Survey; ``series_*`` read any indicator by ``code`` and ``period`` (the best
    source for each value); ``quotient`` checks the article's own arithmetic
    (``numerator / denominator x scale``); ``download_minutes`` applies cable.co.uk's
    convention to a size and a speed.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    kind: Kind
    indicator: (
        Literal["rank", "egdi", "osi", "tii", "hci", "epi", "level", "rating_class"] | None
    ) = None
    country: str | None = None
    year: int | None = None
    from_: int | None = Field(default=None, alias="from")
    to: int | None = None
    group: str | None = None
    code: str | None = None
    period: str | None = None
    numerator: float | None = None
    denominator: float | None = None
    scale: float = 1.0
    size: str | None = None
    speed: str | None = None

    @model_validator(mode="after")
    def _fields_for_kind(self) -> Compute:
        missing = [f.rstrip("_") for f in _NEEDS[self.kind] if getattr(self, f) is None]
        if missing:
            raise ValueError(f"kind '{self.kind}' needs {', '.join(missing)}")
        return self


class Also(BaseModel):
    """Another official series of the claim's quantity, shown beside the computed value."""

    model_config = ConfigDict(extra="forbid")

    code: str
    country: str
    period: str
    breakdown: str | None = None
    label: str


class Claim(BaseModel):
    """One claim of the article, quoted, with the value it states."""

    model_config = ConfigDict(extra="forbid")

    id: str
    section: str
    text: str
    text_en: str
    claimed: int | float | str
    unit: str
    tolerance: float | None = None
    compare: Literal["equal", "at_least"] = "equal"
    compute: Compute
    note: str | None = None
    also: list[Also] = []


class ClaimsFile(BaseModel):
    """The claims dataset: the article, named groups of countries, and the claims."""

    model_config = ConfigDict(extra="forbid")

    article: str
    groups: dict[str, list[str]] = {}
    claims: list[Claim]

    @model_validator(mode="after")
    def _unique_ids(self) -> ClaimsFile:
        ids = [c.id for c in self.claims]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"claim ids used twice: {', '.join(twice)}")
        return self


def load_claims(text: str | None = None) -> ClaimsFile:
    """The claims shipped with the package (or given as TOML text), validated."""
    if text is None:
        text = resources.files("infosoc.analysis").joinpath(CLAIMS_FILE).read_text("utf-8")
    try:
        return ClaimsFile.model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"is not valid TOML ({exc})", file=CLAIMS_FILE) from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{where}: {first['msg']}", file=CLAIMS_FILE) from exc


def _members(panel: Panel, group: str, year: int, groups: dict[str, list[str]]) -> set[str]:
    if group in groups:
        return set(groups[group])
    level, name = match_area(group)
    return {
        r["iso3"]
        for r in panel.editions.get(year, [])
        if getattr(country(r["iso3"]), level) == name
    }


def _compute_egov(
    panel: Panel | None, spec: Compute, groups: dict[str, list[str]]
) -> tuple[Any, list[str]]:
    """A claim on the UN E-Government Survey: its value and the sources it came from."""
    if panel is None:
        return None, []
    if spec.kind == "count":
        assert spec.year is not None
        ranked = [r for r in panel.editions.get(spec.year, []) if r["rank"] is not None]
        return (len(ranked) if ranked else None), [r["source"] for r in ranked[:1]]
    assert spec.country is not None
    iso3 = country(spec.country).iso3
    if spec.kind == "growth_pct":
        assert spec.from_ is not None and spec.to is not None and spec.indicator in COMPONENTS
        old, new = panel.row(spec.from_, iso3), panel.row(spec.to, iso3)
        if not old or not new or not old[spec.indicator] or new[spec.indicator] is None:
            return None, []
        return (new[spec.indicator] / old[spec.indicator] - 1) * 100, [old["source"], new["source"]]
    assert spec.year is not None
    row = panel.row(spec.year, iso3)
    used = [row["source"]] if row else []
    if spec.kind == "group_rank":
        assert spec.group is not None
        members = _members(panel, spec.group, spec.year, groups)
        values = {r["iso3"]: r["egdi"] for r in panel.editions.get(spec.year, [])
                  if r["iso3"] in members}  # fmt: skip
        return competition_ranks(values).get(iso3), used
    if row is None:
        return None, []
    return row[str(spec.indicator)], used


def _compute_series(store: Store, spec: Compute) -> tuple[Any, list[str]]:
    """A claim on any indicator held in the store, by code and period."""
    assert spec.code is not None and spec.period is not None
    rows = [r for r in connectivity.series(store, spec.code)
            if r["period"] == spec.period and r["value"] is not None]  # fmt: skip
    if spec.kind == "series_count":
        return (len(rows) or None), [cite(r) for r in rows[:1]]
    if spec.kind == "series_max":
        if not rows:
            return None, []
        top = max(rows, key=lambda r: r["value"])
        return top["value"], [cite(top)]
    assert spec.country is not None
    iso3 = country(spec.country).iso3
    own = next((r for r in rows if r["entity"] == iso3), None)
    if own is None:
        return None, []
    if spec.kind == "series_rank":
        return competition_ranks({r["entity"]: r["value"] for r in rows})[iso3], [cite(own)]
    return own["value"], [cite(own)]


def _compute(
    store: Store, panel: Panel | None, spec: Compute, groups: dict[str, list[str]]
) -> tuple[Any, list[str]]:
    """The computed value of one claim and the sources it was computed from."""
    if spec.kind.startswith("series_"):
        return _compute_series(store, spec)
    if spec.kind == "quotient":
        assert spec.numerator is not None and spec.denominator
        return spec.numerator / spec.denominator * spec.scale, ["the article's own figures"]
    if spec.kind == "download_minutes":
        assert spec.size is not None and spec.speed is not None
        seconds = download_time(spec.size, spec.speed).seconds
        return seconds / 60, ["cable.co.uk convention (docs/article-claims.md)"]
    return _compute_egov(panel, spec, groups)


def _verdict(claimed: Any, computed: Any, tolerance: float | None, compare: str) -> str:
    if computed is None:
        return "unverifiable"
    if isinstance(claimed, str):
        return "confirmed" if claimed == computed else "differs"
    slack = (tolerance or 0) + EPSILON
    if compare == "at_least":
        return "confirmed" if float(computed) >= float(claimed) - slack else "differs"
    return "confirmed" if abs(float(computed) - float(claimed)) <= slack else "differs"


def _number(value: float, lang: Lang) -> str:
    """A value as the explanations print it: counts with separators, others with at most six
    significant digits and at least one decimal (94.0, 9.8, 78.9039; 78,9039 in Russian)."""
    if abs(value) >= 1e5 and abs(value - round(value)) < 1e-6:
        return format_number(round(value), lang, 0)
    return format_significant(value, lang, 6, min_decimals=1)


def _also(store: Store, claim: Claim, lang: Lang) -> list[dict[str, Any]]:
    """The claim's quantity from each other official series it names, with a verdict."""
    out = []
    t = translations(lang)
    for other in claim.also:
        iso3 = country(other.country).iso3
        series = read_series(store, other.code, other.breakdown, iso3)
        value = next((v for v in series.values if v.period == other.period), None)
        computed = value.value if value else None
        out.append({
            "label": str(t.gettext(other.label)),
            "code": other.code,
            "breakdown": other.breakdown,
            "period": other.period,
            "value": computed,
            "method": series.method,
            "verdict": _verdict(claim.claimed, computed, claim.tolerance, claim.compare),
            "source": value.source["citation"] if value else None,
        })  # fmt: skip
    return out


def _also_text(found: dict[str, Any], lang: Lang) -> str:
    """One sentence on what another official series gives, and whether it bears the claim out."""
    t = translations(lang)
    if found["value"] is None:
        text = t.gettext("{label} ({code}) holds no value for {period}.")
    elif found["verdict"] == "confirmed":
        text = t.gettext(
            "{label} ({code}) gives {value} for {period}, which also bears the claim out "
            "({source})."
        )
    else:
        text = t.gettext(
            "{label} ({code}) gives {value} for {period}, which does not bear the claim out "
            "({source})."
        )
    value = _number(found["value"], lang) if found["value"] is not None else None
    return str(text).format(
        label=found["label"],
        code=found["code"],
        period=found["period"],
        value=value,
        source=found["source"],
    )


_RELEASE = ("value", "source", "edition", "released", "file_name", "answers")


def _earlier(store: Store, spec: Compute, computed: Any) -> list[dict[str, Any]]:
    """For a ``series_value`` claim whose cell an older release held gives another value: the
    release that answers (``answers`` true) and those older ones; else nothing."""
    if spec.kind != "series_value" or not isinstance(computed, int | float):
        return []
    assert spec.code is not None and spec.country is not None and spec.period is not None
    iso3 = country(spec.country).iso3
    try:
        rows = revisions(store, spec.code, iso3, start=spec.period, end=spec.period)
    except NotFoundError:
        return []
    slack = 1e-6 * max(1.0, abs(float(computed)))  # copies through single precision differ
    older = [
        r for r in rows
        if not r["answers"] and r["value"] is not None and abs(r["value"] - computed) > slack
    ]  # fmt: skip
    answering = [r for r in rows if r["answers"]]
    if not older or not answering:
        return []
    return [{k: r[k] for k in _RELEASE} for r in answering[-1:] + older]


def _release(row: dict[str, Any], lang: Lang) -> str:
    text = translations(lang).gettext("{source} {edition}, released {released}")
    return str(text).format(source=row["source"], edition=row["edition"], released=row["released"])


def _earlier_text(rows: list[dict[str, Any]], lang: Lang) -> str:
    """Which release answered, and what the older releases held give (equal values once)."""
    newest, older = rows[0], rows[1:]
    by_value: dict[str, list[str]] = {}
    for row in older:
        by_value.setdefault(_number(row["value"], lang), []).append(_release(row, lang))
    listed = "; ".join(f"{value} ({', '.join(where)})" for value, where in by_value.items())
    text = translations(lang).gettext(
        "The value computed, {value}, is the newest release's ({release}); older releases held "
        "give {listed}."
    )
    return str(text).format(
        value=_number(newest["value"], lang), release=_release(newest, lang), listed=listed
    )


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", "»")) else text + "."


def evaluate(store: Store, lang: Lang = "en") -> Document:
    """Every claim of the article checked against the store, in a document of kind
    ``article`` with the keys ``lang`` and ``claims``.

    Each claim has ``id, section, text`` (the article's words), ``text_en`` and ``summary``
    (the claim in short, in English and in ``lang``), ``claimed, computed, difference, unit,
    tolerance, verdict, source``, the ``explanation`` in ``lang`` of a difference (and, for any
    verdict, of the values of the other series it names and of older releases: ``also``,
    ``revisions``) and ``claimed_in``.
    """
    data = load_claims()
    t = translations(lang)
    try:
        panel: Panel | None = load_panel(store)
    except NotFoundError:
        panel = None  # the E-Government claims are then unverifiable, the others still run
    store.prefetch_series(
        c.compute.code
        for c in data.claims
        if c.compute.kind.startswith("series_") and c.compute.code
    )
    out = []
    for claim in data.claims:
        computed, used = _compute(store, panel, claim.compute, data.groups)
        verdict = _verdict(claim.claimed, computed, claim.tolerance, claim.compare)
        numeric = verdict != "unverifiable" and not isinstance(claim.claimed, str)
        sources = list(dict.fromkeys(used))
        also = _also(store, claim, lang)
        earlier = _earlier(store, claim.compute, computed)
        note = _sentence(str(t.gettext(claim.note))) if claim.note else None
        parts = [note] if note and verdict != "confirmed" else []
        if verdict == "unverifiable" and not parts:
            parts.append(str(t.gettext("The data held give no value to check this claim against.")))
        parts += [_also_text(a, lang) for a in also]
        parts += [_earlier_text(earlier, lang)] if earlier else []
        out.append({
            "id": claim.id,
            "section": claim.section,
            "text": claim.text,
            "text_en": claim.text_en,
            "summary": str(t.gettext(claim.text_en)),
            "claimed": claim.claimed,
            "computed": computed,
            "difference": computed - claim.claimed if numeric else None,
            "unit": claim.unit,
            "tolerance": claim.tolerance,
            "verdict": verdict,
            "explanation": " ".join(parts) if parts else None,
            "source": "; ".join(sources) if sources else None,
            "also": also,
            "revisions": earlier,
            "claimed_in": data.article,
        })  # fmt: skip
    return Document("article", {"lang": lang, "claims": out}, "claims")
