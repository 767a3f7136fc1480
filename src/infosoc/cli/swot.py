"""``infosoc swot``: an evidence-based SWOT of a country, and the article's SWOT checked."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ..i18n import Lang, parse_lang
from .common import FormatOpt, HomeOpt, LangOpt, app, observatory, run
from .output import MISSING, Format, to_csv, to_json

#: Headings and words of the table, in English, Russian and Kazakh.
_WORDS: dict[str, tuple[str, str, str]] = {
    "title": ("SWOT: {country}", "SWOT-анализ: {country}", "SWOT талдауы: {country}"),
    "strength": ("Strengths", "Сильные стороны", "Күшті жақтары"),
    "weakness": ("Weaknesses", "Слабые стороны", "Әлсіз жақтары"),
    "opportunity": ("Opportunities", "Возможности", "Мүмкіндіктер"),
    "threat": ("Threats", "Угрозы", "Қауіптер"),
    "article": (
        "The review article's SWOT, checked against the data",
        "SWOT-анализ обзорной статьи в сверке с данными",
        "Шолу мақаласының SWOT талдауы деректермен салыстырғанда",
    ),
    "supported": ("supported", "подтверждается", "расталады"),
    "contradicted": ("contradicted", "опровергается", "терістеледі"),
    "untestable": ("untestable", "непроверяемо", "тексеруге келмейді"),
    "item": ("Item", "Пункт", "Тармақ"),
    "indicator": ("Indicator", "Показатель", "Көрсеткіш"),
    "value": ("Value", "Значение", "Мәні"),
    "period": ("Period", "Период", "Кезең"),
    "peer_median": ("Peer median", "Медиана группы", "Топ медианасы"),
    "peers": ("Peers", "Стран", "Елдер"),
    "per_year": ("Per year", "В год", "Жылына"),
    "source": ("Source", "Источник", "Дереккөз"),
    "kind": ("Kind", "Тип", "Түрі"),
    "number": ("No.", "№", "№"),
    "verdict": ("Verdict", "Вердикт", "Қорытынды"),
    "reason": ("Reason", "Обоснование", "Негіздеме"),
    "none": ("none found in the data", "в данных не найдено", "деректерде табылмады"),
    "not_evaluated": ("Not evaluated", "Не оценено", "Бағаланбады"),
    "peer_groups": ("Peer groups", "Группы сравнения", "Салыстыру топтары"),
    "members": ("{n} other countries", "других стран: {n}", "басқа {n} ел"),
    "summary": ("Summary", "Итог", "Қорытынды"),
}
_INDEX: dict[Lang, int] = {"en": 0, "ru": 1, "kk": 2}
_KINDS = ("strength", "weakness", "opportunity", "threat")
CSV_COLUMNS = [
    "section", "kind", "rule", "number", "text", "verdict", "reason", "indicator", "label",
    "value", "period", "unit", "peer_median", "peer_group", "peers", "per_year", "from_period",
    "to_period", "source", "file_name", "retrieved",
]  # fmt: skip


def word(key: str, lang: Lang, **values: Any) -> str:
    """A heading or word of the table in ``lang``."""
    return _WORDS[key][_INDEX[lang]].format(**values)


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
    evidence; then the review article's own SWOT, item by item, with a verdict."""

    def action() -> None:
        language = parse_lang(lang)
        result = observatory(home).swot(country, rules=rules, lang=language)
        if fmt is Format.json:
            typer.echo(to_json(result))
        elif fmt is Format.csv:
            typer.echo(to_csv(csv_rows(result), CSV_COLUMNS), nl=False)
        else:
            print_tables(result, language)

    run(action)


def _evidence_cells(evidence: dict[str, Any] | None) -> dict[str, Any]:
    """The evidence flattened into CSV cells; what is missing stays None."""
    evidence = evidence or {}
    trend = evidence.get("trend") or {}
    source = evidence.get("source") or {}
    cells = {k: evidence.get(k) for k in ("indicator", "label", "value", "period", "unit",
                                          "peer_median", "peer_group", "peers")}  # fmt: skip
    cells.update({k: trend.get(k) for k in ("per_year", "from_period", "to_period")})
    cells.update({k: source.get(k) for k in ("source", "file_name", "retrieved")})
    return cells


