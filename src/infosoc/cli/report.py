"""``infosoc report``: the country report as HTML, PDF or Markdown, in English, Russian or
Kazakh; it prints the files written as rows (``format``, ``path``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError
from .common import FromOpt, HomeOpt, app, emit, observatory, progress_bar, run
from .options import output as checked_output
from .options import renamed
from .output import Format

COLUMNS = ("format", "path")


@app.command()
def report(
    country: Annotated[str, typer.Argument(help="A country, in any form (KAZ, Қазақстан, ...).")],
    lang: Annotated[
        str, typer.Option("--lang", metavar="en|ru|kk", help="Language of the report.")
    ] = "en",
    to: Annotated[
        str,
        typer.Option(
            "--to",
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
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="|".join(f.value for f in Format),
            help="How to print the files written.",
        ),
    ] = Format.table.value,
    home: HomeOpt = None,
    mirror: FromOpt = None,
) -> None:
    """Write the country report (infosoc-report-KAZ-ru.html and so on) and print the files
    written, one row per format."""

    def action() -> None:
        from ..i18n import parse_lang

        output, files = _output_and_files(fmt, to)
        folder = checked_output(out, folder=True)
        language = parse_lang(lang)  # checked before any data is read, as --to is
        with progress_bar() as bar:
            task = bar.add_task("starting", total=None)

            def told(done: int, total: int | None, what: str) -> None:
                bar.update(task, completed=done, total=total, description=what)

            paths = observatory(home, mirror).report(
                country, lang=language, to=files, out=folder, progress=told
            )
        rows = [{"format": path.suffix.lstrip("."), "path": str(path)} for path in paths]
        emit(rows, output, COLUMNS, language)

    run(action)


def _output_and_files(fmt: str, to: str) -> tuple[Format, str]:
    """How to print the rows, and the formats of the files to write.

    ``--format`` was the file format before ``--to``: file formats given to it (``pdf``,
    ``html,md``) are still taken as such, with a deprecation note.
    """
    from ..report.render import FORMATS

    outputs = [f.value for f in Format]
    if fmt in outputs:
        return Format(fmt), to
    if all(part.strip() in FORMATS for part in fmt.split(",")):
        return Format.table, renamed(fmt, "--format", "--to", to)
    choices = ", ".join(outputs[:-1]) + " or " + outputs[-1]
    raise InputError(f"--format must be {choices}, not '{fmt}'")
