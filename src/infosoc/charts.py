"""A choropleth of regions coloured by a measure, rendered offline with Altair and vl-convert.

Regions without a value are drawn in a neutral grey under a "no data" legend entry: they are
never coloured as 0. Altair and vl-convert are imported inside the functions because they are
slow to import and most CLI commands never draw a chart.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .errors import InfosocError, InputError
from .files import write_atomically
from .i18n import NC_, Lang, parse_lang, translations
from .i18n.labels import label

if TYPE_CHECKING:
    import altair as alt

FONT = "DejaVu Sans"  # WeasyPrint measures the embedded SVG's text with its own fonts
NO_DATA_COLOUR = "#bdbdbd"
#: The legend entry of an area without a value.
NO_DATA = NC_("chart", "no data")
SCHEME = "blues"
# The palest blues are close to the no-data grey and to the page; start a little darker.
SCHEME_EXTENT = (0.2, 1.0)
COORD_DIGITS = 4  # about 10 m; far finer than the simplification, and it keeps the JSON short
SUFFIXES = (".svg", ".png", ".html", ".json")
# Projections that suit one country; Vega-Lite fits each to the features it draws.
Projection = Literal["mercator", "equalEarth", "conicEqualArea", "equirectangular"]
PNG_SCALE = 2
PADDING = 12
# A script or stylesheet fetched from elsewhere; the offline HTML must have none.
_REMOTE = re.compile(r"<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.I)


def choropleth(
    keys: Sequence[str],
    names: Mapping[str, str],
    geometries: Sequence[Any],
    values: Mapping[str, float | None],
    *,
    title: str,
    legend_title: str,
    lang: Lang = "en",
    simplify_tolerance: float = 0.01,
    reverse: bool = False,
    projection: Projection = "mercator",
    width: int = 640,
    height: int = 400,
) -> alt.LayerChart:
    """Regions coloured by ``values[key]`` (darker is better; ``reverse`` when lower is better).

    ``geometries`` are shapely (Multi)Polygons in WGS84 lon/lat, in the order of ``keys``;
    a key missing from ``values`` or mapped to None or NaN is drawn as "no data".
    The result is a layer chart: one layer for the measured regions and, when any region has
    no value, one grey layer with its own "no data" legend entry.
    """
    import altair as alt

    no_data = str(translations(parse_lang(lang)).pgettext("chart", NO_DATA))
    features = _features(keys, names, geometries, values, simplify_tolerance, no_data)
    measured = [f for f in features if f["properties"]["value"] is not None]
    missing = [f for f in features if f["properties"]["value"] is None]
    layers = []
    if measured:
        layers.append(_value_layer(measured, legend_title, reverse, label("region", lang)))
    if missing:
        layers.append(_no_data_layer(missing, legend_title, no_data, label("region", lang)))
    # Both layers share one projection, which Vega-Lite fits to the union of their features.
    chart: alt.LayerChart = (
        alt.layer(*layers)
        .project(type=projection)
        .properties(
            title=alt.Title(title, anchor="start"),
            width=width,
            height=height,
            # Vega's default 5 px let the legend's last letter touch the edge; DejaVu is wide.
            padding=PADDING,
        )
        .resolve_scale(color="independent")
        .configure(font=FONT)
        .configure_view(stroke=None)
    )
    return chart


def _value_layer(
    features: list[dict[str, Any]], legend_title: str, reverse: bool, region: str
) -> alt.Chart:
    """The measured regions on a sequential scale, darker where the measure is better."""
    import altair as alt

    scheme = {"name": SCHEME, "extent": list(SCHEME_EXTENT)}
    colour = alt.Color(
        "properties.value:Q",
        title=legend_title,
        scale=alt.Scale(scheme=scheme, reverse=reverse),
    )
    value = alt.Tooltip("properties.value:Q", title=legend_title, format=".1f")
    return _layer(features, colour, region, value)


def _no_data_layer(
    features: list[dict[str, Any]], legend_title: str, no_data: str, region: str
) -> alt.Chart:
    """The regions without a value, in grey, with a legend entry of their own."""
    import altair as alt

    # A nominal scale with one entry gives the grey its own legend row, labelled in `lang`.
    colour = alt.Color(
        "properties.status:N",
        scale=alt.Scale(domain=[no_data], range=[NO_DATA_COLOUR]),
        legend=alt.Legend(title=None, symbolType="square"),
    )
    status = alt.Tooltip("properties.status:N", title=legend_title)
    return _layer(features, colour, region, status)


def _layer(features: list[dict[str, Any]], colour: Any, region: str, value: Any) -> alt.Chart:
    """One geoshape layer of ``features`` with white borders and a name-and-value tooltip."""
    import altair as alt

    tooltip = [alt.Tooltip("properties.name:N", title=region), value]
    chart: alt.Chart = (
        alt.Chart(_data(features))
        .mark_geoshape(stroke="white", strokeWidth=0.6)
        .encode(color=colour, tooltip=tooltip)
    )
    return chart


def _features(
    keys: Sequence[str],
    names: Mapping[str, str],
    geometries: Sequence[Any],
    values: Mapping[str, float | None],
    tolerance: float,
    no_data: str,
) -> list[dict[str, Any]]:
    """GeoJSON features with key, name, value (None when missing) and a status label."""
    if len(keys) != len(geometries):
        raise InputError(f"{len(keys)} keys but {len(geometries)} geometries")
    if not keys:
        raise InputError("no regions to draw")
    duplicates = sorted(key for key, n in Counter(keys).items() if n > 1)
    if duplicates:
        raise InputError(f"duplicate region keys: {', '.join(duplicates)}")
    # A value for a region that is not drawn is almost always a key mismatch; say so.
    unknown = sorted(set(values) - set(keys))
    if unknown:
        raise InputError(f"values for unknown region keys: {', '.join(unknown[:5])}")
    features = []
    for key, geometry in zip(keys, geometries, strict=True):
        value = finite_or_none(key, values.get(key))
        features.append(
            {
                "type": "Feature",
                "geometry": _geojson(geometry, key, tolerance),
                "properties": {
                    "key": key,
                    "name": names.get(key, key),
                    "value": value,
                    "status": no_data if value is None else None,
                },
            }
        )
    return features


def finite_or_none(key: str, value: float | None) -> float | None:
    """A finite float, or None for no data (NaN counts as no data; infinity is an error)."""
    if value is None:
        return None
    number = float(value)
    if math.isnan(number):
        return None
    if math.isinf(number):
        raise InputError(f"region '{key}': value is infinite")
    return number


def _geojson(geometry: Any, key: str, tolerance: float) -> dict[str, Any]:
    """The simplified geometry as a GeoJSON mapping wound the way d3-geo expects."""
    from shapely.geometry import MultiPolygon, Polygon, mapping
    from shapely.geometry.polygon import orient

    if isinstance(geometry, Polygon):
        parts = [geometry]
    elif isinstance(geometry, MultiPolygon):
        parts = list(geometry.geoms)
    else:
        kind = type(geometry).__name__
        raise InputError(f"region '{key}': expected a Polygon or MultiPolygon, got {kind}")
    simplified = []
    for part in parts:
        small = part.simplify(tolerance, preserve_topology=True) if tolerance > 0 else part
        if small.is_empty:
            continue
        # d3-geo treats rings as spherical: exteriors must run clockwise, the opposite of
        # RFC 7946, or a region fills the whole globe except itself.
        simplified.append(orient(small, sign=-1.0))
    if not simplified:
        raise InputError(f"region '{key}': the geometry is empty")
    shape = simplified[0] if len(simplified) == 1 else MultiPolygon(simplified)
    result: dict[str, Any] = _rounded(mapping(shape))
    return result


def _rounded(obj: Any) -> Any:
    """``obj`` with every float rounded to COORD_DIGITS and tuples turned into lists."""
    if isinstance(obj, float):
        return round(obj, COORD_DIGITS)
    if isinstance(obj, list | tuple):
        return [_rounded(item) for item in obj]
    if isinstance(obj, dict):
        return {key: _rounded(item) for key, item in obj.items()}
    return obj


def _data(features: list[dict[str, Any]]) -> alt.InlineData:
    """Inline GeoJSON, so the spec renders with no file or network access."""
    import altair as alt

    collection = {"type": "FeatureCollection", "features": features}
    return alt.InlineData(values=collection, format=alt.JsonDataFormat(property="features"))


def save_chart(chart: alt.TopLevelMixin, path: Path) -> Path:
    """Write ``chart`` to ``path`` as SVG, PNG (scale 2), offline HTML or a Vega-Lite spec.

    The format follows the suffix. The file is written whole or not at all.
    """
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"{path}: unknown chart format '{suffix}'; use {', '.join(SUFFIXES)}")
    data = _render(chart, suffix)
    write_atomically(path, data)
    return path


def _render(chart: alt.TopLevelMixin, suffix: str) -> bytes:
    """The bytes of ``chart`` in the format of ``suffix``."""
    if suffix == ".json":
        # Not indented: one coordinate a line would make the spec four times larger.
        return (chart.to_json(indent=None, ensure_ascii=False) + "\n").encode("utf-8")
    import vl_convert as vlc

    spec = chart.to_dict()
    version = _schema_version(spec, vlc.get_vegalite_versions())
    if suffix == ".svg":
        svg: str = vlc.vegalite_to_svg(spec, vl_version=version, allowed_base_urls=[])
        return _shortened(spec, svg).encode("utf-8")
    if suffix == ".png":
        png: bytes = vlc.vegalite_to_png(
            spec, vl_version=version, scale=PNG_SCALE, allowed_base_urls=[]
        )
        return png
    page: str = vlc.vegalite_to_html(spec, vl_version=version, bundle=True)
    # bundle=True inlines Vega and vega-embed; a CDN script would break the offline promise.
    if _REMOTE.search(page) or "cdn.jsdelivr.net" in page:
        raise InfosocError("vl-convert's HTML loads a script from the network; not written")
    page = page.replace("<title>Chart</title>", f"<title>{html.escape(_title(spec))}</title>", 1)
    return page.encode("utf-8")


def _title(spec: dict[str, Any]) -> str:
    """The chart's title as plain text, for the HTML page's <title>."""
    title = spec.get("title", "Chart")
    text = title.get("text", "Chart") if isinstance(title, dict) else title
    return " ".join(text) if isinstance(text, list) else str(text)


# Line charts for the country report ---------------------------------------------------------

#: Line colours: the country in a strong blue, others in muted tones (colour-blind safe).
SERIES_COLOURS = (
    "#1f5fa8", "#e08214", "#4d9221", "#8c510a", "#762a83", "#c51b7d", "#35978f", "#7f7f7f",
)  # fmt: skip


def line_chart(
    rows: Sequence[Mapping[str, Any]],
    *,
    x: str,
    y: str,
    series: str,
    title: str,
    x_title: str,
    y_title: str,
    highlight: str | None = None,
    reverse_y: bool = False,
    y_format: str | None = None,
    legend_title: str | None = None,
    width: int = 520,
    height: int = 240,
) -> alt.Chart:
    """One line per ``series`` value over a numeric ``x`` (years), points marked.

    Rows whose ``y`` is None or NaN are left out, so a gap stays a gap: a missing value is
    never drawn as 0. ``highlight`` draws that series thicker; ``reverse_y`` puts 1 at the top
    (ranks). Titles come translated from the caller.
    """
    import altair as alt

    data = [
        {x: row[x], y: float(row[y]), series: str(row[series])}
        for row in rows
        if finite_or_none(str(row.get(series)), row.get(y)) is not None
    ]
    names = list(dict.fromkeys(d[series] for d in data))
    if highlight in names:  # the subject first: it takes the first, strongest colour
        names.remove(highlight)
        names.insert(0, highlight)
    # One series needs no legend: the title names it.
    legend = (
        alt.Legend(orient="bottom", columns=min(len(names), 5), labelLimit=220)
        if len(names) > 1
        else None
    )
    colour = alt.Color(
        f"{series}:N",
        title=legend_title,
        scale=alt.Scale(domain=names, range=list(SERIES_COLOURS[: max(len(names), 1)])),
        legend=legend,
    )
    xs = sorted({d[x] for d in data})
    # Survey editions are irregular (2003, 2004, 2005, 2008, ...): tick each one when few.
    x_axis = (
        alt.Axis(format="d", values=xs, labelOverlap=False, labelAngle=-45)
        if 1 < len(xs) <= 12
        else alt.Axis(format="d", tickMinStep=1)
    )
    width_of: Any = alt.value(1.6)
    if highlight is not None:
        width_of = alt.condition(alt.datum[series] == highlight, alt.value(3.2), alt.value(1.4))
    y_scale = alt.Scale(zero=False, reverse=reverse_y, nice=True)
    y_axis = alt.Axis(format=y_format) if y_format else alt.Axis()
    chart: alt.Chart = (
        alt.Chart(alt.InlineData(values=data))
        # Points mark each value where there are few (survey editions); a long yearly series
        # reads better as lines, and every point is an SVG node the PDF renderer must draw.
        .mark_line(point=alt.OverlayMarkDef(size=28, filled=True) if len(xs) <= 12 else False)
        .encode(
            x=alt.X(f"{x}:Q", title=x_title, axis=x_axis, scale=alt.Scale(zero=False, nice=False)),
            y=alt.Y(f"{y}:Q", title=y_title, scale=y_scale, axis=y_axis),
            color=colour,
            strokeWidth=width_of,
            detail=f"{series}:N",
        )
        .properties(title=alt.Title(title, anchor="start"), width=width, height=height)
        .configure(font=FONT, padding=PADDING)
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=10, titleFontSize=11, gridColor="#e6e6e6")
        .configure_legend(labelFontSize=10, titleFontSize=11)
        .configure_title(fontSize=13)
    )
    return chart


def number_locale(lang: Lang) -> dict[str, Any]:
    """A d3-format locale with the language's decimal and group marks (axis labels "0,8")."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    return {
        "decimal": get_decimal_symbol(lang),
        "thousands": get_group_symbol(lang),
        "grouping": [3],
        "currency": ["", ""],
    }


