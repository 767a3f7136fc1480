"""Commands that fill the store and show what it holds."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from .common import FormatOpt, FromOpt, HomeOpt, app, emit, observatory, progress_bar, run
from .connectivity import EndOpt, StartOpt
from .output import Format

SOURCES_COLUMNS = (
    "source", "edition", "version", "current", "released", "observations", "file_name",
    "retrieved_from", "retrieved_at", "sha256_short", "licence",
)  # fmt: skip


@app.command()
def ingest(
    source: Annotated[
        str,
        typer.Argument(
            help="A source such as un-egov; all: every source found in --from DIR; snapshot: "
            "every source of the data shipped with infosoc."
        ),
    ],
    from_: FromOpt = None,
    edition: Annotated[
        list[str] | None,
        typer.Option(
            "--edition", help="Edition to ingest (repeatable): a survey year, an indicator code."
        ),
    ] = None,
    refresh: Annotated[bool, typer.Option(help="Download again even if cached.")] = False,
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Ingest official sources: downloaded (and cached), or read from a local folder (--from)."""

    def action() -> None:
        obs = observatory(home, from_)
        with progress_bar() as bar:
            task = bar.add_task("reading", total=None)

            def progress(done: int, total: int, what: str) -> None:
                bar.update(task, completed=done, total=total, description=what)

            results = obs.ingest(source, editions=edition, refresh=refresh, progress=progress)
        columns = ("source", "edition", "file_name", "status", "version", "observations")
        emit([asdict(r) for r in results], fmt, columns, "en", f"Ingested into {obs.store_path}")

    run(action)


@app.command()
def sources(home: HomeOpt = None, fmt: FormatOpt = Format.table) -> None:
    """List what the store holds and where each piece came from."""

    def action() -> None:
        rows = observatory(home).sources().to_pylist()
        for r in rows:
            r["sha256_short"] = r["sha256"][:12]
        emit(rows, fmt, SOURCES_COLUMNS, "en", title="Sources in the store")

    run(action)


@app.command()
def update(
    source: Annotated[
        str,
        typer.Argument(help="un-egov, worldbank, owid, or all (every source with a download)."),
    ] = "all",
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Fetch the newest releases online and add what changed beside the shipped data."""

    def action() -> None:
        obs = observatory(home)
        with progress_bar() as bar:
            task = bar.add_task("downloading", total=None)

            def progress(done: int, total: int, what: str) -> None:
                bar.update(task, completed=done, total=total, description=what)

            results = obs.update(source, progress=progress)
        columns = ("source", "edition", "file_name", "status", "version", "observations")
        changed = sum(1 for r in results if r.status != "unchanged")
        title = f"{changed} of {len(results)} files changed in {obs.store_path}"
        emit([asdict(r) for r in results], fmt, columns, "en", title)

    run(action)


REVISIONS_COLUMNS = (
    "period", "indicator", "value", "change", "answers", "source", "edition", "released",
    "file_name",
)  # fmt: skip


@app.command()
def revisions(
    code: Annotated[str, typer.Argument(help="An indicator code such as IT.CEL.SETS.P2.")],
    country: Annotated[str, typer.Argument(help="A country: ISO3, ISO2, M49 or a name.")],
    start: StartOpt = None,
    end: EndOpt = None,
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """How a series was revised: its value in every release held, and which one answers."""

    def action() -> None:
        rows = observatory(home).revisions(code, country, start=start, end=end).to_pylist()
        emit(rows, fmt, REVISIONS_COLUMNS, "en", title=f"{code}, {country}: every release held")

    run(action)
