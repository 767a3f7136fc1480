"""The country search: a small index of names in en/ru/kk, its matching, and alphabetical lists.

The site ships the index as /search/names.json and static/search.js matches a query against
it in the browser. Browsers cannot be relied on for Kazakh names or Kazakh collation
(Chromium's ``Intl`` has neither), so the names travel in the index and every list is sorted
here. :func:`search` is the reference of the matching: static/search.js ports :func:`fold` and
:func:`search` line for line, and the tests hold both to the same answers.
"""

from __future__ import annotations

import gettext
import json
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import cache
from typing import Any

import pycountry
from babel import Locale

from ..errors import InputError
from ..geo.countries import country, member_states
from ..i18n import LANGS, Lang, parse_lang

# Kazakh letters folded onto the Russian letters a Russian keyboard types in their place.
_KAZAKH_FOLD = str.maketrans("әғқңөұүһі", "агкноуухи")

# One Latin spelling per letter; Kazakh letters follow the 2021 Kazakh Latin alphabet's
# bases (қ→q, ғ→g) because "Qazaqstan" is how the country spells itself in Latin.
_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "ә": "a", "ғ": "g", "қ": "q", "ң": "n", "ө": "o", "ұ": "u", "ү": "u",
    "һ": "h", "і": "i",
}  # fmt: skip

ALPHABETS: dict[Lang, str] = {
    "en": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "ru": "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ",
    "kk": "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ",
}

# Names people type that neither our tables nor ISO 3166 nor CLDR give (research note
# web-2026-12, section 4): short forms, former names and the other languages' spellings.
ALIASES: dict[str, tuple[str, ...]] = {
    "KAZ": ("Qazaqstan", "Kazakstan", "Республика Казахстан", "Қазақстан Республикасы"),
    "KGZ": ("Kyrgyz Republic", "Kirghizia", "Qyrgyzstan", "Кыргызстан", "Киргизия"),
    "UZB": ("O'zbekiston", "Ozbekstan"),
    "TJK": ("Tojikiston",),
    "TKM": ("Türkmenistan",),
    "TUR": ("Turkey", "Türkiye", "Турция", "Түркия"),
    "USA": ("USA", "United States of America", "America", "США", "Америка", "АҚШ"),
    "RUS": ("Russia", "Россия", "Ресей"),
    "GBR": ("UK", "Great Britain", "Britain", "Великобритания", "Ұлыбритания"),
    "KOR": ("South Korea", "Южная Корея", "Оңтүстік Корея"),
    "PRK": ("North Korea", "КНДР", "Северная Корея", "Солтүстік Корея"),
    "ARE": ("UAE", "ОАЭ", "БАӘ"),
    "CIV": ("Ivory Coast", "Кот-д'Ивуар"),
    "CZE": ("Czech Republic", "Czechia", "Чехия"),
    "BLR": ("Belorussia", "Белоруссия"),
    "MMR": ("Burma", "Бирма"),
    "SWZ": ("Swaziland", "Свазиленд"),
    "MKD": ("Macedonia",),
    "CPV": ("Cape Verde",),
    "TLS": ("East Timor",),
    "NLD": ("Holland", "Голландия"),
    "COD": ("DR Congo", "DRC", "ДРК"),
    "VNM": ("Vietnam",),
    "LAO": ("Laos",),
    "SYR": ("Syria",),
    "MDA": ("Moldova", "Молдавия"),
}


def un_members() -> list[str]:
    """The ISO3 codes of the 193 UN Member States (infosoc.geo.m49), sorted."""
    return [c.iso3 for c in member_states()]


def fold(text: str) -> str:
    """``text`` as search compares it: lower case, no accents, Kazakh letters as Russian ones.

    Marks are dropped after compatibility decomposition (so ``й``→``и`` and ``ё``→``е`` too),
    ``ә ғ қ ң ө ұ ү һ і`` become ``а г к н о у у х и``, and every run of characters that are
    neither letters nor digits becomes one space, trimmed. static/search.js does the same.
    """
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).lower())
    out: list[str] = []
    for ch in text.translate(_KAZAKH_FOLD):
        category = unicodedata.category(ch)
        if category[0] == "M":
            continue
        out.append(ch if category[0] in "LN" else " ")
    return " ".join("".join(out).split())


def latin(text: str, kh: str = "kh") -> str:
    """A lower-case Latin transliteration of the Russian and Kazakh letters in ``text``.

    ``х`` becomes ``kh`` (or ``kh="h"``), ``қ``→``q``, ``ғ``→``g``, ``ң``→``n``, ``ә``→``a``,
    ``ө``→``o``, ``ұ``/``ү``→``u``, ``і``→``i``, ``һ``→``h``; other characters are kept in
    lower case.
    """
    table = {**_LATIN, "х": kh}
    return "".join(table.get(ch, ch) for ch in text.lower())


def _catalogues() -> dict[str, gettext.NullTranslations]:
    return {
        lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        for lang in ("ru", "kk")
    }


