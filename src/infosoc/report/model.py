"""What a country report is made of: plain data that the templates lay out.

Every text in these objects is final: translated and formatted in the report's language, with
its footnote numbers. The templates add nothing but layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..i18n import Lang


@dataclass
class Cell:
    """One table cell: its text, footnote numbers, and whether it is a number (right-aligned)."""

    text: str
    notes: tuple[int, ...] = ()
    numeric: bool = False
    css: str = ""
    sub: str = ""  # a second, smaller line (a method, a reason)
    link: str = ""  # on the site: a page to link, from the language's folder


@dataclass
class Table:
    """A table with its header cells, body rows and caption."""

    columns: list[Cell]
    rows: list[list[Cell]]
    caption: str = ""
    css: str = ""
    #: Column widths in per cent: tables are laid out fixed, which keeps long tables readable
    #: and spares the PDF renderer from measuring every cell twice.
    widths: tuple[int, ...] = ()


@dataclass
class Chart:
    """The data of a line chart: one line per value of ``series``, ``y`` against ``x``.

    Drawn in the HTML and PDF only; the tables hold the same data.
    """

    key: str
    rows: list[dict[str, Any]]
    x: str
    y: str
    series: str
    title: str
    x_title: str
    y_title: str
    highlight: str | None = None
    reverse_y: bool = False
    y_format: str | None = None
    legend_title: str | None = None
    source: Cell = field(default_factory=lambda: Cell(""))  # the chart's footnotes


@dataclass
class MapChart(Chart):
    """A choropleth of regions: ``rows`` hold ``region`` (the code), ``name`` and ``value``
    (None: no data); ``shapes`` holds each region's outline as a GeoJSON geometry, already
    simplified for the map's scale."""

    shapes: dict[str, dict[str, Any]] = field(default_factory=dict)
    width: int = 560
    height: int = 330


@dataclass
class Section:
    """One part of the report; ``missing`` is the sentence shown when it has no data."""

    key: str
    title: str
    missing: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    facts: list[tuple[str, Cell]] = field(default_factory=list)  # key figures: label, value
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes_after: list[str] = field(default_factory=list)  # small print under the tables
    groups: list[tuple[str, list[tuple[str, Cell]]]] = field(default_factory=list)  # SWOT


@dataclass
class Note:
    """A numbered footnote: where a figure comes from."""

    number: int
    text: str
    url: str | None = None


@dataclass
class CountryReport:
    """The whole report on one country in one language, ready to render."""

    iso3: str
    country: str
    lang: Lang
    title: str
    generated: str
    sections: list[Section]
    notes: list[Note]
