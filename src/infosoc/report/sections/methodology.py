"""The last section: how the numbers are made, and every source the report cites."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...i18n.format import MISSING
from ..context import Context
from ..localiser import Localiser
from ..model import Cell, Section, Table
from .egdi import RANK_SAMPLES, RANK_SEED


def methodology_section(ctx: Context) -> Section:
    """The method in a few paragraphs and a table of the sources cited, one row per source
    (built last: it lists what the other sections cited)."""
    loc = ctx.loc
    section = Section("methodology", loc._("Methodology and sources"))
    section.paragraphs += [
        loc._(
            "All figures are read from official files held in infosoc's store, each traceable "
            "to its publisher, edition, file and retrieval date; the numbered notes give the "
            "source of every number."
        ),
        loc._(
            "The EGDI is the mean of three indices, each from 0 to 1: online services (OSI), "
            "telecommunication infrastructure (TII) and human capital (HCI). The E-Participation "
            "Index (EPI) is published beside it. The method changed between some editions "
            "(marked †), so a change of rank is not always a change of performance."
        ),
        loc._(
            "The rank interval rebuilds the index from its published components with random "
            "weights (±25%%), other normalisations and aggregations, %(samples)s times with "
            "seed %(seed)s, and reports the 5th and 95th percentiles of the rank.",
            samples=loc.num(RANK_SAMPLES),
            seed=RANK_SEED,
        ),
        loc._(
            "A missing value is shown as “—”, never as 0: a country may not have been a member "
            "yet, or a source may not cover it."
        ),
        loc._("Titles and licence terms of the sources are quoted as their publishers give them."),
    ]
    columns = [
        Cell(loc._("Publisher and files")),
        Cell(loc._("Retrieved")),
        Cell(loc._("Licence")),
        Cell(loc._("Address")),
    ]
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in ctx.notes.cited:
        groups.setdefault(str(row["source"]), []).append(row)
    rows = [_source_row(loc, files) for _, files in sorted(groups.items())]
    if rows:
        section.tables.append(
            Table(
                columns,
                rows,
                caption=loc._("Sources cited"),
                css="sources",
                widths=(40, 15, 27, 18),
            )
        )
    else:
        section.missing = loc._("No source is cited: the store holds no data on this country.")
    return section


def _source_row(loc: Localiser, files: Sequence[Mapping[str, Any]]) -> list[Cell]:
    """One source (publisher) with every file of it the report cites."""
    files = sorted(files, key=lambda r: str(r["edition"]))
    first = files[0]
    if len(files) == 1:
        detail = loc._(
            "%(title)s; file %(file)s, version %(version)s",
            title=first["title"],
            file=first["file_name"],
            version=first["version"],
        )
    else:
        editions = ", ".join(
            f"{r['edition']} (v{r['version']})" if int(r["version"]) > 1 else str(r["edition"])
            for r in files
        )
        detail = loc._("Editions or files: %(list)s", list=editions)
    dates = sorted({loc.date(r["retrieved_at"]) for r in files})
    urls = list(dict.fromkeys(str(r.get("url") or "") for r in files if r.get("url")))
    # One licence per source: the newest file's (the UN's names the edition it cites).
    licence = next((str(r["licence"]) for r in reversed(files) if r.get("licence")), MISSING)
    return [
        Cell(str(first["publisher"]), sub=detail),
        Cell(" / ".join(dates) if dates else MISSING),
        Cell(licence),
        Cell(" ".join(urls) or MISSING, css="url"),
    ]
