"""Kazakhstan's official boundaries: regions and districts keyed by KATO code (geokz).

The R package geokz (arodionoff/geokz, CC BY 4.0) ships the regions (ADM1) and districts
(ADM2: rayons, cities of regional significance and the districts of the three republican
cities) of the 2018 and 2024 layouts as shapefiles, each feature with its KATO code (the
national classifier of administrative-territorial objects, which stat.gov.kz tables use) and
names in Kazakh, Russian and English. :func:`kz_boundaries` reads them from the data snapshot
(or a data folder); :func:`load_boundaries` reads any boundary file and, when it is in the
geokz layout, gives it those names and region codes.

Every feature is mapped to the ISO 3166-2 code of its region that the rest of infosoc uses
(``KZ-11``): the first two digits of a KATO code are the region's number in that code. The
file's own ``ISO_3166_2`` field is not used: it holds the codes withdrawn in 2020
(``KZ-AKM``), and gives Turkistan Region the code of the old South Kazakhstan (``KZ-YUZ``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from ..errors import InputError, NotFoundError
from ..i18n import LANGS
from ..snapshot import snapshot_dir
from ..structured import regular_file
from .kz_regions import LAYOUTS, check_layout, kz_layout_codes, kz_region_names, layout_of_date
from .regions import MAX_BYTES, Regions, load_regions

Level = Literal["region", "district"]
Vintage = Literal["2018", "2024"]

GEOKZ_FOLDER = Path("kz") / "boundaries_geokz"
LEVELS: dict[str, int] = {"region": 1, "district": 2}  # level -> ADM level of the file
VINTAGES: tuple[str, ...] = ("2018", "2024")
KATO_FIELD = "KATO"
_KATO = re.compile(r"\d{9}")
_LANG_SUFFIX = {lang: lang.upper() for lang in LANGS}  # geokz names ADM2_EN, ADM2_RU, ADM2_KK
# Latin letters that look like Cyrillic ones, typed by mistake into Cyrillic names: geokz has
# "Солтүстiк" (Latin i for Kazakh і) and "Aршалинский" (Latin A).
_HOMOGLYPHS = str.maketrans("AaBCcEeHIiKMOoPpTXxy", "АаВСсЕеНІіКМОоРрТХху")
_WORD = re.compile(r"\w+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True, eq=False)
class KzBoundaries(Regions):
    """Regions or districts of Kazakhstan from a geokz file, one per key (KATO by default).

    Besides what every :class:`Regions` holds (names in en/ru/kk, geometries, the layout of
    regions they draw: "2018" or "2022"), each key has ``region_kato``, the KATO code of the
    region it lies in (itself for a region), and ``region_code``, that region's ISO 3166-2
    code (``KZ-11``), the code that official statistics by region are joined on. ``level`` is
    "region" or "district"; ``vintage`` is the file's ``Year`` ("2018", "2024"), or None.
    """

    level: str = "region"
    vintage: str | None = None
    kato: dict[str, str] = field(default_factory=dict)
    region_kato: dict[str, str] = field(default_factory=dict)
    region_code: dict[str, str] = field(default_factory=dict)


def geokz_path(level: Level, layout: Vintage, folder: Path | None = None) -> Path:
    """The shapefile of ``level`` ("region", "district") in ``layout`` ("2018", "2024").

    ``folder`` is a data folder laid out like the snapshot (``kz/boundaries_geokz/...``) or
    the folder of the shapefiles itself; default: the snapshot.
    """
    if level not in LEVELS:
        raise InputError(f"unknown level '{level}': the levels are region, district")
    if layout not in VINTAGES:
        raise InputError(f"unknown geokz layout '{layout}': the layouts are 2018, 2024")
    name = f"kaz_admbnda_adm{LEVELS[level]}_{layout}.shp"
    root = Path(folder) if folder is not None else snapshot_dir()
    for candidate in (root / GEOKZ_FOLDER / name, root / name):
        if candidate.is_file():
            return candidate
    raise NotFoundError(
        f"Kazakhstan's {level} boundaries ({layout}) come from "
        f"{(GEOKZ_FOLDER / name).as_posix()} in a data folder; {root} has no such file"
    )


def kz_boundaries(
    level: Level = "region", layout: Vintage = "2024", folder: Path | None = None
) -> KzBoundaries:
    """Kazakhstan's regions (20 in 2024, 17 in 2018) or districts (224 in 2024, 216 in 2018),
    keyed by KATO code, with names in en/ru/kk and each key's region code (``KZ-11``).

    Read from geokz's shapefiles in the snapshot, or in ``folder`` (see :func:`geokz_path`).
    Needs pyogrio (the ``geo`` extra).
    """
    return read_geokz(geokz_path(level, layout, folder))


#: The geokz file that draws each region layout of infosoc's (docs/regions.md); the 1997
#: layout has none.
GEOKZ_OF_LAYOUT: dict[str, Vintage] = {"2018": "2018", "2022": "2024"}


def kz_official_regions(layout: str = "2022", folder: Path | None = None) -> Regions:
    """Kazakhstan's regions in ``layout`` ("2018": 17, "2022": 20) from the official geokz
    boundaries, keyed by region code (``KZ-11``): the key official statistics by region are
    joined on. The 1997 layout has no geokz file (a NotFoundError). Needs pyogrio."""
    vintage = GEOKZ_OF_LAYOUT.get(check_layout(layout))
    if vintage is None:
        raise NotFoundError(f"geokz draws no boundaries of the {layout} region layout")
    found = kz_boundaries("region", vintage, folder)
    code = found.region_code
    return Regions(
        keys=tuple(code[k] for k in found.keys),
        names={
            lang: {code[k]: name for k, name in names.items()}
            for lang, names in found.names.items()
        },
        geometries=found.geometries,
        path=found.path,
        key_property="region code (from KATO)",
        sha256=found.sha256,
        layout=found.layout,
        repaired=tuple(code[k] for k in found.repaired),
    )


def load_boundaries(path: Path, key: str | None = None, *, layer: str | None = None) -> Regions:
    """Any boundary file, as :func:`load_regions` reads it; a file in geokz's layout (fields
    ``KATO`` and ``ADM1_EN/RU/KK``) as a :class:`KzBoundaries`, keyed by ``key`` (default
    ``KATO``) and named in three languages."""
    path = Path(path)
    # Before GDAL opens it: a FIFO would block GDAL, a device would never end.
    regular_file(path, max_bytes=MAX_BYTES, file=path.name)
    if _geokz_level(path, layer) is None:
        return load_regions(path, key, layer=layer)
    return read_geokz(path, key or KATO_FIELD, layer=layer)


def read_geokz(path: Path, key: str = KATO_FIELD, *, layer: str | None = None) -> KzBoundaries:
    """A geokz boundary file keyed by ``key``: districts when it has ``ADM2_*`` names, else
    regions. Errors name the file, the feature (row, from 1) and the field (column)."""
    path = Path(path)
    adm = _geokz_level(path, layer)
    if adm is None:
        raise InputError(
            f"is not in geokz's layout (fields {KATO_FIELD}, ADM1_EN, ADM1_RU, ADM1_KK)",
            file=path.name,
        )
    regions = load_regions(path, key, layer=layer)
    records = _attributes(path, layer)
    file = path.name
    katos = [_kato(record.get(KATO_FIELD), file, row) for row, record in enumerate(records, 1)]
    codes = [f"KZ-{kato[:2]}" for kato in katos]
    layout = _layout(records, codes, file)
    known = set(kz_layout_codes(layout)) if layout else set(kz_region_names())
    for row, (kato, code) in enumerate(zip(katos, codes, strict=True), start=1):
        if code not in known:
            where = f"the {layout} layout" if layout else "Kazakhstan"
            raise InputError(
                f"KATO {kato} starts with {kato[:2]}, which is no region of {where}",
                file=file,
                row=row,
                column=KATO_FIELD,
            )
    keys = regions.keys
    names: dict[str, dict[str, str]]
    if adm == 1:
        region_names = {lang: kz_region_names(lang) for lang in LANGS}
        names = {
            lang: {k: region_names[lang][c] for k, c in zip(keys, codes, strict=True)}
            for lang in LANGS
        }
    else:
        names = {
            lang: {
                k: _fixed_name(record.get(f"ADM2_{_LANG_SUFFIX[lang]}")) or k
                for k, record in zip(keys, records, strict=True)
            }
            for lang in LANGS
        }
    return KzBoundaries(
        keys=keys,
        names=names,
        geometries=regions.geometries,
        path=regions.path,
        key_property=regions.key_property,
        sha256=regions.sha256,
        layout=layout,
        repaired=regions.repaired,
        level="region" if adm == 1 else "district",
        vintage=_year(records),
        kato=dict(zip(keys, katos, strict=True)),
        region_kato={k: kato[:2] + "0000000" for k, kato in zip(keys, katos, strict=True)},
        region_code=dict(zip(keys, codes, strict=True)),
    )


def _geokz_level(path: Path, layer: str | None) -> int | None:
    """2 for a geokz district file, 1 for a region file, None for anything else (including a
    file GDAL cannot read: :func:`load_regions` then gives the error)."""
    if path.suffix.lower() in (".geojson", ".json"):
        return None
    try:
        import pyogrio
        import pyogrio.errors
    except ImportError:
        return None
    try:
        fields = set(pyogrio.read_info(path, layer=layer)["fields"])
    except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError):
        return None
    for adm in (2, 1):
        wanted = {KATO_FIELD} | {f"ADM{adm}_{suffix}" for suffix in _LANG_SUFFIX.values()}
        if wanted <= fields:
            return adm
    return None


def _attributes(path: Path, layer: str | None) -> list[dict[str, Any]]:
    """The attribute table, one dict per feature, in the order :func:`load_regions` keeps."""
    import pyogrio

    meta, _, _, columns = pyogrio.raw.read(path, layer=layer, read_geometry=False)
    fields = [str(f) for f in meta["fields"]]
    count = len(columns[0]) if columns else 0
    return [{f: values[i] for f, values in zip(fields, columns, strict=True)} for i in range(count)]


def _kato(value: Any, file: str, row: int) -> str:
    text = "" if value is None else str(value).strip()
    if not _KATO.fullmatch(text):
        raise InputError(
            f"'{text}' is not a KATO code (nine digits)", file=file, row=row, column=KATO_FIELD
        )
    return text


def _year(records: list[dict[str, Any]]) -> str | None:
    years = {str(r["Year"]) for r in records if r.get("Year") is not None}
    return years.pop() if len(years) == 1 else None


def _layout(records: list[dict[str, Any]], codes: list[str], file: str) -> str | None:
    """The layout of regions the file draws: the one in force at the end of its ``Year``
    (geokz's 2018 file is the 17 regions of June 2018), else the layout whose regions are
    exactly those of the file; None when neither tells."""
    year = _year(records)
    if year is not None and year.isdigit() and int(year) >= 1997:
        return layout_of_date(date(int(year), 12, 31))
    found = set(codes)
    return next((lay for lay in reversed(LAYOUTS) if set(kz_layout_codes(lay)) == found), None)


def _fixed_name(value: Any) -> str | None:
    """A name with surrounding blanks trimmed and the Latin look-alike letters inside a
    Cyrillic word made Cyrillic (so that "Солтүстiк" is found and sorted as "Солтүстік")."""
    if value is None:
        return None
    text = str(value).strip()

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        if _CYRILLIC.search(word) and _LATIN.search(word):
            return word.translate(_HOMOGLYPHS)
        return word

    return _WORD.sub(fix, text) or None
