"""The review article's claims, each checked against the official data in the store.

The claims live in ``article_claims.toml`` beside this module, validated with pydantic when
loaded, so that a claim with a missing field or an unknown kind fails loudly.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import InputError
from ..geo.countries import country, match_area
from ..ranks import competition_ranks
from .egov import COMPONENTS, Panel

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
}


class Compute(BaseModel):
    """How to compute a claim from the store."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    kind: Literal["value", "category", "growth_pct", "group_rank", "count"]
    indicator: (
        Literal["rank", "egdi", "osi", "tii", "hci", "epi", "level", "rating_class"] | None
    ) = None
    country: str | None = None
    year: int | None = None
    from_: int | None = Field(default=None, alias="from")
    to: int | None = None
    group: str | None = None

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


def _compute(
    panel: Panel, spec: Compute, groups: dict[str, list[str]]
) -> tuple[Any, list[dict[str, Any]]]:
    """The computed value of one claim and the rows it was computed from."""
    if spec.kind == "count":
        assert spec.year is not None
        ranked = [r for r in panel.editions.get(spec.year, []) if r["rank"] is not None]
        return (len(ranked) if ranked else None), ranked[:1]
    assert spec.country is not None
    iso3 = country(spec.country).iso3
    if spec.kind == "growth_pct":
        assert spec.from_ is not None and spec.to is not None and spec.indicator in COMPONENTS
        old, new = panel.row(spec.from_, iso3), panel.row(spec.to, iso3)
        if not old or not new or not old[spec.indicator] or new[spec.indicator] is None:
            return None, []
        return (new[spec.indicator] / old[spec.indicator] - 1) * 100, [old, new]
    assert spec.year is not None
    row = panel.row(spec.year, iso3)
    if spec.kind == "group_rank":
        assert spec.group is not None
        members = _members(panel, spec.group, spec.year, groups)
        values = {r["iso3"]: r["egdi"] for r in panel.editions.get(spec.year, [])
                  if r["iso3"] in members}  # fmt: skip
        return competition_ranks(values).get(iso3), [row] if row else []
    if row is None:
        return None, []
    return row[str(spec.indicator)], [row]


def _verdict(claimed: Any, computed: Any, tolerance: float | None) -> str:
    if computed is None:
        return "unverifiable"
    if isinstance(claimed, str):
        return "confirmed" if claimed == computed else "differs"
    within = abs(float(computed) - float(claimed)) <= (tolerance or 0) + EPSILON
    return "confirmed" if within else "differs"


def evaluate(panel: Panel) -> list[dict[str, Any]]:
    """Every claim with ``id, section, text, claimed, computed, unit, verdict, source``."""
    data = load_claims()
    out = []
    for claim in data.claims:
        computed, rows = _compute(panel, claim.compute, data.groups)
        verdict = _verdict(claim.claimed, computed, claim.tolerance)
        numeric = verdict != "unverifiable" and not isinstance(claim.claimed, str)
        sources = list(dict.fromkeys(r["source"] for r in rows))
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
            "explanation": claim.note if verdict == "differs" else None,
            "source": "; ".join(sources) if sources else None,
            "claimed_in": data.article,
        })  # fmt: skip
    return out
