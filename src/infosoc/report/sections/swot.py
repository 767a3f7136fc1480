"""The section on strengths, weaknesses, opportunities and threats: those the data show, and
the review article's own SWOT tested item by item."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...errors import InfosocError
from ...i18n import N_
from ..context import Context
from ..model import Cell, Section, Table

SWOT_VERDICTS = {
    "supported": N_("supported"),
    "contradicted": N_("contradicted"),
    "untestable": N_("untestable"),
}
SWOT_KINDS = {
    "strength": N_("Strengths"),
    "weakness": N_("Weaknesses"),
    "opportunity": N_("Opportunities"),
    "threat": N_("Threats"),
}
SWOT_KIND = {
    "strength": N_("strength"),
    "weakness": N_("weakness"),
    "opportunity": N_("opportunity"),
    "threat": N_("threat"),
}


def swot_section(ctx: Context) -> Section:
    """The four groups of items found, each cited, and the article's SWOT with verdicts."""
    loc = ctx.loc
    section = Section("swot", loc._("Strengths, weaknesses, opportunities and threats"))
    try:
        result = ctx.data.swot(ctx.iso3, lang=loc.lang, targets=ctx.found.targets)
    except InfosocError:
        result = {}
    items = result.get("items") or []
    article = result.get("article") or []
    if not items and not article:
        section.missing = loc._(
            "The data held give no SWOT items for %(country)s.", country=ctx.name
        )
        return section
    for kind, title in SWOT_KINDS.items():
        entries = [_swot_item(ctx, i) for i in items if i.get("kind") == kind]
        section.groups.append((loc._(title), entries))
    if article:
        section.tables.append(_article_table(ctx, article))
    return section


def _swot_item(ctx: Context, item: Mapping[str, Any]) -> tuple[str, Cell]:
    """An item's sentence (it already quotes its value and peers) and its footnote."""
    source = (item.get("evidence") or {}).get("source") or {}
    notes = ctx.notes.file(source.get("file_name"), source.get("retrieved"))
    return str(item.get("text") or ""), Cell("", notes)


def _article_table(ctx: Context, article: Sequence[Mapping[str, Any]]) -> Table:
    loc = ctx.loc
    columns = [Cell(loc._("Kind")), Cell(loc._("The article says")), Cell(loc._("Verdict"))]
    rows = []
    for a in article:
        source = (a.get("evidence") or {}).get("source") or {}
        notes = ctx.notes.file(source.get("file_name"), source.get("retrieved"))
        verdict = str(a.get("verdict") or "untestable")
        text = a.get(f"text_{loc.lang}") or a.get("text_en") or a.get("text_ru") or ""
        rows.append(
            [
                Cell(loc._(SWOT_KIND.get(str(a.get("kind")), str(a.get("kind"))))),
                Cell(str(text), sub=str(a.get("reason") or "")),
                Cell(loc._(SWOT_VERDICTS.get(verdict, verdict)), notes, css=f"verdict-{verdict}"),
            ]
        )
    return Table(
        columns,
        rows,
        caption=loc._("The review article's SWOT, tested against the data"),
        css="swot-article",
        widths=(15, 67, 18),
    )
