"""The words of the SWOT's sentences in English, Russian and Kazakh: names of peer groups, the
phrases of the article's reasons and of ``not_evaluated``. Kept apart from the logic in
:mod:`infosoc.analysis.swot`; the rules' own texts live in ``swot_rules.yaml``.
"""

from __future__ import annotations

from typing import Any

from ..i18n import Lang

#: Names of the M49 areas and income groups, for texts in Russian and Kazakh.
GROUP_NAMES: dict[str, tuple[str, str]] = {
    "Africa": ("Африка", "Африка"),
    "Americas": ("Америка", "Америка"),
    "Asia": ("Азия", "Азия"),
    "Europe": ("Европа", "Еуропа"),
    "Oceania": ("Океания", "Океания"),
    "Northern Africa": ("Северная Африка", "Солтүстік Африка"),
    "Sub-Saharan Africa": ("Африка к югу от Сахары", "Сахарадан оңтүстіктегі Африка"),
    "Latin America and the Caribbean": (
        "Латинская Америка и Карибский бассейн",
        "Латын Америкасы және Кариб бассейні",
    ),
    "Northern America": ("Северная Америка", "Солтүстік Америка"),
    "Central Asia": ("Центральная Азия", "Орталық Азия"),
    "Eastern Asia": ("Восточная Азия", "Шығыс Азия"),
    "South-eastern Asia": ("Юго-Восточная Азия", "Оңтүстік-Шығыс Азия"),
    "Southern Asia": ("Южная Азия", "Оңтүстік Азия"),
    "Western Asia": ("Западная Азия", "Батыс Азия"),
    "Eastern Europe": ("Восточная Европа", "Шығыс Еуропа"),
    "Northern Europe": ("Северная Европа", "Солтүстік Еуропа"),
    "Southern Europe": ("Южная Европа", "Оңтүстік Еуропа"),
    "Western Europe": ("Западная Европа", "Батыс Еуропа"),
    "Australia and New Zealand": ("Австралия и Новая Зеландия", "Аустралия және Жаңа Зеландия"),
    "Melanesia": ("Меланезия", "Меланезия"),
    "Micronesia": ("Микронезия", "Микронезия"),
    "Polynesia": ("Полинезия", "Полинезия"),
    "low income": ("страны с низким доходом", "табысы төмен елдер"),
    "lower middle income": ("страны с доходом ниже среднего", "табысы орташадан төмен елдер"),
    "upper middle income": ("страны с доходом выше среднего", "табысы орташадан жоғары елдер"),
    "high income": ("страны с высоким доходом", "табысы жоғары елдер"),
}
INCOME_EN = {
    "low income": "low income",
    "lower middle income": "lower-middle income",
    "upper middle income": "upper-middle income",
    "high income": "high income",
}

