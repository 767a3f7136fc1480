"""What a country report says, gathered from the Observatory into plain sections.

Every number is formatted here, in the report's language, and carries footnotes to the file
and edition it came from; the templates only lay the sections out. A section without data
says so in a sentence (``Section.missing``), never with an empty table or a 0.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import InfosocError, NotFoundError
from ..geo.countries import country as geo_country
from ..i18n import Lang, parse_lang, translations
from ..i18n.format import (
    MISSING,
    format_date,
    format_month,
    format_number,
    format_ordinal,
    format_percent,
)

USERS_PCT = "IT.NET.USER.ZS"
USERS = "owid.internet_users"
POPULATION = "SP.POP.TOTL"
BROADBAND = "IT.NET.BBND.P2"
MOBILE = "IT.CEL.SETS.P2"
COMPONENTS = ("egdi", "osi", "tii", "hci", "epi")
#: Years of connectivity shown in the tables (the charts show the whole series from 2000).
TABLE_YEARS = 10
CHART_FROM = "2000"
#: Monte Carlo replications for the latest edition's rank interval: ~0.5 s, stable to ±1 rank.
RANK_SAMPLES = 1000
RANK_SEED = 0
#: Speed statistics shown per source: the device-weighted ones for Ookla's tiles, whose
#: unweighted averages give a village tile the weight of a city block.
SPEED_STATISTICS = {
    "ookla_open": (
        "devices-weighted mean of tile averages",
        "devices-weighted median of tile averages (lower weighted median)",
    ),
}
SUMMARY_SPEED = ("ookla_si", "ookla_sgi", "ookla_open", "cableco")
SPEED_SOURCES = {
    "cableco": "cable.co.uk (M-Lab)",
    "ookla_si": "Ookla Speedtest Intelligence",
    "ookla_sgi": "Ookla Speedtest Global Index",
    "ookla_open": "Ookla Open Data",
}


def N_(message: str) -> str:
    """Mark a string for the catalogues; it is translated where it is used."""
    return message


LEVELS = {
    "Very High": N_("Very High"),
    "High": N_("High"),
    "Middle": N_("Middle"),
    "Low": N_("Low"),
}
NETWORKS = {"fixed": N_("fixed"), "mobile": N_("mobile")}
#: The statistic and method labels the speed sources give, as msgids; a label not listed here
#: is shown as the source wrote it (in English).
SPEED_LABELS = {
    text: text
    for text in (
        N_("mean of the tests over the league's 12 months"),
        N_("mean of the month's tests"),
        N_("median of the month's tests"),
        N_("devices-weighted mean of tile averages"),
        N_("devices-weighted median of tile averages (lower weighted median)"),
        N_("unweighted mean of tile averages"),
        N_("unweighted median of tile averages"),
        N_("M-Lab NDT, single-stream"),
        N_("Ookla Speedtest, multi-server, app and web tests"),
        N_(
            "Ookla Speedtest Intelligence export: Speedtest app and web tests, all providers "
            "combined; latency and jitter are Ookla's multi-server measures"
        ),
        N_(
            "Ookla Open Data zoom-16 tiles (about 610 m), Speedtest app and web tests; tiles "
            "intersecting the country's Natural Earth boundary, aggregated by OoklaDataR"
        ),
    )
}
ARTICLE_VERDICTS = {
    "confirmed": N_("confirmed"),
    "differs": N_("differs"),
    "unverifiable": N_("unverifiable"),
}
SWOT_VERDICTS = {
    "supported": N_("supported"),
    "contradicted": N_("contradicted"),
    "untestable": N_("untestable"),
}
TARGET_STATUS = {
    "met": N_("met"),
    "missed": N_("missed"),
    "on_track": N_("on track"),
    "off_track": N_("off track"),
    "no_data": N_("no data"),
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
DIRECTIONS = {"at_least": "≥", "at_most": "≤"}
#: Source labels of the article's claims that name no file.
CLAIM_SOURCES = {
    "the article's own figures": N_("The article's own figures."),
    "cable.co.uk convention (docs/article-claims.md)": N_(
        "The convention of cable.co.uk for download times (docs/article-claims.md)."
    ),
}


# The pieces a template lays out --------------------------------------------------------------
@dataclass
class Cell:
    """One table cell: its text, footnote numbers, and whether it is a number (right-aligned)."""

    text: str
    notes: tuple[int, ...] = ()
    numeric: bool = False
    css: str = ""
    sub: str = ""  # a second, smaller line (a method, a reason)


@dataclass
class Table:
    columns: list[Cell]
    rows: list[list[Cell]]
    caption: str = ""
    css: str = ""
    #: Column widths in per cent: tables are laid out fixed, which keeps long tables readable
    #: and spares the PDF renderer from measuring every cell twice.
    widths: tuple[int, ...] = ()


@dataclass
class Chart:
    """The data of a line chart; render.py draws it (HTML and PDF only)."""

    key: str
    rows: list[dict[str, Any]]
    x: str
    y: str
    series: str
    title: str
    x_title: str
    y_title: str
    highlight: str | None = None
    reverse_y: bool = False
    y_format: str | None = None
    legend_title: str | None = None
    source: Cell = field(default_factory=lambda: Cell(""))  # the chart's footnotes


@dataclass
class Section:
    """One part of the report; ``missing`` is the sentence shown when it has no data."""

    key: str
    title: str
    missing: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    facts: list[tuple[str, Cell]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes_after: list[str] = field(default_factory=list)  # small print under the tables
    groups: list[tuple[str, list[tuple[str, Cell]]]] = field(default_factory=list)  # SWOT


@dataclass
class Note:
    number: int
    text: str
    url: str | None = None


@dataclass
class CountryReport:
    iso3: str
    country: str
    lang: Lang
    title: str
    generated: str
    sections: list[Section]
    notes: list[Note]


# Language and footnotes ----------------------------------------------------------------------
class Speaker:
    """Translates and formats in one language: ``s._("…", n=…)``, ``s.num(0.86, 2)``."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self._tr = translations(lang)

    def _(self, message: str, **values: Any) -> str:
        # Always %-formatted, as Jinja's new-style gettext does: a literal % is written %%.
        text = str(self._tr.gettext(message)) % values
        # A value ending in a full stop ("26 ноября 2026 г.") must not double the sentence's.
        return re.sub(r"(?<!\.)\.\.(?!\.)", ".", text)

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        text = str(self._tr.ngettext(singular, plural, n))
        return text % {"n": self.num(n), **values}

    def num(self, value: Any, digits: int = 0) -> str:
        return format_number(value, self.lang, digits)

    def auto(self, value: Any) -> str:
        """A number with as many decimals as its size needs (4.66, 39.8, 13 913 699)."""
        if not isinstance(value, int | float) or isinstance(value, bool):
            return MISSING if value is None else str(value)
        if not math.isfinite(value):
            return MISSING
        if float(value).is_integer():
            return self.num(value, 0)
        size = abs(value)
        most = 0 if size >= 1000 else 1 if size >= 100 else 2 if size >= 1 else 4
        # No trailing zeros: 88.5 stays "88,5", not "88,50".
        digits = next(d for d in range(most + 1) if round(value, d) == round(value, most))
        return self.num(value, digits)

    def pct(self, value: Any, digits: int = 1) -> str:
        return format_percent(value, self.lang, digits)

    def date(self, value: Any) -> str:
        return format_date(value, self.lang)

    def ordinal(self, value: Any) -> str:
        return format_ordinal(value, self.lang)

    def period(self, period: Any) -> str:
        """A period as written in the language: 2020, "сентябрь 2025", "2019 ж. 1-тоқсан"."""
        text = "" if period is None else str(period)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return self.date(text)
        if match := re.fullmatch(r"(\d{4})-(\d{2})", text):
            return format_month(int(match[1]), int(match[2]), self.lang)
        if match := re.fullmatch(r"(\d{4})[- ]?Q([1-4])", text):
            return self._("%(year)s Q%(quarter)s", year=match[1], quarter=match[2])
        return text or MISSING