def csv_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per item, per article item and per rule not evaluated."""
    rows = [
        {"section": "item", "kind": i["kind"], "rule": i["rule"], "text": i["text"],
         **_evidence_cells(i["evidence"])}
        for i in result["items"]
    ]  # fmt: skip
    rows += [
        {"section": "article", "kind": a["kind"], "number": a["number"], "text": a["text_ru"],
         "verdict": a["verdict"], "reason": a["reason"], **_evidence_cells(a["evidence"])}
        for a in result["article"]
    ]  # fmt: skip
    rows += [
        {"section": "not_evaluated", "kind": n["kind"], "rule": n["rule"], "reason": n["reason"]}
        for n in result["not_evaluated"]
    ]
    return rows


def _cell(value: Any) -> str:
    """A table cell: "—" for what is missing, never "None", "nan" or 0."""
    if value is None or (isinstance(value, float) and value != value):
        return MISSING
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _item_table(kind: str, items: list[dict[str, Any]], lang: Lang) -> Any:
    from rich.table import Table

    table = Table(title=word(kind, lang), title_justify="left", show_lines=True)
    headers = ("item", "indicator", "value", "period", "peer_median", "peers", "per_year",
               "source")  # fmt: skip
    for key in headers:
        numeric = key in ("value", "peer_median", "peers", "per_year")
        # Sentences and file names are folded onto more lines, never cut short.
        table.add_column(word(key, lang), justify="right" if numeric else "left", overflow="fold")
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

    table = Table(title=word("article", lang), title_justify="left", show_lines=True)
    for key in ("kind", "number", "item", "verdict", "reason"):
        table.add_column(word(key, lang), justify="right" if key == "number" else "left")
    for item in article:
        table.add_row(
            word(item["kind"], lang), str(item["number"]), item[f"text_{lang}"],
            word(item["verdict"], lang), item["reason"],
        )  # fmt: skip
    return table


def print_tables(result: dict[str, Any], lang: Lang) -> None:
    """Items grouped by kind with their evidence, then the article's items with verdicts."""
    from rich.console import Console

    from ..geo.countries import country

    console = Console(width=None if sys.stdout.isatty() else 200)
    name = country(result["country"]).name(lang)
    console.print(word("title", lang, country=f"{name} ({result['country']})"), style="bold")
    for kind in _KINDS:
        items = [i for i in result["items"] if i["kind"] == kind]
        if items:
            console.print(_item_table(kind, items, lang))
        else:
            console.print(f"{word(kind, lang)}: {word('none', lang)}", highlight=False)
    console.print(_article_table(result["article"], lang))
    for line in footnotes(result, lang):
        console.print(line, style="dim", highlight=False)


def footnotes(result: dict[str, Any], lang: Lang) -> list[str]:
    """Peer groups, the summary and the rules that could not be evaluated."""
    lines = [f"{word('peer_groups', lang)}:"]
    for by, group in result["peer_groups"].items():
        if group.get("error"):
            lines.append(f"  {by}: {group['error']}")
        else:
            members = word("members", lang, n=group["members"])
            lines.append(f"  {by}: {group['name']} ({group['basis']}; {members})")
    summary = result["summary"]
    counts = ", ".join(f"{word(k, lang)} {summary[k]}" for k in _KINDS)
    verdicts = ", ".join(f"{word(v, lang)} {n}" for v, n in summary["article"].items())
    lines.append(f"{word('summary', lang)}: {counts}; {word('article', lang)}: {verdicts}")
    if result["not_evaluated"]:
        lines.append(f"{word('not_evaluated', lang)}:")
        lines += [f"  {n['rule']}: {n['reason']}" for n in result["not_evaluated"]]
    return lines