#: Phrases of the article's reasons and of the ``not_evaluated`` list, by language.
PHRASES: dict[str, dict[Lang, str]] = {
    "peer_median": {
        "en": "{label} {value} ({period}) is {diff_pct}% {dir} the median of «{peer_group}» "
        "({peer_median}, {peers} countries)",
        "ru": "{label}: {value} ({period}), на {diff_pct}% {dir} медианы группы «{peer_group}» "
        "({peer_median}, стран: {peers})",
        "kk": "{label}: {value} ({period}), «{peer_group}» тобының медианасынан "
        "({peer_median}, {peers} ел) {diff_pct}% {dir}",
    },
    "peer_rank": {
        "en": "{label} {value} ({period}) ranks {rank} of {of} in «{peer_group}»",
        "ru": "{label}: {value} ({period}), {rank}-е место из {of} в группе «{peer_group}»",
        "kk": "{label}: {value} ({period}), «{peer_group}» тобында {of} елдің ішінде {rank}-орын",
    },
    "threshold": {
        "en": "{label} {value} ({period}) is {dir} {threshold}",
        "ru": "{label}: {value} ({period}), {dir} {threshold}",
        "kk": "{label}: {value} ({period}), {threshold} шегінен {dir}",
    },
    "trend": {
        "en": "{label} went from {from_value} ({from_period}) to {value} ({period}), "
        "{per_year} a year",
        "ru": "{label}: с {from_value} ({from_period}) до {value} ({period}), {per_year} в год",
        "kk": "{label}: {from_value} ({from_period}) → {value} ({period}), жылына {per_year}",
    },
    "peer_trend": {
        "en": "{label} went from {from_value} ({from_period}) to {value} ({period}), {per_year} a "
        "year, against a median of {peer_per_year} a year in «{peer_group}» ({peers} countries)",
        "ru": "{label}: с {from_value} ({from_period}) до {value} ({period}), {per_year} в год; "
        "медиана группы «{peer_group}»: {peer_per_year} в год (стран: {peers})",
        "kk": "{label}: {from_value} ({from_period}) → {value} ({period}), жылына {per_year}; "
        "«{peer_group}» тобының медианасы: жылына {peer_per_year} ({peers} ел)",
    },
    "rank": {
        "en": "{label}: place {from_value} ({from_period}) → place {value} ({period})",
        "ru": "{label}: {from_value}-е место ({from_period}) → {value}-е ({period})",
        "kk": "{label}: {from_value}-орын ({from_period}) → {value}-орын ({period})",
    },
    "targets": {
        "en": "{uncheckable} of {declared} declared programme targets ({share}%) cannot be "
        "checked; {achieved}% are achieved",
        "ru": "{uncheckable} из {declared} заявленных целевых индикаторов программ ({share}%) "
        "невозможно проверить; достигнуто {achieved}%",
        "kk": "бағдарламалардың жарияланған {declared} нысаналы индикаторының {uncheckable} "
        "индикаторын ({share}%) тексеру мүмкін емес; {achieved}% орындалды",
    },
    "latest": {
        "en": "latest: {value} ({period})",
        "ru": "последнее значение: {value} ({period})",
        "kk": "соңғы мәні: {value} ({period})",
    },
    "no_indicator": {
        "en": "the store holds no {code}",
        "ru": "в хранилище нет показателя {code}",
        "kk": "қоймада {code} көрсеткіші жоқ",
    },
    "no_value": {
        "en": "no value of {code} for {country}{upto}",
        "ru": "нет значений {code} для страны {country}{upto}",
        "kk": "{country} үшін {code} мәндері жоқ{upto}",
    },
    "upto": {"en": " up to {until}", "ru": " по {until} включительно", "kk": " ({until} дейін)"},
    "no_value_in": {
        "en": "no value of {code} for {country} in {period}",
        "ru": "нет значения {code} для страны {country} за {period}",
        "kk": "{country} үшін {period} кезеңінде {code} мәні жоқ",
    },
    "too_short": {
        "en": "the series of {code} for {country} does not reach back far enough from {period}",
        "ru": "ряд {code} для страны {country} недостаточно длинный (последний период {period})",
        "kk": "{country} бойынша {code} қатары жеткілікті ұзын емес (соңғы кезең {period})",
    },
    "few_peers": {
        "en": "only {n} countries of «{peer_group}» besides {country} have {code} in {period} "
        "({min} needed)",
        "ru": "значение {code} за {period} есть лишь у {n} стран группы «{peer_group}», кроме "
        "страны {country} (нужно не менее {min})",
        "kk": "«{peer_group}» тобында {country} елінен басқа {period} кезеңінде {code} мәні "
        "тек {n} елде бар (кемінде {min} қажет)",
    },
    "no_group": {
        "en": "the peer group '{by}' cannot be formed: {detail}",
        "ru": "группу сравнения «{by}» сформировать нельзя: {detail}",
        "kk": "«{by}» салыстыру тобын құру мүмкін емес: {detail}",
    },
    "no_targets": {
        "en": "the programme-targets scorecard is not available: {detail}",
        "ru": "оценка целевых индикаторов программ недоступна: {detail}",
        "kk": "бағдарламалардың нысаналы индикаторларының бағасы қолжетімсіз: {detail}",
    },
    "no_targets_api": {
        "en": "this version of infosoc has no programme-targets scorecard (Observatory.targets)",
        "ru": "в этой версии infosoc нет оценки целевых индикаторов программ (Observatory.targets)",
        "kk": "infosoc-тың бұл нұсқасында бағдарламалардың нысаналы индикаторларын бағалау жоқ "
        "(Observatory.targets)",
    },
}
WORDS: dict[str, tuple[str, str, str]] = {
    "above": ("above", "выше", "жоғары"),
    "below": ("below", "ниже", "төмен"),
    "at_or_above": ("at or above", "не ниже порога", "кем емес"),
    "under": ("below", "ниже порога", "төмен"),
    "neighbours": ("neighbours of {country}", "соседи страны {country}", "{country} көршілері"),
    "world": ("all countries", "все страны", "барлық елдер"),
}
BASIS: dict[str, tuple[str, str, str]] = {
    "region": (
        "UN M49 region",
        "регион по классификации ООН M49",
        "БҰҰ M49 жіктемесі бойынша аймақ",
    ),
    "subregion": (
        "UN M49 sub-region",
        "субрегион по классификации ООН M49",
        "БҰҰ M49 жіктемесі бойынша субаймақ",
    ),
    "income": (
        "World Bank income group ({period}), as held in the store",
        "группа Всемирного банка по уровню дохода ({period}), по данным хранилища",
        "Дүниежүзілік банктің табыс деңгейі бойынша тобы ({period}), қоймадағы дерек бойынша",
    ),
    "neighbours": (
        "countries sharing a land border",
        "страны с общей сухопутной границей",
        "құрлықтағы ортақ шекарасы бар елдер",
    ),
    "world": ("every country in the store", "все страны в хранилище", "қоймадағы барлық елдер"),
}
LANG_INDEX: dict[Lang, int] = {"en": 0, "ru": 1, "kk": 2}


def word(key: str, lang: Lang) -> str:
    """A word or short phrase in ``lang``."""
    return WORDS[key][LANG_INDEX[lang]]


def phrase(key: str, lang: Lang, **values: Any) -> str:
    """A phrase in ``lang`` with its placeholders filled."""
    return PHRASES[key][lang].format(**values)
