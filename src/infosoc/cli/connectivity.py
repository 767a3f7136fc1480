"""Connectivity commands: indicators, speeds, penetration, peers, ratios, growth, download time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from .output import Format

if TYPE_CHECKING:
    from ..analysis.connectivity import PeerBy
    from ..analysis.download_time import Convention

from ..i18n import parse_lang
from .common import FormatOpt, HomeOpt, LangOpt, app, emit, observatory, run

StartOpt = Annotated[
    str | None, typer.Option("--start", help="First period: 2015, 2020-Q1 or 2020-04.")
]
EndOpt = Annotated[str | None, typer.Option("--end", help="Last period.")]
IndicatorOpt = Annotated[
    str,
    typer.Option(
        "--indicator",
        "-i",
        help="Indicator code, e.g. IT.NET.USER.ZS or speed.cableco.fixed.download.mean.",
    ),
]
PeriodOpt = Annotated[
    str | None, typer.Option("--period", help="Period; default: the latest with a value.")
]


PENETRATION_NOTE = (
    "computed_pct = users / population x 100; consistent when within 0.5 percentage points "
    "of the published share (IT.NET.USER.ZS)"
)


@app.command()
def indicator(
    code: Annotated[str, typer.Argument(help="Indicator code, e.g. IT.NET.USER.ZS.")],
    countries: Annotated[list[str], typer.Argument(help="One or more countries, in any form.")],
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
) -> None:
    """An indicator's time series for one or more countries, with its unit and sources."""

    def action() -> None:
        table = observatory(home).indicator(code, countries, start=start, end=end, by=by)
        meta = table.metadata
        rows = table.to_pylist()
        name, unit = meta.get("label", code), meta.get("unit", "")
        notes = [name if unit in name else f"{name} ({unit})"]
        described = {k: meta.get(k) for k in ("label", "unit", "statistic", "method")}
        sources = [s for s in meta.get("sources", "").split("; ") if s]
        payload = {"indicator": code, **described, "sources": sources, "rows": rows}
        if by is not None:
            from ..analysis.breakdowns import footnotes, metadata_lists

            extra = metadata_lists(meta)
            payload = {"indicator": code, "entity": meta.get("entity"), "by": by, **described,
                       "sources": sources, **extra, "rows": rows}  # fmt: skip
            notes += footnotes(extra)
        notes += [f"Source: {s}" for s in sources]
        columns = list(rows[0]) if rows else ["period"]
        emit(rows, fmt, columns, "en", title=code, footnotes=notes, payload=payload)

    run(action)


@app.command()
def speed(
    country: Annotated[str, typer.Argument(help="A country, in any form.")],
    source: Annotated[
        str | None, typer.Option(help="ookla_sgi, ookla_si, ookla_open or cableco; default: all.")
    ] = None,
    network: Annotated[str | None, typer.Option(help="fixed or mobile; default: both.")] = None,
    measure: Annotated[
        str, typer.Option(help="download, upload, latency, jitter, rank, tests, ... or all.")
    ] = "download",
    start: StartOpt = None,
    end: EndOpt = None,
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Internet speeds for a country, each labelled with its statistic, method and unit."""

    def action() -> None:
        rows = (
            observatory(home)
            .speed(
                country,
                source=source,
                network=network,
                measure=None if measure == "all" else measure,
                start=start,
                end=end,
            )
            .to_pylist()
        )
        columns = ["source", "network", "measure", "statistic", "period", "value", "unit"]
        methods = sorted({f"{r['source']}: {r['method']}" for r in rows if r["method"]})
        emit(
            rows,
            fmt,
            columns,
            "en",
            title=f"Internet speed, {country}",
            footnotes=[f"Method, {m}" for m in methods],
        )

    run(action)


@app.command()
def penetration(
    country: Annotated[str, typer.Argument(help="A country, in any form.")],
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Internet users / population next to the published share, with a consistency check."""

    def action() -> None:
        rows = observatory(home).penetration(country).to_pylist()
        columns = [
            "year",
            "users",
            "population",
            "computed_pct",
            "published_pct",
            "difference_pp",
            "consistent",
        ]
        emit(
            rows,
            fmt,
            columns,
            "en",
            title=f"Internet penetration, {country}",
            footnotes=[PENETRATION_NOTE],
        )

    run(action)


@app.command()
def peers(
    country: Annotated[str, typer.Argument(help="A country, in any form.")],
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
        if by not in ("world", "region", "subregion", "income", "neighbours", "list"):
            from ..errors import InputError

            raise InputError(
                f"--by must be world, region, subregion, income, neighbours or list, not '{by}'"
            )
        members = [m.strip() for m in (with_ or "").split(",") if m.strip()]
        rows = (
            observatory(home)
            .peers(
                country,
                indicator,
                by=cast("PeerBy", by),
                members=members,
                period=period,
                lang=parse_lang(lang),
                higher_is_better=not lower_is_better,
            )
            .to_pylist()
        )
        columns = [k for k in (rows[0] if rows else {}) if k != "source"]
        title = f"{indicator}, {country} and peers ({by})"
        emit(rows, fmt, columns, parse_lang(lang), title=title)

    run(action)


@app.command()
def ratio(
    first: Annotated[str, typer.Argument(help="A country, in any form.")],
    second: Annotated[str, typer.Argument(help="Another country.")],
    indicator: IndicatorOpt,
    period: PeriodOpt = None,
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The ratio between two countries on one indicator."""

    def action() -> None:
        result = observatory(home).ratio(indicator, first, second, period)
        emit([result], fmt, list(result), "en", title="Ratio", payload=result)

    run(action)


@app.command()
def growth(
    code: Annotated[str, typer.Argument(help="Indicator code.")],
    country: Annotated[str, typer.Argument(help="A country, in any form.")],
    start: Annotated[str, typer.Option("--start", help="First period.")],
    end: Annotated[str, typer.Option("--end", help="Last period.")],
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Absolute, per cent and compound annual growth between two periods."""

    def action() -> None:
        result = observatory(home).growth(code, country, start, end)
        emit(
            [result],
            fmt,
            list(result),
            "en",
            title="Growth",
            payload=result,
            footnotes=["CAGR = (end / start) ^ (1 / years) - 1"],
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
) -> None:
    """How long a download takes at a given speed, with the unit convention stated."""

    def action() -> None:
        from ..observatory import Observatory

        chosen = cast("Convention", convention)
        result: dict[str, Any] = Observatory.download_time(size, speed, chosen)
        if fmt is Format.table:
            typer.echo(result["human"])
            typer.echo(f"{result['seconds']:.1f} s; {result['convention']}", err=True)
            return
        emit([result], fmt, list(result), "en", payload=result)

    run(action)
