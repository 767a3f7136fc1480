"""Land borders between countries, so that a country can be compared with its neighbours.

``borders.csv`` holds one row per pair of ISO3 codes (``a < b``) sharing an international
land boundary, after the "land boundaries" fields of the CIA World Factbook as they stand in
2024. It covers every UN Member State and the economies Hong Kong, Macao, the State of
Palestine, the Holy See, Western Sahara (ESH) and Kosovo (XKX, a code outside ISO 3166).
Rules, applied to every row:

* Land only: a shared sea, lake or river mouth is not a border (Kazakhstan and Azerbaijan
  across the Caspian are not neighbours); island states have no rows.
* By sovereign state: a territory that is not one of the countries above counts as part of
  its sovereign, so France borders Brazil and Suriname (French Guiana) and the Netherlands
  (Saint Martin), Spain borders Morocco (Ceuta, Melilla) and the United Kingdom (Gibraltar),
  the United Kingdom borders Cyprus (Akrotiri and Dhekelia) and Denmark borders Canada
  (Greenland, Hans Island since 2022). Leased land stays with its sovereign: Cuba has no
  border with the United States at Guantanamo Bay.
* Economies listed above are their own entries: China borders Hong Kong and Macao; Palestine
  borders Egypt (Gaza), Israel and Jordan (West Bank); Western Sahara borders Algeria,
  Mauritania and Morocco; Kosovo borders Albania, Montenegro, North Macedonia and Serbia.
* Disputed lines follow the line of actual control, as the Factbook lists them: China borders
  Pakistan and Israel borders Syria (Golan Heights); India does not border Afghanistan.
  Unrecognised states count as part of the state that claims them (Abkhazia as Georgia,
  Northern Cyprus as Cyprus, Somaliland as Somalia).
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from .countries import country, normalise

KOSOVO = "XKX"


@cache
def _neighbours() -> dict[str, tuple[str, ...]]:
    text = resources.files("infosoc.geo").joinpath("borders.csv").read_text(encoding="utf-8")
    found: dict[str, set[str]] = {}
    for row in csv.DictReader(text.splitlines()):
        a, b = row["a"], row["b"]
        found.setdefault(a, set()).add(b)
        found.setdefault(b, set()).add(a)
    return {iso3: tuple(sorted(codes)) for iso3, codes in found.items()}


def neighbours(iso3: str) -> list[str]:
    """ISO3 codes of the countries sharing a land border with ``iso3``, sorted.

    ``iso3`` may be anything :func:`~infosoc.geo.countries.country` resolves, or "XKX" or
    "Kosovo"; an unknown code or name raises :class:`~infosoc.errors.InputError`. A country
    without land borders (an island state) has none.
    """
    code = KOSOVO if normalise(iso3) in {"xkx", "kosovo"} else country(iso3).iso3
    return list(_neighbours().get(code, ()))
