"""The section on e-government: every edition of the UN E-Government Survey, its charts, and
how firm the latest rank is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...errors import InfosocError, NotFoundError
from ...i18n import N_
from ...i18n.format import MISSING
from ..context import Context
from ..localiser import Localiser
from ..model import Cell, Chart, Section, Table

COMPONENTS = ("egdi", "osi", "tii", "hci", "epi")
#: Monte Carlo replications for the latest edition's rank interval, and their seed: enough
#: for the interval to be stable to about one rank.
RANK_SAMPLES = 1000
RANK_SEED = 0
LEVELS = {
    "Very High": N_("Very High"),
    "High": N_("High"),
    "Middle": N_("Middle"),
    "Low": N_("Low"),
}


def egdi_section(ctx: Context) -> Section:
    """Every edition held, with its rank, index, components and level; a sentence when the
    store holds none."""
    loc = ctx.loc
    section = Section("egdi", loc._("E-government: the UN E-Government Development Index"))
    try:
        history = [dict(r) for r in ctx.data.egdi(ctx.iso3, lang=loc.lang)]
    except NotFoundError:
        history = []
    history = [r for r in history if r.get("egdi") is not None or r.get("rank") is not None]
    if not history:
        section.missing = loc._(
            "The store holds no edition of the UN E-Government Survey for %(country)s.",
            country=ctx.name,
        )
        return section
    latest = history[-1]
    ctx.found.egdi_history = history
    ctx.found.states_ranked = _states_ranked(ctx, latest["year"])
    section.tables.append(_egdi_table(ctx, history))
    changed = [r for r in history if r.get("method_breaks")]
    if changed:
        section.notes_after.append(
            loc._(
                "† The method changed between this edition and the one before (%(years)s).",
                years=", ".join(str(r["year"]) for r in changed),
            )
        )
        if loc.lang == "en":  # the survey's own wording of each change exists in English only
            section.notes_after += [b for r in changed for b in r["method_breaks"]]
    section.notes_after.append(
        loc._("Δ rank is the previous rank minus this one: a positive number is a move up.")
    )
    section.paragraphs += _interval_paragraphs(ctx, latest)
    section.charts += _egdi_charts(ctx, history)
    return section


def level_name(loc: Localiser, level: Any) -> str:
    """The survey's EGDI level ("Very High", ...) in the report's language."""
    if level is None:
        return MISSING
    return loc._(LEVELS[level]) if level in LEVELS else str(level)


def _states_ranked(ctx: Context, year: int) -> int | None:
    try:
        rows = ctx.data.rank(str(year))
    except InfosocError:
        return None
    return sum(1 for r in rows if r.get("rank") is not None) or None


def _egdi_table(ctx: Context, history: Sequence[Mapping[str, Any]]) -> Table:
    loc = ctx.loc
    header = [
        loc._("Edition"),
        loc._("Rank"),
        loc._("Δ rank"),
        "EGDI",
        "OSI",
        "TII",
        "HCI",
        "EPI",
        loc._("Level"),
    ]
    columns = [Cell(h, numeric=0 < i < 8) for i, h in enumerate(header)]
    rows = []
    for r in history:
        notes = ctx.notes.edition("un-egov", r["year"])
        dagger = " †" if r.get("method_breaks") else ""
        change = r.get("rank_change")
        rows.append(
            [
                Cell(f"{r['year']}{dagger}", notes),
                Cell(loc.num(r.get("rank")), numeric=True),
                Cell(MISSING if change is None else f"{change:+d}".replace("-", "−"), numeric=True),
                *[Cell(loc.num(r.get(c), 4), numeric=True) for c in COMPONENTS],
                Cell(level_name(loc, r.get("level"))),
            ]
        )
    return Table(
        columns,
        rows,
        caption=loc._("Every edition of the survey"),
        css="egdi",
        widths=(12, 7, 8, 10, 10, 10, 10, 10, 13),
    )


def _interval_paragraphs(ctx: Context, latest: Mapping[str, Any]) -> list[str]:
    loc = ctx.loc
    try:
        interval = ctx.data.rank_interval(
            "egdi", ctx.iso3, period=str(latest["year"]), samples=RANK_SAMPLES, seed=RANK_SEED
        )
    except InfosocError:
        return [loc._("The rank's uncertainty interval could not be computed from the data held.")]
    ctx.found.interval = interval
    return [
        loc._(
            "How firm is the rank of %(year)s? Rebuilding the index %(samples)s times with other "
            "plausible weights, normalisations and aggregations puts %(country)s between rank "
            "%(low)s and rank %(high)s (5–95%%), with a median of %(median)s; the published rank "
            "is %(rank)s.",
            year=latest["year"],
            samples=loc.num(interval.get("samples")),
            country=ctx.name,
            low=loc.num(interval.get("q05")),
            high=loc.num(interval.get("q95")),
            median=loc.num(interval.get("median_rank")),
            rank=loc.num(latest.get("rank")),
        )
    ]


def _egdi_charts(ctx: Context, history: Sequence[Mapping[str, Any]]) -> list[Chart]:
    loc = ctx.loc
    components = [
        {"year": r["year"], "value": r.get(c), "index": c.upper()}
        for c in COMPONENTS
        for r in history
    ]
    ranks = [{"year": r["year"], "rank": r.get("rank"), "country": ctx.name} for r in history]
    notes = tuple(n for r in history for n in ctx.notes.edition("un-egov", r["year"]))
    source = Cell(loc._("Source:"), notes)
    return [
        Chart(
            "egdi-components",
            components,
            "year",
            "value",
            "index",
            title=loc._("EGDI and its components, %(country)s", country=ctx.name),
            x_title=loc._("Edition of the survey"),
            y_title=loc._("Index value (0 to 1)"),
            highlight="EGDI",
            legend_title=loc._("Index"),
            source=source,
        ),
        Chart(
            "egdi-rank",
            ranks,
            "year",
            "rank",
            "country",
            title=loc._("Rank among UN Member States (1 = best)"),
            x_title=loc._("Edition of the survey"),
            y_title=loc._("Rank"),
            highlight=ctx.name,
            reverse_y=True,
            y_format="d",
            legend_title=None,
            source=source,
        ),
    ]
