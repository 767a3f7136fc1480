"""Connectivity commands: indicators, speeds, penetration, peers, ratios, growth, download time.

Each takes the country as its positional argument and the indicator as ``--indicator/-i``
(docs/conventions.md); ``indicator CODE COUNTRY...`` and ``growth CODE COUNTRY``, the old
order, still work with a deprecation note.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, cast

import typer

from ..errors import InputError
from ..i18n import parse_lang, translations
from .common import FormatOpt, HomeOpt, LangOpt, app, emit, label, observatory, run
from .options import (
    CountryArg,
    EndOpt,
    IndicatorOpt,
    NetworkOpt,
    PeriodOpt,
    StartOpt,
    indicator_last,
    periods,
    source_option,
)
from .output import Format, Style

if TYPE_CHECKING:
    from ..analysis.connectivity import PeerBy
    from ..analysis.download_time import Convention

PEER_GROUPS = ("world", "region", "subregion", "income", "neighbours", "list")
SPEED_COLUMNS = ("source", "network", "measure", "statistic", "period", "value", "unit")
PENETRATION_COLUMNS = (
    "year", "users", "population", "computed_pct", "published_pct", "difference_pp", "consistent",
)  # fmt: skip
PENETRATION_STYLES = {
    "computed_pct": Style.percent,
    "published_pct": Style.percent,
    "difference_pp": Style.signed_percent,
}
PEER_COLUMNS = ("rank", "of", "iso3", "country", "value", "ratio_to_reference")
GROWTH_STYLES = {"change": Style.signed, "change_pct": Style.signed_percent,
                 "cagr_pct": Style.signed_percent}  # fmt: skip


@app.command(cls=indicator_last("indicator CODE COUNTRY...", "indicator COUNTRY... -i CODE"))
def indicator(
    countries: Annotated[list[str], typer.Argument(help="One or more countries, in any form.")],
    indicator: IndicatorOpt,
    start: StartOpt = None,
    end: EndOpt = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            help="A breakdown key (region, urbanisation, sex, technology, speed, ...): one "
            "country, a column per value.",
        ),
    ] = None,
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = "en",
) -> None:
    """An indicator's values by period for one or more countries, with its unit and sources."""

    def action() -> None:
        periods(start=start, end=end)
        language = parse_lang(lang)
        table = observatory(home).indicator(
            countries, indicator=indicator, start=start, end=end, by=by, lang=language
        )
        meta = table.metadata
        name, unit = meta.get("label", indicator), meta.get("unit", "")
        notes = [name if unit in name else f"{name} ({unit})"]
        columns = None if by is not None else ("period", "iso3", "country", "value")
        if by is not None:
            from ..analysis.breakdowns import footnotes, metadata_lists

            notes += footnotes(metadata_lists(meta))
        source = label("source", language)
        notes += [f"{source}: {s}" for s in meta.get("sources", "").split("; ") if s]
        emit(table, fmt, columns, language, title=indicator, footnotes=notes)

    run(action)


@app.command()
def speed(
    country: CountryArg,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help="ookla-sgi, ookla-intelligence, ookla-open-data or cableco; default: all.",
            show_default=False,
        ),
    ] = None,
    network: NetworkOpt = None,
    measure: Annotated[
        str, typer.Option(help="download, upload, latency, jitter, rank, tests, ... or all.")
    ] = "download",
    start: StartOpt = None,
    end: EndOpt = None,
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = "en",
) -> None:
    """Internet speeds for a country, each labelled with its statistic, method and unit."""

    def action() -> None:
        periods(start=start, end=end)
        language = parse_lang(lang)
        rows = observatory(home).speed(
            country,
            source=source_option(source) if source is not None else None,
            network=network.value if network is not None else None,
            measure=None if measure == "all" else measure,
            start=start,
            end=end,
        )
        t = translations(language)
        methods = sorted({f"{r['source']}: {r['method']}" for r in rows if r["method"]})
        emit(
            rows,
            fmt,
            SPEED_COLUMNS,
            language,
            title=t.gettext("Internet speed, %(country)s") % {"country": country},
            footnotes=[f"{label('method', language)}, {m}" for m in methods],
            headers={"unit": "unit_of_measure"},
        )

    run(action)


