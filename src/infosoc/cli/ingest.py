"""Commands that fill the store and show what it holds."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from ..render import Format
from .common import FormatOpt, FromOpt, HomeOpt, app, emit, observatory, progress_bar, run

SOURCES_COLUMNS = (
    "source", "edition", "version", "current", "observations", "file_name", "retrieved_from",
    "retrieved_at", "sha256_short", "licence",
)  # fmt: skip


@app.command()
def ingest(
    source: Annotated[
        str,
        typer.Argument(help="A source such as un-egov, or all: every source found in --from DIR."),
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
