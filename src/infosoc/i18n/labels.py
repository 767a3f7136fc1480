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
    # composite indices (index build, whatif, audit) and the EGDI check
    "unit": NC_("column", "Unit"),
    "score": NC_("column", "Score"),
    "node": NC_("column", "Index or sub-index"),
    "before": NC_("column", "Before the change"),
    "after": NC_("column", "After the change"),
    "median_rank": NC_("column", "Median rank"),
    "mean_rank": NC_("column", "Mean rank"),
    "q05": NC_("column", "Rank, 5th percentile"),
    "q95": NC_("column", "Rank, 95th percentile"),
    "countries": NC_("column", "Countries"),
    "max_deviation_from_mean": NC_("column", "Largest deviation from the mean"),
    "max_deviation_country": NC_("column", "Country of the largest deviation"),
    "published_zero": NC_("column", "Published as 0"),
    "weights_osi_tii_hci": NC_("column", "Weights OSI/TII/HCI"),
    "max_deviation_weighted": NC_("column", "Largest deviation, the edition's weights"),
    "over_tolerance": NC_("column", "Beyond tolerance"),
    "rank_mismatches": NC_("column", "Rank mismatches"),
    "period": NC_("column", "Period"),
    "indicator": NC_("column", "Indicator"),
    "value": NC_("column", "Value"),
    "unit_of_measure": NC_("column", "Unit of measure"),
    "source": NC_("column", "Source"),
    "network": NC_("column", "Network"),
    "measure": NC_("column", "Measure"),
    "statistic": NC_("column", "Statistic"),
    "method": NC_("column", "Method"),
    "users": NC_("column", "Users"),
    "population": NC_("column", "Population"),
    "computed_pct": NC_("column", "Computed, %"),
    "published_pct": NC_("column", "Published, %"),
    "difference_pp": NC_("column", "Difference, p.p."),
    "consistent": NC_("column", "Consistent"),
    "of": NC_("column", "Of"),
    "ratio_to_reference": NC_("column", "Ratio to the country"),
    "reference": NC_("column", "Compared with"),
    "income_group": NC_("column", "Income group"),
    "classified_by": NC_("column", "Classified by"),
    "a": NC_("column", "Country A"),
    "b": NC_("column", "Country B"),
    "value_a": NC_("column", "Value A"),
    "value_b": NC_("column", "Value B"),
    "ratio": NC_("column", "Ratio"),
    "start": NC_("column", "Start"),
    "end": NC_("column", "End"),
    "start_value": NC_("column", "Start value"),
    "end_value": NC_("column", "End value"),
    "change": NC_("column", "Change"),
    "change_pct": NC_("column", "Change, %"),
    "years": NC_("column", "Years"),
    "cagr_pct": NC_("column", "CAGR, %"),
    "edition": NC_("column", "Edition"),
    "file_name": NC_("column", "File"),
    "status": NC_("column", "Status"),
    "version": NC_("column", "Version"),
    "observations": NC_("column", "Observations"),
    "current": NC_("column", "Current"),
    "released": NC_("column", "Released"),
    "retrieved_from": NC_("column", "Retrieved from"),
    "retrieved_at": NC_("column", "Retrieved at"),
    "sha256_short": NC_("column", "SHA-256"),
    "licence": NC_("column", "Licence"),
    "answers": NC_("column", "Answers"),
    "yes": NC_("column", "yes"),
    "no": NC_("column", "no"),
    "format": NC_("column", "Format"),
    "path": NC_("column", "File"),
    # infosoc site build
    "root": NC_("column", "Folder"),
    "pages": NC_("column", "Pages"),
    "written": NC_("column", "Written"),
    "unchanged": NC_("column", "Unchanged"),
    "charts": NC_("column", "Charts"),
    "languages": NC_("column", "Languages"),
}


def label(key: str, lang: Lang = "en") -> str:
    """The label of ``key`` in ``lang``; the key itself when there is none."""
    english = _LABELS.get(key)
    return str(translations(lang).pgettext(CONTEXT, english)) if english else key