def spec_svg(spec: dict[str, Any], lang: Lang, prefix: str) -> str:
    """A Vega-Lite ``spec`` (as Altair writes it) drawn as SVG by vl-convert, its ids renamed
    ``<prefix>-1``, ``<prefix>-2`` ... in the order they are defined; Altair itself is not
    needed. A spec whose ``usermeta`` names ``PATH_DIGITS`` (the world map) has its shapes'
    outlines written with that many decimals, in relative steps.

    Vega numbers its clip paths from 1 in every SVG, so two charts inlined in one page would
    point at each other's ids; and it numbers gradients (a colour legend's) across every chart
    the engine drew before, so the same chart would differ between a process that drew others
    first and one that did not.
    """
    import vl_convert as vlc

    version = _schema_version(spec, vlc.get_vegalite_versions())
    svg: str = vlc.vegalite_to_svg(
        spec, vl_version=version, allowed_base_urls=[], format_locale=number_locale(lang)
    )
    ids = dict.fromkeys(re.findall(r'\bid="([^"]+)"', svg))
    names = {old: f"{prefix}-{n}" for n, old in enumerate(ids, start=1)}

    def name(old: str) -> str:
        return names.get(old, f"{prefix}-{old}")

    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{name(m.group(1))}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{name(m.group(1))})", svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{name(m.group(1))}"', svg)
    return _shortened(spec, svg)


