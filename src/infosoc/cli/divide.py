"""``infosoc divide``: speed tiles by region, town and village; divide indicators; a map.

A shell over ``Observatory().divide`` (:class:`infosoc.divide.Divide`): each command is one
call of it, with the options under the same names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..i18n import parse_lang
from .common import FormatOpt, FromOpt, HomeOpt, LangOpt, Steps, app, emit, observatory, run
from .common import progress_bar as _progress_bar
from .options import Network, OldTypeOpt, OldYearOpt, output, renamed
from .output import Format

divide_app = typer.Typer(
    help="The digital divide inside a country, from Ookla's speed tiles.", no_args_is_help=True
)
app.add_typer(divide_app, name="divide")

TilesOpt = Annotated[
    Path,
    typer.Option(
        "--tiles",
        help="Ookla open-data tile file (Parquet, or GeoJSON FeatureCollection).",
        show_default=False,
    ),
]
RegionsOpt = Annotated[
    Path | None,
    typer.Option(
        "--regions",
        help="Boundaries (GeoJSON, GeoPackage, …); default: Kazakhstan's 20 regions from --from.",
        show_default=False,
    ),
]
RegionKeyOpt = Annotated[
    str | None,
    typer.Option(
        "--region-key", help="The boundary property that names a region.", show_default=False
    ),
]
ThresholdOpt = Annotated[
    list[float] | None,
    typer.Option(
        "--threshold",
        help="Report the share of tests below this many Mbit/s (repeatable; default 2 10 25 100).",
        show_default=False,
    ),
]
MinTestsOpt = Annotated[
    int, typer.Option("--min-tests", help="Fewest tests for a region's measures to be shown.")
]
PlacesOpt = Annotated[
    Path | None,
    typer.Option(
        "--places",
        help="Populated places, GeoNames layout (default for Kazakhstan: GeoNames from --from).",
        show_default=False,
    ),
]
TownPopulationOpt = Annotated[
    int, typer.Option("--town-population", help="A town has at least this many people.")
]
TownRadiusOpt = Annotated[
    float, typer.Option("--town-radius-km", help="Tiles this close to a town belong to it.")
]
NetworkOpt = Annotated[Network, typer.Option("--network", help="Fixed or mobile broadband.")]
QuarterOpt = Annotated[
    str | None, typer.Option("--period", help="The quarter, e.g. 2023-Q1.", show_default=False)
]
OldQuarterOpt = Annotated[int | None, typer.Option("--quarter", hidden=True)]


def _steps(bar: Any) -> Any:
    """The library's ``progress(done, total, what)`` shown as the current step on ``bar``."""
    steps = Steps(bar)
    return lambda _done, _total, what: steps(what)


AGGREGATE_COLUMNS = (
    "region", "name", "tests", "devices", "tiles", "mean_download_mbps",
    "median_download_mbps", "mean_upload_mbps", "mean_latency_ms", "share_below_10_mbps",
    "note",
)  # fmt: skip
REPORT_COLUMNS = (
    "quarter", "measure", "regions", "best_region", "worst_region", "best_to_worst",
    "coefficient_of_variation", "gini", "theil", "town", "village",
)  # fmt: skip


