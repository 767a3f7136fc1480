"""``infosoc site build`` and ``infosoc site serve``: the static web observatory, written from
the store and looked at locally. Both are thin shells over :mod:`infosoc.site`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import FormatOpt, FromOpt, HomeOpt, app, emit, observatory, progress_bar, run
from .options import output
from .output import Format

site_app = typer.Typer(help="The static web observatory in en, ru and kk.", no_args_is_help=True)
app.add_typer(site_app, name="site")

COLUMNS = ("root", "pages", "written", "unchanged", "charts", "languages", "countries")


@site_app.command()
def build(
    out: Annotated[Path, typer.Option("--out", help="The folder to write the site into.")],
    lang: Annotated[
        str, typer.Option("--lang", metavar="en,ru,kk", help="Languages of the site.")
    ] = "en,ru,kk",
    countries: Annotated[
        str,
        typer.Option(
            "--countries", metavar="all|KAZ,UZB,...", help="Member states to give a page."
        ),
    ] = "all",
    fmt: FormatOpt = Format.table,
    home: HomeOpt = None,
    mirror: FromOpt = None,
) -> None:
    """Write the whole site into --out; a rebuild redraws and rewrites only what changed."""

    def action() -> None:
        from ..site import parse_countries, parse_langs

        languages = parse_langs(lang)  # checked before any data is read
        output(out, folder=True)
        from ..geo.countries import member_states

        parse_countries(countries, sorted(c.iso3 for c in member_states()))
        with progress_bar() as bar:
            task = bar.add_task("starting", total=None)

            def told(done: int, total: int | None, what: str) -> None:
                bar.update(task, completed=done, total=total, description=what)

            result = observatory(home, mirror).site(
                out, lang=",".join(languages), countries=countries, progress=told
            )
        row = {
            "root": str(result.root),
            "pages": result.pages,
            "written": result.written,
            "unchanged": result.unchanged,
            "charts": result.charts,
            "languages": ",".join(result.languages),
            "countries": len(result.countries),
        }
        emit([row], fmt, COLUMNS, languages[0])

    run(action)


@site_app.command()
def serve(
    root: Annotated[Path, typer.Argument(help="A folder written by infosoc site build.")],
    port: Annotated[
        int, typer.Option("--port", help="The port on 127.0.0.1 (0: any free).")
    ] = 8000,
) -> None:
    """Serve a built site on 127.0.0.1 for a local look, until Ctrl-C."""

    def action() -> None:
        from ..site import make_server

        server = make_server(root, port)
        chosen = server.server_address[1]
        typer.echo(f"serving {root} at http://127.0.0.1:{chosen}/ (Ctrl-C to stop)", err=True)
        with server:
            server.serve_forever()

    run(action)
