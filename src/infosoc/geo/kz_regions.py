"""Kazakhstan's regions without their shapes: the table of regions in each layout (1997,
2018, 2022) with names in en/ru/kk, resolving a region's name or code, and the crosswalk
between layouts (docs/regions.md).

Part of the base layer, like the country resolver: sources resolve the regions their files
name through it, and it needs neither numpy nor shapely (geo/regions.py has the boundaries).
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from ..errors import InputError
from ..i18n import Lang, parse_lang
from .countries import normalise

LAYOUTS: tuple[str, ...] = ("1997", "2018", "2022")
# The day each layout came into force. 1997: approximate, the oblasts were merged by decrees of
# April and May 1997; the data infosoc reads start in 2000, so nothing hangs on it. 2018: the
# decree of 19 June 2018 (Shymkent a city of republican significance). 2022: the decree of
# 3 May 2022, in force from 8 June 2022.
LAYOUT_STARTS: dict[str, date] = {
    "1997": date(1997, 5, 3),
    "2018": date(2018, 6, 19),
    "2022": date(2022, 6, 8),
}

# --- Kazakhstan: the region table, the layouts and the crosswalk -----------------------------


@dataclass(frozen=True)
class KzRegion:
    """A region of Kazakhstan in the layouts from ``first_layout`` to ``last_layout``."""

    code: str
    name_en: str
    name_ru: str
    name_kk: str
    first_layout: str
    last_layout: str
    aliases: tuple[str, ...]

    def name(self, lang: Lang = "en") -> str:
        """Display name in ``lang``."""
        return str(getattr(self, f"name_{parse_lang(lang)}"))

    def in_layout(self, layout: str) -> bool:
        """Whether the region exists in ``layout``."""
        return (
            LAYOUTS.index(self.first_layout)
            <= LAYOUTS.index(layout)
            <= LAYOUTS.index(self.last_layout)
        )


def _read_package_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("infosoc.geo").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def check_layout(layout: str) -> str:
    """``layout`` itself when it is one of :data:`LAYOUTS`, else an :class:`InputError`."""
    if layout not in LAYOUTS:
        raise InputError(f"unknown layout '{layout}': the layouts are {', '.join(LAYOUTS)}")
    return layout


@cache
def _kz_table() -> dict[str, KzRegion]:
    table: dict[str, KzRegion] = {}
    for row in _read_package_csv("kz_regions.csv"):
        region = KzRegion(
            code=row["code"],
            name_en=row["name_en"],
            name_ru=row["name_ru"],
            name_kk=row["name_kk"],
            first_layout=row["first_layout"],
            last_layout=row["last_layout"],
            aliases=tuple(a for a in row["aliases"].split("|") if a),
        )
        if region.first_layout not in LAYOUTS or region.last_layout not in LAYOUTS:
            raise RuntimeError(f"kz_regions.csv: {region.code} has an unknown layout")
        if region.code in table:
            raise RuntimeError(f"kz_regions.csv: {region.code} is listed twice")
        table[region.code] = region
    return table


def fold_region_name(text: str) -> str:
    """Fold a region name for comparison: as country names, and hyphens and "г." too.

    "г. Астана", "г.Астана" and "Астана" fold alike, as do "Западно-Казахстанская" and
    "западно казахстанская".
    """
    folded = normalise(str(text)).replace("-", " ")
    folded = re.sub(r"\s+", " ", folded).strip()
    return re.sub(r"^(г\.|г |город )\s*", "", folded)


def _without_footnote(folded: str) -> str:
    """A folded name without a trailing footnote mark, as in stat.gov.kz's "Туркестанская 1"."""
    return re.sub(r"(?<=[^\W\d_])\s?\d{1,2}$", "", folded)


