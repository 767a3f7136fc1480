"""Upstream sources, one module each. ``REGISTRY`` lists those ``ingest all`` looks for."""

from __future__ import annotations

from types import ModuleType

from . import (
    cableco,
    ookla_intelligence,
    ookla_open_data,
    ookla_sgi,
    owid,
    un_egov,
    unu_egov_countries,
    worldbank,
)

#: Source name -> module. Each module has ``find_files(mirror)``, ``read_mirror(mirror)``,
#: ``fetch(cache, editions)`` and ``parse(raw)``, and a ``META`` read from its .meta.toml.
REGISTRY: dict[str, ModuleType] = {
    m.NAME: m
    for m in (
        un_egov,
        unu_egov_countries,
        worldbank,
        owid,
        ookla_sgi,
        ookla_intelligence,
        ookla_open_data,
        cableco,
    )
}

#: Sources that ``ingest SOURCE`` downloads when no local folder is given.
DOWNLOADABLE = ("un-egov", "worldbank", "owid")

__all__ = ["DOWNLOADABLE", "REGISTRY"]
