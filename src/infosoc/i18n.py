"""Labels in English, Russian and Kazakh for what the CLI prints."""

from __future__ import annotations

from .errors import InputError
from .geo.countries import LANGS, Lang

_LABELS: dict[str, tuple[str, str, str]] = {
    "year": ("Year", "Год", "Жыл"),
    "rank": ("Rank", "Место", "Орын"),
    "region_rank": ("Rank in region", "Место в регионе", "Аймақтағы орны"),
    "rank_change": ("Δ rank", "Δ места", "Δ орын"),
    "note_table": ("Note", "Прим.", "Ескерт."),
    "iso3": ("ISO3", "ISO3", "ISO3"),
    "country": ("Country", "Страна", "Ел"),
    "region": ("Region", "Регион", "Аймақ"),
    "subregion": ("Sub-region", "Субрегион", "Субаймақ"),
    "egdi": ("EGDI", "EGDI", "EGDI"),
    "osi": ("OSI", "OSI", "OSI"),
    "tii": ("TII", "TII", "TII"),
    "hci": ("HCI", "HCI", "HCI"),
    "epi": ("EPI", "EPI", "EPI"),
    "egdi_change_pct": ("Δ EGDI, %", "Δ EGDI, %", "Δ EGDI, %"),
    "level": ("Level", "Уровень", "Деңгей"),
    "rating_class": ("Class", "Класс", "Сынып"),
    "note": ("Note", "Примечание", "Ескертпе"),
    "Very High": ("Very High", "Очень высокий", "Өте жоғары"),
    "High": ("High", "Высокий", "Жоғары"),
    "Middle": ("Middle", "Средний", "Орташа"),
    "Low": ("Low", "Низкий", "Төмен"),
    "method_break": (
        "method changed between these editions",
        "между этими выпусками изменилась методика",
        "осы басылымдар арасында әдістеме өзгерді",
    ),
    "sources": ("Sources", "Источники", "Дереккөздер"),
}
_INDEX = {"en": 0, "ru": 1, "kk": 2}


def label(key: str, lang: Lang = "en") -> str:
    """The label of ``key`` in ``lang``; the key itself when there is none."""
    found = _LABELS.get(key)
    return found[_INDEX[lang]] if found else key


def parse_lang(lang: str) -> Lang:
    """``lang`` if infosoc speaks it, else an InputError naming the choices."""
    if lang not in LANGS:
        raise InputError(f"--lang must be en, ru or kk, not '{lang}'")
    return lang
