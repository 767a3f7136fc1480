"""The site's downloads: every chart's and table's numbers as CSV, JSON, metadata and citations,
and one zip per indicator under /data/ (docs/site.md).

A ``Dataset`` is exactly what a page shows: its rows are the numbers of the page's table, with
None where a value is missing. Missing stays missing in every file (an empty CSV cell, JSON
``null``), never 0. Citations name the original publisher first and infosoc only as the
compiler, so that whoever reuses a number credits who measured it.

Every file is written only when its bytes change (through ``infosoc.files``' atomic write), and
the same input always gives the same bytes, zips included: rebuilding an unchanged site
rewrites nothing, so mtimes, caches and rsync stay quiet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from infosoc import __version__
from infosoc.errors import InputError
from infosoc.files import write_atomically

#: What a missing value means, said once in every metadata file and README.
MISSING_NOTE = (
    "An empty CSV cell (null in JSON) means that no value was published or that it could not "
    "be computed; it never means zero."
)

# One path component of a stem or slug: no "..", no hidden files, no backslash or drive colon.
_COMPONENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# A fixed timestamp (the earliest a zip can hold) so that a zip's bytes depend on its content only.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Provenance:
    """Where a dataset's numbers come from: one publisher's file as infosoc read it.

    ``release`` is the publisher's edition (with the store's version when a file was re-issued);
    ``released`` is the ISO 8601 release date as precise as the publisher states it
    (``"2024"``, ``"2021-07"`` or ``"2024-10-09"``), None when unknown; ``retrieved`` is the
    ISO date infosoc fetched the file, None when unknown.
    """

    publisher: str
    title: str
    release: str
    released: str | None
    licence: str
    url: str
    retrieved: str | None
    file_name: str
    sha256: str

    @classmethod
    def from_source_row(cls, row: Mapping[str, Any]) -> Provenance:
        """Provenance from one row of ``Observatory().sources()``."""
        try:
            edition = str(row["edition"])
            version = row.get("version")
            release = edition if version in (None, 1, "1") else f"{edition}, version {version}"
            return cls(
                publisher=str(row["publisher"]),
                title=str(row["title"]),
                release=release,
                released=_iso(row.get("released")),
                licence=str(row.get("licence") or ""),
                url=str(row.get("url") or row.get("retrieved_from") or ""),
                retrieved=_iso(row.get("retrieved_at"), date_only=True),
                file_name=str(row.get("file_name") or ""),
                sha256=str(row.get("sha256") or ""),
            )
        except KeyError as missing:
            raise InputError(f"a source row needs {missing}", column=str(missing)) from None

    @property
    def year(self) -> str:
        """The year of release for a citation, ``n.d.`` when unknown (APA's spelling)."""
        if self.released and re.match(r"\d{4}", self.released):
            return self.released[:4]
        return "n.d."

    def to_json(self) -> dict[str, Any]:
        """The fields as a JSON object, in declaration order."""
        return asdict(self)


@dataclass
class Dataset:
    """The numbers of one chart or table as the page shows them.

    ``columns`` orders the CSV and the JSON keys; ``rows`` are dicts keyed by those columns,
    holding str, int, finite float, bool, date or None (missing; NaN is read as missing too).
    A key not among the columns is an error rather than silently dropped; a column a row lacks
    is missing in that row.
    """

    key: str
    title: str
    columns: list[str]
    rows: list[dict[str, Any]]
    unit: str = ""
    provenance: list[Provenance] = field(default_factory=list)
    indicator: str | None = None
    period: tuple[str | None, str | None] = (None, None)
    notes: list[str] = field(default_factory=list)


def safe_relpath(value: str, what: str = "path") -> PurePosixPath:
    """``value`` as a relative POSIX path that stays inside the site's root, or InputError.

    Components are letters, digits, ``.``, ``_`` and ``-``, starting with a letter or digit:
    this rules out ``..``, absolute paths, hidden files, backslashes and drive letters.
    """
    if not value or not all(_COMPONENT.fullmatch(part) for part in value.split("/")):
        raise InputError(
            f"{what} {value!r} is not a safe relative path (letters, digits, . _ - and /)"
        )
    return PurePosixPath(value)


def _target(root: Path, rel: PurePosixPath) -> Path:
    path = root.joinpath(*rel.parts)
    # The pattern already forbids escaping; this guards against a symlinked folder in the root.
    if not path.resolve().is_relative_to(root.resolve()):
        raise InputError(f"{rel} would be written outside {root}")
    return path


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically unless the file already holds exactly these bytes;
    True when it wrote."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    write_atomically(path, data)
    return True


# -- cells ------------------------------------------------------------------------------


def _iso(value: Any, *, date_only: bool = False) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if date_only else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return text[:10] if date_only and re.match(r"\d{4}-\d\d-\d\dT", text) else text


def _cell(value: Any, key: str, column: str) -> Any:
    """A row value as JSON holds it: None, str, int, float, bool; dates in ISO 8601."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            raise InputError("an infinite value cannot be published", file=key, column=column)
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise InputError(f"cannot publish a {type(value).__name__}", file=key, column=column)


def _clean_rows(ds: Dataset) -> list[dict[str, Any]]:
    if len(set(ds.columns)) != len(ds.columns):
        raise InputError("columns repeat", file=ds.key)
    known = set(ds.columns)
    out = []
    for i, row in enumerate(ds.rows, start=2):  # row 1 is the CSV header
        extra = [k for k in row if k not in known]
        if extra:
            raise InputError(
                f"not among the columns: {', '.join(map(str, extra))}", file=ds.key, row=i
            )
        out.append({c: _cell(row.get(c), ds.key, c) for c in ds.columns})
    return out


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else repr(value)


def csv_bytes(ds: Dataset) -> bytes:
    """The dataset as UTF-8 CSV (RFC 4180, CRLF line ends): a header of column keys, then one
    line per row; missing values are empty cells, numbers are written in full (Python's
    shortest round-trip form), booleans as ``true``/``false``."""
    out = io.StringIO()
    # RFC 4180's CRLF: with a bare "\n" terminator the csv module leaves a lone "\r" in a
    # value unquoted, and readers then split the row there.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(ds.columns)
    for row in _clean_rows(ds):
        writer.writerow([_csv_text(row[c]) for c in ds.columns])
    return out.getvalue().encode("utf-8")


def json_bytes(ds: Dataset) -> bytes:
    """The dataset as a JSON list of row objects (docs/conventions.md), missing values null."""
    rows = _clean_rows(ds)
    lines = ",\n".join(json.dumps(r, ensure_ascii=False, allow_nan=False) for r in rows)
    return (f"[\n{lines}\n]\n" if rows else "[]\n").encode("utf-8")


# -- citations --------------------------------------------------------------------------


def _sources(ds: Dataset) -> list[Provenance]:
    return list(dict.fromkeys(ds.provenance))


def citation_apa(ds: Dataset, today: dt.date, *, site_name: str = "infosoc") -> str:
    """An APA-style reference per source, one a line, publisher first, then the compiler:

    ``Publisher (2024). Title [Data set], release R. Retrieved 2026-12-07 from URL; compiled
    by infosoc (2026-12-08): Dataset title.`` A dataset without sources cites the compiler.
    """
    compiled = f"compiled by {site_name} ({today.isoformat()}): {ds.title}."
    sources = _sources(ds)
    if not sources:
        return f"{site_name} ({today.year}). {ds.title} [Data set].\n"
    entries = []
    for p in sources:
        release = f", release {p.release}" if p.release else ""
        if p.url and p.retrieved:
            where = f"Retrieved {p.retrieved} from {p.url}; "
        elif p.url:
            where = f"{p.url}; "
        else:
            where = ""
        entries.append(
            f"{p.publisher} ({p.year}). {p.title} [Data set]{release}. {where}{compiled}"
        )
    return "\n".join(entries) + "\n"


_TEX = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
}


def bibtex_escape(text: str) -> str:
    """``text`` safe inside a braced BibTeX field: braces become commands (BibTeX counts even
    escaped braces, so ``\\{`` would unbalance a field), LaTeX specials are escaped."""
    return "".join(_TEX.get(ch, ch) for ch in " ".join(text.split()))


def _bib_url(url: str) -> str:
    # url fields are read verbatim; only characters that break the field are percent-encoded
    return "".join({"{": "%7B", "}": "%7D", "\\": "%5C", " ": "%20"}.get(ch, ch) for ch in url)


def _bib_stem(publisher: str) -> str:
    acronym = re.search(r"\(([A-Z][A-Z-]{1,9})\)", publisher)
    if acronym:
        return acronym.group(1).replace("-", "").lower()
    head = re.split(r"[,(]", publisher, maxsplit=1)[0]
    stem = re.sub(r"[^a-z0-9]", "", head.lower())[:20]
    return stem or "source"


def bibtex_keys(sources: Sequence[Provenance]) -> list[str]:
    """Stable, unique keys: the publisher's acronym or first words, the year and the file's
    hash prefix, so that a key depends only on its source (``itu2025ad0bf6af``)."""
    keys: list[str] = []
    for p in sources:
        year = p.year if p.year != "n.d." else "nd"
        base = f"{_bib_stem(p.publisher)}{year}{re.sub(r'[^0-9a-f]', '', p.sha256.lower())[:8]}"
        key, n = base, 0
        while key in keys:
            n += 1
            key = f"{base}{chr(ord('a') + (n - 1) % 26)}{(n - 1) // 26 or ''}"
        keys.append(key)
    return keys


def citation_bibtex(ds: Dataset, today: dt.date, *, site_name: str = "infosoc") -> str:
    """One ``@misc`` entry per distinct source, the publisher as (corporate) author; the note
    names the release, the retrieval date, the file's SHA-256 and infosoc as compiler."""
    sources = _sources(ds)
    compiled = f"Compiled by {site_name} ({today.isoformat()}): {ds.title}."
    if not sources:
        name = re.sub(r"[^a-z0-9]", "", site_name.lower()) or "site"
        fields = [
            ("author", "{" + bibtex_escape(site_name) + "}"),
            ("title", "{" + bibtex_escape(ds.title) + "}"),
            ("year", str(today.year)),
        ]
        return _entry(f"{name}{today.year}", fields)
    entries = []
    for key, p in zip(bibtex_keys(sources), sources, strict=True):
        note = [f"Release: {p.release}." if p.release else ""]
        if p.retrieved:
            note.append(f"Retrieved {p.retrieved}.")
        if p.file_name:
            note.append(f"File: {p.file_name}" + (f" (SHA-256 {p.sha256})." if p.sha256 else "."))
        note.append(compiled)
        fields = [
            ("author", "{" + bibtex_escape(p.publisher) + "}"),
            ("title", "{" + bibtex_escape(p.title) + "}"),
            ("year", bibtex_escape(p.year)),
            ("version", bibtex_escape(p.release)),
            ("url", _bib_url(p.url)),
            ("urldate", bibtex_escape(p.retrieved or "")),
            ("note", bibtex_escape(" ".join(n for n in note if n))),
        ]
        entries.append(_entry(key, [(k, v) for k, v in fields if v]))
    return "\n".join(entries)


def _entry(key: str, fields: Sequence[tuple[str, str]]) -> str:
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


# -- metadata and files -----------------------------------------------------------------


def _metadata(ds: Dataset, today: dt.date, site_name: str) -> dict[str, Any]:
    return {
        "key": ds.key,
        "title": ds.title,
        "indicator": ds.indicator,
        "unit": ds.unit,
        "period": {"start": ds.period[0], "end": ds.period[1]},
        "columns": list(ds.columns),
        "rows": len(ds.rows),
        "missing": MISSING_NOTE,
        "notes": list(ds.notes),
        **_provenance_json(ds, today, site_name),
    }


def _provenance_json(ds: Dataset, today: dt.date, site_name: str) -> dict[str, Any]:
    """The part of a metadata file that says where the numbers come from and how to cite them."""
    sources = _sources(ds)
    return {
        "sources": [
            {"citation_key": key, **p.to_json()}
            for key, p in zip(bibtex_keys(sources), sources, strict=True)
        ],
        "licences": list(dict.fromkeys(p.licence for p in sources if p.licence)),
        "citation": {
            "apa": citation_apa(ds, today, site_name=site_name).rstrip("\n").split("\n"),
            "bibtex": citation_bibtex(ds, today, site_name=site_name),
        },
        "generated": today.isoformat(),
        "generator": {"name": site_name, "software": "infosoc", "version": __version__},
    }


def _json_file(payload: Any) -> bytes:
    return (json.dumps(payload, ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode(
        "utf-8"
    )


def write_dataset(
    root: Path, stem: str, ds: Dataset, *, site_name: str = "infosoc", today: dt.date
) -> dict[str, str]:
    """Write ``stem.csv``, ``stem.json``, ``stem.metadata.json``, ``stem.bib`` and
    ``stem.apa.txt`` under ``root``; returns their paths relative to ``root`` (POSIX), keyed
    ``csv``, ``json``, ``metadata``, ``bibtex``, ``apa``.

    ``stem`` is a relative POSIX path such as ``data/egdi/KAZ`` (InputError otherwise). The same
    input gives the same bytes, and a file whose bytes would not change is not rewritten.
    """
    rel = safe_relpath(stem, "stem")
    files = {
        "csv": (".csv", csv_bytes(ds)),
        "json": (".json", json_bytes(ds)),
        "metadata": (".metadata.json", _json_file(_metadata(ds, today, site_name))),
        "bibtex": (".bib", citation_bibtex(ds, today, site_name=site_name).encode("utf-8")),
        "apa": (".apa.txt", citation_apa(ds, today, site_name=site_name).encode("utf-8")),
    }
    written: dict[str, str] = {}
    for kind, (suffix, data) in files.items():
        name = rel.parent / (rel.name + suffix)
        write_if_changed(_target(root, name), data)
        written[kind] = name.as_posix()
    return written


def _readme(
    title: str, slug: str, members: Sequence[tuple[str, Dataset]], today: dt.date, site_name: str
) -> str:
    sources = list(dict.fromkeys(p for _name, ds in members for p in ds.provenance))
    lines = [title, "=" * len(title), "", f"Indicator: {slug}", "", "Files:"]
    lines += [
        f"  {name}.csv  {ds.title}" + (f" ({ds.unit})" if ds.unit else "") for name, ds in members
    ]
    lines += ["  metadata.json  sources, releases, licences, checksums and citations", ""]
    lines += ["Missing values:", f"  {MISSING_NOTE}", "", "Licences:"]
    lines += [
        f"  {p.publisher}, {p.title} ({p.release}): {p.licence or 'no licence stated'}"
        for p in sources
    ] or ["  none stated"]
    combined = Dataset(key=slug, title=title, columns=[], rows=[], provenance=sources)
    lines += ["", "Please cite the original publishers first:", ""]
    lines += [f"  {c}" for c in citation_apa(combined, today, site_name=site_name).splitlines()]
    lines += ["", f"Compiled by {site_name} (infosoc {__version__}) on {today.isoformat()}.", ""]
    return "\n".join(lines)


def write_zip(
    root: Path,
    slug: str,
    members: Sequence[tuple[str, Dataset]],
    *,
    today: dt.date,
    title: str | None = None,
    site_name: str = "infosoc",
) -> str:
    """Write ``data/{slug}.zip`` under ``root`` and return its path relative to ``root``.

    It holds ``{name}.csv`` for each ``(name, dataset)`` member, one ``metadata.json`` (every
    member's columns, unit and period; the sources, licences and citations) and ``README.txt``
    (title, licences, citation, what missing means). Names are sorted and timestamps fixed, so
    identical input gives identical bytes; an unchanged zip is not rewritten.
    """
    rel = safe_relpath(f"data/{slug}", "slug")
    names = [safe_relpath(name, "member name").as_posix() for name, _ds in members]
    if len(set(names)) != len(names):
        raise InputError(f"zip {slug}: member names repeat")
    ordered = sorted(zip(names, (ds for _n, ds in members), strict=True), key=lambda m: m[0])
    heading = title or slug
    sources = list(dict.fromkeys(p for _n, ds in ordered for p in ds.provenance))
    combined = Dataset(key=slug, title=heading, columns=[], rows=[], provenance=sources)
    keys = dict(zip(sources, bibtex_keys(sources), strict=True))
    metadata = {
        "indicator": slug,
        "title": heading,
        "missing": MISSING_NOTE,
        "files": [
            {
                "name": f"{name}.csv",
                "key": ds.key,
                "title": ds.title,
                "unit": ds.unit,
                "columns": list(ds.columns),
                "rows": len(ds.rows),
                "period": {"start": ds.period[0], "end": ds.period[1]},
                "notes": list(ds.notes),
                "sources": [keys[p] for p in _sources(ds)],
            }
            for name, ds in ordered
        ],
        **_provenance_json(combined, today, site_name),
    }
    content = {f"{name}.csv": csv_bytes(ds) for name, ds in ordered}
    content["metadata.json"] = _json_file(metadata)
    content["README.txt"] = _readme(heading, slug, ordered, today, site_name).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(content):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, wherever the site is built
            info.external_attr = 0o644 << 16
            archive.writestr(info, content[name], compresslevel=9)
    path = rel.parent / (rel.name + ".zip")
    write_if_changed(_target(root, path), buffer.getvalue())
    return path.as_posix()
