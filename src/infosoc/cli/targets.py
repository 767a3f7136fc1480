"""``infosoc targets``: a country's programme targets, checked against the data."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ..i18n import NC_, Lang, parse_lang, translations
from ..i18n.format import format_number, format_percent
from .common import FormatOpt, HomeOpt, LangOpt, app, emit, observatory, run
from .output import MISSING, Format

#: The table's columns and their headers.
COLUMNS: dict[str, str] = {
    "id": NC_("targets column", "Target"),
    "title": NC_("targets column", "Title"),
    "deadline": NC_("targets column", "Deadline"),
    "target": NC_("targets column", "Goal"),
    "observed": NC_("targets column", "Observed"),
    "observed_period": NC_("targets column", "Observed in"),
    "status": NC_("targets column", "Status"),
    "projection": NC_("targets column", "Projection"),
    "interval_90": NC_("targets column", "90% interval"),
    "required_per_year": NC_("targets column", "Needed per year"),
    "observed_per_year": NC_("targets column", "Observed per year"),
}
_STATUSES = ("met", "missed", "on_track", "off_track", "no_data")


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
    """Declared programme targets: met, missed, on or off track, or impossible to check.
    -f json prints the whole document, -f csv and -f ndjson its targets."""

    def action() -> None:
        language = parse_lang(lang)
        result = observatory(home).targets(country, file=file, as_of=as_of, lang=language)
        emit(result, fmt, show=lambda: print_table(result, language))

    run(action)


def print_table(result: dict[str, Any], lang: Lang) -> None:
    """One line per target, then the scorecard, each target's reason and its sources."""
    from rich.console import Console
    from rich.table import Table

    t = translations(lang)
    title = t.gettext("Programme targets, {country} (as of {date})")
    table = Table(title=title.format(country=result["country"], date=result["as_of"]))
    rows = [row(target, lang) for target in result["targets"]]
    for key, header in COLUMNS.items():
        numeric = key in ("observed", "projection", "required_per_year", "observed_per_year")
        name = str(t.pgettext("targets column", header))
        table.add_column(name, justify="right" if numeric else "left")
    for shown in rows:
        table.add_row(*(_cell(shown[key]) for key in COLUMNS))
    console = Console(width=None if sys.stdout.isatty() else 200)
    console.print(table)
    for note in footnotes(result, lang):
        console.print(note, style="dim", highlight=False)


def _cell(value: Any) -> str:
    """A table cell: "—" for what is missing, never "None", "nan" or 0."""
    if value is None or (isinstance(value, float) and value != value):
        return MISSING
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1e5 else f"{value:.6g}"
    return str(value)


def _status(target: dict[str, Any], lang: Lang) -> str:
    """A target's status in words; one resting on a reported statement says so."""
    from ..analysis.targets.reasons import status_word

    word = status_word(target["status"], lang)
    if target.get("evidence") == "reported":
        return str(translations(lang).gettext("{status} (reported)")).format(status=word)
    return word


def row(target: dict[str, Any], lang: Lang = "en") -> dict[str, Any]:
    """One target as the table shows it; what is missing stays None (printed "—", never 0)."""
    from ..analysis.targets.reasons import number, unit

    goal = target["target"]
    sign = "≥" if goal["direction"] == "at_least" else "≤"
    observed = target["observed"] or {}
    projection = target["projection"] or {}
    low, high = projection.get("low"), projection.get("high")
    interval = None
    if low is not None and high is not None:
        interval = str(translations(lang).gettext("{low} to {high}")).format(
            low=f"{low:.4g}", high=f"{high:.4g}"
        )
    return {
        "id": target["id"],
        "title": target["title"],
        "deadline": goal["deadline"],
        "target": str(translations(lang).gettext("{sign} {value} {unit}")).format(
            sign=sign, value=number(goal["value"], lang), unit=unit(target["unit"], lang)
        ),
        "observed": observed.get("value"),
        "observed_period": observed.get("period"),
        "status": _status(target, lang),
        "projection": projection.get("value"),
        "interval_90": interval,
        "required_per_year": (target["required_growth"] or {}).get("per_year"),
        "observed_per_year": (target["observed_growth"] or {}).get("per_year"),
    }