class Notes:
    """Numbered footnotes: each source file (or text) gets one number, the first time cited."""

    def __init__(self, sources: Sequence[Mapping[str, Any]], speaker: Speaker) -> None:
        self._s = speaker
        current = [s for s in sources if s.get("current", True)]
        self.by_file = {str(s["file_name"]): dict(s) for s in current}
        self.by_edition = {(str(s["source"]), str(s["edition"])): dict(s) for s in current}
        self.entries: list[Note] = []
        self._numbers: dict[str, int] = {}
        self.cited: list[dict[str, Any]] = []

    def _add(self, key: str, text: str, url: str | None = None) -> int:
        if key not in self._numbers:
            self._numbers[key] = len(self.entries) + 1
            self.entries.append(Note(self._numbers[key], text, url))
        return self._numbers[key]

    def source(self, row: Mapping[str, Any] | None) -> tuple[int, ...]:
        """The footnote of one source version (a row of ``obs.sources()``)."""
        if row is None:
            return ()
        if row not in self.cited:
            self.cited.append(dict(row))
        values = {
            "publisher": row["publisher"],
            "title": row["title"],
            "file": row["file_name"],
            "edition": row["edition"],
            "version": row["version"],
            "date": self._s.date(row["retrieved_at"]),
        }
        if str(row["file_name"]).startswith(str(row["edition"]) + "."):
            # Editions named after their file (most sources but the UN survey): say it once.
            text = self._s._(
                "%(publisher)s, %(title)s. File %(file)s, version %(version)s, retrieved %(date)s.",
                **values,
            )
        else:
            text = self._s._(
                "%(publisher)s, %(title)s. File %(file)s (edition %(edition)s, version "
                "%(version)s), retrieved %(date)s.",
                **values,
            )
        return (self._add("file:" + str(row["file_name"]), text),)

    def file(self, file_name: Any, retrieved: Any = None) -> tuple[int, ...]:
        """The footnote of a file by name; a file the store does not list is cited by name."""
        if not file_name:
            return ()
        row = self.by_file.get(str(file_name))
        if row is not None:
            return self.source(row)
        text = self._s._(
            "File %(file)s, retrieved %(date)s.", file=file_name, date=self._s.date(retrieved)
        )
        return (self._add("file:" + str(file_name), text),)

    def files(self, names: Iterable[Any]) -> tuple[int, ...]:
        numbers = [n for name in dict.fromkeys(names) for n in self.file(name)]
        return tuple(sorted(set(numbers)))

    def edition(self, source: str, edition: Any) -> tuple[int, ...]:
        return self.source(self.by_edition.get((source, str(edition))))

    def text(self, key: str, text: str, url: str | None = None) -> tuple[int, ...]:
        return (self._add("text:" + key, text, url),)

    def mentioned(self, text: Any) -> tuple[int, ...]:
        """The footnotes of every held file whose name appears in ``text``."""
        if not text:
            return ()
        found = [name for name in self.by_file if name in str(text)]
        return self.files(found)


# Collecting ----------------------------------------------------------------------------------
@dataclass
class _Context:
    obs: Any
    iso3: str
    name: str
    s: Speaker
    notes: Notes
    facts: dict[str, Any] = field(default_factory=dict)  # what the summary draws on
    store: Any = None  # the observatory's read-only store, open while collect() runs


def collect(
    obs: Any,
    country: str,
    *,
    lang: str = "en",
    today: dt.date | None = None,
    on_section: Callable[[Section], None] | None = None,
) -> CountryReport:
    """Everything the report on ``country`` shows, in ``lang``, with its footnotes.

    ``on_section`` is called with each section of the body as soon as it is gathered (the
    report's renderer draws its charts meanwhile); its footnotes are renumbered at the end.
    """
    from .official_divide import official_divide  # it builds on this module's pieces

    lang = parse_lang(lang)
    info = geo_country(country)
    s = Speaker(lang)
    builders: list[Callable[[_Context], Section | None]] = [
        _egdi,
        _connectivity,
        _divide,
        official_divide,
        _targets,
        _swot,
        _article,
    ]
    with obs.reading() as store:  # one connection, and its memo, for every query below
        notes = Notes(list(obs.sources()), s)
        ctx = _Context(obs, info.iso3, info.name(lang), s, notes, store=store)
        body = []
        for build in builders:
            section = build(ctx)  # None: a section that does not apply
            if section is not None and on_section is not None:
                on_section(section)
            body.append(section)
        sections = [_summary(ctx), *[b for b in body if b is not None], _methodology(ctx)]
    title = s._("Digital development of %(country)s", country=ctx.name)
    return CountryReport(
        iso3=info.iso3,
        country=ctx.name,
        lang=lang,
        title=title,
        generated=s.date(today or dt.date.today()),
        sections=sections,
        notes=_renumber(sections, ctx.notes.entries),
    )


