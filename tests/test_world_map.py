"""The world map: every state with a shape takes its value's colour, a missing value is grey
under "no data" and never 0, the SVG draws offline at 520 and 300 px and stays small."""

from __future__ import annotations

import copy
import gzip
import itertools
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

alt = pytest.importorskip("altair")
vlc = pytest.importorskip("vl_convert")

from infosoc.charts import NO_DATA, NO_DATA_COLOUR, PATH_DIGITS, save_chart, spec_svg  # noqa: E402
from infosoc.errors import InputError  # noqa: E402
from infosoc.geo.countries import member_states  # noqa: E402
from infosoc.geo.world import numeric_to_iso3, world_topology  # noqa: E402
from infosoc.i18n import Lang, translations  # noqa: E402
from infosoc.worldmap import _world_with_values, world_map  # noqa: E402

DECISION = Path(__file__).resolve().parents[1] / "docs" / "decisions" / "0020-world-boundaries.md"
MEMBERS = [c.iso3 for c in member_states()]
_PATH = re.compile(r"<path ([^>]*)/>")
_ATTR = re.compile(r'([\w-]+)="([^"]*)"')


@pytest.fixture(scope="module")
def topology() -> dict[str, Any]:
    return world_topology()


@pytest.fixture(scope="module")
def ids() -> dict[str, str]:
    return numeric_to_iso3()


def _drawn(ids: dict[str, str]) -> set[str]:
    return set(ids.values())


def render(
    topology: dict[str, Any],
    ids: dict[str, str],
    values: dict[str, float | None],
    lang: Lang = "en",
    **options: Any,
) -> str:
    chart = world_map(topology, ids, values, legend_title="EGDI", lang=lang, **options)
    return spec_svg(chart.to_dict(), lang, "w")


def shapes(svg: str) -> dict[str, dict[str, str]]:
    """The map's country paths, by their aria-label (ISO3, or a name for shapes without one)."""
    found = {}
    for match in _PATH.finditer(svg):
        attrs = dict(_ATTR.findall(match.group(1)))
        if attrs.get("aria-roledescription") == "geoshape":
            found[attrs["aria-label"]] = attrs
    return found


def points(d: str) -> list[tuple[float, float]]:
    """The absolute points of an outline of M/L/Z commands, absolute or relative."""
    result: list[tuple[float, float]] = []
    x = y = start_x = start_y = 0.0
    for command, args in re.findall(r"([MLZmlz])([^MLZmlz]*)", d):
        if command in "Zz":
            x, y = start_x, start_y
            continue
        dx, dy = (float(v) for v in args.split(","))
        x, y = (x + dx, y + dy) if command.islower() else (dx, dy)
        if command in "Mm":
            start_x, start_y = x, y
        result.append((x, y))
    return result