def footnotes(result: dict[str, Any], lang: Lang) -> list[str]:
    """The scorecard, the growth units, each target's reason and each source document."""
    from ..analysis.targets.reasons import status_word

    t = translations(lang)
    card = result["scorecard"]
    counts = {k: format_number(card[k], lang) for k in ("declared", *_STATUSES)}
    shares = {
        k: format_percent(card[k], lang, 0, scale=1)
        for k in ("share_achieved", "share_achieved_statistics", "share_reported",
                  "share_uncheckable")
    }  # fmt: skip
    notes = [
        str(
            t.gettext(
                "Scorecard: {declared} declared; {met} met, {missed} missed, {on_track} on "
                "track, {off_track} off track, {no_data} cannot be checked (no data). Achieved: "
                "{share_achieved} (by official statistics: {share_achieved_statistics}); resting "
                "on reported statements: {share_reported}; uncheckable: {share_uncheckable}."
            )
        ).format(**counts, **shares)
    ]
    for evidence, label in (
        ("statistics", t.gettext("Judged by official statistics: {counts}")),
        ("reported", t.gettext("Judged by reported official statements only: {counts}")),
    ):
        judged = card["by_evidence"][evidence]
        listed = ", ".join(f"{n} {status_word(k, lang)}" for k, n in judged.items())
        notes.append("  " + str(label).format(counts=listed))
    notes.append(
        t.gettext(
            "Growth per year is in the target's unit per year (percentage points for shares); "
            "observed = the trend's slope. A status rests on official statistics, or on a value "
            "reported in an official statement (marked “reported”)."
        )
    )
    for target in result["targets"]:
        notes.append(f"{target['id']}: {target['reason']}")
        if target["projection"]:
            method = target["projection"]["method"]
            notes.append("  " + t.gettext("projection: {method}").format(method=method))
        notes += _evidence_notes(target, lang)
        document = target["source_document"]
        declared = ", ".join(str(document[k]) for k in ("title", "date", "url") if document.get(k))
        if document.get("cited_in"):
            declared += "; " + t.gettext("cited in {where}").format(where=document["cited_in"])
        notes.append("  " + t.gettext("declared in: {document}").format(document=declared))
    if result.get("declared_later"):
        later = ", ".join(result["declared_later"])
        text = t.gettext("Declared after {date}, so left out: {targets}.")
        notes.append(text.format(date=result["as_of"], targets=later))
    notes.append(t.gettext("Registry: {registry}").format(registry=result["registry"]))
    return notes


def _evidence_notes(target: dict[str, Any], lang: Lang) -> list[str]:
    """Where the value used came from; each official series beside it; the statements."""
    from ..analysis.targets.reasons import status_word

    t = translations(lang)
    notes = []
    observed = target["observed"]
    if observed:
        citation = observed["source"]["citation"]
        notes.append("  " + t.gettext("value from {citation}").format(citation=citation))
        if observed.get("note"):
            notes.append("    " + t.gettext("note: {note}").format(note=observed["note"]))
    measured = target.get("measured_by") or []
    for series in measured if len(measured) > 1 else []:
        value = series["observed"]
        name = series["indicator"] + (f" ({series['breakdown']})" if series["breakdown"] else "")
        if series.get("method"):
            name += f" [{series['method']}]"
        if value:
            found = t.gettext("{status}, {value} in {period}; {citation}").format(
                status=status_word(series["status"], lang),
                value=f"{value['value']:,.6g}",
                period=value["period"],
                citation=value["source"]["citation"],
            )
        else:
            found = t.gettext("no value held")
        text = t.gettext("measured by {series}: {found}")
        notes.append("  " + text.format(series=name, found=found))
    for said in target.get("statements") or []:
        text = t.gettext('statement {date}: "{statement}" ({source}, {url})')
        fields = ("date", "statement", "source", "url")
        notes.append("  " + text.format(**{k: said[k] for k in fields}))
    return notes
