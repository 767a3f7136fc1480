"""Commands on composite indices: build one, audit it, and ask what-if."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ..errors import InputError
from .common import FormatOpt, HomeOpt, app, emit, observatory, run
from .output import Format

index_app = typer.Typer(help="Composite indices declared in TOML files.", no_args_is_help=True)
app.add_typer(index_app, name="index")

IndexArg = Annotated[
    str, typer.Argument(help="A shipped recipe (egdi, tii) or a definition file (.toml).")
]
YearOpt = Annotated[str | None, typer.Option("--year", help="Data period; default: the recipe's.")]


@index_app.command("build")
def index_build(
    index: IndexArg,
    year: YearOpt = None,
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Build an index from the store: every unit's score and rank, the log, and a comparison."""

    def action() -> None:
        result = observatory(home).index_build(index, year=year)
        notes = [
            f"{e['step']}: {e['method']} {e['params'] or ''} {e['note']}".strip()
            for e in result["log"]
        ]
        if result["missing_indicators"]:
            notes.append("left out, not in the store: " + ", ".join(result["missing_indicators"]))
        comparison = result["comparison"]
        if comparison:
            notes.append(
                f"against the published {comparison['published']}: max |error| "
                f"{comparison.get('max_abs_error', float('nan')):.3g} "
                f"({comparison.get('max_abs_error_unit')}), mean |error| "
                f"{comparison.get('mean_abs_error', float('nan')):.3g}"
            )
            for diff in comparison.get("rank_differences", []):
                notes.append(
                    f"  rank differs: {diff['unit']} {diff['rank']} (published "
                    f"{diff['published_rank']:.0f}): {diff.get('reason', '')}"
                )
        emit(
            result["units"],
            fmt,
            ["rank", "unit", "score"],
            "en",
            title=f"{result['index']}, {result['period']}",
            footnotes=notes,
            payload=result,
        )

    run(action)


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _changes(pairs: list[str]) -> dict[str, float]:
    changes: dict[str, float] = {}
    for pair in pairs:
        code, sep, value = pair.partition("=")
        try:
            changes[code.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep or not code.strip():
            raise InputError(f"--set takes CODE=NUMBER, not '{pair}'")
    if not changes:
        raise InputError("give at least one --set CODE=NUMBER")
    return changes


@app.command()
def whatif(
    index: IndexArg,
    country: Annotated[str, typer.Argument(help="The country whose values change.")],
    set_: Annotated[
        list[str],
        typer.Option(
            "--set", help="CODE=NUMBER, a new raw value (repeatable), e.g. IT.NET.BBND.P2=30."
        ),
    ],
    year: YearOpt = None,
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """A counterfactual: the index with one country's raw values changed, all others fixed."""

    def action() -> None:
        result: dict[str, Any] = observatory(home).whatif(index, country, _changes(set_), year=year)
        rows = [{"node": node, **values} for node, values in result["scores"].items()]
        rows.append({"node": "rank", **{k: result["rank"][k] for k in ("before", "after")}})
        changed = "; ".join(f"{c}: {v['from']} → {v['to']}" for c, v in result["changed"].items())
        emit(
            rows,
            fmt,
            ["node", "before", "after"],
            "en",
            title=f"What if ({result['unit']}): {changed}",
            footnotes=[result["note"], f"rank of {result['rank']['of']}"],
            payload=result,
        )

    run(action)


@app.command()
def audit(
    index: IndexArg,
    year: YearOpt = None,
    samples: Annotated[int, typer.Option(help="Monte Carlo replications.")] = 1000,
    seed: Annotated[int, typer.Option(help="Seed of the random draws.")] = 0,
    normaliser: Annotated[
        list[str] | None,
        typer.Option(
            "--normaliser",
            help="Alternative normaliser (repeatable), e.g. minmax or "
            "zscore:centre=10:scale=2; 'nominal' is the index's own. Default: the audit's set.",
        ),
    ] = None,
    aggregator: Annotated[
        list[str] | None,
        typer.Option(
            "--aggregator",
            help="Alternative aggregator (repeatable), e.g. "
            "geometric:zero_rule=shift. Default: the audit's set.",
        ),
    ] = None,
    weight_noise: Annotated[
        float | None,
        typer.Option(help="Each weight is multiplied by U[1 - noise, 1 + noise]; default 0.25."),
    ] = None,
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Audit an index: rank intervals by Monte Carlo, Sobol sensitivity, correlations, PCA."""

    def action() -> None:
        from rich.progress import SpinnerColumn, TextColumn

        from .common import progress_bar

        if samples < 10:
            raise InputError("--samples must be at least 10")
        with progress_bar(SpinnerColumn(), TextColumn("{task.description}")) as bar:
            bar.add_task(f"auditing {index}: {samples} replications and a Sobol analysis")
            chosen: dict[str, Any] = {}
            if normaliser:
                chosen["normalisers"] = normaliser
            if aggregator:
                chosen["aggregators"] = aggregator
            if weight_noise is not None:
                chosen["weight_noise"] = weight_noise
            result = observatory(home).audit(index, year=year, samples=samples, seed=seed, **chosen)
        rows = result["units"]
        notes = [
            f"{r['assumption']}: first-order {_num(r['S1'])} ± {_num(r['S1_conf'])}, "
            f"total {_num(r['ST'])} ± {_num(r['ST_conf'])}"
            for r in result["sensitivity"]
        ]
        notes.insert(0, "Sobol indices of each assumption on the mean absolute rank shift:")
        emit(
            rows,
            fmt,
            ["iso3", "rank", "median_rank", "q05", "q95"],
            "en",
            title=f"{result['index']}, {result['period']}: rank uncertainty",
            footnotes=notes,
            payload=result,
        )

    run(action)
