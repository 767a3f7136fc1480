"""The ``infosoc`` command: a thin shell over :class:`infosoc.Observatory`."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from .errors import InfosocError
from .geo.countries import Lang
from .render import Format, to_csv, to_json, to_table

app = typer.Typer(
    help="infosoc: an open observatory of digital development (UN E-Government Survey first).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
ingest_app = typer.Typer(help="Ingest official sources into the store.", no_args_is_help=True)
app.add_typer(ingest_app, name="ingest")

HomeOpt = Annotated[
    Path | None,
    typer.Option(
        "--home",
        help="Folder of the store and cache (default: $INFOSOC_HOME, else the user data folder).",
        show_default=False,
    ),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
LangOpt = Annotated[
    str, typer.Option("--lang", metavar="en|ru|kk", help="Language of names and labels.")
]
FromOpt = Annotated[
    Path | None,
    typer.Option(
        "--from",
        help="Local folder laid out like the shared data folder (default: $INFOSOC_MIRROR).",
        show_default=False,
    ),
]

T = TypeVar("T")

EGDI_COLUMNS = (
    "year", "rank", "rank_change", "egdi", "egdi_change_pct", "osi", "tii", "hci", "epi",
    "level", "rating_class", "note_table",
)  # fmt: skip
RANK_COLUMNS = (
    "rank", "region_rank", "iso3", "country", "egdi", "osi", "tii", "hci", "epi", "level",
    "rating_class",
)  # fmt: skip


def _lang(value: str) -> Lang:
    if value not in ("en", "ru", "kk"):
        raise InfosocError(f"--lang must be en, ru or kk, not '{value}'")
    return value  # type: ignore[return-value]


def _observatory(home: Path | None, mirror: Path | None = None) -> Any:
    from .observatory import Observatory

    return Observatory(home=home, mirror=mirror)


def _emit(
    rows: Sequence[dict[str, Any]],
    fmt: Format,
    columns: Sequence[str],
    lang: Lang,
    title: str | None = None,
    footnotes: Sequence[str] = (),
    payload: Any = None,
) -> None:
    if fmt is Format.json:
        typer.echo(to_json(rows if payload is None else payload))
    elif fmt is Format.csv:
        typer.echo(to_csv(rows), nl=False)
    else:
        from rich.console import Console

        console = Console(width=None if sys.stdout.isatty() else 200)
        console.print(to_table(rows, columns, lang, title))
        for note in footnotes:
            console.print(note, style="dim", highlight=False)


def _run(action: Callable[[], T]) -> T:
    """Run a command; an InfosocError becomes one line on stderr and exit code 2."""
    try:
        return action()
    except InfosocError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        raise typer.Exit(130) from None
    except Exception as exc:
        if os.environ.get("INFOSOC_DEBUG"):
            raise
        if isinstance(exc, OSError):  # the machine's fault (disk full, permissions), not ours
            typer.echo(f"error: {exc}".splitlines()[0], err=True)
            raise typer.Exit(1) from None
        typer.echo(
            f"internal error: {type(exc).__name__}: {exc}".splitlines()[0]
            + " (set INFOSOC_DEBUG=1 for details and please report it)",
            err=True,
        )
        raise typer.Exit(1) from None


def _ingest(
    source: str,
    home: Path | None,
    mirror: Path | None,
    editions: list[int] | None,
    refresh: bool,
    fmt: Format,
) -> None:
    from rich.progress import Progress

    obs = _observatory(home, mirror)
    with Progress(transient=True, console=_stderr_console()) as bar:
        task = bar.add_task("reading", total=None)

        def progress(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=name)

        results = obs.ingest(source, editions=editions, refresh=refresh, progress=progress)
    rows = [asdict(r) for r in results]
    _emit(
        rows,
        fmt,
        ["source", "edition", "file_name", "status", "version", "observations"],
        "en",
        title=f"Ingested into {obs.store_path}",
    )


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


@ingest_app.command("un-egov")
def ingest_un_egov(
    from_: FromOpt = None,
    edition: Annotated[
        list[int] | None,
        typer.Option("--edition", help="Survey year to ingest (repeatable); default: all."),
    ] = None,
    refresh: Annotated[bool, typer.Option(help="Download again even if cached.")] = False,
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Ingest the UN E-Government Survey (EGOV_DATA_<year>.csv): downloaded, or from --from DIR."""
    _run(lambda: _ingest("un-egov", home, from_, edition, refresh, fmt))