def luminance(colour: str) -> float:
    """The brightness of a fill Vega writes as ``#rrggbb`` or ``rgb(r, g, b)``."""
    if colour.startswith("#"):
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    else:
        r, g, b = (int(v) for v in re.findall(r"\d+", colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.fixture(scope="module")
def ranked(topology: dict[str, Any], ids: dict[str, str]) -> tuple[dict[str, float], str]:
    """Every member a distinct value (by ISO3 order), and the map of them at 520 px."""
    values = {iso3: n / (len(MEMBERS) - 1) for n, iso3 in enumerate(MEMBERS)}
    return values, render(topology, ids, dict(values))


def test_the_ids_map_numeric_codes_to_iso3(ids: dict[str, str]) -> None:
    assert ids["398"] == "KAZ"
    assert ids["860"] == "UZB"
    assert ids["004"] == "AFG"  # codes keep their leading zeros, as ISO writes them
    geometries = world_topology()["objects"]["countries"]["geometries"]
    assert len(ids) == sum(1 for g in geometries if "id" in g)
    unnamed = sorted(g["properties"]["name"] for g in geometries if "id" not in g)
    assert unnamed == ["Kosovo", "N. Cyprus", "Somaliland"]


def test_the_members_without_a_shape_are_those_the_decision_names(ids: dict[str, str]) -> None:
    text = DECISION.read_text(encoding="utf-8")
    found = re.search(r"\*\*(\d+) of the 193\*\*[^:]*:(.*?)\(", text, re.S)
    assert found, "the decision no longer states the count"
    listed = set(re.findall(r"\b[A-Z]{3}\b", found.group(2)))
    missing = set(MEMBERS) - _drawn(ids)
    assert int(found.group(1)) == len(missing) == len(listed)
    assert listed == missing
    assert "KAZ" not in missing


def test_every_member_with_a_shape_takes_its_values_colour(
    ranked: tuple[dict[str, float], str], ids: dict[str, str]
) -> None:
    values, svg = ranked
    drawn = shapes(svg)
    members = sorted(set(MEMBERS) & _drawn(ids), key=values.__getitem__)
    assert len(members) == 165
    fills = [drawn[iso3]["fill"] for iso3 in members]
    assert NO_DATA_COLOUR not in fills
    # Darker is better: the colour darkens with the value, country by country, so no value
    # went to another country's shape.
    shades = [luminance(fill) for fill in fills]
    assert all(a >= b for a, b in itertools.pairwise(shades)), "colours out of order"
    assert shades[0] - shades[-1] > 100
    assert len(set(fills)) > 100


def test_reverse_makes_the_lowest_value_darkest(
    topology: dict[str, Any], ids: dict[str, str]
) -> None:
    values: dict[str, float | None] = {"KAZ": 1.0, "UZB": 5.0, "MNG": 9.0}
    drawn = shapes(render(topology, ids, values, reverse=True))
    assert luminance(drawn["KAZ"]["fill"]) < luminance(drawn["UZB"]["fill"])
    assert luminance(drawn["UZB"]["fill"]) < luminance(drawn["MNG"]["fill"])


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_a_missing_value_is_grey_and_no_data_never_zero(
    topology: dict[str, Any], ids: dict[str, str], lang: Lang
) -> None:
    values: dict[str, float | None] = {
        "KAZ": None,
        "UZB": math.nan,
        "KGZ": 0.0,
        "TJK": 0.5,
        "MNG": 1.0,
    }
    svg = render(topology, ids, values, lang=lang)
    drawn = shapes(svg)
    assert drawn["KAZ"]["fill"] == drawn["UZB"]["fill"] == NO_DATA_COLOUR
    assert drawn["RUS"]["fill"] == NO_DATA_COLOUR  # not in the values at all
    assert drawn["Kosovo"]["fill"] == NO_DATA_COLOUR  # a shape without a code
    # A true 0 is the scale's palest blue, which is not the grey.
    assert drawn["KGZ"]["fill"] != NO_DATA_COLOUR
    assert luminance(drawn["KGZ"]["fill"]) > luminance(drawn["TJK"]["fill"])
    no_data = translations(lang).pgettext("chart", NO_DATA)
    assert re.search(rf">{re.escape(no_data)}</text>", svg), "no 'no data' legend entry"


def test_antarctica_is_left_out_and_kazakhstan_is_where_it_belongs(
    ranked: tuple[dict[str, float], str],
) -> None:
    _, svg = ranked
    drawn = shapes(svg)
    assert "ATA" not in drawn
    kaz = points(drawn["KAZ"]["d"])
    xs, ys = [x for x, _ in kaz], [y for _, y in kaz]
    # Inside the 496 x 268 px map: east of the middle, in the northern half.
    assert 300 < min(xs) < max(xs) < 420
    assert 40 < min(ys) < max(ys) < 134
    assert len(kaz) > 20


def test_rounded_outlines_stay_on_vegas_own_within_a_tenth_of_a_pixel(
    topology: dict[str, Any], ids: dict[str, str], ranked: tuple[dict[str, float], str]
) -> None:
    values, svg = ranked
    spec = world_map(topology, ids, dict(values), legend_title="EGDI").to_dict()
    del spec["usermeta"][PATH_DIGITS]
    exact = shapes(spec_svg(spec, "en", "w"))
    for iso3 in ("KAZ", "RUS", "CHL", "FJI"):
        rounded = points(shapes(svg)[iso3]["d"])
        original = points(exact[iso3]["d"])
        assert len(rounded) <= len(original)
        # Every rounded point is one of Vega's points, rounded (repeats dropped).
        for x, y in rounded:
            assert any(abs(x - a) <= 0.051 and abs(y - b) <= 0.051 for a, b in original)


def test_the_svg_draws_offline_at_520_and_300_px(
    topology: dict[str, Any], ids: dict[str, str], ranked: tuple[dict[str, float], str]
) -> None:
    values, svg = ranked
    assert re.match(r'<svg [^>]*\bwidth="520"', svg)
    narrow = render(topology, ids, dict(values), narrow=True)
    assert re.match(r'<svg [^>]*\bwidth="300"', narrow)
    assert "KAZ" in shapes(narrow)
    spec = world_map(topology, ids, dict(values), legend_title="EGDI").to_dict()
    assert "url" not in spec["data"]  # the topology is inline
    assert "title" not in spec  # titles are the page's
    offline = vlc.vegalite_to_svg(spec, allowed_base_urls=[])
    assert "<path" in offline
    assert "http://" not in svg.replace("http://www.w3.org/", "")


def test_a_map_of_every_state_stays_small(
    topology: dict[str, Any], ids: dict[str, str], ranked: tuple[dict[str, float], str]
) -> None:
    values, svg = ranked
    assert len(gzip.compress(svg.encode("utf-8"))) < 45_000
    narrow = render(topology, ids, dict(values), narrow=True)
    assert len(gzip.compress(narrow.encode("utf-8"))) < 45_000


def test_a_saved_svg_is_as_short_as_the_pages_one(
    topology: dict[str, Any], ids: dict[str, str], tmp_path: Path
) -> None:
    chart = world_map(topology, ids, {"KAZ": 0.5, "UZB": 0.7}, legend_title="EGDI")
    saved = save_chart(chart, tmp_path / "world.svg").read_text(encoding="utf-8")
    kaz = shapes(saved)["KAZ"]["d"]
    assert re.fullmatch(r"M[-\d.]+,[-\d.]+(?:[lz][-\d.,]*)+", kaz), kaz[:80]
    assert not re.search(r"\.\d\d", kaz)  # a tenth of a pixel at most


def test_the_topology_is_not_changed_and_bad_input_is_an_input_error(
    topology: dict[str, Any], ids: dict[str, str]
) -> None:
    before = copy.deepcopy(topology)
    world_map(topology, ids, {"KAZ": 0.5}, legend_title="EGDI")
    assert topology == before
    with pytest.raises(InputError, match="KAZ"):
        world_map(topology, ids, {"KAZ": math.inf}, legend_title="EGDI")
    with pytest.raises(InputError, match="TopoJSON"):
        world_map({"type": "Topology"}, ids, {}, legend_title="EGDI")


# Fixture-scoped data is read-only here, so sharing it across examples is safe.
RELAXED = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
_value = st.one_of(st.none(), st.just(math.nan), st.floats(-1e6, 1e6, allow_nan=False))


@settings(RELAXED, max_examples=60)
@given(values=st.dictionaries(st.sampled_from(MEMBERS), _value, max_size=40))
def test_only_finite_values_are_joined(
    values: dict[str, float | None], topology: dict[str, Any], ids: dict[str, str]
) -> None:
    numbers = {k: None if v is None or math.isnan(v) else v for k, v in values.items()}
    world = _world_with_values(topology, ids, numbers)
    for geometry in world["objects"]["countries"]["geometries"]:
        key, value = geometry["properties"]["key"], geometry["properties"]["v"]
        assert value == numbers.get(key)
        assert geometry.get("id") != "010"


@settings(RELAXED, max_examples=6)
@given(values=st.dictionaries(st.sampled_from(MEMBERS), _value, max_size=30))
def test_any_values_draw_and_missing_is_never_coloured(
    values: dict[str, float | None], topology: dict[str, Any], ids: dict[str, str]
) -> None:
    drawn = shapes(render(topology, ids, values, narrow=True))
    for iso3 in _drawn(ids) & set(MEMBERS):
        value = values.get(iso3)
        missing = value is None or math.isnan(value)
        assert (drawn[iso3]["fill"] == NO_DATA_COLOUR) == missing, iso3