@cache
def _kz_index() -> dict[str, tuple[str, ...]]:
    """Folded code, name or alias -> the codes it names, newest region first.

    A name may belong to two regions of different layouts: stat.gov.kz and geoBoundaries call
    the 1997 South Kazakhstan (KZ-YUZ) by its 2018 name, "Туркестанская". Two regions of one
    layout sharing a name is a bug in the table.
    """
    table = _kz_table()
    index: dict[str, list[str]] = {}
    for region in table.values():
        names = (region.code, region.name_en, region.name_ru, region.name_kk, *region.aliases)
        for text in names:
            codes = index.setdefault(fold_region_name(text), [])
            if region.code not in codes:
                codes.append(region.code)
    for folded, codes in index.items():
        for layout in LAYOUTS:
            if sum(table[c].in_layout(layout) for c in codes) > 1:
                raise RuntimeError(f"kz_regions.csv: '{folded}' names two regions of {layout}")
        codes.sort(key=lambda c: LAYOUTS.index(table[c].last_layout), reverse=True)
    return {k: tuple(v) for k, v in index.items()}


def _kz_candidates(name: str) -> tuple[str, ...]:
    index = _kz_index()
    folded = fold_region_name(name)
    return index.get(folded) or index.get(_without_footnote(folded), ())


def lookup_kz_region(name: str, *, layout: str | None = None) -> str | None:
    """The code of a Kazakhstan region name or code, or None when it does not resolve.

    With ``layout``, only a region of that layout is returned; without, the newest region of
    that name.
    """
    codes = _kz_candidates(name)
    if layout is None:
        return codes[0] if codes else None
    check_layout(layout)
    table = _kz_table()
    return next((c for c in codes if table[c].in_layout(layout)), None)


def _kz_suggestions(name: str, n: int = 3) -> list[str]:
    index = _kz_index()
    table = _kz_table()
    matches = difflib.get_close_matches(fold_region_name(name), list(index), n=n * 3, cutoff=0.6)
    seen = dict.fromkeys(f"{table[c].name_en} ({c})" for key in matches for c in index[key])
    return list(seen)[:n]


def _why_unresolved(name: str, layout: str | None) -> str:
    codes = _kz_candidates(name)
    if codes and layout is not None:
        region = _kz_table()[codes[0]]
        span = (
            f"the {region.first_layout} layout"
            if region.first_layout == region.last_layout
            else f"the layouts {region.first_layout} to {region.last_layout}"
        )
        return f"'{name}' is {region.name_en} ({region.code}), a region of {span}, not of {layout}"
    hints = _kz_suggestions(name)
    return f"'{name}'" + (f" (did you mean {' or '.join(hints)}?)" if hints else "")


def resolve_kz_region(name: str, *, layout: str | None = None) -> str:
    """The ISO 3166-2 code of a region of Kazakhstan from any of its names, codes or aliases.

    Case, spaces, hyphens and a leading "г." do not matter. With ``layout`` the region must
    belong to that layout ("Туркестанская" is KZ-YUZ in 1997 and KZ-61 after); an unknown name
    is an :class:`InputError` with suggestions.
    """
    code = lookup_kz_region(name, layout=layout)
    if code is None:
        raise InputError("unknown region of Kazakhstan: " + _why_unresolved(name, layout))
    return code


def resolve_kz_regions(
    names: Iterable[str],
    *,
    layout: str | None = None,
    file: str | None = None,
    column: str | None = None,
    rows: dict[str, int] | None = None,
) -> dict[str, str]:
    """Name -> code for every name; one error lists every name that does not resolve."""
    resolved: dict[str, str] = {}
    failed: list[str] = []
    for name in names:
        code = lookup_kz_region(name, layout=layout)
        if code is None:
            where = f" (row {rows[name]})" if rows and name in rows else ""
            failed.append(_why_unresolved(name, layout) + where)
        else:
            resolved[name] = code
    if failed:
        noun = "region" if len(failed) == 1 else "regions"
        raise InputError(
            f"{len(failed)} unknown {noun} of Kazakhstan: " + "; ".join(failed),
            file=file,
            column=column,
        )
    return resolved