@divide_app.command()
def aggregate(
    tiles: TilesOpt,
    regions: RegionsOpt = None,
    region_key: RegionKeyOpt = None,
    by_settlement: Annotated[
        bool, typer.Option("--by-settlement", help="Split each region into town and village.")
    ] = False,
    places: PlacesOpt = None,
    town_population: TownPopulationOpt = 10_000,
    town_radius_km: TownRadiusOpt = 5.0,
    threshold: ThresholdOpt = None,
    min_tests: MinTestsOpt = 50,
    from_: FromOpt = None,
    home: HomeOpt = None,
    lang: LangOpt = "en",
    fmt: FormatOpt = Format.table,
) -> None:
    """Measures per region for one tile file; tiles outside every region are counted too."""

    def action() -> None:
        language = parse_lang(lang)
        with _progress_bar() as bar:
            rows = observatory(home, from_).divide.aggregate(
                tiles,
                regions=regions,
                region_key=region_key,
                by_settlement=by_settlement,
                places=places,
                town_population=town_population,
                town_radius_km=town_radius_km,
                thresholds=threshold,
                min_tests=min_tests,
                lang=language,
                progress=_steps(bar),
            )
        columns = list(AGGREGATE_COLUMNS)
        if by_settlement:
            columns.insert(1, "settlement")
        meta = rows.metadata
        emit(
            rows,
            fmt,
            columns,
            language,
            f"Ookla tiles by region: {tiles.name}",
            footnotes=[
                f"{int(meta['tiles']):,} tiles, {int(meta['outside_tiles']):,} outside every "
                f"region (the row without a region); each tile counted once, in the region "
                f"holding its centre. Means and medians are test-weighted; regions under "
                f"{min_tests} tests are not reported.",
                f"Source: {meta['source']}.",
                *([meta["note"]] if "note" in meta else []),
                *([meta["overlaps"]] if "overlaps" in meta else []),
            ],
        )

    run(action)


