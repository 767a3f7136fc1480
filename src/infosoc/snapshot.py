"""The data snapshot shipped inside the package: publishers' files byte for byte, and their
manifest (source, edition, release date, URL, licence, SHA-256, size, retrieval date).

The snapshot is laid out like any local data folder (``egov/``, ``wdi/``, ``kz/`` ...), so every
reader takes it the way it takes ``--from DIR``. scripts/refresh_snapshot.py rewrites it from
a folder of newer official files (docs/data-snapshot.md).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path

from .errors import InputError

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class SnapshotFile:
    """One file of a data folder's manifest: what it is and which bytes it must have."""

    path: str
    source: str
    edition: str
    released: str
    url: str
    licence: str
    sha256: str
    size: int
    retrieved: str

    @property
    def retrieved_at(self) -> datetime:
        return datetime.fromisoformat(self.retrieved).replace(tzinfo=UTC)


def snapshot_dir() -> Path:
    """The folder of the shipped snapshot (inside the installed package)."""
    return Path(str(resources.files("infosoc").joinpath("data")))


@cache
def _read_manifest(path: Path) -> dict[str, SnapshotFile]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        files = [SnapshotFile(**entry) for entry in document["files"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"is not a valid data manifest ({exc})", file=str(path)) from None
    return {f.path: f for f in files}


def manifest(folder: Path | None = None) -> dict[str, SnapshotFile]:
    """The manifest of a data folder (the snapshot by default), by relative path; empty when
    the folder has none."""
    path = (folder if folder is not None else snapshot_dir()) / MANIFEST
    if not path.is_file():
        return {}
    return _read_manifest(path.resolve())


def entry_for(folder: Path, file: Path) -> SnapshotFile | None:
    """The manifest entry of ``file`` inside ``folder``, if the folder has a manifest."""
    try:
        relative = file.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return None
    return manifest(folder).get(relative)


@cache
def snapshot_digest() -> str:
    """The SHA-256 of the shipped manifest: it changes whenever the shipped files do, so a
    store records it to know which snapshot it holds."""
    path = snapshot_dir() / MANIFEST
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def verify(folder: Path | None = None) -> list[str]:
    """Every file of a manifest whose bytes are missing or differ: "path: reason" lines."""
    root = folder if folder is not None else snapshot_dir()
    problems = []
    for entry in manifest(root).values():
        path = root / entry.path
        if not path.is_file():
            problems.append(f"{entry.path}: missing")
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != entry.sha256:
            problems.append(f"{entry.path}: SHA-256 {digest[:12]}, manifest {entry.sha256[:12]}")
    return problems