def _renumber(sections: Sequence[Section], notes: Sequence[Note]) -> list[Note]:
    """Number the notes in reading order (they were numbered in the order data was gathered)."""
    cells: list[Cell] = []
    for section in sections:
        cells += [cell for _, cell in section.facts]
        for table in section.tables:
            cells += table.columns + [cell for row in table.rows for cell in row]
        cells += [cell for _, entries in section.groups for _, cell in entries]
        cells += [chart.source for chart in section.charts]
    order = list(dict.fromkeys(n for cell in cells for n in cell.notes))
    order += [n.number for n in notes if n.number not in order]
    new = {old: i for i, old in enumerate(order, start=1)}
    for cell in cells:
        cell.notes = tuple(sorted(new[n] for n in cell.notes))
    by_number = {n.number: n for n in notes}
    return [Note(new[old], by_number[old].text, by_number[old].url) for old in order]


def _series(ctx: _Context, code: str, iso3s: Sequence[str]) -> list[dict[str, Any]]:
    """Values of one indicator with the file each came from; [] when the store has none."""
    rows: list[dict[str, Any]] = ctx.store.series(code, list(iso3s))
    return rows


# (b) the UN E-Government Survey --------------------------------------------------------------
def _egdi(ctx: _Context) -> Section:
    s = ctx.s
    section = Section("egdi", s._("E-government: the UN E-Government Development Index"))
    try:
        history = [dict(r) for r in ctx.obs.egdi(ctx.iso3, lang=ctx.s.lang)]
    except NotFoundError:
        history = []
    history = [r for r in history if r.get("egdi") is not None or r.get("rank") is not None]
    if not history:
        section.missing = s._(
            "The store holds no edition of the UN E-Government Survey for %(country)s.",
            country=ctx.name,
        )
        return section
    latest = history[-1]
    ranked = _states_ranked(ctx, latest["year"])
    ctx.facts["egdi"] = {
        "latest": latest,
        "first": history[0],
        "ranked": ranked,
        "history": history,
    }
    section.tables.append(_egdi_table(ctx, history))
    changed = [r for r in history if r.get("method_breaks")]
    if changed:
        section.notes_after.append(
            s._(
                "† The method changed between this edition and the one before (%(years)s).",
                years=", ".join(str(r["year"]) for r in changed),
            )
        )
        if s.lang == "en":  # the survey's own wording of each change exists in English only
            section.notes_after += [b for r in changed for b in r["method_breaks"]]
    section.notes_after.append(
        s._("Δ rank is the previous rank minus this one: a positive number is a move up.")
    )
    section.paragraphs += _interval_paragraphs(ctx, latest)
    section.charts += _egdi_charts(ctx, history)
    return section


def _states_ranked(ctx: _Context, year: int) -> int | None:
    try:
        rows = ctx.obs.rank(int(year))
    except InfosocError:
        return None
    return sum(1 for r in rows if r.get("rank") is not None) or None


def _egdi_table(ctx: _Context, history: Sequence[Mapping[str, Any]]) -> Table:
    s = ctx.s
    header = [
        s._("Edition"),
        s._("Rank"),
        s._("Δ rank"),
        "EGDI",
        "OSI",
        "TII",
        "HCI",
        "EPI",
        s._("Level"),
    ]
    columns = [Cell(h, numeric=i > 0 and i < 8) for i, h in enumerate(header)]
    rows = []
    for r in history:
        notes = ctx.notes.edition("un-egov", r["year"])
        dagger = " †" if r.get("method_breaks") else ""
        change = r.get("rank_change")
        rows.append(
            [
                Cell(f"{r['year']}{dagger}", notes),
                Cell(s.num(r.get("rank")), numeric=True),
                Cell(MISSING if change is None else f"{change:+d}".replace("-", "−"), numeric=True),
                *[Cell(s.num(r.get(c), 4), numeric=True) for c in COMPONENTS],
                Cell(_level(s, r.get("level"))),
            ]
        )
    return Table(
        columns,
        rows,
        caption=s._("Every edition of the survey"),
        css="egdi",
        widths=(12, 7, 8, 10, 10, 10, 10, 10, 13),
    )


def _level(s: Speaker, level: Any) -> str:
    if level is None:
        return MISSING
    return s._(LEVELS[level]) if level in LEVELS else str(level)


def _interval_paragraphs(ctx: _Context, latest: Mapping[str, Any]) -> list[str]:
    s = ctx.s
    try:
        interval = ctx.obs.rank_interval(
            "egdi", ctx.iso3, year=str(latest["year"]), samples=RANK_SAMPLES, seed=RANK_SEED
        )
    except InfosocError:
        return [s._("The rank's uncertainty interval could not be computed from the data held.")]
    ctx.facts["interval"] = interval
    return [
        s._(
            "How firm is the rank of %(year)s? Rebuilding the index %(samples)s times with other "
            "plausible weights, normalisations and aggregations puts %(country)s between rank "
            "%(low)s and rank %(high)s (5–95%%), with a median of %(median)s; the published rank "
            "is %(rank)s.",
            year=latest["year"],
            samples=s.num(interval.get("samples")),
            country=ctx.name,
            low=s.num(interval.get("q05")),
            high=s.num(interval.get("q95")),
            median=s.num(interval.get("median_rank")),
            rank=s.num(latest.get("rank")),
        )
    ]


def _egdi_charts(ctx: _Context, history: Sequence[Mapping[str, Any]]) -> list[Chart]:
    s = ctx.s
    components = [
        {"year": r["year"], "value": r.get(c), "index": c.upper()}
        for c in COMPONENTS
        for r in history
    ]
    ranks = [{"year": r["year"], "rank": r.get("rank"), "country": ctx.name} for r in history]
    notes = tuple(n for r in history for n in ctx.notes.edition("un-egov", r["year"]))
    source = Cell(s._("Source:"), notes)
    return [
        Chart(
            "egdi-components",
            components,
            "year",
            "value",
            "index",
            title=s._("EGDI and its components, %(country)s", country=ctx.name),
            x_title=s._("Edition of the survey"),
            y_title=s._("Index value (0 to 1)"),
            highlight="EGDI",
            legend_title=s._("Index"),
            source=source,
        ),
        Chart(
            "egdi-rank",
            ranks,
            "year",
            "rank",
            "country",
            title=s._("Rank among UN Member States (1 = best)"),
            x_title=s._("Edition of the survey"),
            y_title=s._("Rank"),
            highlight=ctx.name,
            reverse_y=True,
            y_format="d",
            legend_title=None,
            source=source,
        ),
    ]


