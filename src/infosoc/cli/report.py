"""``infosoc report``: the country report as HTML, PDF or Markdown, in English, Russian or
Kazakh."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import FromOpt, HomeOpt, Steps, app, observatory, progress_bar, run


@app.command()
def report(
    country: Annotated[str, typer.Argument(help="A country, in any form (KAZ, Қазақстан, ...).")],
    lang: Annotated[
        str, typer.Option("--lang", metavar="en|ru|kk", help="Language of the report.")
    ] = "en",
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="html|pdf|md[,...]",
            help="File format; several, comma-separated (html,pdf), are made from one "
            "gathering of the data.",
        ),
    ] = "html",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Folder to write into (default: the current folder).", show_default=False
        ),
    ] = None,
    home: HomeOpt = None,
    mirror: FromOpt = None,
) -> None:
    """Write the country report and print its path (a line per format):
    infosoc-report-KAZ-ru.html and so on."""

    def action() -> None:
        from ..report.worker import started_early

        # The renderer starts loading on the second core before this process loads the rest.
        with started_early(fmt, lang):
            from ..i18n import parse_lang
            from ..report.render import parse_formats

            # Checked before any data is read: a wrong option writes nothing.
            language, formats = parse_lang(lang), parse_formats(fmt)
            with progress_bar() as bar:
                paths = observatory(home, mirror).reports(
                    country, lang=language, formats=formats, out=out, progress=Steps(bar)
                )
        for path in paths:
            typer.echo(str(path))

    run(action)
