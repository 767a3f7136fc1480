"""Upstream sources, one module each. ``REGISTRY`` lists those ``ingest all`` looks for."""

from __future__ import annotations

from types import ModuleType

from . import un_egov

#: Source name -> module. Each module has ``find_files(mirror)``, ``read_mirror(mirror)``,
#: ``fetch(cache, editions)`` and ``parse(raw)``.
REGISTRY: dict[str, ModuleType] = {un_egov.NAME: un_egov}

__all__ = ["REGISTRY"]
