"""The section on national targets: the scorecard, and each target with its goal, what the
data say and why it has its status."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...errors import InfosocError
from ...i18n import N_
from ...i18n.format import MISSING
from ..context import Context
from ..localiser import Localiser
from ..model import Cell, Section, Table

TARGET_STATUS = {
    "met": N_("met"),
    "missed": N_("missed"),
    "on_track": N_("on track"),
    "off_track": N_("off track"),
    "no_data": N_("no data"),
}
DIRECTIONS = {"at_least": "≥", "at_most": "≤"}
#: Units of the shipped target registry, as msgids (a literal % is written %%).
UNITS = {
    "% of population": N_("%% of population"),
    "km laid since 2019": N_("km laid since 2019"),
    "villages": N_("villages"),
    "% of villages with fewer than 250 inhabitants": N_(
        "%% of villages with fewer than 250 inhabitants"
    ),
}


def targets_section(ctx: Context) -> Section:
    """The scorecard and a table of the targets; a sentence when none is registered."""
    loc = ctx.loc
    section = Section("targets", loc._("National targets"))
    try:
        result: dict[str, Any] | None = ctx.data.targets(ctx.iso3, lang=loc.lang)
    except InfosocError:
        result = None
    ctx.found.targets = result  # the SWOT's targets rule reads the same scorecard
    targets = (result or {}).get("targets") or []
    if result is None or not targets:
        section.missing = loc._(
            "No national targets are registered for %(country)s.", country=ctx.name
        )
        return section
    card = result.get("scorecard") or {}
    ctx.found.scorecard = card
    keys = ("declared", "met", "missed", "on_track", "off_track", "no_data")
    labels = [loc._("declared")] + [loc._(TARGET_STATUS[k]) for k in keys[1:]]
    section.facts += [
        (label, Cell(loc.num(card.get(k)), numeric=True))
        for label, k in zip(labels, keys, strict=True)
    ]
    section.facts.append((loc._("share achieved"), Cell(loc.share(card.get("share_achieved")))))
    section.facts.append(
        (loc._("share that cannot be checked"), Cell(loc.share(card.get("share_uncheckable"))))
    )
    baseline = any(t.get("baseline") is not None for t in targets)
    columns = [
        Cell(loc._("Target")),
        Cell(loc._("Goal"), numeric=True),
        Cell(loc._("Observed"), numeric=True),
        Cell(loc._("Projection"), numeric=True),
        Cell(loc._("Status")),
    ]
    widths: tuple[int, ...] = (42, 16, 15, 14, 13)
    if baseline:
        columns.insert(1, Cell(loc._("Baseline"), numeric=True))
        widths = (34, 12, 15, 14, 13, 12)
    section.tables.append(
        Table(
            columns,
            [_target_row(ctx, t, baseline) for t in targets],
            caption=loc._("Targets and what the data say"),
            css="targets",
            widths=widths,
        )
    )
    if result.get("as_of"):
        section.notes_after.append(loc._("Checked as of %(date)s.", date=loc.date(result["as_of"])))
    return section


def _target_row(ctx: Context, t: Mapping[str, Any], baseline_column: bool) -> list[Cell]:
    loc = ctx.loc
    goal = t.get("target") or {}
    doc = t.get("source_document") or {}
    doc_notes = (
        ctx.notes.text("doc:" + str(doc.get("title")), str(doc.get("title")), doc.get("url"))
        if doc.get("title")
        else ()
    )
    observed = t.get("observed") or {}
    source = observed.get("source") or {}
    obs_notes = ctx.notes.file(source.get("file_name"), source.get("retrieved"))
    reported = observed.get("reported")
    if isinstance(reported, Mapping):  # an official's statement, not a statistic: cite it
        obs_notes = ctx.notes.text(
            "reported:" + str(reported.get("url")),
            loc._(
                "Official statement of %(date)s, as reported: %(statement)s",
                date=loc.period(reported.get("date")),
                statement=reported.get("statement"),
            ),
            reported.get("url"),
        )
    projection = t.get("projection") or {}
    direction = DIRECTIONS.get(str(goal.get("direction")), "")
    status = str(t.get("status") or "no_data")
    deadline = f" ({loc.period(goal['deadline'])})" if goal.get("deadline") else ""
    row = [
        Cell(str(t.get("title") or t.get("id")), doc_notes, sub=_target_reason(loc, t)),
        Cell(
            f"{direction} {loc.auto(goal.get('value'))}".strip() + deadline,
            numeric=True,
            sub=_unit(loc, t.get("unit")),
        ),
        Cell(
            _with_period(loc, observed.get("value"), observed.get("period")),
            obs_notes,
            numeric=True,
        ),
        Cell(_with_period(loc, projection.get("value"), projection.get("period")), numeric=True),
        Cell(
            loc._(TARGET_STATUS.get(status, status)),
            css=f"status-{status}",
            sub=loc._("as reported, not measured") if t.get("evidence") == "reported" else "",
        ),
    ]
    if baseline_column:
        baseline = t.get("baseline")
        if isinstance(baseline, Mapping):
            text = _with_period(loc, baseline.get("value"), baseline.get("period"))
        else:
            text = loc.auto(baseline)
        row.insert(1, Cell(text, numeric=True))
    return row


def _unit(loc: Localiser, unit: Any) -> str:
    """A unit in the report's language when the catalogue knows it, else as the registry has it."""
    if not unit:
        return ""
    return loc._(UNITS[unit]) if unit in UNITS else str(unit)


def _target_reason(loc: Localiser, t: Mapping[str, Any]) -> str:
    """Why a target has its status. The targets module explains in English; the other
    languages get a shorter explanation built from the same fields."""
    if loc.lang == "en":
        return str(t.get("reason") or "")
    status = str(t.get("status") or "no_data")
    observed = t.get("observed") or {}
    if status == "no_data" and observed.get("value") is None:
        return loc._("No official series measures this target, so it cannot be checked.")
    if status == "no_data":
        return loc._(
            "No value for the deadline is held; the latest is %(value)s (%(period)s).",
            value=loc.auto(observed.get("value")),
            period=loc.period(observed.get("period")),
        )
    return ""


def _with_period(loc: Localiser, value: Any, period: Any) -> str:
    if value is None:
        return MISSING
    return loc.auto(value) + (f" ({loc.period(period)})" if period else "")
