"""The country search: folding, transliteration, the index, matching and the alphabetical lists."""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infosoc.errors import InputError
from infosoc.site.search import (
    ALPHABETS,
    alphabetical,
    fold,
    index_json,
    latin,
    name_index,
    search,
    sort_key,
    un_members,
)

CYRILLIC = "".join(sorted(set(ALPHABETS["ru"] + ALPHABETS["kk"])))


@pytest.fixture(scope="module")
def index() -> list[dict[str, object]]:
    return name_index(un_members())


def test_un_members_are_the_193_member_states() -> None:
    members = un_members()
    assert len(members) == 193
    assert members == sorted(members)
    assert {"KAZ", "KGZ", "USA", "SSD", "TUV"} <= set(members)
    assert not {"PSE", "VAT", "TWN", "HKG", "XKX"} & set(members)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Қазақстан", "казакстан"),
        ("ҚАЗ", "каз"),
        ("Türkiye", "turkiye"),
        ("Кот-д’Ивуар", "кот д ивуар"),
        ("  Côte  d'Ivoire ", "cote d ivoire"),
        ("Ұлыбритания", "улыбритания"),
        ("Үндістан", "ундистан"),
        ("Әзірбайжан", "азирбаижан"),
        ("Ёлка", "елка"),
    ],
)
def test_fold_examples(text: str, folded: str) -> None:
    assert fold(text) == folded


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_fold_is_idempotent_and_plain(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert folded == folded.strip() and "  " not in folded
    assert not set(folded) & set("әғқңөұүһі")
    assert not any(unicodedata.category(ch)[0] == "M" for ch in folded)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=CYRILLIC + CYRILLIC.lower() + " -"))
def test_latin_of_cyrillic_is_ascii_and_stable(text: str) -> None:
    for kh in ("kh", "h"):
        out = latin(text, kh=kh)
        assert out.isascii()
        assert latin(out, kh=kh) == out
        assert fold(out) == fold(out).lower()


def test_latin_spells_kazakh_letters() -> None:
    assert latin("Қазақстан") == "qazaqstan"
    assert latin("Қырғызстан") == "qyrgyzstan"
    assert latin("Казахстан") == "kazakhstan"
    assert latin("Казахстан", kh="h") == "kazahstan"
    assert latin("Әзірбайжан") == "azirbayzhan"
    assert latin("Өзбекстан Ұлы Үй Һ ң") == "ozbekstan uly uy h n"


@pytest.mark.parametrize(
    ("query", "iso3"),
    [
        ("qazaq", "KAZ"),
        ("қаз", "KAZ"),
        ("каз", "KAZ"),
        ("kazak", "KAZ"),
        ("Kazakhstan", "KAZ"),
        ("Казахстан", "KAZ"),
        ("Қазақстан", "KAZ"),
        ("kazahstan", "KAZ"),
        ("kyrgyz", "KGZ"),
        ("kirgiz", "KGZ"),
        ("Кыргызстан", "KGZ"),
        ("қырғ", "KGZ"),
        ("россия", "RUS"),
        ("ресей", "RUS"),
        ("Russia", "RUS"),
        ("сша", "USA"),
        ("АҚШ", "USA"),
        ("америка", "USA"),
        ("usa", "USA"),
        ("ұлыбр", "GBR"),
        ("Turkey", "TUR"),
        ("türk", "TUR"),
        ("турция", "TUR"),
        ("озб", "UZB"),
        ("таджик", "TJK"),
        ("кот-д", "CIV"),
        ("оңтүстік корея", "KOR"),
        ("south korea", "KOR"),
        ("niger", "NER"),
        ("India", "IND"),
    ],
)
def test_search_finds_the_country_first(
    index: list[dict[str, object]], query: str, iso3: str
) -> None:
    for lang in ("en", "ru", "kk"):
        assert search(index, query, lang)[:1] == [iso3], (query, lang)


