"""A second process that renders the report, started before the report's data are gathered.

Loading WeasyPrint and starting vl-convert's engine take more than a second, all holding the
GIL; gathering the data takes as long, mostly in DuckDB and Python. Run in a child process,
the loading overlaps the gathering on a second core. The parent sends, pickled on the
child's stdin, each section's charts as Vega-Lite specs (Altair writes them in the parent, so
the child does not load Altair too) as soon as the section is gathered, and the child draws
them while the parent gathers the rest; then the whole report. It reads back the HTML or PDF,
or a one-line error, from the child's stdout.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

from ..errors import InfosocError

_OK, _FAILED = b"ok", b"failed"
_CHARTS, _REPORT = "charts", "report"  # the kinds of message the parent sends


class RenderWorker:
    """The child process; :meth:`render` hands it a report and returns the file's bytes."""

    def __init__(self, fmt: str, lang: str = "en") -> None:
        self.fmt, self.lang = fmt, lang
        self._process: subprocess.Popen[bytes] | None = subprocess.Popen(
            [sys.executable, "-m", "infosoc.report.worker", fmt, lang],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )

    def charts(self, section: Any) -> None:
        """Have the child draw ``section``'s charts now, while the rest is gathered.

        Their Vega-Lite specs are written here, with Altair: the child, which has WeasyPrint
        and the chart engine to load, then need not load Altair as well.
        """
        if self._process is None or self._process.stdin is None or not section.charts:
            return
        from .render import chart_specs

        specs = chart_specs(section.charts, self.lang)
        try:
            pickle.dump((_CHARTS, specs), self._process.stdin)
            self._process.stdin.flush()
        except (BrokenPipeError, OSError):
            pass  # the child has stopped: render() reports why

    def render(self, report: Any) -> tuple[bytes, bytes | None]:
        """``report`` (a CountryReport) rendered by the child: its HTML, and its PDF if the
        worker was started for one (``fmt="pdf"``)."""
        process, self._process = self._process, None
        if process is None:
            raise InfosocError("the PDF worker was already used")
        try:
            out, _ = process.communicate(pickle.dumps((_REPORT, report)))
        except (BrokenPipeError, OSError):
            out, _ = process.communicate()
        status, _, payload = out.partition(b"\n")
        if process.returncode != 0 or status != _OK:
            reason = " ".join(payload.decode("utf-8", "replace").split()) or "it stopped"
            raise InfosocError(f"the report could not be written: {reason}")
        size, _, files = payload.partition(b"\n")
        html, pdf = files[: int(size)], files[int(size) :]
        return html, (pdf if self.fmt == "pdf" else None)

    def close(self) -> None:
        """Stop the child if it was never used (the report failed before rendering)."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None


_early: RenderWorker | None = None  # started by started_early(), taken by worker_for()


@contextlib.contextmanager
def started_early(fmt: str, lang: str) -> Iterator[None]:
    """Start the worker for a report that is about to be asked for, before the caller loads
    the rest of infosoc (a third of a second of imports the child would otherwise wait
    for); :func:`worker_for` hands it over. Stopped at the end if nobody took it."""
    global _early
    asked = {part.strip() for part in fmt.split(",")}
    if asked & {"html", "pdf"}:  # Markdown alone needs no worker
        _early = RenderWorker("pdf" if "pdf" in asked else "html", lang)
    try:
        yield
    finally:
        if _early is not None:
            _early.close()
            _early = None


def worker_for(fmt: str, lang: str) -> RenderWorker:
    """The worker started early for ``fmt`` and ``lang``, else a new one."""
    global _early
    early, _early = _early, None
    if early is not None and (early.fmt, early.lang) == (fmt, lang):
        return early
    if early is not None:
        early.close()
    return RenderWorker(fmt, lang)


def _warm_up(fmt: str, lang: str) -> None:
    """Import and start everything rendering needs, before the report arrives."""
    from . import model, render  # noqa: F401 - unpickling the report needs them

    render.warm_up_templates(lang)
    if fmt == "pdf":
        # Only the import: a warm-up print was measured to save nothing on the report's
        # own, and its CPU would be taken from the gathering, which runs meanwhile.
        # Printing says what is missing, if anything.
        with contextlib.suppress(ImportError, OSError), render.quick_library_lookup():
            import weasyprint  # noqa: F401
    try:
        from ..charts import warm_up_charts

        warm_up_charts()
    except ImportError:  # no vl-convert: the report is drawn without charts
        pass


def _serve(fmt: str, lang: str) -> bytes:
    """Draw the charts sent ahead, then render the report that ends the stream: the HTML's
    length on a line, the HTML, then the PDF (none unless ``fmt`` is pdf)."""
    from .render import render_html, spec_svgs

    drawn: dict[str, str] = {}
    stream = sys.stdin.buffer
    while True:
        kind, payload = pickle.load(stream)
        if kind == _CHARTS:
            drawn.update(spec_svgs(payload, lang))
            continue
        html = render_html(payload, drawn)
        page = html.encode("utf-8")
        pdf = b""
        if fmt == "pdf":
            from .render import html_to_pdf

            pdf = html_to_pdf(html)
        return str(len(page)).encode() + b"\n" + page + pdf


def main() -> int:
    """Child side: warm up, draw what arrives, write the file (or an error) to stdout."""
    # This process lives for one report and ends at once: WeasyPrint's layout makes millions
    # of objects and few cycles, and the cycle collector's passes over them cost a tenth of
    # the print.
    gc.disable()
    fmt = sys.argv[1] if len(sys.argv) > 1 else "pdf"
    lang = sys.argv[2] if len(sys.argv) > 2 else "en"
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # whatever a library prints must not mix with the file's bytes
    try:
        _warm_up(fmt, lang)
        data = _serve(fmt, lang)
    except Exception as exc:  # the parent turns it into one line for the user
        out.write(_FAILED + b"\n" + " ".join(f"{exc}".split()).encode("utf-8"))
        out.flush()
        return 1
    out.write(_OK + b"\n" + data)
    out.flush()
    # The parent waits for this process to end; tearing down the chart engine and the
    # interpreter would add half a second to every report for nothing.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
