"""``infosoc targets``: a country's programme targets, checked against the data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..i18n import parse_lang
from .common import FormatOpt, HomeOpt, LangOpt, app, emit, observatory, run
from .output import Format

COLUMNS = [
    "id",
    "title",
    "deadline",
    "target",
    "observed",
    "observed_period",
    "status",
    "projection",
    "interval_90",
    "required_per_year",
    "observed_per_year",
]


@app.command()
def targets(
    country: Annotated[str, typer.Argument(help="A country, in any form.")],
    file: Annotated[
        Path | None,
        typer.Option(
            "--file", help="Registry of targets (YAML); default: the ones shipped with infosoc."
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Judge deadlines as of this date (YYYY-MM-DD); default: today."
        ),
    ] = None,
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = "en",
) -> None:
    """Declared programme targets: met, missed, on or off track, or impossible to check."""

    def action() -> None:
        language = parse_lang(lang)
        result = observatory(home).targets(country, file=file, as_of=as_of, lang=language)
        rows = [row(t, shown=fmt is Format.table) for t in result["targets"]]
        title = f"Programme targets, {result['country']} (as of {result['as_of']})"
        emit(rows, fmt, COLUMNS, language, title, footnotes(result), payload=result)

    run(action)


def row(target: dict[str, Any], *, shown: bool = False) -> dict[str, Any]:
    """One flat row per target; what is missing stays None (printed "—", never 0). ``shown``
    (the table): a status resting on a reported statement reads "met (reported)"; the CSV
    keeps the status and its ``evidence`` in two columns."""
    goal = target["target"]
    sign = "≥" if goal["direction"] == "at_least" else "≤"
    observed = target["observed"] or {}
    projection = target["projection"] or {}
    required = target["required_growth"] or {}
    growth = target["observed_growth"] or {}
    low, high = projection.get("low"), projection.get("high")
    return {
        "id": target["id"],
        "title": target["title"],
        "deadline": goal["deadline"],
        "target": f"{sign} {goal['value']:,.6g} {target['unit']}",
        "target_value": goal["value"],
        "direction": goal["direction"],
        "unit": target["unit"],
        "observed": observed.get("value"),
        "observed_period": observed.get("period"),
        "status": (
            f"{target['status']} (reported)"
            if shown and target.get("evidence") == "reported"
            else target["status"]
        ),
        "evidence": target.get("evidence"),
        "projection": projection.get("value"),
        "projection_period": projection.get("period"),
        "projection_low": low,
        "projection_high": high,
        "interval_90": f"{low:.4g} to {high:.4g}" if low is not None and high is not None else None,
        "required_per_year": required.get("per_year"),
        "observed_per_year": growth.get("per_year"),
        "growth_unit": required.get("unit") or growth.get("unit"),
    }


def footnotes(result: dict[str, Any]) -> list[str]:
    """The scorecard, the growth units, each target's reason and each source document."""
    card = result["scorecard"]
    notes = [
        f"Scorecard: {card['declared']} declared; {card['met']} met, {card['missed']} missed, "
        f"{card['on_track']} on track, {card['off_track']} off track, {card['no_data']} "
        f"cannot be checked (no data). Achieved: {card['share_achieved']:.0%} "
        f"(by official statistics: {card['share_achieved_statistics']:.0%}); resting on "
        f"reported statements: {card['share_reported']:.0%}; "
        f"uncheckable: {card['share_uncheckable']:.0%}.",
        *(
            f"  {label}: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items())
            for label, counts in (
                ("met according to official statistics", card["by_evidence"]["statistics"]),
                ("met as reported (official statements only)", card["by_evidence"]["reported"]),
            )
        ),
        "Growth per year is in the target's unit per year (percentage points for shares); "
        "observed = the trend's slope. evidence: statistics = official statistics decide the "
        "status; reported = a value reported in an official statement does.",
    ]
    for target in result["targets"]:
        notes.append(f"{target['id']}: {target['reason']}")
        if target["projection"]:
            notes.append(f"  projection: {target['projection']['method']}")
        notes += _evidence_notes(target)
        document = target["source_document"]
        cited = f"; cited in {document['cited_in']}" if document.get("cited_in") else ""
        url = f", {document['url']}" if document.get("url") else ""
        said = f", {document['date']}" if document.get("date") else ""
        notes.append(f"  declared in: {document['title']}{said}{url}{cited}")
    if result.get("declared_later"):
        later = ", ".join(result["declared_later"])
        notes.append(f"Declared after {result['as_of']}, so left out: {later}.")
    notes.append(f"Registry: {result['registry']}")
    return notes


def _evidence_notes(target: dict[str, Any]) -> list[str]:
    """Where the value used came from; each official series beside it; the statements."""
    notes = []
    observed = target["observed"]
    if observed:
        notes.append(f"  value from {observed['source']['citation']}")
        if observed.get("note"):
            notes.append(f"    note: {observed['note']}")
    measured = target.get("measured_by") or []
    for series in measured if len(measured) > 1 else []:
        value = series["observed"]
        name = series["indicator"] + (f" ({series['breakdown']})" if series["breakdown"] else "")
        found = (
            f"{series['status']}, {value['value']:,.6g} in {value['period']}; "
            f"{value['source']['citation']}"
            if value
            else "no value held"
        )
        method = f" [{series['method']}]" if series.get("method") else ""
        notes.append(f"  measured by {name}{method}: {found}")
    for said in target.get("statements") or []:
        notes.append(f'  statement {said["date"]}: "{said["statement"]}" ({said["source"]}, '
                     f"{said['url']})")  # fmt: skip
    return notes
