"""The country report written as HTML, PDF or Markdown, from the Jinja2 templates beside it.

The HTML is one offline file (inline styles and SVG charts); the PDF is WeasyPrint's print of
the same HTML, with every network fetch refused. A report is written whole or not at all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Literal

from ..cycles import cycle_collection_paused
from ..errors import InfosocError, InputError
from ..files import write_atomically
from ..i18n import LANGS, parse_lang, translations
from .collect import collect
from .data import ReportData
from .model import Chart, CountryReport, MapChart, Section

Format = Literal["html", "pdf", "md"]
Progress = Callable[[str], None]
FORMATS: tuple[Format, ...] = ("html", "pdf", "md")
TEMPLATES = Path(__file__).with_name("templates")


def parse_format(fmt: str) -> Format:
    """``fmt`` if a report can be written in it, else an InputError naming the choices."""
    if fmt not in FORMATS:
        raise InputError(f"--format must be html, pdf or md, not '{fmt}'")
    return fmt


def parse_formats(text: str) -> tuple[Format, ...]:
    """Formats from ``html``, ``pdf,html`` and the like, each once, in the order given."""
    formats = [parse_format(part.strip()) for part in text.split(",")]
    return tuple(dict.fromkeys(formats))


def report_name(iso3: str, lang: str, fmt: str) -> str:
    """The report's file name: ``infosoc-report-KAZ-ru.html``."""
    return f"infosoc-report-{iso3}-{lang}.{fmt}"


