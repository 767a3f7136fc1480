"""The downloads of each page and indicator, written through :mod:`infosoc.site.downloads`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .downloads import Dataset, Provenance, write_dataset, write_zip
from .model import DataFile, Page
from .world import Indicator, World, provenance


def dataset(data: DataFile) -> Dataset:
    """A page's data file as a dataset with its provenance."""
    return Dataset(
        key=data.stem,
        title=data.title,
        columns=list(data.columns),
        rows=[dict(r) for r in data.rows],
        unit=data.unit,
        provenance=[Provenance.from_source_row(s) for s in data.sources],
        indicator=data.indicator,
        notes=list(data.notes),
    )


def write_page_data(root: Path, page: Page, seen: set[str], *, today: dt.date | None) -> None:
    """Write the data of every figure and table of ``page`` (each stem once per build) and
    note where the files are on the figure or data file."""
    for data, downloads in [*((f.data, f.downloads) for f in page.figures),
                            *((d, d.downloads) for d in page.data_files)]:  # fmt: skip
        written = _write(root, data, seen, today)
        downloads.update(written)
        data.downloads.update(written)


def _write(root: Path, data: DataFile, seen: set[str], today: dt.date | None) -> dict[str, str]:
    if data.stem in seen:
        return _paths(data.stem)
    seen.add(data.stem)
    return write_dataset(root, data.stem, dataset(data), today=today or dt.date.today())


def _paths(stem: str) -> dict[str, str]:
    return {"csv": f"{stem}.csv", "json": f"{stem}.json", "metadata": f"{stem}.metadata.json",
            "bibtex": f"{stem}.bib", "apa": f"{stem}.apa.txt"}  # fmt: skip


def write_indicator_data(
    root: Path,
    world: World,
    spec: Indicator,
    per_country: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    today: dt.date | None,
) -> None:
    """``data/{slug}/{ISO3}.*`` for every country given, and ``data/{slug}.zip`` of them all."""
    day = today or dt.date.today()
    sources = [Provenance.from_source_row(s) for s in provenance(world, spec.slug, None)]
    members = []
    for iso3, rows in per_country.items():
        ds = Dataset(
            key=f"{spec.slug}/{iso3}", title=f"{spec.name}: {iso3}", columns=["period", "value"],
            rows=[{"period": r["period"], "value": r["value"]} for r in rows],
            unit=_unit(world, spec), provenance=sources, indicator=spec.slug, notes=[],
        )  # fmt: skip
        write_dataset(root, f"data/{spec.slug}/{iso3}", ds, today=day)
        members.append((iso3, ds))
    if members:
        write_zip(root, spec.slug, members, today=day)


def _unit(world: World, spec: Indicator) -> str:
    if spec.survey:
        return "index, 0-1"
    found = world.series.get(spec.code)
    return str(found.meta.get("unit") or "") if found else ""
