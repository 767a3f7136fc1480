"""Countries: one resolver from codes and names in English, Russian or Kazakh to ISO3.

A name resolves through ISO 3166 (pycountry, with its Russian and Kazakh translations) and
through our alias table (``aliases.csv``) of the names the UN, the World Bank and the ITU use.
Names are compared after folding case, accents, apostrophes and white space. A name that
does not resolve is an error listing every such name with the closest suggestions.
"""

from __future__ import annotations

import csv
import difflib
import gettext
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pycountry

from ..errors import InputError, UnresolvedCountriesError
from ..i18n import LANGS, Lang, parse_lang
from .m49 import AREA_OF, MEMBER_STATES


@dataclass(frozen=True)
class Country:
    """A country or economy, with its codes, names and M49 area."""

    iso3: str
    iso2: str
    m49: str
    name_en: str
    name_ru: str
    name_kk: str
    region: str | None
    subregion: str | None
    intermediate_region: str | None
    un_member: bool

    def name(self, lang: Lang = "en") -> str:
        """Display name in ``lang``."""
        return str(getattr(self, f"name_{parse_lang(lang)}"))


def normalise(text: str) -> str:
    """Fold a name for comparison: case, accents, apostrophes, punctuation and spaces.

    Latin accents are dropped so that "Turkiye" finds "Türkiye"; Cyrillic letters are kept
    whole because Kazakh letters such as "Қ" carry meaning.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("’", "'").replace("`", "'").replace("‘", "'")
    decomposed = unicodedata.normalize("NFD", text)
    kept: list[str] = []
    for ch in decomposed:
        if unicodedata.combining(ch) and kept and "a" <= kept[-1] <= "z":
            continue
        kept.append(ch)
    text = unicodedata.normalize("NFC", "".join(kept))
    text = re.sub(r"[\s\u00a0]+", " ", text)
    text = re.sub(r"\s*([(),.])\s*", r"\1", text)
    return text.strip(" .")


def _translations() -> dict[str, gettext.NullTranslations]:
    return {
        lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        for lang in ("ru", "kk")
    }


def _read_package_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("infosoc.geo").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def _countries() -> dict[str, Country]:
    tr = _translations()
    overrides = {(r["iso3"], r["lang"]): r["name"] for r in _read_package_csv("names.csv")}
    result: dict[str, Country] = {}
    for c in pycountry.countries:
        base = getattr(c, "common_name", None) or c.name
        area = AREA_OF.get(c.alpha_3)
        result[c.alpha_3] = Country(
            iso3=c.alpha_3,
            iso2=c.alpha_2,
            m49=c.numeric,
            name_en=overrides.get((c.alpha_3, "en"), base),
            name_ru=overrides.get((c.alpha_3, "ru"), tr["ru"].gettext(base)),
            name_kk=overrides.get((c.alpha_3, "kk"), tr["kk"].gettext(c.name)),
            region=area.region if area else None,
            subregion=area.subregion if area else None,
            intermediate_region=area.intermediate_region if area else None,
            un_member=c.alpha_3 in MEMBER_STATES,
        )
    return result


@cache
def _index() -> dict[str, str]:
    """Folded name or code -> ISO3, built once.

    Codes, English names and our alias table are authoritative: a conflict among them is a
    bug in our tables. pycountry's Russian and Kazakh translations fill in after them; a
    translated name claimed by two countries (the Kazakh catalogue has such slips) is left
    out rather than guessed.
    """
    tr = _translations()
    index: dict[str, str] = {}

    def add(key: str, iso3: str) -> None:
        folded = normalise(key)
        if not folded:
            return
        known = index.setdefault(folded, iso3)
        if known != iso3:
            raise RuntimeError(f"alias '{key}' maps to both {known} and {iso3}")

    translated: dict[str, set[str]] = {}
    for c in pycountry.countries:
        iso3 = c.alpha_3
        add(iso3, iso3)
        add(c.alpha_2, iso3)
        add(c.numeric, iso3)
        add(str(int(c.numeric)), iso3)
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if value:
                add(value, iso3)
                for lang in ("ru", "kk"):
                    translated.setdefault(normalise(tr[lang].gettext(value)), set()).add(iso3)
    for row in _read_package_csv("aliases.csv"):
        add(row["alias"], row["iso3"])
    for country in _countries().values():
        for lang in LANGS:
            translated.setdefault(normalise(country.name(lang)), set()).add(country.iso3)
    for key, codes in translated.items():
        if len(codes) == 1 and key:
            index.setdefault(key, next(iter(codes)))
    return index


def lookup(text: str) -> str | None:
    """ISO3 code for a code or name, or None when it does not resolve."""
    return _index().get(normalise(str(text)))


def suggest(text: str, n: int = 3) -> list[str]:
    """The closest known names to ``text``, as "Name (ISO3)"."""
    index = _index()
    matches = difflib.get_close_matches(normalise(text), list(index), n=n * 3, cutoff=0.6)
    seen: dict[str, str] = {}
    for key in matches:
        iso3 = index[key]
        seen.setdefault(iso3, f"{_countries()[iso3].name_en} ({iso3})")
    return list(seen.values())[:n]


def resolve(text: str) -> str:
    """ISO3 for ISO3, ISO2, M49 code or a name in en/ru/kk; raises with suggestions if unknown."""
    iso3 = lookup(text)
    if iso3 is None:
        raise UnresolvedCountriesError({str(text).strip(): suggest(text)})
    return iso3


def resolve_many(
    names: Iterable[str],
    *,
    file: str | None = None,
    column: str | None = None,
    rows: dict[str, int] | None = None,
) -> dict[str, str]:
    """Resolve every name; one error lists all names that failed, so none is dropped."""
    resolved: dict[str, str] = {}
    unresolved: dict[str, list[str]] = {}
    for name in names:
        iso3 = lookup(name)
        if iso3 is None:
            unresolved[name] = suggest(name)
        else:
            resolved[name] = iso3
    if unresolved:
        raise UnresolvedCountriesError(unresolved, file=file, rows=rows, column=column)
    return resolved


def country(code: str) -> Country:
    """The :class:`Country` for an ISO3 code (or anything :func:`resolve` takes)."""
    iso3 = code if code in _countries() else resolve(code)
    return _countries()[iso3]


def member_states() -> list[Country]:
    """The 193 UN Member States, sorted by ISO3."""
    return sorted((_countries()[c] for c in MEMBER_STATES), key=lambda c: c.iso3)


def all_countries() -> list[Country]:
    """Every ISO 3166 country and area, sorted by ISO3."""
    return sorted(_countries().values(), key=lambda c: c.iso3)


def match_area(name: str) -> tuple[str, str]:
    """The M49 level ("region", "subregion" or "intermediate_region") and name of a region."""
    from .m49 import INTERMEDIATE_REGIONS, REGIONS, SUBREGIONS

    folded = normalise(name)
    aliases = {
        "north america": "Northern America",
        "latin america": "Latin America and the Caribbean",
    }
    folded_alias = aliases.get(folded)
    for level, names in (
        ("region", REGIONS),
        ("subregion", SUBREGIONS),
        ("intermediate_region", INTERMEDIATE_REGIONS),
    ):
        for candidate in names:
            if normalise(candidate) == folded or candidate == folded_alias:
                return level, candidate
    known = [*REGIONS, *SUBREGIONS, *INTERMEDIATE_REGIONS]
    hints = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(hints)}?" if hints else f"; known: {', '.join(REGIONS)}"
    raise InputError(f"unknown region '{name}'{hint}")
