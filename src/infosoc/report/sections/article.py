"""The section on the review article's claims (Kazakhstan only): each figure the article gives,
the value computed from the official data, and the verdict."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ...errors import InfosocError
from ...i18n import N_
from ..context import Context
from ..localiser import Localiser
from ..model import Cell, Section, Table
from .egdi import LEVELS

ARTICLE_VERDICTS = {
    "confirmed": N_("confirmed"),
    "differs": N_("differs"),
    "unverifiable": N_("unverifiable"),
}
#: Source labels of the article's claims that name no file.
CLAIM_SOURCES = {
    "the article's own figures": N_("The article's own figures."),
    "cable.co.uk convention (docs/article-claims.md)": N_(
        "The convention of cable.co.uk for download times (docs/article-claims.md)."
    ),
}


def article_section(ctx: Context) -> Section | None:
    """The claims and their verdicts; None for a country other than Kazakhstan, which the
    article is not about."""
    loc = ctx.loc
    if ctx.iso3 != "KAZ":
        return None
    section = Section("article", loc._("The review article's claims, checked"))
    try:
        claims = list(ctx.data.article(lang=loc.lang)["claims"])
    except InfosocError:
        claims = []
    if not claims:
        section.missing = loc._("The article's claims could not be checked with the data held.")
        return section
    counts = {v: sum(1 for c in claims if c.get("verdict") == v) for v in ARTICLE_VERDICTS}
    ctx.found.article = {"total": len(claims), **counts}
    section.paragraphs.append(counts_sentence(loc, ctx.found.article))
    if loc.lang != "en":
        section.paragraphs.append(
            loc._(
                "Claims are quoted from the article in Russian. The explanation of each "
                "difference is given in the English edition of this report and by "
                "“infosoc article”."
            )
        )
    columns = [
        Cell(loc._("Claim")),
        Cell(loc._("Claimed"), numeric=True),
        Cell(loc._("Computed"), numeric=True),
        Cell(loc._("Verdict")),
    ]
    rows = []
    for c in claims:
        verdict = str(c.get("verdict"))
        text = c.get("text_en") if loc.lang == "en" else c.get("text")
        notes = ctx.notes.mentioned(c.get("source"))
        if not notes and c.get("source") in CLAIM_SOURCES:
            notes = ctx.notes.text(str(c["source"]), loc._(CLAIM_SOURCES[str(c["source"])]))
        rows.append(
            [
                Cell(
                    str(text or c.get("id")),
                    sub=str(c.get("explanation") or "") if loc.lang == "en" else "",
                ),
                Cell(_claim_value(loc, c.get("claimed"), exact=True), numeric=True),
                Cell(_claim_value(loc, c.get("computed")), notes, numeric=True),
                Cell(loc._(ARTICLE_VERDICTS.get(verdict, verdict)), css=f"verdict-{verdict}"),
            ]
        )
    section.tables.append(
        Table(
            columns,
            rows,
            caption=loc._("Claims and verdicts"),
            css="claims",
            widths=(56, 12, 14, 18),
        )
    )
    return section


def counts_sentence(loc: Localiser, counts: Mapping[str, int]) -> str:
    """How many of the article's figures were checked, and how many of each verdict."""
    # Counts after colons: no noun has to agree with a number in any of the languages.
    return loc._(
        "Figures of the review article checked: %(total)s; confirmed by the official data: "
        "%(confirmed)s, differ: %(differs)s, cannot be verified with the data held: "
        "%(unverifiable)s.",
        **{k: loc.num(v) for k, v in counts.items()},
    )


def _claim_value(loc: Localiser, value: Any, *, exact: bool = False) -> str:
    """A claimed or computed value; ``exact`` keeps the article's own decimals (0.92, 10.2)."""
    if isinstance(value, str):
        return loc._(LEVELS[value]) if value in LEVELS else value
    if exact and isinstance(value, float) and math.isfinite(value):
        decimals = repr(value).partition(".")[2]
        if decimals.isdigit():  # not 1e-05 and the like
            return loc.num(value, min(len(decimals.rstrip("0")), 4))
    return loc.auto(value)