@app.command()
def penetration(
    country: CountryArg, home: HomeOpt = None, fmt: FormatOpt = Format.table, lang: LangOpt = "en"
) -> None:
    """Internet users / population next to the published share, with a consistency check."""

    def action() -> None:
        language = parse_lang(lang)
        t = translations(language)
        rows = observatory(home).penetration(country)
        emit(
            rows,
            fmt,
            PENETRATION_COLUMNS,
            language,
            title=t.gettext("Internet penetration, %(country)s") % {"country": country},
            footnotes=[
                t.gettext(
                    "computed_pct = users / population x 100; consistent when within 0.5 "
                    "percentage points of the published share (IT.NET.USER.ZS)"
                )
            ],
            styles=PENETRATION_STYLES,
        )

    run(action)


@app.command()
def peers(
    country: CountryArg,
    indicator: IndicatorOpt,
    by: Annotated[
        str, typer.Option(help="world, region, subregion, income, neighbours or list.")
    ] = "region",
    with_: Annotated[
        str | None,
        typer.Option("--with", help="With --by list: peers, comma-separated, in any form."),
    ] = None,
    period: PeriodOpt = None,
    lower_is_better: Annotated[
        bool, typer.Option(help="Rank ascending (for latency or prices).")
    ] = False,
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = "en",
) -> None:
    """A country's peers on one indicator: rank within the group and ratio to the country."""

    def action() -> None:
        periods(period=period)
        language = parse_lang(lang)
        if by not in PEER_GROUPS:
            raise InputError(f"--by must be {', '.join(PEER_GROUPS[:-1])} or list, not '{by}'")
        members = [m.strip() for m in (with_ or "").split(",") if m.strip()]
        rows = observatory(home).peers(
            country,
            indicator,
            by=cast("PeerBy", by),
            members=members,
            period=period,
            lang=language,
            higher_is_better=not lower_is_better,
        )
        columns = (*PEER_COLUMNS, "income_group") if by == "income" else PEER_COLUMNS
        t = translations(language)
        title = t.gettext("%(indicator)s, %(country)s and its peers (%(group)s), %(period)s") % {
            "indicator": indicator,
            "country": country,
            "group": by,
            "period": rows[0]["period"] if rows else "",
        }
        emit(rows, fmt, columns, language, title=title)

    run(action)


@app.command()
def ratio(
    first: CountryArg,
    second: Annotated[str, typer.Argument(help="Another country.")],
    indicator: IndicatorOpt,
    period: PeriodOpt = None,
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = "en",
) -> None:
    """The ratio between two countries on one indicator (one row)."""

    def action() -> None:
        periods(period=period)
        language = parse_lang(lang)
        rows = observatory(home).ratio(first, second, indicator=indicator, period=period)
        emit(rows, fmt, None, language, title=translations(language).gettext("Ratio"))

    run(action)


@app.command(cls=indicator_last("growth CODE COUNTRY", "growth COUNTRY -i CODE"))
def growth(
    country: CountryArg,
    indicator: IndicatorOpt,
    start: StartOpt = None,
    end: EndOpt = None,
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = "en",
) -> None:
    """Absolute, per cent and compound annual growth between two periods (one row)."""

    def action() -> None:
        periods(start=start, end=end)
        language = parse_lang(lang)
        if start is None or end is None:
            raise InputError("growth needs --start P and --end P")
        rows = observatory(home).growth(
            country, indicator=indicator, start=start, end=end, lang=language
        )
        t = translations(language)
        emit(
            rows,
            fmt,
            None,
            language,
            title=t.gettext("Growth"),
            footnotes=["CAGR = (end / start) ^ (1 / years) - 1"],
            styles=GROWTH_STYLES,
        )

    run(action)


@app.command("download-time")
def download_time(
    size: Annotated[str, typer.Argument(help="A size such as 5GB, 700MB or 1.5TiB.")],
    speed: Annotated[str, typer.Option("--speed", help="A speed such as 4.66Mbps or 500kbps.")],
    convention: Annotated[
        str, typer.Option(help="cableco (1 GB = 1024 MB, as cable.co.uk), decimal or binary.")
    ] = "cableco",
    fmt: FormatOpt = Format.table,
    lang: LangOpt = "en",
) -> None:
    """How long a download takes at a given speed, with the unit convention stated.

    One row; the table is the duration alone, with the seconds and the convention on stderr."""

    def action() -> None:
        from ..observatory import Observatory

        language = parse_lang(lang)
        chosen = cast("Convention", convention)
        rows = Observatory.download_time(size, speed, chosen, lang=language)
        if fmt is Format.table:
            typer.echo(rows[0]["human"])
            typer.echo(f"{rows[0]['seconds']:.1f} s; {rows[0]['convention']}", err=True)
            return
        emit(rows, fmt, None, language)

    run(action)