@divide_app.command()
def tiles(
    period: QuarterOpt = None,
    network: NetworkOpt = Network.fixed,
    old_type: OldTypeOpt = None,
    old_year: OldYearOpt = None,
    old_quarter: OldQuarterOpt = None,
    from_: FromOpt = None,
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Download one quarter of Ookla's tiles into the cache (resumable, checked), or find it in
    the data folder: --period 2023-Q1."""

    def action() -> None:
        from ..errors import InputError

        chosen = renamed(old_type, "--type", "--network", network)
        wanted = period
        if old_year is not None or old_quarter is not None:
            wanted = renamed(f"{old_year}-Q{old_quarter}", "--year/--quarter", "--period", period)
        if wanted is None:
            raise InputError("give the quarter to fetch with --period, e.g. --period 2023-Q1")
        with _progress_bar() as bar:
            task = bar.add_task(f"{chosen.value} {wanted}", total=None)

            def progress(done: int, total: int | None, _what: str) -> None:
                bar.update(task, completed=done, total=total)

            rows = observatory(home, from_).divide.fetch(
                wanted, network=chosen.value, progress=progress
            )
        columns = ("network", "period", "file", "rows", "bytes")
        emit(rows, fmt, columns, "en", f"Ookla {chosen.value} tiles {wanted}")

    run(action)


@divide_app.command()
def report(
    country: Annotated[str, typer.Argument(help="Country, e.g. KAZ.")],
    network: NetworkOpt = Network.fixed,
    old_type: OldTypeOpt = None,
    tiles_files: Annotated[
        list[str] | None,
        typer.Option(
            "--tiles",
            help="Tile file, repeatable; PATH or 2023-Q1=PATH (default: every quarter held).",
            show_default=False,
        ),
    ] = None,
    weight: Annotated[
        str, typer.Option("--weight", metavar="tests|population", help="Weights across regions.")
    ] = "tests",
    population: Annotated[
        Path | None,
        typer.Option(
            "--population", help="CSV with columns region, population.", show_default=False
        ),
    ] = None,
    layout: Annotated[
        str,
        typer.Option(
            "--layout",
            metavar="2022|2018|1997",
            help="Kazakhstan's regions as of a reform, so that series span 2018 and 2022.",
        ),
    ] = "2022",
    regions: RegionsOpt = None,
    region_key: RegionKeyOpt = None,
    places: PlacesOpt = None,
    town_population: TownPopulationOpt = 10_000,
    town_radius_km: TownRadiusOpt = 5.0,
    threshold: ThresholdOpt = None,
    min_tests: MinTestsOpt = 50,
    from_: FromOpt = None,
    home: HomeOpt = None,
    lang: LangOpt = "en",
    fmt: FormatOpt = Format.table,
) -> None:
    """The divide indicators quarter by quarter: best-to-worst, CV, Gini, Theil, town-village."""

    def action() -> None:
        language = parse_lang(lang)
        chosen = renamed(old_type, "--type", "--network", network)
        with _progress_bar() as bar:
            document = observatory(home, from_).divide.report(
                country,
                network=chosen.value,
                tiles=tiles_files or (),
                regions=regions,
                region_key=region_key,
                places=places,
                town_population=town_population,
                town_radius_km=town_radius_km,
                thresholds=threshold,
                min_tests=min_tests,
                weight=weight,
                population=population,
                layout=layout,
                lang=language,
                progress=_steps(bar),
            )
        emit(
            document.rows(),
            fmt,
            REPORT_COLUMNS,
            language,
            f"Digital divide across regions, {document['country']} "
            f"({chosen.value}, weights: {weight})",
            footnotes=[*_trend_notes(document["trends"]), *document.get("notes", [])],
            payload=document,
        )

    run(action)


def _trend_notes(trends: list[dict[str, Any]]) -> list[str]:
    notes = [
        f"trend {t['measure']}.{t['indicator']}: {t['per_quarter']:+.4g} per quarter "
        f"over {t['quarters']} quarters"
        for t in trends
        if t["per_quarter"] is not None
    ]
    return notes or ["trend: needs two quarters or more"]


@divide_app.command("map")
def map_(
    measure: Annotated[str, typer.Argument(help="A measure, e.g. median_download_mbps.")],
    tiles: TilesOpt,
    out: Annotated[Path, typer.Option("--out", help="Output: .svg, .png, .html or .json.")],
    regions: RegionsOpt = None,
    region_key: RegionKeyOpt = None,
    threshold: ThresholdOpt = None,
    min_tests: MinTestsOpt = 50,
    from_: FromOpt = None,
    home: HomeOpt = None,
    lang: LangOpt = "en",
) -> None:
    """A choropleth of one measure by region (regions without enough tests in grey)."""

    def action() -> None:
        language = parse_lang(lang)
        output(out, folder=False)
        with _progress_bar() as bar:
            written = observatory(home, from_).divide.map(
                measure,
                tiles,
                out,
                regions=regions,
                region_key=region_key,
                thresholds=threshold,
                min_tests=min_tests,
                lang=language,
                progress=_steps(bar),
            )
        for path in written:
            typer.echo(str(path))

    run(action)


_COUNTS = (
    "settlements", "city", "town", "village", "hamlet", "isolated_dwelling",
    "with_population_tag", "population", "population_unread",
)  # fmt: skip
SETTLEMENT_COLUMNS = {
    "district": ("district", "name", "region_code", *_COUNTS),
    "region": ("region", "name", "region_code", *_COUNTS),
    "settlement": (
        "osm_id", "name", "place", "population", "population_tag", "district", "district_name",
        "region_code",
    ),
}  # fmt: skip


@divide_app.command()
def settlements(
    country: Annotated[str, typer.Argument(help="Country: KAZ.")],
    by: Annotated[
        str, typer.Option("--by", metavar="district|region", help="One row per district or region.")
    ] = "district",
    each: Annotated[
        bool, typer.Option("--list", help="Each settlement, with its district's KATO code.")
    ] = False,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            help="HOT export of OSM populated places (GeoJSON); default: the data folder's.",
            show_default=False,
        ),
    ] = None,
    from_: FromOpt = None,
    home: HomeOpt = None,
    lang: LangOpt = "en",
    fmt: FormatOpt = Format.table,
) -> None:
    """OpenStreetMap's settlements by district or region: place types, population tags, and
    their coverage against the official count (not an official register)."""

    def action() -> None:
        language = parse_lang(lang)
        result = observatory(home, from_).divide.settlements(
            country, level=by, each=each, places_file=file, lang=language
        )
        emit(
            result["rows"],
            fmt,
            SETTLEMENT_COLUMNS[result["level"]],
            language,
            f"OpenStreetMap settlements by {result['level']}: {result['file']}",
            footnotes=[result["coverage"]["note"]],
            payload=result,
        )

    run(action)
