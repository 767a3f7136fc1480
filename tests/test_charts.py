"""The choropleth: no-data regions stay grey and never 0, names keep their Kazakh letters, and
every output format is written whole, offline."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import pytest

alt = pytest.importorskip("altair")
vlc = pytest.importorskip("vl_convert")
shapely_geometry = pytest.importorskip("shapely.geometry")

from infosoc.charts import NO_DATA_COLOUR, choropleth, save_chart  # noqa: E402
from infosoc.errors import InputError  # noqa: E402
from infosoc.i18n import Lang  # noqa: E402

KEYS = ["a", "b", "c"]
NAMES = {"a": "Қарағанды облысы", "b": "Ұлытау облысы", "c": "Шығыс Қазақстан облысы"}
VALUES: dict[str, float | None] = {"a": 10.5, "b": None, "c": 80.0}
TITLE = "Орташа жүктеу жылдамдығы: Әлеуметтік өңірлер, Һ І Ү"
KAZAKH_LETTERS = set("ӘҒҚҢӨҰҮҺІәғқңөұүһі")


def _squares() -> list[Any]:
    """Three neighbouring 1° squares in Kazakhstan's latitudes, wound counter-clockwise."""
    return [shapely_geometry.box(70 + i, 45, 71 + i, 46) for i in range(3)]


@pytest.fixture(scope="module")
def chart() -> Any:
    return choropleth(
        KEYS, NAMES, _squares(), VALUES, title=TITLE, legend_title="Мбит/с", lang="kk"
    )


@pytest.fixture(scope="module")
def spec(chart: Any) -> dict[str, Any]:
    result: dict[str, Any] = chart.to_dict()
    return result


def _layer_features(spec: dict[str, Any], layer: dict[str, Any]) -> list[dict[str, Any]]:
    """The GeoJSON features one layer draws (Altair moves inline values to ``datasets``)."""
    data = layer.get("data") or spec["data"]
    assert data["format"]["property"] == "features"
    values = data["values"] if "values" in data else spec["datasets"][data["name"]]
    assert values["type"] == "FeatureCollection"
    features: list[dict[str, Any]] = values["features"]
    return features


