"""Benchmark: ``infosoc report KAZ`` end to end, as HTML, as PDF, and as both in one run
(``--to html,pdf``): target 5 s each.

Ingests every source from DATA once into a temporary home, then times the installed command
``infosoc report KAZ --lang LANG --to html|pdf|html,pdf --out TMP --home TMP --from DATA`` as a
subprocess, interpreter start-up included. The reference, timed in the same run with the same
interpreter, is ``infosoc egdi KAZ --home TMP`` (the ratio report/reference is printed). Each
command runs once untimed first to warm the OS caches; then the four commands take turns,
one run each per round, so that a slow spell of the machine weighs on all of them alike, and
each round starts one command further on (with the default four rounds, each command runs
once in each place: none always follows the heaviest). One
in-process run then shows where the time goes: gathering the data, the HTML with its charts,
and WeasyPrint's PDF.

Exits 1 if a median misses the target.

    .venv/bin/python benchmarks/bench_report.py [--data DIR] [--repeat N] [--lang ru]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from common import CLI, ingest_all, make_parser, show, timed_commands, verdict

TARGET_S = 5.0


def breakdown(home: str, data: Path, lang: str) -> None:
    """Seconds of each stage of one report, in this process (imports included where first)."""
    start = time.perf_counter()
    from infosoc import Observatory
    from infosoc.report.collect import collect
    from infosoc.report.render import html_to_pdf, render_html

    obs = Observatory(home=home, mirror=data)
    marks = [("import infosoc", time.perf_counter())]
    report = collect(obs, "KAZ", lang=lang)
    marks.append(("gather the data", time.perf_counter()))
    page = render_html(report)
    marks.append(("HTML with 3 charts", time.perf_counter()))
    import weasyprint

    marks.append(("import WeasyPrint", time.perf_counter()))
    html_to_pdf(page)
    marks.append(("PDF", time.perf_counter()))
    previous = start
    parts = []
    for name, moment in marks:
        parts.append(f"{name} {moment - previous:.2f} s")
        previous = moment
    pages = len(weasyprint.HTML(string=page).render().pages)
    print(f"breakdown (one run, in process; {pages} pages): " + ", ".join(parts))


def main() -> int:
    parser = make_parser(__doc__, repeat=4)  # each command once in each place
    parser.add_argument("--lang", default="ru", choices=("en", "ru", "kk"), help="default: ru")
    args = parser.parse_args()
    data = args.data.resolve()
    with tempfile.TemporaryDirectory() as home, tempfile.TemporaryDirectory() as out:
        ingest_all(data, home)
        base = [str(CLI), "report", "KAZ", "--lang", args.lang, "--out", out]
        base += ["--home", home, "--from", str(data)]
        egdi_cmd = [str(CLI), "egdi", "KAZ", "--home", home]
        formats = ("html", "pdf", "html,pdf")
        runs = timed_commands([egdi_cmd, *([*base, "--to", fmt] for fmt in formats)], args.repeat)
        ref = show("reference: infosoc egdi KAZ", runs[0])
        html, pdf, both = (
            show(f"infosoc report KAZ --lang {args.lang} {fmt}", times)
            for fmt, times in zip(formats, runs[1:], strict=True)
        )
        written = sorted(p.name for p in Path(out).iterdir())
        print(f"written: {', '.join(written)}")
        print(f"ratio html/reference (medians)   {html / ref:7.1f} x")
        print(f"ratio pdf/reference (medians)    {pdf / ref:7.1f} x")
        print(f"ratio html,pdf/reference         {both / ref:7.1f} x")
        breakdown(home, data, args.lang)
    failed = verdict("HTML report end to end", html, TARGET_S)
    failed |= verdict("PDF report end to end", pdf, TARGET_S)
    failed |= verdict("HTML and PDF report, one run, end to end", both, TARGET_S)
    return failed


if __name__ == "__main__":
    sys.exit(main())
