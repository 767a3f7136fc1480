"""The summary at the top of the report: key figures and a few sentences, from what the other
sections found (it is built after them)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..context import Context, Figure
from ..model import Cell, Section
from .article import counts_sentence
from .egdi import level_name
from .speeds import speed_label

SCORECARD = ("declared", "met", "on_track", "off_track", "missed", "no_data")


def summary_section(ctx: Context) -> Section:
    """Key figures and sentences on e-government, connectivity, targets and the article; a
    sentence when the store holds nothing on the country."""
    loc, found = ctx.loc, ctx.found
    section = Section("summary", loc._("Summary"))
    if found.egdi_history:
        _egdi(ctx, section)
    users = found.users
    if users is not None:
        section.facts.append(
            (
                loc._("Internet users %(year)s", year=users.year),
                Cell(loc.pct(users.value), users.notes),
            )
        )
        section.paragraphs.append(_users_sentence(ctx, users))
    if found.broadband is not None:
        label = loc._("Fixed broadband per 100 people %(year)s", year=found.broadband.year)
        section.facts.append((label, _figure_cell(ctx, found.broadband)))
    if found.mobile is not None:
        label = loc._("Mobile subscriptions per 100 people %(year)s", year=found.mobile.year)
        section.facts.append((label, _figure_cell(ctx, found.mobile)))
    if found.speed is not None:
        row = found.speed
        section.facts.append(
            (
                loc._(
                    "Fixed download speed, %(statistic)s, %(period)s",
                    statistic=speed_label(loc, row["statistic"]),
                    period=loc.period(row["period"]),
                ),
                Cell(loc._("%(value)s Mbit/s", value=loc.num(row["value"], 1)), found.speed_notes),
            )
        )
    card = found.scorecard
    if card and card.get("declared"):
        section.paragraphs.append(
            loc._(
                "National targets: %(declared)s; met: %(met)s, on track: %(on_track)s, off "
                "track: %(off_track)s, missed: %(missed)s; cannot be checked with the data held: "
                "%(no_data)s.",
                **{k: loc.num(card.get(k) or 0) for k in SCORECARD},
            )
        )
    if found.article:
        section.paragraphs.append(counts_sentence(loc, found.article))
    if not section.facts and not section.paragraphs:
        section.missing = loc._("The store holds no data on %(country)s.", country=ctx.name)
    return section


def _figure_cell(ctx: Context, figure: Figure) -> Cell:
    return Cell(ctx.loc.num(figure.value, 1), figure.notes)


def _egdi(ctx: Context, section: Section) -> None:
    """The latest edition's EGDI and rank, how the rank moved, and how firm it is."""
    loc, found = ctx.loc, ctx.found
    history, ranked = found.egdi_history, found.states_ranked
    latest, first = history[-1], history[0]
    notes = ctx.notes.edition("un-egov", latest["year"])
    section.facts.append(
        (
            loc._("EGDI %(year)s", year=latest["year"]),
            Cell(loc.num(latest.get("egdi"), 4), notes),
        )
    )
    rank_text = (
        loc._("%(rank)s of %(n)s", rank=loc.num(latest.get("rank")), n=loc.num(ranked))
        if ranked
        else loc.num(latest.get("rank"))
    )
    section.facts.append((loc._("EGDI rank %(year)s", year=latest["year"]), Cell(rank_text, notes)))
    section.paragraphs.append(_egdi_sentence(ctx, latest, ranked))
    if first["year"] != latest["year"] and first.get("rank") and latest.get("rank"):
        best = min((r for r in history if r.get("rank")), key=lambda r: r["rank"])
        section.paragraphs.append(
            loc._(
                "Its rank moved from %(first)s in %(first_year)s to %(last)s in "
                "%(last_year)s; the best was %(best)s, in %(best_year)s.",
                first=loc.num(first["rank"]),
                first_year=first["year"],
                last=loc.num(latest["rank"]),
                last_year=latest["year"],
                best=loc.num(best["rank"]),
                best_year=best["year"],
            )
        )
    interval = found.interval
    if interval:
        section.facts.append(
            (
                loc._("Rank, 5–95%% interval"),
                Cell(f"{loc.num(interval.get('q05'))}–{loc.num(interval.get('q95'))}"),
            )
        )


def _egdi_sentence(ctx: Context, latest: Mapping[str, Any], ranked: int | None) -> str:
    loc = ctx.loc
    values = {
        "year": latest["year"],
        "country": ctx.name,
        "rank": loc.ordinal(latest.get("rank")),
        "egdi": loc.num(latest.get("egdi"), 4),
        "level": level_name(loc, latest.get("level")),
    }
    if ranked:
        return loc.ngettext(
            "In the %(year)s UN E-Government Survey %(country)s ranks %(rank)s of %(n)s country, "
            "with an EGDI of %(egdi)s (the “%(level)s” group).",
            "In the %(year)s UN E-Government Survey %(country)s ranks %(rank)s of %(n)s "
            "countries, with an EGDI of %(egdi)s (the “%(level)s” group).",
            ranked,
            **values,
        )
    return loc._(
        "In the %(year)s UN E-Government Survey %(country)s ranks %(rank)s, with an EGDI of "
        "%(egdi)s (the “%(level)s” group).",
        **values,
    )


def _users_sentence(ctx: Context, users: Figure) -> str:
    loc, found = ctx.loc, ctx.found
    text = loc._(
        "In %(year)s, %(share)s of the population used the internet.",
        year=users.year,
        share=loc.pct(users.value),
    )
    own = next((r for r in found.peers if r["iso3"] == ctx.iso3), None)
    if own and own.get("rank") and own.get("of", 0) > 1 and str(own["period"]) == str(users.year):
        group = (
            loc._("its neighbours") if found.peers_by == "neighbours" else loc._("its sub-region")
        )
        text += " " + loc._(
            "That places it %(rank)s of %(of)s among %(group)s with data.",
            rank=loc.ordinal(own["rank"]),
            of=loc.num(own["of"]),
            group=group,
        )
    return text
