"""Commands on composite indices: build one, audit it, and ask what-if.

Each prints a document (docs/conventions.md): ``-f json`` the whole object, ``-f csv`` and
``-f ndjson`` its rows under ``units``, ``-f table`` a summary for reading in ``--lang``.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ..errors import InputError
from ..i18n import Lang, parse_lang, translations
from .common import FormatOpt, HomeOpt, LangOpt, app, emit, label, observatory, run
from .options import OldYearOpt, periods, renamed
from .output import MISSING, Format

index_app = typer.Typer(help="Composite indices declared in TOML files.", no_args_is_help=True)
app.add_typer(index_app, name="index")

IndexArg = Annotated[
    str, typer.Argument(help="A shipped recipe (egdi, tii) or a definition file (.toml).")
]
IndexPeriodOpt = Annotated[
    str | None,
    typer.Option(
        "--period", help="Data period, e.g. 2022; default: the index's own.", show_default=False
    ),
]


def _period(period: str | None, year: str | None) -> str | None:
    chosen = renamed(year, "--year", "--period", period)
    periods(period=chosen)
    return chosen


@index_app.command("build")
def index_build(
    index: IndexArg,
    period: IndexPeriodOpt = None,
    year: OldYearOpt = None,
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = "en",
) -> None:
    """Build an index from the store: every unit's score and rank, the log, and a comparison."""

    def action() -> None:
        language = parse_lang(lang)
        document = observatory(home).index_build(index, period=_period(period, year))
        emit(
            document.rows(),
            fmt,
            ["rank", "unit", "score"],
            language,
            title=f"{document['index']}, {document['period']}",
            footnotes=_build_notes(document, language),
            payload=document,
        )

    run(action)


def _build_notes(document: dict[str, Any], lang: Lang) -> list[str]:
    t = translations(lang)
    notes = [
        f"{e['step']}: {e['method']} {e['params'] or ''} {e['note']}".strip()
        for e in document["log"]
    ]
    if document["missing_indicators"]:
        codes = ", ".join(document["missing_indicators"])
        notes.append(t.gettext("left out, not in the store: %(codes)s") % {"codes": codes})
    comparison = document["comparison"]
    if comparison:
        notes.append(
            t.gettext(
                "against the published %(published)s: largest |error| %(largest)s (%(unit)s), "
                "mean |error| %(mean)s"
            )
            % {
                "published": comparison["published"],
                "largest": _num(comparison.get("max_abs_error"), ".3g"),
                "unit": comparison.get("max_abs_error_unit") or MISSING,
                "mean": _num(comparison.get("mean_abs_error"), ".3g"),
            }
        )
        differs = t.gettext("rank differs: %(unit)s %(rank)s (published %(published)s): %(reason)s")
        for diff in comparison.get("rank_differences", []):
            values = {
                "unit": diff["unit"],
                "rank": diff["rank"],
                "published": _num(diff["published_rank"], ".0f"),
                "reason": diff.get("reason", ""),
            }
            notes.append(f"  {differs % values}")
    return notes


def _num(value: float | None, spec: str = ".3f") -> str:
    return MISSING if value is None else format(value, spec)


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
    period: IndexPeriodOpt = None,
    year: OldYearOpt = None,
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = "en",
) -> None:
    """A counterfactual: the index with one country's raw values changed, all others fixed."""

    def action() -> None:
        language = parse_lang(lang)
        t = translations(language)
        document = observatory(home).whatif(
            index, country, _changes(set_), period=_period(period, year)
        )
        # the table is the country's own scores; -f csv and ndjson give every unit's rows
        summary = [{"node": node, **values} for node, values in document["scores"].items()]
        rank = document["rank"]
        summary.append(
            {"node": label("rank", language), "before": rank["before"], "after": rank["after"]}
        )
        changed = "; ".join(f"{c}: {v['from']} → {v['to']}" for c, v in document["changed"].items())
        title = t.gettext("What if (%(unit)s): %(changes)s") % {
            "unit": document["country"],
            "changes": changed,
        }
        notes = [
            t.gettext(document["note"]),
            t.gettext("rank out of %(count)s") % {"count": rank["of"]},
        ]
        if fmt is Format.table:
            emit(summary, fmt, ["node", "before", "after"], language, title=title, footnotes=notes)
        else:
            emit(document.rows(), fmt, [], language, payload=document)

    run(action)


@app.command()
def audit(
    index: IndexArg,
    period: IndexPeriodOpt = None,
    year: OldYearOpt = None,
    samples: Annotated[
        int, typer.Option(help="Monte Carlo replications: 10 to 1000000, as memory allows.")
    ] = 1000,
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
    lang: LangOpt = "en",
) -> None:
    """Audit an index: rank intervals by Monte Carlo, Sobol sensitivity, correlations, PCA."""

    def action() -> None:
        from rich.progress import SpinnerColumn, TextColumn

        from .common import progress_bar

        language = parse_lang(lang)
        t = translations(language)
        from ..indices.documents import MAX_SAMPLES

        if samples < 10:
            raise InputError("--samples must be at least 10")
        if samples > MAX_SAMPLES:
            raise InputError(f"--samples must be at most {MAX_SAMPLES}, not {samples}")
        chosen: dict[str, Any] = {}
        if normaliser:
            chosen["normalisers"] = normaliser
        if aggregator:
            chosen["aggregators"] = aggregator
        if weight_noise is not None:
            chosen["weight_noise"] = weight_noise
        when = _period(period, year)
        with progress_bar(SpinnerColumn(), TextColumn("{task.description}")) as bar:
            what = t.gettext("auditing %(index)s: %(samples)s replications and a Sobol analysis")
            bar.add_task(what % {"index": index, "samples": samples})
            document = observatory(home).audit(
                index, period=when, samples=samples, seed=seed, **chosen
            )
        notes = [t.gettext("Sobol indices of each assumption on the mean absolute rank shift:")]
        line = t.gettext(
            "%(assumption)s: first-order %(s1)s ± %(s1_conf)s, total %(st)s ± %(st_conf)s"
        )
        for r in document["sensitivity"]:
            notes.append(
                line
                % {
                    "assumption": r["assumption"],
                    "s1": _num(r["S1"]),
                    "s1_conf": _num(r["S1_conf"]),
                    "st": _num(r["ST"]),
                    "st_conf": _num(r["ST_conf"]),
                }
            )
        title = t.gettext("%(index)s, %(period)s: rank uncertainty") % {
            "index": document["index"],
            "period": document["period"],
        }
        emit(
            document.rows(),
            fmt,
            ["iso3", "rank", "median_rank", "q05", "q95"],
            language,
            title=title,
            footnotes=notes,
            payload=document,
        )

    run(action)
