"""The site's charts: language-neutral Vega-Lite specs drawn once to SVG, and their files.

A chart on the site carries no words: its title, caption, legend and notes are HTML around it,
so they are translatable and selectable, and the same drawing serves every language. Only the
axis numerals differ between languages ("0.8" and "0,8"); they are rewritten in the drawn SVG
(decision 0019) instead of drawing the chart again for each language.

Files are named by the SHA-256 of what they are drawn from, so a rebuild draws only charts
whose data changed, and a chart shared by several pages is drawn once.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..charts import SERIES_COLOURS, number_locale, spec_svg
from ..files import write_atomically
from ..i18n import Lang

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
# One generic family: the page shows the browser's own sans-serif, and vl-convert measures the
# text without searching a list of families for every label.
FONT = "sans-serif"
WIDE = 520
NARROW = 300
HEIGHT = 220
NARROW_HEIGHT = 190
#: Line patterns beside the colours, so no series is told apart by colour alone.
DASHES: tuple[tuple[int, ...], ...] = ((1, 0), (6, 3), (2, 2), (8, 3, 2, 3), (1, 3), (4, 4))
#: The width of the PNG download relative to the wide drawing.
PNG_SCALE = 2.0


@dataclass(frozen=True)
class KeyEntry:
    """One line of a chart's legend, written in HTML: its colour, dash and label."""

    colour: str
    dash: str  # an SVG stroke-dasharray ("" for a solid line)
    label: str


@dataclass
class ChartFiles:
    """Where a drawn chart's files are, relative to the site's root."""

    svg: str
    narrow: str
    png: str
    vega: str


@dataclass
class Drawing:
    """A chart to draw: its wide and narrow Vega-Lite specs."""

    wide: dict[str, Any]
    narrow: dict[str, Any]
    files: dict[str, ChartFiles] = field(default_factory=dict)  # by numeral style


def line_specs(
    rows: Sequence[Mapping[str, Any]],
    *,
    series: Sequence[str],
    highlight: str | None = None,
    y_format: str = "",
    reverse_y: bool = False,
    integer_x: bool = True,
) -> tuple[Drawing, list[tuple[str, str, str]]]:
    """Lines of ``y`` over ``x`` for each value of ``s`` in ``rows`` (``x, y, s``), in the
    order of ``series``; rows whose ``y`` is None are left out, so a gap stays a gap.

    Returns the drawing and, per series, its colour, dash and name for the HTML legend.
    """
    data = [{"x": r["x"], "y": r["y"], "s": r["s"]} for r in rows if r.get("y") is not None]
    names = [s for s in series if any(d["s"] == s for d in data)]
    colours = [_colour(i, s == highlight) for i, s in enumerate(names)]
    dashes = [list(DASHES[i % len(DASHES)]) for i in range(len(names))]
    xs = sorted({d["x"] for d in data})

    def spec(width: int, height: int, narrow: bool) -> dict[str, Any]:
        x_axis: dict[str, Any] = {"title": None, "grid": False}
        if integer_x:
            x_axis["format"] = "d"
            x_axis["tickMinStep"] = 1
            if 1 < len(xs) <= (6 if narrow else 12):
                x_axis["values"] = xs
                x_axis["labelAngle"] = -45 if len(xs) > 6 else 0
        y_axis: dict[str, Any] = {"title": None, "tickCount": 4 if narrow else 6}
        if y_format:
            y_axis["format"] = y_format
        x_scale: dict[str, Any] = {"zero": False, "nice": False}
        if len(xs) == 1:  # one period: pad the axis so the point is not on its edge
            x_scale["domain"] = [xs[0] - 1, xs[0] + 1]
        x = {"field": "x", "type": "quantitative" if integer_x else "ordinal", "axis": x_axis}
        if integer_x:
            x["scale"] = x_scale
        point = {"size": 30 if len(xs) <= 24 else 0, "filled": True}
        width_of: dict[str, Any] = {"value": 2}
        if highlight is not None:
            width_of = {"condition": {"test": f"datum.s === {json.dumps(highlight)}",
                                      "value": 3.4}, "value": 1.6}  # fmt: skip
        return {
            "$schema": SCHEMA,
            "width": width,
            "height": height,
            "data": {"values": data},
            "mark": {"type": "line", "point": point if point["size"] else False},
            "encoding": {
                "x": x,
                "y": {
                    "field": "y",
                    "type": "quantitative",
                    "axis": y_axis,
                    "scale": {"zero": False, "nice": True, "reverse": reverse_y},
                },
                "color": {
                    "field": "s",
                    "type": "nominal",
                    "legend": None,
                    "scale": {"domain": names, "range": colours},
                },
                "strokeDash": {
                    "field": "s",
                    "type": "nominal",
                    "legend": None,
                    "scale": {"domain": names, "range": dashes},
                },
                "strokeWidth": width_of,
            },
            "config": _config(),
        }

    key = [(c, " ".join(str(n) for n in d) if d != [1, 0] else "", s)
           for c, d, s in zip(colours, dashes, names, strict=True)]  # fmt: skip
    return Drawing(spec(WIDE, HEIGHT, False), spec(NARROW, NARROW_HEIGHT, True)), key


