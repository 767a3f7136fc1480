"""The world's countries as drawn on the observatory's world maps: Natural Earth's 1:110m
Admin 0 boundaries as TopoJSON (world-atlas 2.0.2, shipped in the data snapshot; decision 0020).

At this scale 28 of the 193 UN Member States have no shape (small island states, Andorra,
Singapore ...): a map shows them nowhere, so every page with a world map lists every state in
a table as well. Three shapes have no ISO 3166 code (N. Cyprus, Somaliland, Kosovo); they stay
in the topology and are drawn as "no data".
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ..errors import InputError
from ..snapshot import snapshot_dir
from ..structured import load_json
from .countries import all_countries

#: The TopoJSON file, relative to the data snapshot.
WORLD_FILE = "geo/world-atlas/countries-110m.json"
#: The TopoJSON object holding one geometry per country.
COUNTRIES_OBJECT = "countries"


@cache
def _world_text() -> str:
    """The file's text, read once: an immutable string, so callers cannot share a mutation."""
    path = snapshot_dir() / WORLD_FILE
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the world boundaries ({exc.strerror})") from None


def world_topology() -> dict[str, Any]:
    """Natural Earth's 1:110m countries as a TopoJSON ``Topology`` (a new dict on every call).

    ``objects["countries"]`` holds one geometry per country; its ``id`` is the ISO 3166-1
    numeric code as a three-digit string ("398"), absent for the three shapes without one;
    ``properties["name"]`` is Natural Earth's short English name. Antarctica is included:
    a map leaves it out itself.
    """
    topology: dict[str, Any] = load_json(_world_text(), file=WORLD_FILE)
    if topology.get("type") != "Topology" or COUNTRIES_OBJECT not in topology.get("objects", {}):
        raise InputError(f"{WORLD_FILE}: not a TopoJSON topology with a 'countries' object")
    return topology


def numeric_to_iso3() -> dict[str, str]:
    """The topology's feature ids (ISO 3166-1 numeric, "398") mapped to ISO3 ("KAZ").

    Every id of the shipped file that ISO 3166 knows is here; shapes without an id are not,
    and a map draws them as "no data".
    """
    iso3_of = {c.m49: c.iso3 for c in all_countries()}
    geometries = world_topology()["objects"][COUNTRIES_OBJECT]["geometries"]
    ids = (g["id"] for g in geometries if "id" in g)
    return {code: iso3_of[code] for code in ids if code in iso3_of}
