"""``infosoc swot``: an evidence-based SWOT of a country, and the article's SWOT checked."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ..i18n import N_, NC_, Lang, parse_lang, translations
from .common import FormatOpt, HomeOpt, LangOpt, app, emit, observatory, run
from .output import MISSING, Format

#: Headings of the item kinds, and the kinds and verdicts in the article's table.
_HEADINGS = {
    "strength": N_("Strengths"),
    "weakness": N_("Weaknesses"),
    "opportunity": N_("Opportunities"),
    "threat": N_("Threats"),
}
_WORDS = {
    "strength": N_("strength"),
    "weakness": N_("weakness"),
    "opportunity": N_("opportunity"),
    "threat": N_("threat"),
    "supported": N_("supported"),
    "contradicted": N_("contradicted"),
    "untestable": N_("untestable"),
}
#: Column headers of the tables.
_COLUMNS = {
    "item": NC_("swot column", "Item"),
    "indicator": NC_("swot column", "Indicator"),
    "value": NC_("swot column", "Value"),
    "period": NC_("swot column", "Period"),
    "peer_median": NC_("swot column", "Peer median"),
    "peers": NC_("swot column", "Peers"),
    "per_year": NC_("swot column", "Per year"),
    "source": NC_("swot column", "Source"),
    "kind": NC_("swot column", "Kind"),
    "number": NC_("swot column", "No."),
    "verdict": NC_("swot column", "Verdict"),
    "reason": NC_("swot column", "Reason"),
}
_KINDS = ("strength", "weakness", "opportunity", "threat")


@app.command()
def swot(
    country: Annotated[str, typer.Argument(help="A country, in any form.")],
    rules: Annotated[
        Path | None,
        typer.Option("--rules", help="SWOT rules (YAML); default: the ones shipped with infosoc."),
    ] = None,
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = "en",
) -> None:
    """Strengths, weaknesses, opportunities and threats found in the data, each with its
    evidence; then the review article's own SWOT, item by item, with a verdict. -f json prints
    the whole document, -f csv and -f ndjson its items."""

    def action() -> None:
        language = parse_lang(lang)
        result = observatory(home).swot(country, rules=rules, lang=language)
        emit(result, fmt, show=lambda: print_tables(result, language))

    run(action)


def _cell(value: Any) -> str:
    """A table cell: "—" for what is missing, never "None", "nan" or 0."""
    if value is None or (isinstance(value, float) and value != value):
        return MISSING
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _column(key: str, lang: Lang) -> str:
    return str(translations(lang).pgettext("swot column", _COLUMNS[key]))


def _item_table(kind: str, items: list[dict[str, Any]], lang: Lang) -> Any:
    from rich.table import Table

    title = translations(lang).gettext(_HEADINGS[kind])
    table = Table(title=title, title_justify="left", show_lines=True)
    headers = ("item", "indicator", "value", "period", "peer_median", "peers", "per_year",
               "source")  # fmt: skip
    for key in headers:
        numeric = key in ("value", "peer_median", "peers", "per_year")
        # Sentences and file names are folded onto more lines, never cut short.
        name = _column(key, lang)
        table.add_column(name, justify="right" if numeric else "left", overflow="fold")
    for item in items:
        ev = item["evidence"]
        trend = ev.get("trend") or {}
        per_year = trend.get("per_year")
        source = ev["source"]
        table.add_row(
            item["text"], ev["indicator"], _cell(ev["value"]), _cell(ev["period"]),
            _cell(ev["peer_median"]), _cell(ev["peers"]),
            MISSING if per_year is None else f"{per_year:+.4g}",
            " ".join(str(source[k]) for k in ("source", "file_name") if source.get(k)) or MISSING,
        )  # fmt: skip
    return table


def _article_table(article: list[dict[str, Any]], lang: Lang) -> Any:
    from rich.table import Table

    t = translations(lang)
    title = t.gettext("The review article's SWOT, tested against the data")
    table = Table(title=title, title_justify="left", show_lines=True)
    for key in ("kind", "number", "item", "verdict", "reason"):
        table.add_column(_column(key, lang), justify="right" if key == "number" else "left")
    for item in article:
        table.add_row(
            t.gettext(_WORDS[item["kind"]]), str(item["number"]), item["text"],
            t.gettext(_WORDS[item["verdict"]]), item["reason"],
        )  # fmt: skip
    return table


def print_tables(result: dict[str, Any], lang: Lang) -> None:
    """Items grouped by kind with their evidence, then the article's items with verdicts."""
    from rich.console import Console

    from ..geo.countries import country

    t = translations(lang)
    console = Console(width=None if sys.stdout.isatty() else 200)
    name = f"{country(result['country']).name(lang)} ({result['country']})"
    console.print(t.gettext("SWOT: {country}").format(country=name), style="bold")
    for kind in _KINDS:
        items = [i for i in result["items"] if i["kind"] == kind]
        if items:
            console.print(_item_table(kind, items, lang))
        else:
            none = t.gettext("{kind}: none found in the data")
            console.print(none.format(kind=t.gettext(_HEADINGS[kind])), highlight=False)
    console.print(_article_table(result["article"], lang))
    for line in footnotes(result, lang):
        console.print(line, style="dim", highlight=False)


def footnotes(result: dict[str, Any], lang: Lang) -> list[str]:
    """Peer groups, the summary and the rules that could not be evaluated, in ``lang``."""
    t = translations(lang)
    lines = [t.gettext("Peer groups:")]
    for by, group in result["peer_groups"].items():
        if group.get("error"):
            lines.append(f"  {by}: {group['error']}")
        else:
            n = group["members"]
            members = t.ngettext("{n} other country", "{n} other countries", n).format(n=n)
            lines.append(f"  {by}: {group['name']} ({group['basis']}; {members})")
    summary = result["summary"]
    counts = ", ".join(f"{t.gettext(_HEADINGS[k])} {summary[k]}" for k in _KINDS)
    verdicts = ", ".join(f"{t.gettext(_WORDS[v])} {n}" for v, n in summary["article"].items())
    lines.append(
        t.gettext("Summary: {counts}; the article's SWOT: {verdicts}").format(
            counts=counts, verdicts=verdicts
        )
    )
    if result["not_evaluated"]:
        lines.append(t.gettext("Not evaluated:"))
        lines += [f"  {n['rule']}: {n['reason']}" for n in result["not_evaluated"]]
    return lines