# (c) connectivity ----------------------------------------------------------------------------
def _connectivity(ctx: _Context) -> Section:
    s = ctx.s
    section = Section("connectivity", s._("Connectivity"))
    users = _users_table(ctx)
    subscriptions = _subscriptions_table(ctx)
    speeds = _speed_table(ctx)
    chart = _users_chart(ctx)
    for table in (users, subscriptions, speeds):
        if table is not None:
            section.tables.append(table)
    if chart is not None:
        section.charts.append(chart)
    if users is not None:
        section.notes_after.append(
            s._(
                "Users ÷ population is checked against the published share: a difference of "
                "more than 0.5 percentage points is marked “no”. The two counts come from other "
                "files than the share, so a gap usually means another population estimate."
            )
        )
    if speeds is not None:
        section.notes_after.append(
            s._(
                "Speeds from different sources are not comparable: each is a different "
                "statistic of different tests, named in the table. How each source measures:"
            )
        )
        section.notes_after += ctx.facts.get("speed_methods", [])
    if not section.tables:
        section.missing = s._(
            "The store holds no connectivity data for %(country)s.", country=ctx.name
        )
    return section


def _by_period(rows: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {str(r["period"]): r for r in rows if r.get("value") is not None}


def _users_table(ctx: _Context) -> Table | None:
    s = ctx.s
    try:
        rows = [dict(r) for r in ctx.obs.penetration(ctx.iso3)]
    except NotFoundError:
        return None
    rows = [r for r in rows if r.get("published_pct") is not None or r.get("users") is not None]
    if not rows:
        return None
    rows = rows[-TABLE_YEARS:]
    years = {str(r["year"]) for r in rows}
    files = {
        code: _by_period(_series(ctx, code, [ctx.iso3])) for code in (USERS_PCT, USERS, POPULATION)
    }

    def notes(code: str) -> tuple[int, ...]:
        return ctx.notes.files(r["file_name"] for p, r in files[code].items() if p in years)

    latest = next((r for r in reversed(rows) if r.get("published_pct") is not None), None)
    if latest is not None:
        ctx.facts["users"] = {
            "year": latest["year"],
            "value": latest["published_pct"],
            "notes": notes(USERS_PCT),
        }
    columns = [
        Cell(s._("Year")),
        Cell(s._("Share online, %% (published)"), notes(USERS_PCT), numeric=True),
        Cell(s._("Users"), notes(USERS), numeric=True),
        Cell(s._("Population"), notes(POPULATION), numeric=True),
        Cell(s._("Users ÷ population, %%"), numeric=True),
        Cell(s._("Difference, pp"), numeric=True),
        Cell(s._("Consistent")),
    ]
    body = [
        [
            Cell(str(r["year"])),
            Cell(s.pct(r.get("published_pct")), numeric=True),
            Cell(s.num(r.get("users")), numeric=True),
            Cell(s.num(r.get("population")), numeric=True),
            Cell(s.pct(r.get("computed_pct")), numeric=True),
            Cell(_signed(s, r.get("difference_pp"), 2), numeric=True),
            Cell(_yes_no(s, r.get("consistent"))),
        ]
        for r in rows
    ]
    return Table(
        columns,
        body,
        caption=s._("Internet users"),
        css="users",
        widths=(7, 17, 17, 14, 17, 15, 13),
    )


def _signed(s: Speaker, value: Any, digits: int) -> str:
    if value is None:
        return MISSING
    text = s.num(abs(value), digits)
    return ("+" if value > 0 else "−" if value < 0 else "") + text


def _yes_no(s: Speaker, value: Any) -> str:
    return MISSING if value is None else s._("yes") if value else s._("no")


def _subscriptions_table(ctx: _Context) -> Table | None:
    s = ctx.s
    series = {code: _by_period(_series(ctx, code, [ctx.iso3])) for code in (BROADBAND, MOBILE)}
    periods = sorted(set(series[BROADBAND]) | set(series[MOBILE]))[-TABLE_YEARS:]
    if not periods:
        return None
    for code, key in ((BROADBAND, "broadband"), (MOBILE, "mobile")):
        if series[code]:
            last = max(series[code])
            ctx.facts[key] = {
                "year": last,
                "value": series[code][last]["value"],
                "notes": ctx.notes.file(series[code][last]["file_name"]),
            }

    def notes(code: str) -> tuple[int, ...]:
        return ctx.notes.files(series[code][p]["file_name"] for p in periods if p in series[code])

    columns = [
        Cell(s._("Year")),
        Cell(s._("Fixed broadband subscriptions per 100 people"), notes(BROADBAND), numeric=True),
        Cell(s._("Mobile subscriptions per 100 people"), notes(MOBILE), numeric=True),
    ]
    body = [
        [Cell(p)]
        + [
            Cell(s.num(series[code][p]["value"], 1) if p in series[code] else MISSING, numeric=True)
            for code in (BROADBAND, MOBILE)
        ]
        for p in periods
    ]
    return Table(
        columns, body, caption=s._("Subscriptions"), css="subscriptions", widths=(20, 40, 40)
    )


def _speed_table(ctx: _Context) -> Table | None:
    s = ctx.s
    try:
        rows = [dict(r) for r in ctx.obs.speed(ctx.iso3, measure="download")]
    except NotFoundError:
        return None
    latest: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in rows:
        wanted = SPEED_STATISTICS.get(r["source"])
        if r.get("value") is None or (wanted and r["statistic"] not in wanted):
            continue
        key = (r["network"], r["source"], r["statistic"])
        if key not in latest or str(r["period"]) > str(latest[key]["period"]):
            latest[key] = r
    if not latest:
        return None
    # The summary quotes the most direct statistic held: the median of the tests themselves.
    fixed = [r for k, r in latest.items() if k[0] == "fixed" and "median" in r["statistic"]]
    if fixed:
        best = min(
            fixed,
            key=lambda r: (
                SUMMARY_SPEED.index(r["source"])
                if r["source"] in SUMMARY_SPEED
                else len(SUMMARY_SPEED)
            ),
        )
        ctx.facts["speed"] = {"row": best, "notes": ctx.notes.file(best["file_name"])}
    columns = [
        Cell(s._("Network")),
        Cell(s._("Source")),
        Cell(s._("Statistic")),
        Cell(s._("Period")),
        Cell(s._("Download, Mbit/s"), numeric=True),
    ]
    body = []
    methods: dict[str, str] = {}
    for (network, source, statistic), r in sorted(latest.items()):
        methods.setdefault(source, _speed_label(s, r.get("method")))
        body.append(
            [
                Cell(s._(NETWORKS.get(network, network))),
                Cell(SPEED_SOURCES.get(source, source)),
                Cell(_speed_label(s, statistic)),
                Cell(s.period(r["period"])),
                Cell(s.num(r["value"], 2), ctx.notes.file(r["file_name"]), numeric=True),
            ]
        )
    ctx.facts["speed_methods"] = [
        s._("%(source)s: %(method)s.", source=SPEED_SOURCES.get(k, k), method=m)
        for k, m in methods.items()
        if m
    ]
    return Table(
        columns,
        body,
        caption=s._("Internet speed, latest period held"),
        css="speeds",
        widths=(16, 22, 31, 14, 17),
    )


def _speed_label(s: Speaker, text: Any) -> str:
    if not text:
        return ""
    return s._(SPEED_LABELS[text]) if text in SPEED_LABELS else str(text)


def _users_chart(ctx: _Context) -> Chart | None:
    s = ctx.s
    peers: list[str] = []
    for by in ("neighbours", "subregion"):  # an island has no neighbours: its sub-region then
        try:
            rows = list(ctx.obs.peers(ctx.iso3, USERS_PCT, by=by, lang=s.lang))
        except InfosocError:
            continue
        if len(rows) > 1:
            peers = [r["iso3"] for r in rows]
            ctx.facts["peers"] = {"by": by, "rows": rows}
            break
    codes = list(dict.fromkeys([ctx.iso3, *peers]))[:8]
    rows = [r for r in _series(ctx, USERS_PCT, codes) if str(r["period"]) >= CHART_FROM]
    if not rows:
        return None
    notes = ctx.notes.files(r["file_name"] for r in rows)
    data = [
        {
            "year": int(r["period"]),
            "value": r["value"],
            "country": geo_country(r["entity"]).name(s.lang),
        }
        for r in rows
        if str(r["period"]).isdigit()
    ]
    title = (
        s._("Internet users, %% of population: %(country)s and its neighbours", country=ctx.name)
        if len(codes) > 1
        else s._("Internet users, %% of population: %(country)s", country=ctx.name)
    )
    return Chart(
        "users",
        data,
        "year",
        "value",
        "country",
        title=title,
        x_title=s._("Year"),
        y_title=s._("%% of population"),
        highlight=ctx.name,
        legend_title=None,
        source=Cell(s._("Source:"), notes),
    )


# (d) the divide ------------------------------------------------------------------------------
def _divide(ctx: _Context) -> Section:
    s = ctx.s
    section = Section("divide", s._("The digital divide inside the country"))
    if not ctx.obs.divide.quarters("fixed"):
        section.missing = s._(
            "No speed-tile files are held, so the divide between regions cannot be measured. "
            "Fetch a quarter of Ookla's open tiles with “infosoc divide tiles --type fixed "
            "--year YEAR --quarter Q” (or put them in the data folder under "
            "speed/ookla_open_data_tiles/), then make the report again."
        )
        return section
    try:
        report = ctx.obs.divide.report(ctx.iso3, lang=s.lang)
    except InfosocError:
        section.missing = s._(
            "Speed tiles are held, but the divide cannot be measured without the region "
            "boundaries of %(country)s (infosoc ships Kazakhstan's; they are read from the data "
            "folder given with --from).",
            country=ctx.name,
        )
        return section
    quarters = report.get("quarters") or []
    if not quarters:
        section.missing = s._("The speed tiles held give no quarter to report on.")
        return section
    measure = "median_download_mbps"
    columns = [
        Cell(s._("Quarter")),
        Cell(s._("Regions reported"), numeric=True),
        Cell(s._("Tests"), numeric=True),
        Cell(s._("Best ÷ worst region"), numeric=True),
        Cell(s._("Coefficient of variation"), numeric=True),
        Cell(s._("Gini"), numeric=True),
        Cell(s._("Theil"), numeric=True),
        Cell(s._("Town ÷ village"), numeric=True),
    ]
    body = []
    for q in quarters:
        ind = q["indicators"][measure]
        gap = (q.get("town_village") or {}).get("gap") or {}
        notes = ctx.notes.text(
            "tiles:" + q["file"],
            s._(
                "Ookla Open Data speed tiles, %(quarter)s (file %(file)s), CC BY-NC-SA 4.0.",
                quarter=s.period(q["quarter"]),
                file=q["file"].rsplit("/", 1)[-1],
            ),
        )
        body.append(
            [
                Cell(s.period(q["quarter"]), notes),
                Cell(s.num(q.get("regions_reported")), numeric=True),
                Cell(s.num(q.get("tests")), numeric=True),
                Cell(s.num(ind.get("best_to_worst"), 2), numeric=True),
                Cell(s.num(ind.get("coefficient_of_variation"), 3), numeric=True),
                Cell(s.num(ind.get("gini"), 3), numeric=True),
                Cell(s.num(ind.get("theil"), 3), numeric=True),
                Cell(s.num(gap.get(f"{measure}_ratio"), 2), numeric=True),
            ]
        )
    caption = s._("Median download speed across regions, by quarter")
    section.tables.append(
        Table(columns, body, caption=caption, css="divide", widths=(12, 11, 12, 13, 14, 12, 12, 14))
    )
    section.paragraphs.append(_divide_trend(s, report, measure))
    section.notes_after.append(
        s._(
            "Regions with too few tests (fewer than %(n)s) are left out of the indicators, "
            "never counted as 0.",
            n=s.num(report.get("min_tests")),
        )
    )
    return section


def _divide_trend(s: Speaker, report: Mapping[str, Any], measure: str) -> str:
    trend = (report.get("trend") or {}).get(f"{measure}.gini")
    if not trend:
        return s._("One quarter is held, so the divide's trend cannot be estimated yet.")
    return s._(
        "Over %(n)s quarters the Gini index of the regions' median download speed changes by "
        "%(slope)s a quarter (least squares).",
        n=s.num(trend["quarters"]),
        slope=_signed(s, trend["per_quarter"], 4),
    )


# (e) targets ---------------------------------------------------------------------------------
def _targets(ctx: _Context) -> Section:
    s = ctx.s
    section = Section("targets", s._("National targets"))
    if not hasattr(ctx.obs, "targets"):
        section.missing = s._("This version of infosoc cannot check national targets.")
        return section
    try:
        result = ctx.obs.targets(ctx.iso3, lang=s.lang)
    except InfosocError:
        result = None
    ctx.facts["targets_result"] = result  # the SWOT's targets rule reads the same scorecard
    targets = (result or {}).get("targets") or []
    if not targets:
        section.missing = s._(
            "No national targets are registered for %(country)s.", country=ctx.name
        )
        return section
    card = result.get("scorecard") or {}
    ctx.facts["targets"] = card
    keys = ("declared", "met", "missed", "on_track", "off_track", "no_data")
    labels = [s._("declared")] + [s._(TARGET_STATUS[k]) for k in keys[1:]]
    section.facts += [
        (label, Cell(s.num(card.get(k)), numeric=True))
        for label, k in zip(labels, keys, strict=True)
    ]
    section.facts.append((s._("share achieved"), Cell(_share(s, card.get("share_achieved")))))
    section.facts.append(
        (s._("share that cannot be checked"), Cell(_share(s, card.get("share_uncheckable"))))
    )
    baseline = any(t.get("baseline") is not None for t in targets)
    columns = [
        Cell(s._("Target")),
        Cell(s._("Goal"), numeric=True),
        Cell(s._("Observed"), numeric=True),
        Cell(s._("Projection"), numeric=True),
        Cell(s._("Status")),
    ]
    widths: tuple[int, ...] = (42, 16, 15, 14, 13)
    if baseline:
        columns.insert(1, Cell(s._("Baseline"), numeric=True))
        widths = (34, 12, 15, 14, 13, 12)
    section.tables.append(
        Table(
            columns,
            [_target_row(ctx, t, baseline) for t in targets],
            caption=s._("Targets and what the data say"),
            css="targets",
            widths=widths,
        )
    )
    if result.get("as_of"):
        section.notes_after.append(s._("Checked as of %(date)s.", date=s.date(result["as_of"])))
    return section


def _share(s: Speaker, value: Any) -> str:
    """A share given as a fraction (0.4) or in per cent (40), as a percentage."""
    if value is None:
        return MISSING
    return format_percent(value, s.lang, 0, scale=1 if abs(value) <= 1 else 100)


def _target_row(ctx: _Context, t: Mapping[str, Any], baseline_column: bool) -> list[Cell]:
    s = ctx.s
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
            s._(
                "Official statement of %(date)s, as reported: %(statement)s",
                date=s.period(reported.get("date")),
                statement=reported.get("statement"),
            ),
            reported.get("url"),
        )
    projection = t.get("projection") or {}
    direction = DIRECTIONS.get(str(goal.get("direction")), "")
    status = str(t.get("status") or "no_data")
    deadline = f" ({s.period(goal['deadline'])})" if goal.get("deadline") else ""
    row = [
        Cell(str(t.get("title") or t.get("id")), doc_notes, sub=_target_reason(s, t)),
        Cell(
            f"{direction} {s.auto(goal.get('value'))}".strip() + deadline,
            numeric=True,
            sub=_unit(s, t.get("unit")),
        ),
        Cell(
            _with_period(s, observed.get("value"), observed.get("period")), obs_notes, numeric=True
        ),
        Cell(_with_period(s, projection.get("value"), projection.get("period")), numeric=True),
        Cell(
            s._(TARGET_STATUS.get(status, status)),
            css=f"status-{status}",
            sub=s._("as reported, not measured") if t.get("evidence") == "reported" else "",
        ),
    ]
    if baseline_column:
        baseline = t.get("baseline")
        if isinstance(baseline, Mapping):
            text = _with_period(s, baseline.get("value"), baseline.get("period"))
        else:
            text = s.auto(baseline)
        row.insert(1, Cell(text, numeric=True))
    return row


