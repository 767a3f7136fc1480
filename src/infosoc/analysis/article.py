"""The review article's claims, each checked against the official data in the store.

The claims live in ``article_claims.toml`` beside this module, validated with pydantic when
loaded, so that a claim with a missing field or an unknown kind fails loudly.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import InputError, NotFoundError
from ..geo.countries import country, match_area
from ..ranks import competition_ranks
from ..store import Store
from . import connectivity
from .download_time import download_time
from .egov import COMPONENTS, Panel, load_panel

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


def _cite(row: dict[str, Any]) -> str:
    return f"{row['source']}: {row['file_name']} (retrieved {row['retrieved']})"


def _compute_series(store: Store, spec: Compute) -> tuple[Any, list[str]]:
    """A claim on any indicator held in the store, by code and period."""
    assert spec.code is not None and spec.period is not None
    rows = [r for r in connectivity.series(store, spec.code)
            if r["period"] == spec.period and r["value"] is not None]  # fmt: skip
    if spec.kind == "series_count":
        return (len(rows) or None), [_cite(r) for r in rows[:1]]
    if spec.kind == "series_max":
        if not rows:
            return None, []
        top = max(rows, key=lambda r: r["value"])
        return top["value"], [_cite(top)]
    assert spec.country is not None
    iso3 = country(spec.country).iso3
    own = next((r for r in rows if r["entity"] == iso3), None)
    if own is None:
        return None, []
    if spec.kind == "series_rank":
        return competition_ranks({r["entity"]: r["value"] for r in rows})[iso3], [_cite(own)]
    return own["value"], [_cite(own)]


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


def evaluate(store: Store) -> list[dict[str, Any]]:
    """Every claim with ``id, section, text, claimed, computed, unit, verdict, source``."""
    data = load_claims()
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
        out.append({
            "id": claim.id,
            "section": claim.section,
            "text": claim.text,
            "text_en": claim.text_en,
            "claimed": claim.claimed,
            "computed": computed,
            "difference": computed - claim.claimed if numeric else None,
            "unit": claim.unit,
            "tolerance": claim.tolerance,
            "verdict": verdict,
            "explanation": claim.note if verdict != "confirmed" else None,
            "source": "; ".join(sources) if sources else None,
            "claimed_in": data.article,
        })  # fmt: skip
    return out
