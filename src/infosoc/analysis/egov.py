"""UN E-Government Survey analysis: country histories, rankings, comparisons and edition checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import InputError, NotFoundError
from ..geo.countries import country, match_area
from ..i18n import Lang
from ..indices import egdi as rules
from ..ranks import competition_ranks
from ..store import Store

COMPONENTS = ("egdi", "osi", "tii", "hci", "epi")
#: Published values carry 4 or 5 decimals, so a mean of rounded components can be off by up
#: to one unit in the 4th decimal.
COMPOSITION_TOLERANCE = 1e-4

_PANEL_SQL = """
SELECT CAST(period AS INTEGER) AS year, entity AS iso3,
       max(value) FILTER (WHERE indicator = 'egov.rank') AS rank,
       max(value) FILTER (WHERE indicator = 'egov.egdi') AS egdi,
       max(value) FILTER (WHERE indicator = 'egov.osi') AS osi,
       max(value) FILTER (WHERE indicator = 'egov.tii') AS tii,
       max(value) FILTER (WHERE indicator = 'egov.hci') AS hci,
       max(value) FILTER (WHERE indicator = 'egov.epi') AS epi,
       max(note) AS note
FROM current_observations
WHERE indicator LIKE 'egov.%'
GROUP BY ALL
ORDER BY year, iso3
"""

_CITATION_SQL = """
SELECT CAST(edition AS INTEGER) AS year, file_name, sha256,
       strftime(retrieved_at AT TIME ZONE 'UTC', '%Y-%m-%d') AS retrieved
FROM current_sources WHERE source = 'un-egov'
"""


@dataclass
class Panel:
    """Every edition's rows (one dict per country), with rating classes and recomputed ranks."""

    editions: dict[int, list[dict[str, Any]]]

    def years(self) -> list[int]:
        return sorted(self.editions)

    def row(self, year: int, iso3: str) -> dict[str, Any] | None:
        return next((r for r in self.editions.get(year, []) if r["iso3"] == iso3), None)


def citation(year: int, file_name: str, sha256: str, retrieved: str) -> str:
    """Short citation of a source file: publisher, edition, file, hash and retrieval date."""
    return (
        f"UN DESA, E-Government Survey {year} ({file_name}, sha256 {sha256[:12]}, "
        f"retrieved {retrieved})"
    )


def load_panel(store: Store) -> Panel:
    """Read every current edition from the store and derive level, class and recomputed rank."""
    editions: dict[int, list[dict[str, Any]]] = {}
    cite = {r["year"]: citation(**r) for r in store.rows(_CITATION_SQL)}
    for row in store.rows(_PANEL_SQL):
        if row["rank"] is not None:
            row["rank"] = int(row["rank"])
        editions.setdefault(row["year"], []).append(row)
    if not editions:
        raise NotFoundError(
            "the store holds no UN E-Government Survey data: run "
            "'infosoc ingest un-egov --from DIR' (or without --from when online)"
        )
    for year, rows in editions.items():
        values = {r["iso3"]: r["egdi"] for r in rows}
        classes = rules.rating_classes(values, year)
        recomputed = competition_ranks(
            {r["iso3"]: (r["egdi"] if r["rank"] is not None else None) for r in rows}
        )
        for r in rows:
            r["level"] = rules.level(r["egdi"])
            r["rating_class"] = classes[r["iso3"]]
            r["rank_recomputed"] = recomputed[r["iso3"]]
            r["source"] = cite[year]
    return Panel(editions)


def _pct(new: float | None, old: float | None) -> float | None:
    if new is None or old is None or old == 0:
        return None
    return (new / old - 1) * 100


def history(panel: Panel, code: str, lang: Lang = "en") -> list[dict[str, Any]]:
    """Every edition for one country, with changes since the previous edition it has values in.

    ``rank_change`` is previous rank minus current rank: positive means the country moved up.
    ``method_breaks`` lists method changes that lie between the two editions compared.
    """
    c = country(code)
    result: list[dict[str, Any]] = []
    previous: dict[str, Any] | None = None
    for year in panel.years():
        row = panel.row(year, c.iso3)
        if row is None:
            continue
        out: dict[str, Any] = {
            "iso3": c.iso3,
            "country": c.name(lang),
            "year": year,
            "rank": row["rank"],
            **{k: row[k] for k in COMPONENTS},
            "level": row["level"],
            "rating_class": row["rating_class"],
        }
        has_values = row["egdi"] is not None
        if previous is not None and has_values:
            out["compared_with"] = previous["year"]
            for k in COMPONENTS:
                new, old = row[k], previous[k]
                out[f"{k}_change"] = None if new is None or old is None else new - old
                out[f"{k}_change_pct"] = _pct(new, old)
            out["rank_change"] = (
                previous["rank"] - row["rank"]
                if previous["rank"] is not None and row["rank"] is not None
                else None
            )
            out["method_breaks"] = rules.method_breaks(previous["year"], year)
        else:
            out["compared_with"] = None
            for k in COMPONENTS:
                out[f"{k}_change"] = None
                out[f"{k}_change_pct"] = None
            out["rank_change"] = None
            out["method_breaks"] = []
        out["note"] = row["note"]
        out["source"] = row["source"]
        result.append(out)
        if has_values:
            previous = {"year": year, "rank": row["rank"], **{k: row[k] for k in COMPONENTS}}
    if not result:
        raise NotFoundError(f"no UN E-Government Survey data for {c.name_en} ({c.iso3})")
    return result