def kz_region(code: str) -> KzRegion:
    """The :class:`KzRegion` of a code (or of anything :func:`resolve_kz_region` takes)."""
    table = _kz_table()
    return table[code] if code in table else table[resolve_kz_region(code)]


def kz_layout_codes(layout: str) -> tuple[str, ...]:
    """The codes of the regions of ``layout``, sorted."""
    check_layout(layout)
    return tuple(sorted(c for c, r in _kz_table().items() if r.in_layout(layout)))


def kz_region_names(lang: Lang = "en", layout: str | None = None) -> dict[str, str]:
    """Code -> display name in ``lang``, of the regions of ``layout`` (default: every region)."""
    codes = kz_layout_codes(layout) if layout is not None else sorted(_kz_table())
    return {c: _kz_table()[c].name(lang) for c in codes}


@cache
def _crosswalk_steps() -> dict[tuple[str, str], dict[str, str]]:
    """(newer layout, the layout before it) -> newer code -> older code, checked whole."""
    steps: dict[tuple[str, str], dict[str, str]] = {}
    for row in _read_package_csv("kz_region_crosswalk.csv"):
        step = steps.setdefault((row["from_layout"], row["to_layout"]), {})
        if row["from_code"] in step:
            raise RuntimeError(f"kz_region_crosswalk.csv: {row['from_code']} is mapped twice")
        step[row["from_code"]] = row["to_code"]
    wanted = set(zip(LAYOUTS[1:], LAYOUTS[:-1], strict=True))
    if set(steps) != wanted:
        raise RuntimeError(f"kz_region_crosswalk.csv: the steps are {sorted(steps)}")
    for (newer, older), step in steps.items():
        if set(step) != set(kz_layout_codes(newer)) or set(step.values()) != set(
            kz_layout_codes(older)
        ):
            raise RuntimeError(f"kz_region_crosswalk.csv: {newer}->{older} is not complete")
    return steps


def crosswalk(from_layout: str, to_layout: str) -> dict[str, str]:
    """Code in ``from_layout`` -> code of the region of ``to_layout`` that contains it.

    Only backwards (or to the same layout): a newer region lies wholly in one older region, so
    summing additive figures (population, counts) up the crosswalk is exact. Going forwards
    would split older regions, which needs weights that a crosswalk does not hold.
    """
    start, end = LAYOUTS.index(check_layout(from_layout)), LAYOUTS.index(check_layout(to_layout))
    if start < end:
        raise InputError(
            f"cannot map the {from_layout} layout forward to {to_layout}: that would split "
            f"regions of {from_layout}, which needs weights (such as population) that a "
            f"crosswalk does not hold; aggregate the {to_layout} data to {from_layout} instead"
        )
    mapping = {c: c for c in kz_layout_codes(from_layout)}
    steps = _crosswalk_steps()
    for i in range(start, end, -1):
        step = steps[(LAYOUTS[i], LAYOUTS[i - 1])]
        mapping = {c: step[older] for c, older in mapping.items()}
    return mapping


def layout_of_date(day: date) -> str:
    """The layout in force on ``day`` (a reform counts from the day it came into force)."""
    if day < LAYOUT_STARTS[LAYOUTS[0]]:
        raise InputError(
            f"{day.isoformat()} is before the 1997 layout: earlier regions are not covered"
        )
    return [layout for layout in LAYOUTS if LAYOUT_STARTS[layout] <= day][-1]


def layout_of_year(year: int) -> str:
    """The layout in force on 1 January of ``year``.

    So 2018 is "1997" and 2022 is "2018": a year's figures can always be summed to this layout,
    even where the statistics office already publishes them in the layout of a reform made
    during the year (stat.gov.kz gives 1 January 2022 in the 2022 layout).
    """
    return layout_of_date(date(year, 1, 1))