_SCHEMA = re.compile(r"/vega-lite/v(\d+)\.(\d+)")


def _schema_version(spec: dict[str, Any], supported: Sequence[str]) -> str | None:
    """The Vega-Lite version a spec was written for (its ``$schema``), if vl-convert has it;
    else None, vl-convert's latest."""
    found = _SCHEMA.search(str(spec.get("$schema", "")))
    version = f"{found.group(1)}.{found.group(2)}" if found else None
    return version if version in supported else None


def warm_up_charts() -> None:
    """Start vl-convert's engine, whose first chart is slow, without loading Altair."""
    import vl_convert as vlc

    spec = {"data": {"values": [{"x": 0}]}, "mark": "point", "encoding": {"x": {"field": "x"}}}
    # The latest version vl-convert has: Altair writes its specs for a recent one.
    vlc.vegalite_to_svg(spec, vl_version=vlc.get_vegalite_versions()[-1], allowed_base_urls=[])


# Shapes' outlines, shorter -------------------------------------------------------------------

#: The ``usermeta`` key of a spec that asks :func:`spec_svg` to round shapes' outlines.
PATH_DIGITS = "infosocPathDigits"


def _shortened(spec: dict[str, Any], svg: str) -> str:
    """``svg`` with its outlines compacted when ``spec``'s ``usermeta`` asks for it."""
    digits = spec.get("usermeta", {}).get(PATH_DIGITS)
    return _compact_paths(svg, digits) if isinstance(digits, int) else svg


_OUTLINE = re.compile(r' d="(M[-\d.,MLZ]*)"')
_STEP = re.compile(r"([MLZ])([^MLZ]*)")


def _compact_paths(svg: str, digits: int) -> str:
    """``svg`` with every outline made only of M, L and Z commands (a map's shapes) written to
    ``digits`` decimals as relative steps, repeated points dropped; other paths are kept."""
    unit = 10**digits

    def number(n: int) -> str:
        text = f"{n / unit:.{digits}f}" if digits > 0 else str(n)
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text

    def outline(match: re.Match[str]) -> str:
        steps: list[str] = []
        at: tuple[int, int] | None = None
        start = at
        for command, args in _STEP.findall(match.group(1)):
            if command == "Z":
                steps.append("z")
                at = start
                continue
            x, y = (round(float(v) * unit) for v in args.split(","))
            if command == "L" and (x, y) == at:
                continue
            step = command.lower() if at is not None else command
            dx, dy = (x - at[0], y - at[1]) if at is not None else (x, y)
            steps.append(f"{step}{number(dx)},{number(dy)}")
            at = (x, y)
            if command == "M":
                start = at
        return f' d="{"".join(steps)}"'

    return _OUTLINE.sub(outline, svg)