#: Units of the shipped target registry, as msgids (a literal % is written %%).
UNITS = {
    "% of population": N_("%% of population"),
    "km laid since 2019": N_("km laid since 2019"),
    "villages": N_("villages"),
    "% of villages with fewer than 250 inhabitants": N_(
        "%% of villages with fewer than 250 inhabitants"
    ),
}


def _unit(s: Speaker, unit: Any) -> str:
    """A unit in the report's language when the catalogue knows it, else as the registry has it."""
    if not unit:
        return ""
    return s._(UNITS[unit]) if unit in UNITS else str(unit)


def _target_reason(s: Speaker, t: Mapping[str, Any]) -> str:
    """Why a target has its status. The targets module explains in English; the other
    languages get a shorter explanation built from the same fields."""
    if s.lang == "en":
        return str(t.get("reason") or "")
    status = str(t.get("status") or "no_data")
    observed = t.get("observed") or {}
    if status == "no_data" and observed.get("value") is None:
        return s._("No official series measures this target, so it cannot be checked.")
    if status == "no_data":
        return s._(
            "No value for the deadline is held; the latest is %(value)s (%(period)s).",
            value=s.auto(observed.get("value")),
            period=s.period(observed.get("period")),
        )
    return ""


def _with_period(s: Speaker, value: Any, period: Any) -> str:
    if value is None:
        return MISSING
    return s.auto(value) + (f" ({s.period(period)})" if period else "")


