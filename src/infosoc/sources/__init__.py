"""Upstream sources, one module each, and the registry that names them.

A source module is a plug-in with a fixed shape, written down as the :class:`Source` protocol:
``NAME`` (its one spelling everywhere: ``ingest``, ``update``, ``speed --source``, the
``source`` column of every output), ``META`` (read from the ``.meta.toml`` beside it),
``find_files(mirror)`` and ``parse(raw)``. A source that can be downloaded also has
``fetch(cache, editions, refresh=...)`` (:class:`DownloadableSource`). ``REGISTRY`` lists every
source ``ingest all`` looks for; ``DOWNLOADS`` those that ``update`` and ``ingest`` without a
folder can fetch. mypy checks each module against its protocol (decision 0017).
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from ..errors import InputError
from ..records import Progress
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
from .base import ParsedFile, RawFile, read_local


class Source(Protocol):
    """What every source module has."""

    #: The source's name, e.g. "un-egov" or "ookla-sgi": lower case, words joined by "-".
    NAME: str
    #: The contents of the module's ``.meta.toml``: publisher, title, licence, editions, ...
    META: dict[str, Any]

    def find_files(self, mirror: Path) -> list[Path]:
        """The source's files in a folder laid out like the shared data folder, sorted."""
        ...

    def parse(self, raw: RawFile) -> ParsedFile:
        """The observations of one file with their provenance; bad input is an InputError
        naming the file, row and column."""
        ...


class DownloadableSource(Source, Protocol):
    """A source whose files have a stable machine download."""

    def fetch(
        self,
        cache: Path,
        editions: list[str] | None = None,
        *,
        refresh: bool = False,
        progress: Progress | None = None,
    ) -> list[RawFile]:
        """Download ``editions`` (default: the ones in ``META``) into ``cache``, reusing the
        copies held unless ``refresh``; ``progress`` follows the bytes of each download."""
        ...


#: Every source, in the order ``ingest all`` reads them.
_SOURCES: tuple[Source, ...] = (
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
_DOWNLOADABLE: tuple[DownloadableSource, ...] = (un_egov, worldbank, owid)

#: Source name -> module.
REGISTRY: dict[str, Source] = {m.NAME: m for m in _SOURCES}
#: The sources ``update`` and ``ingest SOURCE`` (without a folder) can download.
DOWNLOADS: dict[str, DownloadableSource] = {m.NAME: m for m in _DOWNLOADABLE}
#: Their names, in registry order.
DOWNLOADABLE: tuple[str, ...] = tuple(DOWNLOADS)
#: Older spellings of source names, still accepted with a deprecation note: the stems of the
#: speed indicators (``speed.ookla_si.fixed...``), which ``speed --source`` once took.
OLD_NAMES: dict[str, str] = {
    "ookla_sgi": ookla_sgi.NAME,
    "ookla_si": ookla_intelligence.NAME,
    "ookla_open": ookla_open_data.NAME,
    "ookla_intelligence": ookla_intelligence.NAME,
    "ookla_open_data": ookla_open_data.NAME,
    "un_egov": un_egov.NAME,
    "unu_egov_countries": unu_egov_countries.NAME,
    "itu_datahub": itu_datahub.NAME,
    "kz_bns_sdg": kz_bns_sdg.NAME,
}

__all__ = [
    "DOWNLOADABLE",
    "DOWNLOADS",
    "OLD_NAMES",
    "REGISTRY",
    "DownloadableSource",
    "Source",
    "read_mirror",
    "source_name",
]


def source_name(name: str) -> str:
    """The registry's spelling of a source name: ``name`` itself, or the current name of an
    older spelling (``ookla_si`` -> ``ookla-intelligence``, with a DeprecationWarning). An
    unknown name is an InputError listing the known ones."""
    if name in REGISTRY:
        return name
    if name in OLD_NAMES:
        warnings.warn(
            f"source name '{name}' is deprecated and will go; use '{OLD_NAMES[name]}'",
            DeprecationWarning,
            stacklevel=2,
        )
        return OLD_NAMES[name]
    raise InputError(f"unknown source '{name}'; known: {', '.join(REGISTRY)}")


def read_mirror(module: Source, mirror: Path) -> list[RawFile]:
    """The raw files of one source found in a local folder laid out like the shared data.

    Where the folder has a manifest (the shipped snapshot has one), each file's retrieval
    date, address and release date come from it instead of the file's modification time.
    """
    raws = []
    for path in module.find_files(mirror):
        entry = entry_for(mirror, path)
        if entry is None:
            raws.append(read_local(path))
            continue
        raw = read_local(path, entry.retrieved_at)
        raws.append(replace(raw, retrieved_from=entry.url, released=entry.released))
    return raws
