"""Column headers and short labels of what the CLI prints, in every language.

A key names a column (``year``, ``rank``) or a value shown in one (``High``); its English text is
the msgid, with the gettext context "column", so "Rank" the header never collides with a "Rank"
elsewhere.
"""

from __future__ import annotations

from . import NC_, Lang, translations

CONTEXT = "column"

_LABELS: dict[str, str] = {
    "year": NC_("column", "Year"),
    "rank": NC_("column", "Rank"),
    "region_rank": NC_("column", "Rank in region"),
    "rank_change": NC_("column", "Δ rank"),
    "note_table": NC_("column", "Note"),
    "iso3": NC_("column", "ISO3"),
    "country": NC_("column", "Country"),
    "region": NC_("column", "Region"),
    "subregion": NC_("column", "Sub-region"),
    "egdi": NC_("column", "EGDI"),
    "osi": NC_("column", "OSI"),
    "tii": NC_("column", "TII"),
    "hci": NC_("column", "HCI"),
    "epi": NC_("column", "EPI"),
    "egdi_change_pct": NC_("column", "Δ EGDI, %"),
    "level": NC_("column", "Level"),
    "rating_class": NC_("column", "Class"),
    "note": NC_("column", "Note"),
    "Very High": NC_("column", "Very High"),
    "High": NC_("column", "High"),
    "Middle": NC_("column", "Middle"),
    "Low": NC_("column", "Low"),
    "method_break": NC_("column", "method changed between these editions"),
    "sources": NC_("column", "Sources"),
    "format": NC_("column", "Format"),
    "path": NC_("column", "File"),
}


def label(key: str, lang: Lang = "en") -> str:
    """The label of ``key`` in ``lang``; the key itself when there is none."""
    english = _LABELS.get(key)
    return str(translations(lang).pgettext(CONTEXT, english)) if english else key