# (f) SWOT ------------------------------------------------------------------------------------
def _swot(ctx: _Context) -> Section:
    s = ctx.s
    section = Section("swot", s._("Strengths, weaknesses, opportunities and threats"))
    if not hasattr(ctx.obs, "swot"):
        section.missing = s._("This version of infosoc cannot derive a SWOT analysis.")
        return section
    try:
        result = ctx.obs.swot(ctx.iso3, lang=s.lang, targets=ctx.facts.get("targets_result"))
    except InfosocError:
        result = None
    items = (result or {}).get("items") or []
    article = (result or {}).get("article") or []
    if not items and not article:
        section.missing = s._("The data held give no SWOT items for %(country)s.", country=ctx.name)
        return section
    for kind, title in SWOT_KINDS.items():
        entries = [_swot_item(ctx, i) for i in items if i.get("kind") == kind]
        section.groups.append((s._(title), entries))
    if article:
        section.tables.append(_swot_article_table(ctx, article))
    return section


def _swot_item(ctx: _Context, item: Mapping[str, Any]) -> tuple[str, Cell]:
    """An item's sentence (it already quotes its value and peers) and its footnote."""
    source = (item.get("evidence") or {}).get("source") or {}
    notes = ctx.notes.file(source.get("file_name"), source.get("retrieved"))
    return str(item.get("text") or ""), Cell("", notes)


