"""The world map of the web observatory: countries coloured by a measure, drawn offline.

A chart helper like :mod:`infosoc.charts` (layer 1): it takes the TopoJSON and the map of its
ids to ISO3 as arguments, because the reader of the shipped boundaries, :mod:`infosoc.geo.world`,
sits in the geography layer above. Countries without a value are grey under a "no data"
legend entry, never coloured as 0 (decision 0020).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .charts import (
    FONT,
    NO_DATA,
    NO_DATA_COLOUR,
    PADDING,
    PATH_DIGITS,
    SCHEME,
    SCHEME_EXTENT,
    finite_or_none,
)
from .errors import InputError
from .i18n import Lang, parse_lang, translations
from .i18n.labels import label

if TYPE_CHECKING:
    import altair as alt

#: The TopoJSON object of the countries, as world-atlas names it.
WORLD_OBJECT = "countries"
#: ISO 3166-1 numeric code of Antarctica: empty of data, and huge in any world projection.
ANTARCTICA = "010"
WORLD_ASPECT = 0.54  # the equal-earth world without Antarctica, height to width
NARROW_WIDTH = 300
# Vega writes 3 decimals of a pixel, absolute; one decimal in relative steps halves the SVG.
WORLD_PATH_DIGITS = 1


def world_map(
    topology: Mapping[str, Any],
    ids_to_iso3: Mapping[str, str],
    values: Mapping[str, float | None],
    *,
    legend_title: str,
    lang: Lang = "en",
    reverse: bool = False,
    width: int = 520,
    narrow: bool = False,
) -> alt.LayerChart:
    """The world's countries coloured by ``values[iso3]`` (darker is better; ``reverse`` when
    lower is better), in the equal-earth projection, without Antarctica and with no title
    (titles are the page's).

    ``topology`` is TopoJSON with a ``countries`` object whose geometry ids ``ids_to_iso3``
    maps to ISO3 (``infosoc.geo.world`` gives both); it is not changed. A country missing from
    ``values``, mapped to None or NaN, or without an id is grey under a "no data" legend entry
    in ``lang``, never coloured as 0. Values of states too small to have a shape are not drawn
    but do set the colour scale, so the legend spans every value. Each shape's SVG path is
    labelled with its ISO3 code (``aria-label``). The SVG is ``width`` px wide, padding included;
    ``narrow`` makes it 300 px with the legend below the map; otherwise the legend sits in the
    empty South Pacific. An infinite value is an ``InputError``.
    """
    import altair as alt

    width = NARROW_WIDTH if narrow else width
    inner = width - 2 * PADDING
    no_data = str(translations(parse_lang(lang)).pgettext("chart", NO_DATA))
    numbers = {key: finite_or_none(key, value) for key, value in values.items()}
    finite = [v for v in numbers.values() if v is not None]
    spread = bool(finite) and min(finite) < max(finite)
    world = _world_with_values(topology, ids_to_iso3, numbers)
    data = alt.InlineData(
        values=[], format=alt.TopoDataFormat(type="topojson", feature=WORLD_OBJECT)
    )
    # Set after construction: Altair checks a new object's values item by item, which takes
    # most of a second on the topology's arcs; the whole spec is still checked by to_dict().
    data.values = world
    height = round(inner * WORLD_ASPECT)
    # Wide, the legends stack in the empty South Pacific and take no width of their own;
    # narrow, they sit side by side below the map.
    place: list[dict[str, Any]] = (
        [{"orient": "bottom"}, {"orient": "bottom"}]
        if narrow
        else [
            {"orient": "none", "legendX": 0, "legendY": height - 78},
            {"orient": "none", "legendX": 0, "legendY": height - 26},
        ]
    )
    scheme = {"name": SCHEME, "extent": list(SCHEME_EXTENT)}
    scale = alt.Scale(
        scheme=scheme,
        reverse=reverse,
        domain=[min(finite), max(finite)] if spread else alt.Undefined,
    )
    gradient = alt.Legend(
        **place[0],
        direction="horizontal",
        gradientLength=150 if narrow else 110,
        titleLimit=inner,
    )
    shape: dict[str, Any] = {"stroke": "white", "strokeWidth": 0.4}
    value = alt.Tooltip("properties.v:Q", title=legend_title)
    # The interactive chart's tooltip; the SVG has none.
    country = alt.Tooltip("properties.key:N", title=label("country", lang))
    measured = (
        alt.Chart()
        .transform_filter("datum.properties.v != null")
        .mark_geoshape(**shape)
        .encode(
            color=alt.Color("properties.v:Q", title=legend_title, scale=scale, legend=gradient),
            description=alt.Description("properties.key:N"),
            tooltip=[country, value],
        )
    )
    # A nominal scale with one entry gives the grey its own legend row, labelled in `lang`.
    missing = (
        alt.Chart()
        .transform_filter("datum.properties.v == null")
        .transform_calculate(status=alt.expr.toString(no_data))
        .mark_geoshape(**shape)
        .encode(
            color=alt.Color(
                "status:N",
                scale=alt.Scale(domain=[no_data], range=[NO_DATA_COLOUR]),
                legend=alt.Legend(title=None, symbolType="square", **place[1]),
            ),
            description=alt.Description("properties.key:N"),
            tooltip=[country],
        )
    )
    chart: alt.LayerChart = (
        alt.layer(measured, missing, data=data)
        .project(type="equalEarth")
        .properties(
            width=width,
            height=height,
            padding=PADDING,
            # The SVG is exactly `width` wide: strokes on the edge would add a pixel.
            autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
            usermeta={PATH_DIGITS: WORLD_PATH_DIGITS},
        )
        .resolve_scale(color="independent")
        .configure(font=FONT)
        .configure_view(stroke=None)
        .configure_legend(labelFontSize=10, titleFontSize=11)
    )
    return chart


def _world_with_values(
    topology: Mapping[str, Any], ids_to_iso3: Mapping[str, str], values: Mapping[str, float | None]
) -> dict[str, Any]:
    """A copy of ``topology`` holding only its countries less Antarctica, each with properties
    ``{"key", "v"}``: ISO3, or Natural Earth's name for a shape without a code ("Kosovo"),
    and the value, None for no data. The arcs are shared, not copied."""
    try:
        countries = topology["objects"][WORLD_OBJECT]
        geometries = list(countries["geometries"])
        arcs = topology["arcs"]
    except (KeyError, TypeError):
        raise InputError(f"not a TopoJSON topology with a '{WORLD_OBJECT}' object") from None
    kept = []
    for geometry in geometries:
        code = geometry.get("id")
        if code == ANTARCTICA:
            continue
        iso3 = ids_to_iso3.get(code) if code is not None else None
        name = str(geometry.get("properties", {}).get("name", ""))
        value = values.get(iso3) if iso3 is not None else None
        kept.append({**geometry, "properties": {"key": iso3 or name, "v": value}})
    world = {key: item for key, item in topology.items() if key not in ("objects", "arcs")}
    return {**world, "objects": {WORLD_OBJECT: {**countries, "geometries": kept}}, "arcs": arcs}