def _features(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every feature of every layer, by region key."""
    return {
        feature["properties"]["key"]: feature
        for layer in spec["layer"]
        for feature in _layer_features(spec, layer)
    }


def _layer_of(spec: dict[str, Any], field: str) -> dict[str, Any]:
    matches = [x for x in spec["layer"] if x["encoding"]["color"]["field"] == field]
    assert len(matches) == 1
    layer: dict[str, Any] = matches[0]
    return layer


def test_no_data_region_is_null_and_grey_never_zero(spec: dict[str, Any]) -> None:
    features = _features(spec)
    assert features["a"]["properties"]["value"] == 10.5
    assert features["b"]["properties"]["value"] is None
    assert features["b"]["properties"]["status"] == "деректер жоқ"
    grey = _layer_of(spec, "properties.status")
    scale = grey["encoding"]["color"]["scale"]
    assert scale == {"domain": ["деректер жоқ"], "range": [NO_DATA_COLOUR]}
    # The coloured layer holds only the measured regions, so b cannot pick up a colour.
    measured = _layer_of(spec, "properties.value")
    assert {f["properties"]["key"] for f in _layer_features(spec, measured)} == {"a", "c"}
    assert spec["resolve"] == {"scale": {"color": "independent"}}


def test_names_font_and_projection_in_spec(spec: dict[str, Any]) -> None:
    features = _features(spec)
    assert {k: f["properties"]["name"] for k, f in features.items()} == NAMES
    assert spec["config"]["font"] == "DejaVu Sans"
    assert spec["projection"]["type"] == "mercator"
    assert spec["title"]["text"] == TITLE
    tooltip = _layer_of(spec, "properties.value")["encoding"]["tooltip"]
    assert [t["field"] for t in tooltip] == ["properties.name", "properties.value"]
    assert tooltip[1]["format"] == ".1f"


def test_exterior_rings_run_clockwise_for_d3(spec: dict[str, Any]) -> None:
    for feature in _features(spec).values():
        ring = shapely_geometry.LinearRing(feature["geometry"]["coordinates"][0])
        assert not ring.is_ccw


@pytest.mark.parametrize(("lang", "text"), [("en", "no data"), ("ru", "нет данных")])
def test_no_data_label_follows_language(lang: Lang, text: str) -> None:
    chart = choropleth(KEYS, NAMES, _squares(), VALUES, title="t", legend_title="x", lang=lang)
    grey = _layer_of(chart.to_dict(), "properties.status")
    assert grey["encoding"]["color"]["scale"]["domain"] == [text]


def test_nan_is_no_data_and_reverse_reaches_the_scale() -> None:
    values = {"a": float("nan"), "b": 3.0, "c": 4.0}
    spec = choropleth(
        KEYS, NAMES, _squares(), values, title="t", legend_title="ms", reverse=True
    ).to_dict()
    assert _features(spec)["a"]["properties"]["value"] is None
    assert _layer_of(spec, "properties.value")["encoding"]["color"]["scale"]["reverse"] is True


def test_without_missing_values_there_is_no_grey_layer() -> None:
    values = {"a": 1.0, "b": 2.0, "c": 3.0}
    spec = choropleth(KEYS, NAMES, _squares(), values, title="t", legend_title="x").to_dict()
    assert [x["encoding"]["color"]["field"] for x in spec["layer"]] == ["properties.value"]


def test_all_missing_renders_only_grey(tmp_path: Path) -> None:
    chart = choropleth(KEYS, NAMES, _squares(), {}, title="t", legend_title="x", lang="ru")
    spec = chart.to_dict()
    assert [x["encoding"]["color"]["field"] for x in spec["layer"]] == ["properties.status"]
    svg = save_chart(chart, tmp_path / "grey.svg").read_text(encoding="utf-8")
    assert "нет данных" in svg


def test_simplification_reduces_a_dense_polygon() -> None:
    import shapely

    dense = shapely_geometry.Point(70, 45).buffer(1.0, quad_segs=512)
    raw = choropleth(
        ["a"], {}, [dense], {"a": 1.0}, title="t", legend_title="x", simplify_tolerance=0
    )
    small = choropleth(["a"], {}, [dense], {"a": 1.0}, title="t", legend_title="x")

    def count(chart: Any) -> int:
        ring = _features(chart.to_dict())["a"]["geometry"]["coordinates"][0]
        return len(ring)

    assert count(raw) == shapely.get_num_coordinates(dense)
    assert count(small) < count(raw) / 10
    assert count(small) >= 4


def test_multipolygon_is_drawn_whole() -> None:
    two = shapely_geometry.MultiPolygon(_squares()[:2])
    spec = choropleth(["m"], {"m": "Алматы"}, [two], {"m": 2.0}, title="t", legend_title="x")
    geometry = _features(spec.to_dict())["m"]["geometry"]
    assert geometry["type"] == "MultiPolygon"
    assert len(geometry["coordinates"]) == 2


@pytest.mark.parametrize(
    ("keys", "geometries", "values", "message"),
    [
        (["a", "b"], [shapely_geometry.box(0, 0, 1, 1)], {}, "2 keys but 1 geometries"),
        ([], [], {}, "no regions"),
        (["a", "a"], [shapely_geometry.box(0, 0, 1, 1)] * 2, {}, "duplicate region keys: a"),
        (["a"], [shapely_geometry.box(0, 0, 1, 1)], {"z": 1.0}, "unknown region keys: z"),
        (["a"], [shapely_geometry.Point(0, 0)], {}, "expected a Polygon or MultiPolygon"),
        (["a"], [shapely_geometry.box(0, 0, 1, 1)], {"a": float("inf")}, "infinite"),
    ],
)
def test_bad_input_is_one_line_input_error(
    keys: list[str], geometries: list[Any], values: dict[str, float | None], message: str
) -> None:
    with pytest.raises(InputError, match=message) as caught:
        choropleth(keys, {}, geometries, values, title="t", legend_title="x")
    assert "\n" not in str(caught.value)


def test_svg_keeps_kazakh_text_and_font(chart: Any, tmp_path: Path) -> None:
    path = save_chart(chart, tmp_path / "map.svg")
    svg = path.read_text(encoding="utf-8")
    assert svg.startswith("<svg")
    assert TITLE in svg
    assert KAZAKH_LETTERS & set(svg) >= set("ӘҚҰҮҺІ")
    assert "деректер жоқ" in svg
    assert 'font-family="DejaVu Sans"' in svg
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_png_is_a_png_at_scale_two(chart: Any, tmp_path: Path) -> None:
    data = save_chart(chart, tmp_path / "map.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert 2 * 640 <= width <= 2 * 1000  # the map plus its legend, at scale 2
    assert 200 <= height <= 2 * 600
    assert len(data) > 5_000


def test_html_is_offline(chart: Any, tmp_path: Path) -> None:
    page = save_chart(chart, tmp_path / "map.html").read_text(encoding="utf-8")
    assert "cdn.jsdelivr.net" not in page
    assert "<script src=" not in page.replace(" ", "")
    assert "<script" in page  # Vega itself is inlined
    assert f"<title>{TITLE}</title>" in page
    assert "Қарағанды облысы" in page or "\\u049a" in page


def test_json_is_the_vega_lite_spec(chart: Any, spec: dict[str, Any], tmp_path: Path) -> None:
    text = save_chart(chart, tmp_path / "map.json").read_text(encoding="utf-8")
    assert json.loads(text) == spec
    assert "Қарағанды облысы" in text  # written as UTF-8, not \\u escapes


def test_unknown_suffix_writes_nothing(chart: Any, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"unknown chart format '\.pdf'"):
        save_chart(chart, tmp_path / "map.pdf")
    assert list(tmp_path.iterdir()) == []


def test_failed_render_keeps_the_old_file(
    chart: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "map.svg"
    path.write_text("old", encoding="utf-8")

    def broken(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(vlc, "vegalite_to_svg", broken)
    with pytest.raises(RuntimeError):
        save_chart(chart, path)
    assert path.read_text(encoding="utf-8") == "old"
    assert list(tmp_path.iterdir()) == [path]


def test_failed_write_leaves_no_partial_file(
    chart: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    def broken(src: Any, dst: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        save_chart(chart, tmp_path / "map.json")
    assert list(tmp_path.iterdir()) == []


def test_the_vega_lite_version_comes_from_the_spec_s_schema() -> None:
    from infosoc.charts import _schema_version

    supported = ["5.20", "6.1", "6.4"]
    url = "https://vega.github.io/schema/vega-lite/v6.4.1.json"
    assert _schema_version({"$schema": url}, supported) == "6.4"
    assert _schema_version({"$schema": url.replace("v6.4.1", "v7.0.0")}, supported) is None
    assert _schema_version({}, supported) is None