def _swot_article_table(ctx: _Context, article: Sequence[Mapping[str, Any]]) -> Table:
    s = ctx.s
    columns = [Cell(s._("Kind")), Cell(s._("The article says")), Cell(s._("Verdict"))]
    rows = []
    for a in article:
        ev = a.get("evidence") or {}
        notes = ctx.notes.file(
            (ev.get("source") or {}).get("file_name"), (ev.get("source") or {}).get("retrieved")
        )
        verdict = str(a.get("verdict") or "untestable")
        text = a.get(f"text_{s.lang}") or a.get("text_en") or a.get("text_ru") or ""
        rows.append(
            [
                Cell(s._(SWOT_KIND.get(str(a.get("kind")), str(a.get("kind"))))),
                Cell(str(text), sub=str(a.get("reason") or "")),
                Cell(s._(SWOT_VERDICTS.get(verdict, verdict)), notes, css=f"verdict-{verdict}"),
            ]
        )
    return Table(
        columns,
        rows,
        caption=s._("The review article's SWOT, tested against the data"),
        css="swot-article",
        widths=(15, 67, 18),
    )


# (g) the article's claims --------------------------------------------------------------------
def _article(ctx: _Context) -> Section | None:
    s = ctx.s
    if ctx.iso3 != "KAZ":  # the review article is about Kazakhstan only
        return None
    section = Section("article", s._("The review article's claims, checked"))
    try:
        claims = list(ctx.obs.article(lang=s.lang)["claims"])
    except InfosocError:
        claims = []
    if not claims:
        section.missing = s._("The article's claims could not be checked with the data held.")
        return section
    counts = {v: sum(1 for c in claims if c.get("verdict") == v) for v in ARTICLE_VERDICTS}
    ctx.facts["article"] = {"total": len(claims), **counts}
    section.paragraphs.append(_article_counts(s, ctx.facts["article"]))
    if s.lang != "en":
        section.paragraphs.append(
            s._(
                "Claims are quoted from the article in Russian. The explanation of each "
                "difference is given in the English edition of this report and by "
                "“infosoc article”."
            )
        )
    columns = [
        Cell(s._("Claim")),
        Cell(s._("Claimed"), numeric=True),
        Cell(s._("Computed"), numeric=True),
        Cell(s._("Verdict")),
    ]
    rows = []
    for c in claims:
        verdict = str(c.get("verdict"))
        text = c.get("text_en") if s.lang == "en" else c.get("text")
        notes = ctx.notes.mentioned(c.get("source"))
        if not notes and c.get("source") in CLAIM_SOURCES:
            notes = ctx.notes.text(str(c["source"]), s._(CLAIM_SOURCES[str(c["source"])]))
        rows.append(
            [
                Cell(
                    str(text or c.get("id")),
                    sub=str(c.get("explanation") or "") if s.lang == "en" else "",
                ),
                Cell(_claim_value(s, c.get("claimed"), exact=True), numeric=True),
                Cell(_claim_value(s, c.get("computed")), notes, numeric=True),
                Cell(s._(ARTICLE_VERDICTS.get(verdict, verdict)), css=f"verdict-{verdict}"),
            ]
        )
    section.tables.append(
        Table(
            columns, rows, caption=s._("Claims and verdicts"), css="claims", widths=(56, 12, 14, 18)
        )
    )
    return section


def _article_counts(s: Speaker, counts: Mapping[str, int]) -> str:
    # Counts after colons: no noun has to agree with a number in any of the languages.
    return s._(
        "Figures of the review article checked: %(total)s; confirmed by the official data: "
        "%(confirmed)s, differ: %(differs)s, cannot be verified with the data held: "
        "%(unverifiable)s.",
        **{k: s.num(v) for k, v in counts.items()},
    )


def _claim_value(s: Speaker, value: Any, *, exact: bool = False) -> str:
    """A claimed or computed value; ``exact`` keeps the article's own decimals (0.92, 10.2)."""
    if isinstance(value, str):
        return s._(LEVELS[value]) if value in LEVELS else value
    if exact and isinstance(value, float) and math.isfinite(value):
        decimals = repr(value).partition(".")[2]
        if decimals.isdigit():  # not 1e-05 and the like
            return s.num(value, min(len(decimals.rstrip("0")), 4))
    return s.auto(value)


# (a) summary ---------------------------------------------------------------------------------
def _summary(ctx: _Context) -> Section:
    s = ctx.s
    section = Section("summary", s._("Summary"))
    egdi = ctx.facts.get("egdi")
    if egdi:
        latest, first, ranked = egdi["latest"], egdi["first"], egdi["ranked"]
        notes = ctx.notes.edition("un-egov", latest["year"])
        section.facts.append(
            (s._("EGDI %(year)s", year=latest["year"]), Cell(s.num(latest.get("egdi"), 4), notes))
        )
        rank_text = (
            s._("%(rank)s of %(n)s", rank=s.num(latest.get("rank")), n=s.num(ranked))
            if ranked
            else s.num(latest.get("rank"))
        )
        section.facts.append(
            (s._("EGDI rank %(year)s", year=latest["year"]), Cell(rank_text, notes))
        )
        section.paragraphs.append(_egdi_sentence(ctx, latest, ranked))
        if first["year"] != latest["year"] and first.get("rank") and latest.get("rank"):
            best = min((r for r in egdi["history"] if r.get("rank")), key=lambda r: r["rank"])
            section.paragraphs.append(
                s._(
                    "Its rank moved from %(first)s in %(first_year)s to %(last)s in "
                    "%(last_year)s; the best was %(best)s, in %(best_year)s.",
                    first=s.num(first["rank"]),
                    first_year=first["year"],
                    last=s.num(latest["rank"]),
                    last_year=latest["year"],
                    best=s.num(best["rank"]),
                    best_year=best["year"],
                )
            )
    interval = ctx.facts.get("interval")
    if interval and egdi:
        section.facts.append(
            (
                s._("Rank, 5–95%% interval"),
                Cell(f"{s.num(interval.get('q05'))}–{s.num(interval.get('q95'))}"),
            )
        )
    users = ctx.facts.get("users")
    if users:
        section.facts.append(
            (
                s._("Internet users %(year)s", year=users["year"]),
                Cell(s.pct(users["value"]), users["notes"]),
            )
        )
        section.paragraphs.append(_users_sentence(ctx, users))
    broadband, mobile = ctx.facts.get("broadband"), ctx.facts.get("mobile")
    if broadband:
        label = s._("Fixed broadband per 100 people %(year)s", year=broadband["year"])
        section.facts.append((label, Cell(s.num(broadband["value"], 1), broadband["notes"])))
    if mobile:
        label = s._("Mobile subscriptions per 100 people %(year)s", year=mobile["year"])
        section.facts.append((label, Cell(s.num(mobile["value"], 1), mobile["notes"])))
    speed = ctx.facts.get("speed")
    if speed:
        row = speed["row"]
        section.facts.append(
            (
                s._(
                    "Fixed download speed, %(statistic)s, %(period)s",
                    statistic=_speed_label(s, row["statistic"]),
                    period=s.period(row["period"]),
                ),
                Cell(s._("%(value)s Mbit/s", value=s.num(row["value"], 1)), speed["notes"]),
            )
        )
    card = ctx.facts.get("targets")
    if card and card.get("declared"):
        section.paragraphs.append(
            s._(
                "National targets: %(declared)s; met: %(met)s, on track: %(on_track)s, off "
                "track: %(off_track)s, missed: %(missed)s; cannot be checked with the data held: "
                "%(no_data)s.",
                **{
                    k: s.num(card.get(k) or 0)
                    for k in ("declared", "met", "on_track", "off_track", "missed", "no_data")
                },
            )
        )
    article = ctx.facts.get("article")
    if article:
        section.paragraphs.append(_article_counts(s, article))
    if not section.facts and not section.paragraphs:
        section.missing = s._("The store holds no data on %(country)s.", country=ctx.name)
    return section