def _all_names(iso3: str) -> tuple[list[str], list[str]]:
    """A country's names: (short ones, official ones), from our tables, ISO 3166 in three
    languages, CLDR and the aliases."""
    c = country(iso3)
    short = [c.name_en, c.name_ru, c.name_kk, *ALIASES.get(iso3, ())]
    official: list[str] = []
    record = pycountry.countries.get(alpha_3=iso3)
    if record is not None:
        tr = _catalogues()
        for attr in ("name", "common_name", "official_name"):
            value = getattr(record, attr, None)
            if value:
                names = official if attr == "official_name" else short
                names += [value, tr["ru"].gettext(value), tr["kk"].gettext(value)]
    for lang in LANGS:
        cldr = Locale(lang).territories.get(c.iso2)
        if cldr:
            short.append(cldr)
    return short, official


def _keys(iso3: str) -> list[str]:
    """Folded names; short names also in Latin letters (nobody types an official name in a
    transliteration, and leaving those out keeps the index small)."""
    short, official = _all_names(iso3)
    variants = [iso3, *official]
    for name in short:
        variants += [name, latin(name), latin(name, kh="h")]
    return list(dict.fromkeys(key for key in map(fold, variants) if key))


def _check(iso3s: Iterable[str]) -> list[str]:
    codes = [str(code).upper() for code in iso3s]
    for code in codes:
        if pycountry.countries.get(alpha_3=code) is None:
            raise InputError(f"'{code}' is not an ISO3 country code")
    return codes


def name_index(iso3s: Iterable[str]) -> list[dict[str, Any]]:
    """The search index: per country ``{"iso3", "names": {"en","ru","kk"}, "keys": [...]}``.

    ``names`` are infosoc's display names; ``keys`` are every known name folded by
    :func:`fold` and, for Cyrillic names, their Latin transliterations, plus the ISO3 code
    in lower case. Countries come in the order given; an unknown code is an InputError.
    """
    codes = _check(iso3s)
    keys = {iso3: _keys(iso3) for iso3 in codes}
    # A key two countries share is a slip of a translation (the Kazakh ISO catalogue calls
    # Nepal the Central African Republic) or too vague to answer; prefixes still find both.
    owners = Counter(key for iso3 in keys for key in keys[iso3])
    index = []
    for iso3 in codes:
        c = country(iso3)
        names = {lang: c.name(lang) for lang in LANGS}
        own = [key for key in keys[iso3] if owners[key] == 1]
        index.append({"iso3": iso3, "names": names, "keys": own})
    return index


def index_json(iso3s: Iterable[str]) -> bytes:
    """:func:`name_index` as compact UTF-8 JSON, the bytes of /search/names.json."""
    text = json.dumps(name_index(iso3s), ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def search(index: list[dict[str, Any]], query: str, lang: str, limit: int = 10) -> list[str]:
    """ISO3 codes of the countries whose keys match ``query``, best first, at most ``limit``.

    The query is folded; a country's best key decides its place: the key equal to the query,
    then starting with it, then with a word starting with it, then containing it; among
    equals the shorter key, then the folded name in ``lang``, then ISO3. This is the
    reference static/search.js follows.
    """
    lang = parse_lang(lang)
    q = fold(query)
    if not q:
        return []
    found: list[tuple[int, int, str, str]] = []
    for entry in index:
        best: tuple[int, int] | None = None
        for key in entry["keys"]:
            if key == q:
                rank = 0
            elif key.startswith(q):
                rank = 1
            elif (" " + q) in key:
                rank = 2
            elif q in key:
                rank = 3
            else:
                continue
            if best is None or (rank, len(key)) < best:
                best = (rank, len(key))
        if best is not None:
            found.append((*best, fold(entry["names"][lang]), entry["iso3"]))
    found.sort()
    return [iso3 for *_, iso3 in found[:limit]]


@cache
def _letter_ranks(lang: Lang) -> dict[str, int]:
    ranks = {letter.lower(): i for i, letter in enumerate(ALPHABETS[lang])}
    if lang == "ru":
        ranks["ё"] = ranks["е"]  # Russian dictionaries file Ё under Е
    return ranks


def _letters(name: str, lang: Lang) -> str:
    """The letters of ``name`` that sorting weighs: lower case, no punctuation or spaces."""
    text = name.lower()
    if lang == "en":
        text = "".join(
            ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
        )
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def sort_key(name: str, lang: str) -> tuple[tuple[int, ...], str]:
    """A key ordering names by the alphabet of ``lang``: Kazakh's 42 letters, Russian's 33, English.

    Letters outside the alphabet sort after it by code point; spaces and punctuation only
    break ties.
    """
    code = parse_lang(lang)
    ranks = _letter_ranks(code)
    letters = _letters(name, code)
    return tuple(ranks.get(ch, 100 + ord(ch)) for ch in letters), name


def _initial(name: str, lang: Lang) -> str:
    letters = _letters(name, lang)
    if not letters:
        return "#"
    first = letters[0]
    if lang == "ru" and first == "ё":
        first = "е"
    return first.upper()


def alphabetical(iso3s: Iterable[str], lang: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Countries grouped by the initial letter of their name in ``lang``, in that alphabet.

    Returns ``[(letter, [(iso3, name), ...]), ...]``, letters and names in the order of
    :func:`sort_key`; the page /{lang}/countries/ lists them without JavaScript.
    """
    code = parse_lang(lang)
    named = sorted(
        ((country(iso3).name(code), iso3) for iso3 in _check(iso3s)),
        key=lambda pair: sort_key(pair[0], code),
    )
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for name, iso3 in named:
        letter = _initial(name, code)
        if not groups or groups[-1][0] != letter:
            groups.append((letter, []))
        groups[-1][1].append((iso3, name))
    return groups