def _edition(panel: Panel, year: int | None) -> tuple[int, list[dict[str, Any]]]:
    years = panel.years()
    chosen = years[-1] if year is None else year
    if chosen not in panel.editions:
        raise NotFoundError(
            f"no E-Government Survey edition {chosen} in the store; it holds "
            + ", ".join(str(y) for y in years)
        )
    return chosen, panel.editions[chosen]


def ranking(
    panel: Panel,
    year: int | None = None,
    *,
    region: str | None = None,
    top: int | None = None,
    around: str | None = None,
    window: int = 5,
    lang: Lang = "en",
) -> list[dict[str, Any]]:
    """One edition's ranking, optionally within a region, the top N, or N places around a country.

    ``rank`` is the published world rank; ``region_rank`` the rank within the selection.
    Countries not assessed in the edition are left out, since they have no rank.
    """
    if top is not None and top < 1:
        raise InputError("--top must be 1 or more")
    if window < 0:
        raise InputError("--window must be 0 or more")
    chosen, rows = _edition(panel, year)
    ranked = sorted(
        (r for r in rows if r["rank"] is not None), key=lambda r: (r["rank"], r["iso3"])
    )
    if region is not None:
        level, name = match_area(region)
        ranked = [r for r in ranked if getattr(country(r["iso3"]), level) == name]
    selection_rank = competition_ranks({r["iso3"]: r["egdi"] for r in ranked})
    out = []
    for r in ranked:
        c = country(r["iso3"])
        out.append(
            {
                "year": chosen,
                "rank": r["rank"],
                "region_rank": selection_rank[r["iso3"]],
                "iso3": r["iso3"],
                "country": c.name(lang),
                "region": c.region,
                "subregion": c.intermediate_region or c.subregion,
                **{k: r[k] for k in COMPONENTS},
                "level": r["level"],
                "rating_class": r["rating_class"],
            }
        )
    if around is not None:
        iso3 = country(around).iso3
        at = next((i for i, r in enumerate(out) if r["iso3"] == iso3), None)
        if at is None:
            raise NotFoundError(f"{country(iso3).name_en} is not ranked in this selection")
        out = out[max(0, at - window) : at + window + 1]
    if top is not None:
        out = out[:top]
    return out


def compare(
    panel: Panel,
    codes: list[str],
    indicator: str = "egdi",
    lang: Lang = "en",
) -> list[dict[str, Any]]:
    """One indicator for several countries: a row per edition and country, editions oldest
    first and countries in the order given, each ``year, iso3, country`` (the name in
    ``lang``), ``indicator, value`` (None where the country has none that edition)."""
    allowed = (*COMPONENTS, "rank")
    if indicator not in allowed:
        raise InputError(f"unknown indicator '{indicator}'; choose one of {', '.join(allowed)}")
    places = list({c.iso3: c for c in (country(code) for code in codes)}.values())
    if len(places) < 1:
        raise InputError("give at least one country")
    out = []
    for year in panel.years():
        for place in places:
            row = panel.row(year, place.iso3)
            out.append({
                "year": year, "iso3": place.iso3, "country": place.name(lang),
                "indicator": indicator, "value": row[indicator] if row else None,
            })  # fmt: skip
    return out


def check_editions(panel: Panel, year: int | None = None) -> list[dict[str, Any]]:
    """For each edition: EGDI against its components, and recomputed against published ranks."""
    out = []
    for y in panel.years():
        if year is not None and y != year:
            continue
        rows = panel.editions[y]
        check = rules.composition_check(y, rows, COMPOSITION_TOLERANCE)
        mismatches = [
            r for r in rows if r["rank"] is not None and r["rank"] != r["rank_recomputed"]
        ]
        explained = []
        for r in mismatches:
            tied = [t["iso3"] for t in rows if t["egdi"] == r["egdi"] and t["iso3"] != r["iso3"]]
            reason = (
                f"tied at the published precision with {', '.join(tied)}; the UN ranks on "
                "unrounded values"
                if tied
                else "unexplained"
            )
            explained.append(
                f"{r['iso3']}: published {r['rank']}, recomputed {r['rank_recomputed']} ({reason})"
            )
        out.append(
            {
                "year": y,
                "countries": check.countries,
                "max_deviation_from_mean": check.max_deviation,
                "max_deviation_country": check.max_deviation_iso3,
                "weights_osi_tii_hci": "/".join(f"{w:.4g}" for w in check.weights),
                "max_deviation_weighted": check.max_weighted_deviation,
                "over_tolerance": check.over_tolerance,
                "published_zero": check.published_zero,
                "rank_mismatches": len(mismatches),
                "rank_mismatch_details": explained,
            }
        )
    if not out:
        raise NotFoundError(f"no E-Government Survey edition {year} in the store")
    return out