def _egdi_sentence(ctx: _Context, latest: Mapping[str, Any], ranked: int | None) -> str:
    s = ctx.s
    values = {
        "year": latest["year"],
        "country": ctx.name,
        "rank": s.ordinal(latest.get("rank")),
        "egdi": s.num(latest.get("egdi"), 4),
        "level": _level(s, latest.get("level")),
    }
    if ranked:
        return s.ngettext(
            "In the %(year)s UN E-Government Survey %(country)s ranks %(rank)s of %(n)s country, "
            "with an EGDI of %(egdi)s (the “%(level)s” group).",
            "In the %(year)s UN E-Government Survey %(country)s ranks %(rank)s of %(n)s "
            "countries, with an EGDI of %(egdi)s (the “%(level)s” group).",
            ranked,
            **values,
        )
    return s._(
        "In the %(year)s UN E-Government Survey %(country)s ranks %(rank)s, with an EGDI of "
        "%(egdi)s (the “%(level)s” group).",
        **values,
    )


def _users_sentence(ctx: _Context, users: Mapping[str, Any]) -> str:
    s = ctx.s
    text = s._(
        "In %(year)s, %(share)s of the population used the internet.",
        year=users["year"],
        share=s.pct(users["value"]),
    )
    peers = ctx.facts.get("peers")
    own = next((r for r in (peers or {}).get("rows", []) if r["iso3"] == ctx.iso3), None)
    if (
        own
        and own.get("rank")
        and own.get("of", 0) > 1
        and str(own["period"]) == str(users["year"])
    ):
        group = (
            s._("its neighbours")
            if peers and peers["by"] == "neighbours"
            else s._("its sub-region")
        )
        text += " " + s._(
            "That places it %(rank)s of %(of)s among %(group)s with data.",
            rank=s.ordinal(own["rank"]),
            of=s.num(own["of"]),
            group=group,
        )
    return text


# (h) methodology and sources -----------------------------------------------------------------
def _methodology(ctx: _Context) -> Section:
    s = ctx.s
    section = Section("methodology", s._("Methodology and sources"))
    section.paragraphs += [
        s._(
            "All figures are read from official files held in infosoc's store, each traceable "
            "to its publisher, edition, file and retrieval date; the numbered notes give the "
            "source of every number."
        ),
        s._(
            "The EGDI is the mean of three indices, each from 0 to 1: online services (OSI), "
            "telecommunication infrastructure (TII) and human capital (HCI). The E-Participation "
            "Index (EPI) is published beside it. The method changed between some editions "
            "(marked †), so a change of rank is not always a change of performance."
        ),
        s._(
            "The rank interval rebuilds the index from its published components with random "
            "weights (±25%%), other normalisations and aggregations, %(samples)s times with "
            "seed %(seed)s, and reports the 5th and 95th percentiles of the rank.",
            samples=s.num(RANK_SAMPLES),
            seed=RANK_SEED,
        ),
        s._(
            "A missing value is shown as “—”, never as 0: a country may not have been a member "
            "yet, or a source may not cover it."
        ),
        s._("Titles and licence terms of the sources are quoted as their publishers give them."),
    ]
    columns = [
        Cell(s._("Publisher and files")),
        Cell(s._("Retrieved")),
        Cell(s._("Licence")),
        Cell(s._("Address")),
    ]
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in ctx.notes.cited:
        groups.setdefault(str(row["source"]), []).append(row)
    rows = [_source_row(s, files) for _, files in sorted(groups.items())]
    if rows:
        section.tables.append(
            Table(
                columns, rows, caption=s._("Sources cited"), css="sources", widths=(40, 15, 27, 18)
            )
        )
    else:
        section.missing = s._("No source is cited: the store holds no data on this country.")
    return section


def _source_row(s: Speaker, files: Sequence[Mapping[str, Any]]) -> list[Cell]:
    """One source (publisher) with every file of it the report cites."""
    files = sorted(files, key=lambda r: str(r["edition"]))
    first = files[0]
    if len(files) == 1:
        detail = s._(
            "%(title)s; file %(file)s, version %(version)s",
            title=first["title"],
            file=first["file_name"],
            version=first["version"],
        )
    else:
        editions = ", ".join(
            f"{r['edition']} (v{r['version']})" if int(r["version"]) > 1 else str(r["edition"])
            for r in files
        )
        detail = s._("Editions or files: %(list)s", list=editions)
    dates = sorted({s.date(r["retrieved_at"]) for r in files})
    urls = list(dict.fromkeys(str(r.get("url") or "") for r in files if r.get("url")))
    # One licence per source: the newest file's (the UN's names the edition it cites).
    licence = next((str(r["licence"]) for r in reversed(files) if r.get("licence")), MISSING)
    return [
        Cell(str(first["publisher"]), sub=detail),
        Cell(" / ".join(dates) if dates else MISSING),
        Cell(licence),
        Cell(" ".join(urls) or MISSING, css="url"),
    ]
