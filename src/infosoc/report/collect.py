"""Gathering a country report: every section, in the report's language, with its footnotes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ..geo.countries import country as geo_country
from ..i18n import parse_lang
from .context import Context
from .data import ReportData
from .localiser import Localiser
from .model import CountryReport, Section
from .notes import Notes, renumber
from .sections.article import article_section
from .sections.connectivity import connectivity_section
from .sections.divide import divide_section
from .sections.egdi import egdi_section
from .sections.methodology import methodology_section
from .sections.official_divide import official_divide_section
from .sections.summary import summary_section
from .sections.swot import swot_section
from .sections.targets import targets_section

#: The body of the report, in reading order. The summary comes before it and the methodology
#: after it; both are built last, from what the body found and cited. A builder returns None
#: for a section that does not apply to the country.
BODY: tuple[Callable[[Context], Section | None], ...] = (
    egdi_section,
    connectivity_section,
    divide_section,
    official_divide_section,
    targets_section,  # before the SWOT, which reuses the targets' scorecard
    swot_section,
    article_section,
)


def collect(
    data: ReportData,
    country: str,
    *,
    lang: str = "en",
    today: dt.date | None = None,
    on_section: Callable[[Section], None] | None = None,
) -> CountryReport:
    """Everything the report on ``country`` shows, in ``lang``, with its footnotes numbered
    in reading order.

    ``on_section`` is called with each section of the body as soon as it is gathered. An
    unknown country or language is an InputError; a section without data says so in a
    sentence.
    """
    language = parse_lang(lang)
    info = geo_country(country)
    loc = Localiser(language)
    with data.reading() as store:  # one connection, and its memo, for every query below
        notes = Notes(data.sources(), loc)
        ctx = Context(data, store, info.iso3, info.name(language), loc, notes)
        body = []
        for build in BODY:
            section = build(ctx)
            if section is not None:
                if on_section is not None:
                    on_section(section)
                body.append(section)
        sections = [summary_section(ctx), *body, methodology_section(ctx)]
    return CountryReport(
        iso3=info.iso3,
        country=ctx.name,
        lang=language,
        title=loc._("Digital development of %(country)s", country=ctx.name),
        generated=loc.date(today or dt.date.today()),
        sections=sections,
        notes=renumber(sections, notes.entries),
    )
