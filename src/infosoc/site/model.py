"""What a page of the site is made of: plain data, final in the page's language, that the
templates lay out. Tables and cells are the report's (:mod:`infosoc.report.model`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..report.model import Cell, Section, Table
from .figures import ChartFiles, Drawing, KeyEntry

__all__ = ["Cell", "DataFile", "Figure", "Page", "Section", "Table"]


@dataclass
class DataFile:
    """The numbers behind a chart or table, for the downloads: ``rows`` hold exactly the values
    shown (None: missing), ``sources`` the provenance rows of the files they come from."""

    stem: str  # where the files go, relative to the site's root, without a suffix
    title: str
    columns: list[str]
    rows: list[dict[str, Any]]
    unit: str
    sources: list[dict[str, Any]]
    indicator: str = ""
    notes: list[str] = field(default_factory=list)
    downloads: dict[str, str] = field(default_factory=dict)  # kind -> path from the root


@dataclass
class Figure:
    """One chart with everything around it: title, caption, text summary, legend, data table
    and downloads. ``drawing`` is None for a figure shown as a table only."""

    id: str  # unique on the site: the embed page's address and the download's name
    title: str
    caption: str  # source and period
    summary: str  # one line, numbers in the page's language: the chart's text alternative
    drawing: Drawing | None
    key: list[KeyEntry]
    table: Table
    data: DataFile
    files: ChartFiles | None = None  # set when drawn
    size: tuple[int, int] = (0, 0)
    narrow_size: tuple[int, int] = (0, 0)
    downloads: dict[str, str] = field(default_factory=dict)  # kind -> path from the root


@dataclass
class Page:
    """One page in one language: its path below the language folder ("country/KAZ/"), its
    template and what the template shows."""

    path: str
    template: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    figures: list[Figure] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    data_files: list[DataFile] = field(default_factory=list)  # downloads not drawn as charts
