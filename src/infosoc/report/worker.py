"""A second process that renders the report, started before the report's data are gathered.

Loading WeasyPrint and Altair and starting vl-convert's engine take about two seconds, all
holding the GIL; gathering the data takes as long, mostly in DuckDB and Python. Run in a child
process, the loading overlaps the gathering on a second core. The parent sends the gathered
report (pickled) on the child's stdin and reads the HTML or PDF, or a one-line error, from its
stdout.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from typing import Any

from ..errors import InfosocError

_OK, _FAILED = b"ok", b"failed"


class RenderWorker:
    """The child process; :meth:`render` hands it a report and returns the file's bytes."""

    def __init__(self, fmt: str) -> None:
        self._process: subprocess.Popen[bytes] | None = subprocess.Popen(
            [sys.executable, "-m", "infosoc.report.worker", fmt],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )

    def render(self, report: Any) -> bytes:
        """``report`` (a CountryReport) as HTML or PDF, rendered by the child."""
        process, self._process = self._process, None
        if process is None:
            raise InfosocError("the PDF worker was already used")
        out, _ = process.communicate(pickle.dumps(report))
        status, _, payload = out.partition(b"\n")
        if process.returncode != 0 or status != _OK:
            reason = payload.decode("utf-8", "replace").strip() or "it stopped"
            raise InfosocError(f"the report could not be written: {reason}")
        return payload

    def close(self) -> None:
        """Stop the child if it was never used (the report failed before rendering)."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None


def _warm_up(fmt: str) -> None:
    """Import and start everything rendering needs, before the report arrives."""
    if fmt == "pdf":
        import weasyprint  # noqa: F401

    from . import country, render  # noqa: F401 - unpickling the report needs them

    try:
        from .charts import warm_up_charts

        warm_up_charts()
    except ImportError:  # no Altair or vl-convert: the report is drawn without charts
        pass


def main() -> int:
    """Child side: warm up, read one pickled report from stdin, write the file to stdout."""
    fmt = sys.argv[1] if len(sys.argv) > 1 else "pdf"
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # whatever a library prints must not mix with the file's bytes
    try:
        _warm_up(fmt)
        report = pickle.loads(sys.stdin.buffer.read())
        from .render import render

        data = render(report, "pdf" if fmt == "pdf" else "html")
    except Exception as exc:  # the parent turns it into one line for the user
        out.write(_FAILED + b"\n" + " ".join(f"{exc}".split()).encode("utf-8"))
        return 1
    out.write(_OK + b"\n" + data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
