"""A choropleth of one divide measure by region (``infosoc divide map``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..i18n import NC_, parse_lang, translations
from .indicators import LOWER_IS_BETTER

if TYPE_CHECKING:
    from ..geo.regions import Regions

# The measure columns' parts, as a title names them: download_mbps -> "Download speed".
_QUANTITIES = {
    "download": NC_("measure", "Download speed"),
    "upload": NC_("measure", "Upload speed"),
    "latency": NC_("measure", "Latency"),
}
_STATISTICS = {"mean": NC_("measure", "mean"), "median": NC_("measure", "median")}
_UNITS = {
    "mbps": NC_("unit", "Mbit/s"),
    "ms": NC_("unit", "ms"),
    "share": NC_("unit", "share"),
}


def measure_title(measure: str, lang: str) -> str:
    """'Download speed, median' for ``median_download_mbps``, in the user's language."""
    t = translations(lang)
    if measure.startswith("share_below_"):
        n = measure.removeprefix("share_below_").removesuffix("_mbps").replace("_", ".")
        return str(t.pgettext("measure", "Share of tests below %(n)s Mbit/s")) % {"n": n}
    statistic, quantity = measure.split("_")[:2]
    title = t.pgettext("measure", _QUANTITIES[quantity])
    return f"{title}, {t.pgettext('measure', _STATISTICS[statistic])}"


def measure_unit(measure: str, lang: str) -> str:
    """The unit of a measure column, in the user's language."""
    unit = "mbps" if measure.endswith("_mbps") else "ms"
    if measure.startswith("share"):
        unit = "share"
    return str(translations(lang).pgettext("unit", _UNITS[unit]))


def draw_map(
    measure: str,
    rows: list[dict[str, Any]],
    regions: Regions,
    out: Path,
    *,
    period: str,
    lang: str = "en",
) -> Path:
    """The choropleth of ``measure`` from rows by region, saved by ``out``'s suffix (svg, png,
    html, json); regions without a value (too few tests) are drawn as "no data", never as 0."""
    from ..charts import choropleth, save_chart

    values = {r["region"]: r[measure] for r in rows if r["region"] is not None}
    names = regions.names.get(lang) or regions.names.get("en") or {}
    chart = choropleth(
        list(regions.keys),
        names,
        list(regions.geometries),
        values,
        title=f"{measure_title(measure, lang)} — {period}",
        legend_title=measure_unit(measure, lang),
        lang=parse_lang(lang),
        reverse=measure in LOWER_IS_BETTER or measure.startswith("share_below"),
    )
    return save_chart(chart, out)