def _colour(index: int, strong: bool) -> str:
    return SERIES_COLOURS[0] if strong else SERIES_COLOURS[index % len(SERIES_COLOURS)]


def _config() -> dict[str, Any]:
    return {
        "font": FONT,
        "padding": 8,
        "view": {"stroke": None},
        "axis": {"labelFontSize": 11, "gridColor": "#e6e6e6", "labelColor": "#333",
                 "domainColor": "#888", "tickColor": "#888"},
        "background": "white",
    }  # fmt: skip


def digest(spec: Mapping[str, Any]) -> str:
    """The first 16 hex digits of the SHA-256 of a spec's canonical JSON."""
    text = json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def numeral_style(lang: Lang) -> str:
    """The name of a language's way of writing numbers ("point" or "comma"): languages that
    write them alike share the drawn files."""
    marks = number_locale(lang)
    return "point" if marks["decimal"] == "." else "comma"


_NUMBER_TEXT = re.compile(r"(<text\b[^>]*>)([^<]+)(</text>)")
_NUMERAL = re.compile(r"[−\-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?")


def localise_numerals(svg: str, lang: Lang) -> str:
    """The SVG with every text that is a number alone ("0.8", "1,000", "25%") written the
    language's way ("0,8", "1 000"); other texts are left as they are."""
    marks = number_locale(lang)
    if marks["decimal"] == "." and marks["thousands"] == ",":
        return svg
    swap = str.maketrans({",": marks["thousands"], ".": marks["decimal"]})

    def rewrite(match: re.Match[str]) -> str:
        text = match.group(2)
        if not _NUMERAL.fullmatch(text.strip()):
            return match.group(0)
        return match.group(1) + text.translate(swap) + match.group(3)

    return _NUMBER_TEXT.sub(rewrite, svg)


def chart_files(drawing: Drawing, lang: Lang) -> ChartFiles:
    """Where a chart's files for ``lang``'s numerals are (or will be), from the site's root."""
    style = numeral_style(lang)
    name = digest(drawing.wide)
    suffix = "" if style == "point" else f".{style}"
    base = f"charts/{name}"
    return ChartFiles(
        svg=f"{base}{suffix}.svg",
        narrow=f"{base}-narrow{suffix}.svg",
        png=f"{base}{suffix}.png",
        vega=f"{base}.vg.json",
    )


def missing_files(files: ChartFiles, root: Path) -> bool:
    """True when any of a chart's files is not yet on disk."""
    paths = (files.svg, files.narrow, files.png, files.vega)
    return not all((root / p).is_file() for p in paths)


@dataclass
class DrawJob:
    """One chart to draw: its specs, and the numeral styles (with their languages) whose
    files are missing under ``root``."""

    name: str
    wide: dict[str, Any]
    narrow: dict[str, Any]
    root: Path
    langs: dict[str, Lang] = field(default_factory=dict)  # style -> a language using it


def run_job(job: DrawJob) -> str:
    """Draw one chart's files: drawn once with English numerals, then each style's numerals
    written into the text. Returns the job's name. Runs in a worker process."""
    import vl_convert as vlc

    wide = spec_svg(job.wide, "en", f"c{job.name[:8]}")
    narrow = spec_svg(job.narrow, "en", f"n{job.name[:8]}")
    for lang in job.langs.values():
        files = chart_files(Drawing(job.wide, job.narrow), lang)
        local = localise_numerals(wide, lang)
        write_atomically(job.root / files.svg, local.encode("utf-8"))
        write_atomically(job.root / files.narrow, localise_numerals(narrow, lang).encode("utf-8"))
        png: bytes = vlc.svg_to_png(local, scale=PNG_SCALE)
        write_atomically(job.root / files.png, png)
        if not (job.root / files.vega).is_file():
            vega = vlc.vegalite_to_vega(job.wide)
            text = json.dumps(vega, ensure_ascii=False, separators=(",", ":"))
            write_atomically(job.root / files.vega, text.encode("utf-8"))
    return job.name


def warm_up() -> None:
    """Start a worker's chart engine before its first job."""
    from ..charts import warm_up_charts

    warm_up_charts()


def svg_size(root: Path, path: str) -> tuple[int, int]:
    """The width and height an SVG file declares (0, 0 when it declares none)."""
    head = (root / path).read_text(encoding="utf-8")[:400]
    found = re.search(r'width="([\d.]+)"\s+height="([\d.]+)"', head)
    return (round(float(found[1])), round(float(found[2]))) if found else (0, 0)