def write_report(
    data: ReportData,
    country: str,
    *,
    lang: str = "en",
    fmt: str = "html",
    out_dir: Path | str | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> Path:
    """Write the report on ``country`` into ``out_dir`` (default: the current folder).

    ``progress`` is told each step as it starts ("gathering: …", "printing the PDF", …).
    """
    formats = (parse_format(fmt),)
    return write_reports(
        data, country, lang=lang, formats=formats, out_dir=out_dir, today=today, progress=progress
    )[0]


def write_reports(
    data: ReportData,
    country: str,
    *,
    lang: str = "en",
    formats: Sequence[str] = ("html", "pdf"),
    out_dir: Path | str | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """Write the report on ``country`` in each of ``formats`` from one gathering of its data
    (a PDF is printed from the HTML, so both cost what the PDF alone costs), and return the
    paths in the order of ``formats``. Nothing is written unless every format was rendered.
    """
    lang = parse_lang(lang)
    # Both checked before any work, so a bad option writes nothing.
    wanted = tuple(dict.fromkeys(parse_format(f) for f in formats))
    if not wanted:
        raise InputError("--format must name at least one of html, pdf or md")
    say = progress or (lambda _: None)
    files: dict[str, bytes] = {}
    with cycle_collection_paused():
        if wanted == ("md",):
            report = collect(data, country, lang=lang, today=today, on_section=_gathered(say))
        else:
            report, html, pdf = _collect_and_render(data, country, lang, wanted, today, say)
            files["html"] = html
            if pdf is not None:
                files["pdf"] = pdf
        if "md" in wanted:
            files["md"] = render(report, "md")
    folder = Path(out_dir if out_dir is not None else ".")
    paths = [folder / report_name(report.iso3, lang, fmt) for fmt in wanted]
    for fmt, path in zip(wanted, paths, strict=True):
        say(f"writing {path.name}")
        write_atomically(path, files[fmt])
    return paths


def _gathered(say: Progress) -> Callable[[Section], None]:
    return lambda section: say(f"gathered: {section.title}")


def _collect_and_render(
    data: ReportData,
    country: str,
    lang: str,
    formats: Sequence[Format],
    today: dt.date | None,
    say: Progress,
) -> tuple[CountryReport, bytes, bytes | None]:
    """Gather the report while a child process loads WeasyPrint and the chart engine and
    draws each section's charts as it comes; then let it make the HTML and, if asked, the
    PDF."""
    from .worker import worker_for

    printing = "pdf" in formats
    worker = worker_for("pdf" if printing else "html", lang)
    gathered = _gathered(say)

    def on_section(section: Section) -> None:
        worker.charts(section)
        gathered(section)

    try:
        say("gathering the data")
        report = collect(data, country, lang=lang, today=today, on_section=on_section)
        say("printing the PDF" if printing else "writing the HTML")
        html, pdf = worker.render(report)
        return report, html, pdf
    finally:
        worker.close()


def render(report: CountryReport, fmt: Format) -> bytes:
    """The bytes of ``report`` in ``fmt``."""
    if fmt == "md":
        return render_markdown(report).encode("utf-8")
    html = render_html(report)
    return html.encode("utf-8") if fmt == "html" else html_to_pdf(html)


def chart_svgs(charts: Iterable[Chart], lang: str) -> dict[str, str]:
    """Each chart that has something to draw, as inline SVG, by its key."""
    return spec_svgs(chart_specs(charts, lang), lang)


def chart_specs(charts: Iterable[Chart], lang: str) -> dict[str, dict[str, Any]]:
    """Each chart that has something to draw, as the Vega-Lite spec Altair writes, by key.

    Apart from :func:`spec_svgs` so that the process gathering the report can write the
    specs and the one rendering it need not load Altair (a quarter of a second) before it
    draws them.
    """
    return {chart.key: spec for chart in charts if (spec := _chart_spec(chart, lang)) is not None}


def spec_svgs(specs: Mapping[str, dict[str, Any]], lang: str) -> dict[str, str]:
    """Vega-Lite specs (see :func:`chart_specs`) drawn as inline SVG by vl-convert, by key."""
    if not specs:
        return {}
    from ..charts import spec_svg

    return {key: spec_svg(spec, parse_lang(lang), prefix=key) for key, spec in specs.items()}


def render_html(report: CountryReport, drawn: Mapping[str, str] | None = None) -> str:
    """The report as one self-contained HTML page, charts inlined as SVG.

    ``drawn`` holds charts already drawn, by key (see :func:`chart_svgs`); the others are
    drawn now.
    """
    from markupsafe import Markup

    tr = translations(report.lang)
    drawn = drawn or {}
    missing = [
        chart for section in report.sections for chart in section.charts if chart.key not in drawn
    ]
    charts = {
        key: Markup(svg) for key, svg in {**drawn, **chart_svgs(missing, report.lang)}.items()
    }
    # CSS content for the page footer: the catalogue's words around the page counters.
    page_label = tr.gettext("Page %(page)s of %(pages)s") % {
        "page": '" counter(page) "',
        "pages": '" counter(pages) "',
    }
    template = _environment(report.lang, html=True).get_template("report.html.j2")
    return str(template.render(report=report, charts=charts, page_label=f'"{page_label}"'))


def render_markdown(report: CountryReport) -> str:
    """The report in Markdown: the same sections and tables, without the charts."""
    template = _environment(report.lang, html=False).get_template("report.md.j2")
    text = str(template.render(report=report))
    # Blank lines pile up where optional blocks are left out; two are enough anywhere.
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip() + "\n"


def html_to_pdf(html: str) -> bytes:
    """The PDF of ``html`` through WeasyPrint, fetching nothing from anywhere."""
    try:
        with quick_library_lookup():
            from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: Pango missing on the machine
        raise InfosocError(
            f"PDF reports need WeasyPrint and Pango: pip install 'infosoc[report]' ({exc})"
        ) from None
    fetcher, fatal = _offline_fetcher()
    try:
        pdf: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf()
    except fatal as exc:  # WeasyPrint's own error names the URL; ours says why
        raise InfosocError(str(exc.__cause__ or exc)) from None
    return pdf


@contextlib.contextmanager
def quick_library_lookup() -> Iterator[None]:
    """While WeasyPrint loads: a native library name the linker's cache does not list is
    not found, at once.

    WeasyPrint tries up to six spellings of each library it loads (Linux, macOS and Windows
    names), and for each miss ctypes runs gcc and ld to look further: about 20 ms a name, a
    quarter of a second in all. The right names are in the linker's cache (``ldconfig -p``),
    and those ctypes still resolves as before; a library outside the cache is loaded by its
    file name, which WeasyPrint also tries.
    """
    import ctypes.util
    import subprocess

    listing = None
    if sys.platform.startswith("linux") and Path("/sbin/ldconfig").exists():
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            listing = subprocess.run(
                ["/sbin/ldconfig", "-p"], capture_output=True, text=True, timeout=10
            ).stdout
    if not listing:
        yield
        return
    original = ctypes.util.find_library

    def find_library(name: str) -> str | None:
        return original(name) if f"lib{name}." in listing else None

    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = original


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """The report holds everything it shows: any fetch would be a fault, so none is made."""
    raise InfosocError(f"the report tried to load {url}; reports are offline")


def _offline_fetcher() -> tuple[Any, type[BaseException]]:
    """A WeasyPrint URL fetcher that refuses every fetch and stops the print, and the error
    WeasyPrint then raises.

    WeasyPrint 66 and later want an instance of their fetcher class (a plain function there
    fails on an attribute of its own); earlier ones take the function.
    """
    try:
        from weasyprint.urls import FatalURLFetchingError, URLFetcher
    except ImportError:
        return _refuse_fetch, InfosocError

    class OfflineFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            _refuse_fetch(url)

    return OfflineFetcher(fail_on_errors=True), FatalURLFetchingError


def _chart_spec(chart: Chart, lang: str) -> dict[str, Any] | None:
    """The chart's Vega-Lite spec, or None when there is nothing to draw or nothing to draw
    with (Altair and vl-convert come with the ``report`` extra; the tables hold the same
    data)."""
    if not any(row.get(chart.y) is not None for row in chart.rows):
        return None
    try:
        import altair  # noqa: F401
        import vl_convert  # noqa: F401
    except ImportError:
        return None
    if isinstance(chart, MapChart):
        return _map_spec(chart, lang)
    from ..charts import line_chart

    drawn = line_chart(
        chart.rows,
        x=chart.x,
        y=chart.y,
        series=chart.series,
        title=chart.title,
        x_title=chart.x_title,
        y_title=chart.y_title,
        highlight=chart.highlight,
        reverse_y=chart.reverse_y,
        y_format=chart.y_format,
        legend_title=chart.legend_title,
    )
    # Altair's schema validation costs a tenth of a second per chart; the tests validate the
    # charts infosoc draws, so a report does not repeat it.
    spec: dict[str, Any] = drawn.to_dict(validate=False)
    return spec


def _map_spec(chart: MapChart, lang: str) -> dict[str, Any] | None:
    """A choropleth's Vega-Lite spec; None without shapely (the table holds the values)."""
    try:
        from shapely.geometry import shape
    except ImportError:
        return None
    from ..charts import choropleth

    keys = [str(row[chart.x]) for row in chart.rows]
    drawn = choropleth(
        keys,
        {str(row[chart.x]): str(row[chart.series]) for row in chart.rows},
        [shape(chart.shapes[key]) for key in keys],
        {str(row[chart.x]): row[chart.y] for row in chart.rows},
        title=chart.title,
        legend_title=chart.legend_title or "",
        lang=parse_lang(lang),
        simplify_tolerance=0.0,  # simplified when gathered: see MapChart
        width=chart.width,
        height=chart.height,
    )
    spec: dict[str, Any] = drawn.to_dict(validate=False)
    return spec


def warm_up_templates(lang: str) -> None:
    """Compile the HTML template and load the catalogue of ``lang`` ahead of the report."""
    if lang in LANGS:  # the worker may be started before the option is checked
        _environment(lang, html=True).get_template("report.html.j2")


@cache
def _environment(lang: str, *, html: bool) -> Any:
    """A Jinja2 environment speaking ``lang``: gettext from the catalogues, strict undefined."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=html,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters["css_string"] = _css_string
    env.filters["md"] = _md_cell
    return env


def _css_string(text: str) -> str:
    """``text`` safe inside a double-quoted CSS string."""
    return str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _md_cell(text: str) -> str:
    """``text`` safe inside a Markdown table cell: no pipes or line breaks to split it."""
    return str(text).replace("|", "\\|").replace("\n", " ")
