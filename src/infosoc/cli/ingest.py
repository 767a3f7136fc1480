"""Commands that fill the store and show what it holds."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from ..i18n import parse_lang, translations
from .common import FormatOpt, FromOpt, HomeOpt, LangOpt, app, emit, observatory, progress_bar, run
from .options import (
    CountryArg,
    EndOpt,
    IndicatorOpt,
    StartOpt,
    indicator_last,
    periods,
    source_option,
)
from .output import Format

RESULT_COLUMNS = ("source", "edition", "file_name", "status", "version", "observations")
SOURCES_COLUMNS = (
    "source", "edition", "version", "current", "released", "observations", "file_name",
    "retrieved_from", "retrieved_at", "sha256_short", "licence",
)  # fmt: skip


@app.command()
def ingest(
    source: Annotated[
        str,
        typer.Argument(
            help="A source such as un-egov (infosoc sources lists them); all: every source found "
            "in --from DIR; snapshot: every source of the data shipped with infosoc."
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
    lang: LangOpt = "en",
) -> None:
    """Ingest official sources: downloaded (and cached), or read from a local folder (--from).

    A row per file: whether it was added, became a new version, or was unchanged."""

    def action() -> None:
        language = parse_lang(lang)
        obs = observatory(home, from_)
        with progress_bar() as bar:
            task = bar.add_task("reading", total=None)

            def progress(done: int, total: int | None, what: str) -> None:
                bar.update(task, completed=done, total=total, description=what)

            results = obs.ingest(
                source_option(source), editions=edition, refresh=refresh, progress=progress
            )
        title = translations(language).gettext("Ingested into %(store)s") % {
            "store": obs.store_path
        }
        emit([asdict(r) for r in results], fmt, RESULT_COLUMNS, language, title)

    run(action)


@app.command()
def sources(home: HomeOpt = None, fmt: FormatOpt = Format.table, lang: LangOpt = "en") -> None:
    """List what the store holds and where each piece came from (a row per file version)."""

    def action() -> None:
        language = parse_lang(lang)
        rows = observatory(home).sources()
        for r in rows:
            r["sha256_short"] = r["sha256"][:12]
        title = translations(language).gettext("Sources in the store")
        emit(rows, fmt, SOURCES_COLUMNS, language, title=title)

    run(action)


@app.command()
def update(
    source: Annotated[
        str,
        typer.Argument(help="un-egov, worldbank, owid, or all (every source with a download)."),
    ] = "all",
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = "en",
) -> None:
    """Fetch the newest releases online and add what changed beside the shipped data.

    A row per file: whether it was added, became a new version, or was unchanged."""

    def action() -> None:
        language = parse_lang(lang)
        obs = observatory(home)
        with progress_bar() as bar:
            task = bar.add_task("downloading", total=None)

            def progress(done: int, total: int | None, what: str) -> None:
                bar.update(task, completed=done, total=total, description=what)

            results = obs.update(source_option(source), progress=progress)
        changed = sum(1 for r in results if r.status != "unchanged")
        title = translations(language).gettext(
            "%(changed)s of %(files)s files changed in %(store)s"
        ) % {"changed": changed, "files": len(results), "store": obs.store_path}
        emit([asdict(r) for r in results], fmt, RESULT_COLUMNS, language, title)

    run(action)


REVISIONS_COLUMNS = (
    "period", "indicator", "value", "change", "answers", "source", "edition", "released",
    "file_name",
)  # fmt: skip


@app.command(cls=indicator_last("revisions CODE COUNTRY", "revisions COUNTRY -i CODE"))
def revisions(
    country: CountryArg,
    indicator: IndicatorOpt,
    start: StartOpt = None,
    end: EndOpt = None,
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = "en",
) -> None:
    """How a series was revised: its value in every release held, and which one answers."""

    def action() -> None:
        periods(start=start, end=end)
        language = parse_lang(lang)
        rows = observatory(home).revisions(country, indicator=indicator, start=start, end=end)
        title = translations(language).gettext("%(indicator)s, %(country)s: every release held")
        emit(rows, fmt, REVISIONS_COLUMNS, language, title % {"indicator": indicator,
                                                               "country": country})  # fmt: skip

    run(action)
