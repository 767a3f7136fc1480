"""The review article's claims, each checked against the official data in the store."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

from ..geo.countries import country, match_area
from ..indices.egdi import competition_ranks
from .egov import Panel

VERDICTS = ("confirmed", "differs", "unverifiable")
#: Floating-point slack on top of each claim's tolerance.
EPSILON = 1e-9


def load_claims() -> dict[str, Any]:
    """The claims dataset shipped with the package (``article_claims.toml``)."""
    text = resources.files("infosoc.analysis").joinpath("article_claims.toml").read_text("utf-8")
    return tomllib.loads(text)


def _members(panel: Panel, group: str, year: int, groups: dict[str, list[str]]) -> list[str]:
    if group in groups:
        return list(groups[group])
    level, name = match_area(group)
    return [
        r["iso3"]
        for r in panel.editions.get(year, [])
        if getattr(country(r["iso3"]), level) == name
    ]


def _compute(
    panel: Panel,
    spec: dict[str, Any],
    groups: dict[str, list[str]],
) -> tuple[Any, list[dict[str, Any]]]:
    """The computed value of one claim and the rows it was computed from."""
    kind = spec["kind"]
    if kind == "count":
        rows = [r for r in panel.editions.get(spec["year"], []) if r["rank"] is not None]
        return (len(rows) if rows else None), rows[:1]
    iso3 = country(spec["country"]).iso3
    if kind == "growth_pct":
        old, new = panel.row(spec["from"], iso3), panel.row(spec["to"], iso3)
        if (
            not old
            or not new
            or old[spec["indicator"]] in (None, 0)
            or new[spec["indicator"]] is None
        ):
            return None, []
        return (new[spec["indicator"]] / old[spec["indicator"]] - 1) * 100, [old, new]
    if kind == "group_rank":
        year = spec["year"]
        members = set(_members(panel, spec["group"], year, groups))
        values = {
            r["iso3"]: r["egdi"] for r in panel.editions.get(year, []) if r["iso3"] in members
        }
        return competition_ranks(values).get(iso3), [
            r for r in panel.editions.get(year, []) if r["iso3"] == iso3
        ]
    row = panel.row(spec["year"], iso3)
    if row is None:
        return None, []
    return row[spec["indicator"]], [row]


def _verdict(claimed: Any, computed: Any, tolerance: float | None) -> str:
    if computed is None:
        return "unverifiable"
    if isinstance(claimed, str):
        return "confirmed" if claimed == computed else "differs"
    return (
        "confirmed"
        if abs(float(computed) - float(claimed)) <= (tolerance or 0) + EPSILON
        else "differs"
    )


def evaluate(panel: Panel) -> list[dict[str, Any]]:
    """Every claim with ``id, section, text, claimed, computed, unit, verdict, source``."""
    data = load_claims()
    groups: dict[str, list[str]] = data.get("groups", {})
    out = []
    for claim in data["claims"]:
        computed, rows = _compute(panel, claim["compute"], groups)
        if isinstance(computed, float) and claim["unit"] in ("per cent",):
            computed = round(computed, 4)
        verdict = _verdict(claim["claimed"], computed, claim.get("tolerance"))
        difference = (
            computed - claim["claimed"]
            if verdict != "unverifiable" and not isinstance(claim["claimed"], str)
            else None
        )
        sources = list(dict.fromkeys(r["source"] for r in rows))
        out.append(
            {
                "id": claim["id"],
                "section": claim["section"],
                "text": claim["text"],
                "text_en": claim["text_en"],
                "claimed": claim["claimed"],
                "computed": computed,
                "difference": difference,
                "unit": claim["unit"],
                "tolerance": claim.get("tolerance"),
                "verdict": verdict,
                "explanation": claim.get("note") if verdict == "differs" else None,
                "source": "; ".join(sources) if sources else None,
                "claimed_in": data["article"],
            }
        )
    return out
