"""Upstream sources, one module each. ``REGISTRY`` lists those ``ingest all`` looks for."""

from __future__ import annotations

from pathlib import Path
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
from .base import RawFile, read_local

#: Source name -> module. Each module has ``find_files(mirror)``, ``parse(raw)`` and a ``META``
#: read from its .meta.toml; those that can be downloaded also have ``fetch(cache, editions)``.
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

__all__ = ["DOWNLOADABLE", "REGISTRY", "read_mirror"]


def read_mirror(module: ModuleType, mirror: Path) -> list[RawFile]:
    """The raw files of one source found in a local folder laid out like the shared data."""
    files: list[Path] = module.find_files(mirror)
    return [read_local(p) for p in files]
