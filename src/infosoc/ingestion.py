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
        if folder is not None:
            unclaimed(folder, set())  # a file plainly meant for a source is named, not lost
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
    """Data files in a local folder that no source reads, each listed with why, so none is
    passed over unseen. A file plainly meant for a source is an InputError naming it and the
    source instead (:func:`near_miss`): checked before anything is written."""
    found = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in DATA_SUFFIXES and p.resolve() not in claimed
    )
    results = []
    for path in found:
        reason = near_miss(path, folder)
        results.append(
            IngestResult("", "", str(path.relative_to(folder)), f"skipped: {reason}", 0, 0)
        )
    return results


#: A header sharing at least this share of a source's expected columns (but not all of them)
#: is that source's table with a column renamed.
_CLOSE_HEADER = 0.6


def _expected_headers() -> dict[str, set[str]]:
    """The columns each source's table is recognised by: its metadata's ``signature``, or the
    ``columns`` of a source whose files have one fixed header (it names them by a pattern);
    other sources' ``columns`` may be partly absent from a file, so they say nothing."""
    headers = {}
    for name, module in REGISTRY.items():
        meta = getattr(module, "META", {})
        columns = meta.get("signature") or (meta.get("file_pattern") and meta.get("columns"))
        if isinstance(columns, dict | list) and len(columns) >= 2:
            headers[name] = {str(c) for c in columns}
    return headers


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(4096)


def _header_columns(text: str) -> set[str]:
    first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    sep = "\t" if first.count("\t") > first.count(",") else ","
    return {c.strip().strip('"').strip() for c in first.split(sep) if c.strip()}


def _example(pattern: str) -> str:
    """A file name a source's pattern matches, for comparing names: groups of digits as 9s."""
    example = re.sub(r"\\d\{(\d+)\}", lambda m: "9" * int(m.group(1)), pattern)
    return re.sub(r"[\\()+*?]", "", example.replace("\\d", "9"))


def _skeleton(name: str) -> str:
    """A name without case, punctuation and the values of its digits."""
    return re.sub(r"\d", "9", re.sub(r"[^0-9a-z]", "", name.lower()))


def _close(name: str, pattern: str) -> bool:
    """Whether ``name`` is a small edit away from the names ``pattern`` matches (a copy's
    " (1)", a missing letter), judged on skeletons."""
    import difflib

    return (
        difflib.SequenceMatcher(None, _skeleton(name), _skeleton(_example(pattern))).ratio() >= 0.9
    )


def near_miss(path: Path, folder: Path) -> str:
    """Why no source reads ``path``; an InputError when it is plainly meant for one: its name
    matches a source's file pattern but for case, it is a saved error answer (an HTML page or
    a JSON error) in a source's folder, or its header is a source's with columns renamed or
    in UTF-16."""
    name = str(path.relative_to(folder))
    owners = [
        n
        for n, m in REGISTRY.items()
        if (f := getattr(m, "META", {}).get("mirror_folder")) and path.parent == folder / f
    ]
    home = " and ".join(owners) or None
    for source, module in REGISTRY.items():
        pattern = getattr(module, "META", {}).get("file_pattern")
        if not pattern:
            continue
        if re.fullmatch(pattern, path.name):
            return f"a file of {source}, which was not ingested"
        if re.fullmatch(pattern, path.name, flags=re.IGNORECASE):
            raise InputError(
                f"its name differs only in case from the files {source} reads "
                f"({pattern}): rename it to be read",
                file=name,
            )
        if _skeleton(path.name) == _skeleton(_example(pattern)) or _close(path.name, pattern):
            raise InputError(
                f"its name is close to the files {source} reads ({pattern}) but not one of "
                "them: rename it to be read",
                file=name,
            )
    try:
        head = _head(path)
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if path.suffix.lower() in (".parquet", ".xlsx", ".gpkg"):
        return "no source reads files of this kind here"
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    text = head.decode("utf-16" if utf16 else "utf-8", errors="replace")
    lowered = text.lstrip("\ufeff \t\r\n").lower()
    if home is not None and lowered.startswith(("<!doctype html", "<html", "<?xml")):
        raise InputError(f"is an HTML page, not data, in the folder {home} reads", file=name)
    answer = lowered.startswith(("{", "[")) and (
        '"error' in lowered[:500] or '"message"' in lowered[:500]
    )
    if (home is not None or path.suffix.lower() == ".json") and answer:
        raise InputError(
            f"is a saved error answer, not data, in the folder {home} reads", file=name
        )
    columns = _header_columns(text) if path.suffix.lower() in (".csv", ".tsv") else set()
    for source, expected in _expected_headers().items():
        shared = len(columns & expected) / len(expected)
        if utf16 and shared >= _CLOSE_HEADER:
            raise InputError(f"is {source}'s table saved as UTF-16: save it as UTF-8", file=name)
        if _CLOSE_HEADER <= shared < 1:
            missing = ", ".join(sorted(expected - columns))
            raise InputError(
                f"has most of {source}'s columns but not {missing} (renamed?)", file=name
            )
        if shared == 1:
            return f"it has {source}'s columns, but not the name of a file {source} reads"
    if utf16:
        return "it is UTF-16 text, and every source reads UTF-8"
    if home is not None:
        return f"in the folder of {home}, but not a file it reads"
    return "no source reads it"


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
