"""Commands on the UN E-Government Survey and the review article."""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import parse_lang
from .common import (
    FormatOpt,
    HomeOpt,
    LangOpt,
    app,
    emit,
    label,
    observatory,
    run,
)
from .options import OldYearOpt, periods, renamed
from .output import Format, Style

EGDI_COLUMNS = (
    "year", "rank", "rank_change", "egdi", "egdi_change_pct", "osi", "tii", "hci", "epi",
    "level", "rating_class", "note_table",
)  # fmt: skip
EGDI_STYLES = {"egdi_change_pct": Style.signed_percent, "level": Style.label}
COMPARE_COLUMNS = ("year", "iso3", "country", "value")
RANK_COLUMNS = (
    "rank", "region_rank", "iso3", "country", "egdi", "osi", "tii", "hci", "epi", "level",
    "rating_class",
)  # fmt: skip


@app.command()
def egdi(
    country: Annotated[str, typer.Argument(help="ISO3, ISO2, M49 code or a name in en/ru/kk.")],
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = "en",
) -> None:
    """Every E-Government Survey edition for a country: rank, indices, level, class, changes."""

    def action() -> None:
        language = parse_lang(lang)
        rows = observatory(home).egdi(country, lang=language).to_pylist()
        shown = [{**r, "note_table": "†" if r["method_breaks"] else r["note"]} for r in rows]
        notes = (
            [f"† {label('method_break', language)}"]
            if any(r["method_breaks"] for r in rows)
            else []
        )
        notes.append(f"{label('sources', language)}:")
        notes += [f"  {source}" for source in dict.fromkeys(r["source"] for r in rows)]
        title = f"{rows[0]['country']} ({rows[0]['iso3']})"
        emit(rows, fmt, EGDI_COLUMNS, language, title, notes, styles=EGDI_STYLES, shown=shown)

    run(action)


@app.command()
def rank(
    period: Annotated[
        str | None,
        typer.Option(
            "--period", help="Survey edition, e.g. 2022; default: the latest.", show_default=False
        ),
    ] = None,
    year: OldYearOpt = None,
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
        language = parse_lang(lang)
        edition = renamed(year, "--year", "--period", period)
        periods(period=edition)
        rows = (
            observatory(home)
            .rank(edition, region=region, top=top, around=around, window=window, lang=language)
            .to_pylist()
        )
        cols = [c for c in RANK_COLUMNS if region or c != "region_rank"]
        title = f"EGDI {rows[0]['year']}" + (f", {region}" if region else "") if rows else "EGDI"
        emit(rows, fmt, cols, language, title=title)

    run(action)


@app.command()
def compare(
    countries: Annotated[
        list[str], typer.Argument(metavar="COUNTRIES...", help="Countries, in any form.")
    ],
    indicator: Annotated[
        str, typer.Option("--indicator", "-i", help="egdi, osi, tii, hci, epi or rank.")
    ] = "egdi",
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = "en",
) -> None:
    """One E-Government Survey indicator for several countries, edition by edition.

    A row per edition and country."""

    def action() -> None:
        language = parse_lang(lang)
        rows = observatory(home).compare(countries, indicator, lang=language)
        emit(rows, fmt, COMPARE_COLUMNS, language, title=indicator.upper())

    run(action)


@app.command("egdi-check")
def egdi_check(
    period: Annotated[
        str | None,
        typer.Option(
            "--period", help="One survey edition, e.g. 2022; default: all.", show_default=False
        ),
    ] = None,
    year: OldYearOpt = None,
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = "en",
) -> None:
    """Check each edition: EGDI against mean(OSI, TII, HCI), recomputed against published ranks."""

    def action() -> None:
        from ..i18n import translations

        language = parse_lang(lang)
        edition = renamed(year, "--year", "--period", period)
        periods(period=edition)
        rows = observatory(home).egdi_check(edition).to_pylist()
        notes = [d for r in rows for d in [f"{r['year']} {x}" for x in r["rank_mismatch_details"]]]
        emit(
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
            language,
            title=translations(language).gettext("EGDI composition and rank check"),
            footnotes=notes,
        )

    run(action)


@app.command()
def article(home: HomeOpt = None, fmt: FormatOpt = Format.table, lang: LangOpt = "en") -> None:
    """The review article's claims, each with its value from official data and a verdict, and
    why a claim differs. -f json prints the whole document, -f csv and -f ndjson its claims."""
    from ..i18n import N_, NC_, translations
    from .common import emit
    from .output import to_table

    headers = {
        "id": NC_("article column", "Claim"),
        "summary": NC_("article column", "In short"),
        "claimed": NC_("article column", "Claimed"),
        "computed": NC_("article column", "Computed"),
        "unit": NC_("article column", "Unit"),
        "verdict": NC_("article column", "Verdict"),
    }
    verdicts = {"confirmed": N_("confirmed"), "differs": N_("differs"),
                "unverifiable": N_("unverifiable")}  # fmt: skip

    def action() -> None:
        language = parse_lang(lang)
        t = translations(language)
        result = observatory(home).article(lang=language)

        def show() -> None:
            import sys

            from rich.console import Console

            rows = [
                {**c, "unit": t.pgettext("unit", c["unit"]), "verdict": t.gettext(verdicts[v])}
                for c in result["claims"]
                for v in [c["verdict"]]
            ]
            title = t.gettext("Claims of the review article")
            table = to_table(rows, list(headers), language, title)
            for column, header in zip(table.columns, headers.values(), strict=True):
                column.header = t.pgettext("article column", header)
            notes = [f"{c['id']}: {c['explanation']}" for c in rows if c["explanation"]]
            notes.append(t.gettext("Tolerances: docs/article-claims.md"))
            console = Console(width=None if sys.stdout.isatty() else 200)
            console.print(table)
            for note in notes:
                console.print(note, style="dim", highlight=False)

        emit(result, fmt, show=show)

    run(action)
