"""Upstream sources, one module each. ``REGISTRY`` lists those ``ingest all`` looks for."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import ModuleType

from ..snapshot import entry_for
from . import (
    cableco,
    itu_datahub,
    kz_bns_sdg,
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
        itu_datahub,
        kz_bns_sdg,
    )
}

#: Sources that ``ingest SOURCE`` downloads when no local folder is given.
DOWNLOADABLE = ("un-egov", "worldbank", "owid")

__all__ = ["DOWNLOADABLE", "REGISTRY", "read_mirror"]


def read_mirror(module: ModuleType, mirror: Path) -> list[RawFile]:
    """The raw files of one source found in a local folder laid out like the shared data.

    Where the folder has a manifest (the shipped snapshot has one), each file's retrieval
    date, address and release date come from it instead of the file's modification time.
    """
    files: list[Path] = module.find_files(mirror)
    raws = []
    for path in files:
        entry = entry_for(mirror, path)
        if entry is None:
            raws.append(read_local(path))
            continue
        raw = read_local(path, entry.retrieved_at)
        raws.append(replace(raw, retrieved_from=entry.url, released=entry.released))
    return raws
