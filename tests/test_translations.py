"""Every string infosoc shows a user is in the Russian and Kazakh catalogues."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from infosoc.i18n import po_path, translations
from infosoc.i18n.labels import label

PACKAGE = Path(po_path("ru")).parents[4]  # src/infosoc
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "N_": None,
    "NC_": ((1, "c"), 2),
}
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w*\}")


def _marked() -> set[tuple[str | None, str]]:
    """Every (context, msgid) marked in the package's code and templates, and every text of its
    shipped data files, as pybabel finds them (babel.cfg)."""
    method_map = [
        ("**.py", "python"),
        ("**/templates/**.j2", "jinja2"),
        ("analysis/**.yaml", "infosoc.i18n.extract:extract_yaml_texts"),
        ("analysis/**.toml", "infosoc.i18n.extract:extract_toml_texts"),
        ("sources/**.meta.toml", "infosoc.sources.texts:extract_source_texts"),
    ]
    options = {"**/templates/**.j2": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
    found = extract_from_dir(PACKAGE, method_map, options_map=options, keywords=KEYWORDS)
    marked: set[tuple[str | None, str]] = set()
    for _file, _line, message, _comments, context in found:
        marked.add((context, message[0] if isinstance(message, tuple) else message))
    return marked


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_every_marked_string_has_a_translation(lang: str) -> None:
    with po_path(lang).open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    marked = _marked()
    assert len(marked) > 100
    problems = []
    for context, msgid in sorted(marked, key=lambda m: (m[0] or "", m[1])):
        message = catalog.get(msgid, context=context)
        where = f"{lang}: {msgid!r}" + (f" (context {context!r})" if context else "")
        if message is None:
            problems.append(f"{where} is not in the catalogue")
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(s.strip() for s in strings) or message.fuzzy:
            problems.append(f"{where} has no translation")
            continue
        source = message.id[0] if message.pluralizable else msgid
        wanted = set(PLACEHOLDER.findall(source))
        if not all(set(PLACEHOLDER.findall(s)) == wanted for s in strings):
            problems.append(f"{where} does not keep its placeholders")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "Rank in region"), ("ru", "Место в регионе"), ("kk", "Аймақтағы орны")],
)
def test_column_labels_follow_the_language(lang: str, expected: str) -> None:
    assert label("region_rank", lang) == expected  # type: ignore[arg-type]


def test_a_label_without_a_translation_is_its_key() -> None:
    assert label("no_such_column", "kk") == "no_such_column"


def test_english_is_the_source_language() -> None:
    assert translations("en").gettext("No data.") == "No data."


def test_every_m49_area_is_marked_for_translation() -> None:
    from infosoc.geo.m49 import AREA_NAMES, INTERMEDIATE_REGIONS, REGIONS, SUBREGIONS

    assert set(AREA_NAMES) == {*REGIONS, *SUBREGIONS, *INTERMEDIATE_REGIONS}


@pytest.mark.parametrize(
    ("lang", "english", "expected"),
    [
        ("ru", "Central Asia", "Центральная Азия"),
        ("kk", "Middle Africa", "Орталық Африка"),
        ("kk", "upper middle income", "табысы орташадан жоғары елдер"),
        ("ru", "subscriptions per 100 people", "абоненты на 100 человек"),
        ("kk", "median of the month's tests", "айдағы тесттердің медианасы"),
    ],
)
def test_texts_of_the_data_are_translated_as_stored(lang: str, english: str, expected: str) -> None:
    assert translations(lang).gettext(english) == expected


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_labels_a_source_composes_are_translated(lang: str) -> None:
    from infosoc.sources import ookla_sgi
    from infosoc.sources.texts import COMPOSED

    assert (
        translations(lang)
        .gettext(ookla_sgi.indicator("fixed", "download").label)
        .startswith({"ru": "Скорость загрузки", "kk": "Жүктеу жылдамдығы"}[lang])
    )
    for make in COMPOSED.values():
        for meta in make():
            assert translations(lang).gettext(meta.label) != meta.label, meta.label


def test_every_column_of_site_build_has_a_russian_header() -> None:
    from infosoc.cli.site import COLUMNS

    assert [label(c, "ru") for c in COLUMNS] == [
        "Папка", "Страницы", "Записано", "Без изменений", "Графики", "Языки", "Число стран",
    ]  # fmt: skip