@ingest_app.command("all")
def ingest_all(
    from_: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="Local folder laid out like the shared data folder (default: $INFOSOC_MIRROR).",
            show_default=False,
        ),
    ] = None,
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Ingest every supported source found in a local folder, in one transaction."""
    _run(lambda: _ingest("all", home, from_, None, False, fmt))


@app.command()
def sources(home: HomeOpt = None, fmt: FormatOpt = Format.table) -> None:
    """List what the store holds and where each piece came from."""

    def action() -> None:
        rows = _observatory(home).sources().to_pylist()
        for r in rows:
            r["sha256_short"] = r["sha256"][:12]
        _emit(
            rows,
            fmt,
            [
                "source",
                "edition",
                "version",
                "current",
                "observations",
                "file_name",
                "retrieved_from",
                "retrieved_at",
                "sha256_short",
                "licence",
            ],
            "en",
            title="Sources in the store",
        )

    _run(action)


@app.command()
def egdi(
    country: Annotated[str, typer.Argument(help="ISO3, ISO2, M49 code or a name in en/ru/kk.")],
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = "en",
) -> None:
    """Every E-Government Survey edition for a country: rank, indices, level, class, changes."""

    def action() -> None:
        language = _lang(lang)
        rows = _observatory(home).egdi(country, lang=language).to_pylist()
        shown = [{**r, "note_table": "†" if r["method_breaks"] else r["note"]} for r in rows]
        notes = (
            [f"† {_label('method_break', language)}"]
            if any(r["method_breaks"] for r in rows)
            else []
        )
        notes.append(f"{_label('sources', language)}:")
        notes += [f"  {source}" for source in dict.fromkeys(r["source"] for r in rows)]
        title = f"{rows[0]['country']} ({rows[0]['iso3']})"
        _emit(shown, fmt, EGDI_COLUMNS, language, title=title, footnotes=notes, payload=rows)

    _run(action)


def _label(key: str, lang: Lang) -> str:
    from .i18n import label

    return label(key, lang)


@app.command()
def rank(
    year: Annotated[int | None, typer.Option(help="Survey year; default: the latest.")] = None,
    region: Annotated[
        str | None,
        typer.Option(
            help="UN M49 region, sub-region or intermediate region, e.g. Asia, 'Central Asia'."
        ),
    ] = None,
    top: Annotated[int | None, typer.Option(help="Only the first N.")] = None,
    around: Annotated[str | None, typer.Option(help="Only the places around this country.")] = None,
    window: Annotated[int, typer.Option(help="Places on each side with --around.")] = 5,
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = "en",
) -> None:
    """An edition's EGDI ranking, by region, top N or around a country."""

    def action() -> None:
        language = _lang(lang)
        rows = (
            _observatory(home)
            .rank(year, region=region, top=top, around=around, window=window, lang=language)
            .to_pylist()
        )
        cols = [c for c in RANK_COLUMNS if region or c != "region_rank"]
        title = f"EGDI {rows[0]['year']}" + (f", {region}" if region else "") if rows else "EGDI"
        _emit(rows, fmt, cols, language, title=title)

    _run(action)


@app.command()
def compare(
    countries: Annotated[list[str], typer.Argument(help="Two or more countries, in any form.")],
    indicator: Annotated[str, typer.Option(help="egdi, osi, tii, hci, epi or rank.")] = "egdi",
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = "en",
) -> None:
    """One indicator for several countries, edition by edition."""

    def action() -> None:
        language = _lang(lang)
        rows = _observatory(home).compare(countries, indicator).to_pylist()
        cols = list(rows[0].keys()) if rows else ["year"]
        _emit(rows, fmt, cols, language, title=indicator.upper())

    _run(action)


@app.command("egdi-check")
def egdi_check(
    year: Annotated[int | None, typer.Option(help="One survey year; default: all.")] = None,
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Check each edition: EGDI against mean(OSI, TII, HCI), recomputed against published ranks."""

    def action() -> None:
        rows = _observatory(home).egdi_check(year).to_pylist()
        notes = [d for r in rows for d in [f"{r['year']} {x}" for x in r["rank_mismatch_details"]]]
        _emit(
            rows,
            fmt,
            [
                "year",
                "countries",
                "max_deviation_from_mean",
                "max_deviation_country",
                "published_zero",
                "weights_osi_tii_hci",
                "max_deviation_weighted",
                "over_tolerance",
                "rank_mismatches",
            ],
            "en",
            title="EGDI composition and rank check",
            footnotes=notes,
        )

    _run(action)


@app.command()
def article(home: HomeOpt = None, fmt: FormatOpt = Format.table) -> None:
    """The review article's claims, each with its value from official data and a verdict."""

    def action() -> None:
        rows = _observatory(home).article()
        _emit(
            rows,
            fmt,
            ["id", "section", "claimed", "computed", "unit", "verdict", "tolerance"],
            "en",
            title="Claims of the review article",
            payload={"claims": rows},
            footnotes=["Tolerances: docs/article-claims.md"],
        )

    _run(action)


def main() -> None:
    """Console entry point."""
    try:
        app()
    except SystemExit as exc:
        sys.exit(exc.code)
