"""Reading the files of one or more sources, from a local folder or online, ready to store.

The Observatory's ``ingest``, ``update`` and first build all come through here: one way to
find, download and parse files, whatever writes them afterwards. Everything is parsed and
checked before the store's writer lock is taken (:mod:`infosoc.store_files`).
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import InputError, SourceError
from .records import Progress
from .snapshot import snapshot_digest, snapshot_dir
from .sources import DOWNLOADS, REGISTRY, read_mirror
from .sources.base import ParsedFile, RawFile
from .sources.plausible import checked
from .store import IngestResult, new_version, writing
from .store_files import writer_lock

#: The store's meta key for the shipped snapshot it holds (its manifest's SHA-256).
SNAPSHOT_KEY = "snapshot"
#: Suffixes of files that look like data: listed when no source reads them.
DATA_SUFFIXES = {".csv", ".tsv", ".json", ".parquet", ".xlsx", ".geojson", ".gpkg"}


#: An edition as a user may name one: it becomes part of a file name in the cache, so it may
#: hold no path separator and no "..".
_EDITION = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def check_editions(editions: list[str] | None) -> None:
    """An InputError naming every edition that could not be a file name of its own
    ("2024" and "internet-users" can; "/../../x" and "a/b" cannot)."""
    bad = [str(e) for e in editions or [] if not _EDITION.fullmatch(str(e)) or ".." in str(e)]
    if bad:
        shown = ", ".join(repr(b) for b in bad)
        raise InputError(
            f"--edition must be a plain name such as 2024 (letters, digits, '.', '-', '_'), "
            f"not {shown}"
        )


def raw_files(
    source: str,
    folder: Path | None,
    cache: Path,
    editions: list[str] | None,
    refresh: bool,
    progress: Progress | None,
) -> list[RawFile]:
    """The files of one source: found in ``folder`` (only ``editions`` whose names hold one
    of them, when given), else downloaded into ``cache`` (``refresh``: again, even if held)."""
    module = REGISTRY[source]
    check_editions(editions)
    if folder is not None:
        files = read_mirror(module, folder)
        if editions:
            wanted = {str(e) for e in editions}
            files = [f for f in files if any(w in f.path.name for w in wanted)]
        return files
    downloadable = DOWNLOADS.get(source)
    if downloadable is None:
        # Sources without a stable machine download say where to get their files instead.
        raise SourceError(module.META.get("no_download") or f"{source}: use --from DIR")
    years = editions or list(module.META["editions"])
    fetched: list[RawFile] = []
    for done, year in enumerate(years, start=1):
        fetched += downloadable.fetch(cache, [year], refresh=refresh, progress=progress)
        if progress:
            progress(done, len(years), f"downloading {source} {year}")
    return fetched


def parse_files(
    names: list[str],
    folder: Path | None,
    cache: Path,
    editions: list[str] | None,
    refresh: bool,
    progress: Progress | None,
) -> tuple[list[ParsedFile], set[Path]]:
    """Read and parse every file of the named sources (from ``folder``, else online); also
    return the resolved paths of the files read. Any fault raises before anything is written;
    no file at all is an InputError. Every parsed file passes its source's plausibility rules
    (sources/plausible.py), so no implausible value reaches the store, whichever source read it."""
    raws = [
        (name, raw)
        for name in names
        for raw in raw_files(name, folder, cache, editions, refresh, progress)
    ]
    if not raws:
        where = folder if folder is not None else "the download"
        raise InputError(f"no files of {', '.join(names)} found in {where}")
    parsed: list[ParsedFile] = []
    for done, (name, raw) in enumerate(raws, start=1):
        parsed.append(_parse(name, raw, cache if folder is None else None))
        if progress:
            progress(done, len(raws), f"reading {raw.path.name}")
    return parsed, {raw.path.resolve() for _, raw in raws}


def _parse(name: str, raw: RawFile, cache: Path | None) -> ParsedFile:
    """A file parsed by its source; when it is a download held in ``cache`` (written by an
    older infosoc, say), an error about it names the cached copy and how to refresh it."""
    try:
        return checked(name, REGISTRY[name].parse(raw))
    except InputError as exc:
        if cache is None or not raw.path.is_relative_to(cache):
            raise
        from .sources.fetch import REFRESH_HINT

        raise InputError(f"cached download {raw.path} ({REFRESH_HINT}): {exc}") from exc


def unclaimed(folder: Path, claimed: set[Path]) -> list[IngestResult]:
    """Data files in a local folder that no source reads: listed, so none is passed over unseen."""
    found = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in DATA_SUFFIXES and p.resolve() not in claimed
    )
    return [
        IngestResult("", "", str(p.relative_to(folder)), "skipped: no source reads it", 0, 0)
        for p in found
    ]


def build_from_snapshot(target: Path, cache: Path, progress: Progress | None) -> list[IngestResult]:
    """A new store at ``target`` with every source of the shipped snapshot, written beside its
    place and moved there whole (a second process never sees it half-built, a failure leaves
    nothing); [] when ``target`` exists already, or was built by another process meanwhile."""
    if target.exists():
        return []
    parsed, _ = parse_files(list(REGISTRY), snapshot_dir(), cache, None, False, progress)
    with writer_lock(target):
        if target.exists():
            return []
        with new_version(target) as store:
            results = store.ingest(parsed)
            store.set_meta(SNAPSHOT_KEY, snapshot_digest())
    return results


def ingest_snapshot(target: Path, cache: Path, progress: Progress | None) -> list[IngestResult]:
    """Every source of the shipped snapshot into the store at ``target``, in one transaction
    on a copy that replaces it (decision 0028); the store then records the snapshot it holds."""
    parsed, _ = parse_files(list(REGISTRY), snapshot_dir(), cache, None, False, progress)
    with writing(target) as store:
        results = store.ingest(parsed)
        store.set_meta(SNAPSHOT_KEY, snapshot_digest())
    return results