def test_search_ranks_exact_before_prefix_before_substring(
    index: list[dict[str, object]],
) -> None:
    assert search(index, "Niger", "en")[:2] == ["NER", "NGA"]
    hits = search(index, "гвинея", "ru")
    assert hits[0] == "GIN"  # the name itself before Гвинея-Бисау and Экваториальная Гвинея
    assert hits.index("GNB") < hits.index("GNQ")
    assert search(index, "", "en") == [] and search(index, " - ", "kk") == []
    assert search(index, "zzzz", "en") == []
    assert len(search(index, "а", "ru", limit=5)) == 5


def test_search_rejects_an_unknown_language(index: list[dict[str, object]]) -> None:
    with pytest.raises(InputError, match="--lang"):
        search(index, "kaz", "de")


def test_index_holds_three_names_and_folded_keys(index: list[dict[str, object]]) -> None:
    assert [e["iso3"] for e in index] == un_members()
    kaz = next(e for e in index if e["iso3"] == "KAZ")
    assert kaz["names"] == {"en": "Kazakhstan", "ru": "Казахстан", "kk": "Қазақстан"}
    for entry in index:
        keys = entry["keys"]
        assert isinstance(keys, list) and keys
        assert all(fold(k) == k for k in keys)
    owners: dict[str, str] = {}
    for entry in index:
        for key in entry["keys"]:  # type: ignore[attr-defined]
            assert owners.setdefault(key, str(entry["iso3"])) == entry["iso3"], key


def test_index_json_is_small_compact_utf8() -> None:
    data = index_json(un_members())
    assert json.loads(data.decode("utf-8")) == name_index(un_members())
    assert (
        "Қазақстан".encode() in data
        and b"\\u" not in data
        and b'", "' not in data
        and b'": ' not in data
    )
    assert len(gzip.compress(data, 9)) < 12_000


def test_unknown_code_is_an_input_error() -> None:
    with pytest.raises(InputError, match="QQQ"):
        name_index(["KAZ", "QQQ"])


def _letters(groups: list[tuple[str, list[tuple[str, str]]]]) -> list[str]:
    return [letter for letter, _ in groups]


def test_kazakh_list_follows_the_kazakh_alphabet() -> None:
    groups = alphabetical(un_members(), "kk")
    letters = _letters(groups)
    for before, after in (("А", "Ә"), ("Ә", "Б"), ("К", "Қ"), ("Қ", "Л"), ("У", "Ұ"), ("Ұ", "Ү")):
        assert letters.index(before) < letters.index(after), (before, after)
    assert letters == sorted(letters, key=ALPHABETS["kk"].index)
    by_letter = dict(groups)
    assert ("GBR", "Ұлыбритания") in by_letter["Ұ"]
    assert ("IND", "Үндістан") in by_letter["Ү"]
    assert ("KAZ", "Қазақстан") in by_letter["Қ"]
    assert ("AZE", "Әзірбайжан") in by_letter["Ә"]
    assert sorted(iso3 for _, members in groups for iso3, _ in members) == un_members()


def test_sort_key_orders_by_each_alphabet() -> None:
    assert sorted(["Үй", "Ұя", "Уа"], key=lambda n: sort_key(n, "kk")) == ["Уа", "Ұя", "Үй"]
    assert sorted(["Ия", "Іа", "Ыб"], key=lambda n: sort_key(n, "kk")) == ["Ия", "Ыб", "Іа"]
    assert sorted(["Ёж", "Ея", "Жа"], key=lambda n: sort_key(n, "ru")) == ["Ёж", "Ея", "Жа"]
    en = [name for _, members in alphabetical(un_members(), "en") for _, name in members]
    assert en.index("Costa Rica") < en.index("Côte d'Ivoire") < en.index("Croatia")
    ru = alphabetical(un_members(), "ru")
    assert _letters(ru) == sorted(_letters(ru), key=ALPHABETS["ru"].index)
    with pytest.raises(InputError):
        sort_key("x", "fr")


def test_search_js_folds_kazakh_letters_like_python() -> None:
    js = resources.files("infosoc.site").joinpath("static/search.js").read_text("utf-8")
    pairs = dict(re.findall(r'"(\w)": "(\w)"', js.split("\n", 4)[3]))
    assert pairs and all(fold(k) == v for k, v in pairs.items())
    assert set(pairs) == set("әғқңөұүһі")
