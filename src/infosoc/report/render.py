"""The country report written as HTML, PDF or Markdown, from the Jinja2 templates beside it.

The HTML is one offline file (inline styles and SVG charts); the PDF is WeasyPrint's print of
the same HTML, with every network fetch refused. A report is written whole or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..errors import InfosocError, InputError
from ..files import write_atomically
from ..i18n import parse_lang, translations
from ..records import Progress
from .collect import BODY, collect
from .model import Chart, CountryReport, MapChart, Section

if TYPE_CHECKING:
    from .data import ReportData

Format = Literal["html", "pdf", "md"]
FORMATS: tuple[Format, ...] = ("html", "pdf", "md")
TEMPLATES = Path(__file__).with_name("templates")
_STEP = {"pdf": "printing the PDF", "html": "writing the HTML", "md": "writing the Markdown"}


def parse_format(fmt: str) -> Format:
    """``fmt`` if a report can be written in it, else an InputError naming the choices."""
    if fmt not in FORMATS:
        raise InputError(f"--to must be html, pdf or md, not '{fmt}'")
    return fmt


def parse_formats(text: str | Sequence[str]) -> tuple[Format, ...]:
    """Formats from ``"html"``, ``"pdf,html"`` or a sequence of names, each once, in the order
    given; an InputError names the first that is not html, pdf or md."""
    parts = text.split(",") if isinstance(text, str) else list(text)
    formats = tuple(dict.fromkeys(parse_format(part.strip()) for part in parts))
    if not formats:
        raise InputError("--to must name at least one of html, pdf or md")
    return formats


def report_name(iso3: str, lang: str, fmt: str) -> str:
    """The report's file name: ``infosoc-report-KAZ-ru.html``."""
    return f"infosoc-report-{iso3}-{lang}.{fmt}"


def write_reports(
    data: ReportData,
    country: str,
    *,
    lang: str = "en",
    formats: str | Sequence[str] = ("html",),
    out_dir: Path | str | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """Write the report on ``country`` in each of ``formats`` into ``out_dir`` (default: the
    current folder) and return the paths, in the order of ``formats``.

    Every format comes from one gathering of the data, and the PDF is printed from the very
    HTML that is written. Language and formats are checked before any data is read; nothing
    is written unless every format was rendered. ``progress`` is told each step as it starts.
    """
    language = parse_lang(lang)
    wanted = parse_formats(formats)
    say = _Steps(progress, len(wanted))
    report = collect(data, country, lang=language, today=today, on_section=say.gathered)
    say.step(_STEP["pdf" if "pdf" in wanted else "html" if "html" in wanted else "md"])
    files: dict[str, bytes] = {fmt: render(report, fmt) for fmt in wanted if fmt != "pdf"}
    if "pdf" in wanted:  # printed from the very HTML that is written
        html = files["html"] if "html" in files else render(report, "html")
        files["pdf"] = html_to_pdf(html.decode("utf-8"))
    folder = Path(out_dir if out_dir is not None else ".")
    paths = [folder / report_name(report.iso3, language, fmt) for fmt in wanted]
    for fmt, path in zip(wanted, paths, strict=True):
        say.step(f"writing {path.name}")
        write_atomically(path, files[fmt])
    say.done()
    return paths


class _Steps:
    """The report's steps told to a :data:`~infosoc.records.Progress` callback: each body
    section gathered, the rendering, and each file written."""

    def __init__(self, progress: Progress | None, files: int) -> None:
        self._progress = progress
        self._done = 0
        self.total = len(BODY) + 1 + files

    def step(self, what: str) -> None:
        if self._progress is not None:
            self._progress(self._done, self.total, what)
        self._done += 1

    def gathered(self, section: Section) -> None:
        self.step(f"gathered: {section.title}")

    def done(self) -> None:
        self._done = self.total
        if self._progress is not None:
            self._progress(self.total, self.total, "done")


def render(report: CountryReport, fmt: Format) -> bytes:
    """The bytes of ``report`` in ``fmt``."""
    if fmt == "md":
        return render_markdown(report).encode("utf-8")
    html = render_html(report)
    return html.encode("utf-8") if fmt == "html" else html_to_pdf(html)


def chart_svgs(charts: Iterable[Chart], lang: str) -> dict[str, str]:
    """Each chart that has something to draw, as inline SVG, by its key; none without the
    ``report`` extra's Altair and vl-convert (the tables hold the same data)."""
    specs = {chart.key: spec for chart in charts if (spec := chart_spec(chart, lang)) is not None}
    if not specs:
        return {}
    from ..charts import spec_svg

    return {key: spec_svg(spec, parse_lang(lang), prefix=key) for key, spec in specs.items()}


def render_html(report: CountryReport) -> str:
    """The report as one self-contained HTML page, charts inlined as SVG."""
    from markupsafe import Markup

    tr = translations(report.lang)
    drawn = chart_svgs(
        (chart for section in report.sections for chart in section.charts), report.lang
    )
    charts = {key: Markup(svg) for key, svg in drawn.items()}
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


def chart_spec(chart: Chart, lang: str) -> dict[str, Any] | None:
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
    # Unvalidated: Altair's schema validation is slow, and the tests validate the charts
    # infosoc draws, so a report need not repeat it.
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
