"""A second process that renders the PDF, started before the report's data are gathered.

Loading WeasyPrint and Altair and starting vl-convert's engine take about two seconds, all
holding the GIL; gathering the data takes as long, mostly in DuckDB and Python. Run in a child
process, the loading overlaps the gathering on a second core. The parent sends the gathered
report (pickled) on the child's stdin and reads the PDF, or a one-line error, from its stdout.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from typing import Any

from ..errors import InfosocError

_OK, _FAILED = b"ok", b"failed"


class PdfWorker:
    """The child process; :meth:`render` hands it a report and returns the PDF's bytes."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = subprocess.Popen(
            [sys.executable, "-m", "infosoc.report.pdf_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )

    def render(self, report: Any) -> bytes:
        """The PDF of ``report`` (a CountryReport), rendered by the child."""
        process, self._process = self._process, None
        if process is None:
            raise InfosocError("the PDF worker was already used")
        out, _ = process.communicate(pickle.dumps(report))
        status, _, payload = out.partition(b"\n")
        if process.returncode != 0 or status != _OK:
            reason = payload.decode("utf-8", "replace").strip() or "it stopped"
            raise InfosocError(f"the PDF could not be written: {reason}")
        return payload

    def close(self) -> None:
        """Stop the child if it was never used (the report failed before rendering)."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None


def _warm_up() -> None:
    """Import and start everything rendering needs, before the report arrives."""
    import weasyprint  # noqa: F401

    from . import country, render  # noqa: F401 - unpickling the report needs them

    try:
        from .charts import warm_up_charts

        warm_up_charts()
    except ImportError:  # no Altair or vl-convert: the report is drawn without charts
        pass


def main() -> int:
    """Child side: warm up, read one pickled report from stdin, write the PDF to stdout."""
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # whatever a library prints must not mix with the PDF's bytes
    try:
        _warm_up()
        report = pickle.loads(sys.stdin.buffer.read())
        from .render import html_to_pdf, render_html

        pdf = html_to_pdf(render_html(report))
    except Exception as exc:  # the parent turns it into one line for the user
        out.write(_FAILED + b"\n" + " ".join(f"{exc}".split()).encode("utf-8"))
        return 1
    out.write(_OK + b"\n" + pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
