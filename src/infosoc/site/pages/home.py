"""The home page, the list of countries, the sources and a chart's embed page."""

from __future__ import annotations

from typing import Any

from ...geo.countries import country as geo_country
from ...report.localiser import Localiser
from ..model import Cell, Figure, Page, Table
from ..world import World
from .common import country_cell, header, num_cell, number, tr
from .country import PROGRAMME_COUNTRY, sources_rows

#: How many of the latest edition's largest moves the home page lists.
MOVES = 10


def home_page(world: World, loc: Localiser, egdi_map: Figure | None) -> Page:
    """The world EGDI map, Kazakhstan and Central Asia at a glance, the latest changes."""
    page = Page("", "page.html.j2", loc._("infosoc: the observatory of digital development"))
    blocks: list[tuple[str, Any]] = [("lead", loc._(
        "Official figures on e-government, internet use and speeds for the 193 UN member "
        "states, recomputed and audited, with every number traced to its publisher, release "
        "and file. Search for a country above, or start from the map."))]  # fmt: skip
    if egdi_map is not None:
        blocks.append(("figure", egdi_map))
        page.figures.append(egdi_map)
    home = geo_country(PROGRAMME_COUNTRY)
    blocks.append(("heading", ("kazakhstan", loc._("Kazakhstan and its region at a glance"))))
    blocks.append(("table", _region_table(world, home.subregion, loc)))
    blocks.append(("links", [
        (f"country/{PROGRAMME_COUNTRY}/", home.name(loc.lang)),
        ("kazakhstan/regions/", loc._("The digital divide between the regions")),
        ("kazakhstan/targets/", loc._("The programme's targets against what was achieved")),
        ("kazakhstan/swot/", loc._("The SWOT analysis, backed by evidence")),
        ("article/", loc._("The review article's claims, checked")),
    ]))  # fmt: skip
    blocks.append(("heading", ("changes", loc._("Latest changes"))))
    blocks += _changes(world, loc)
    blocks.append(("heading", ("indicators", loc._("Indicators"))))
    from ..world import INDICATORS

    blocks.append(("links", [(f"indicator/{i.slug}/", loc._(i.name)) for i in INDICATORS]))
    page.context = {"blocks": blocks}
    return page


def _region_table(world: World, subregion: str | None, loc: Localiser) -> Table:
    members = [c for c in world.members if geo_country(c).subregion == subregion]
    year = world.editions[-1]
    before = world.editions[-2] if len(world.editions) > 1 else None
    users = world.series.get("IT.NET.USER.ZS")
    rows = []
    for c in sorted(members, key=lambda c: world.survey[year].get(c, {}).get("rank") or 999):
        now = world.survey[year].get(c, {})
        then = world.survey[before].get(c, {}) if before else {}
        last = users.latest(c) if users else None
        rows.append([
            country_cell(world, c, loc),
            num_cell(loc, now.get("egdi"), 4), num_cell(loc, now.get("rank"), 0),
            num_cell(loc, then.get("rank"), 0),
            Cell(loc.pct(last["value"]) if last else loc.auto(None), numeric=True),
        ])  # fmt: skip
    return Table(
        header(loc._("Country"), loc._("EGDI %(year)s", year=year),
               loc._("Rank %(year)s", year=year),
               loc._("Rank %(year)s", year=before) if before else "",
               loc._("Internet users, latest"), numeric=(1, 2, 3, 4)),
        rows, caption=tr(loc, subregion) if subregion else "",
    )  # fmt: skip


def _changes(world: World, loc: Localiser) -> list[tuple[str, Any]]:
    if len(world.editions) < 2:
        return []
    year, before = world.editions[-1], world.editions[-2]
    moves = []
    for c in world.members:
        now = world.survey[year].get(c, {}).get("rank")
        then = world.survey[before].get(c, {}).get("rank")
        if now is not None and then is not None:
            moves.append((then - now, c, then, now))
    moves.sort(key=lambda m: (-abs(m[0]), m[1]))
    table = Table(
        header(loc._("Country"), loc._("Rank %(year)s", year=before),
               loc._("Rank %(year)s", year=year), loc._("Change"), numeric=(1, 2, 3)),
        [[country_cell(world, c, loc), num_cell(loc, then, 0), num_cell(loc, now, 0),
          Cell(loc.signed(move, 0), numeric=True)] for move, c, then, now in moves[:MOVES]],
        caption=loc._("The largest moves in the EGDI ranking between the %(before)s and %(year)s "
                      "editions", before=before, year=year),
    )  # fmt: skip
    latest: dict[str, dict[str, Any]] = {}  # the newest file of each source
    for s in world.sources:
        if s.get("current", True) and str(s.get("released") or "") >= str(
            latest.get(s["source"], {}).get("released") or ""
        ):
            latest[s["source"]] = s
    newest = sorted(latest.values(), key=lambda s: str(s.get("released") or ""), reverse=True)
    releases = Table(
        header(loc._("Released"), loc._("Publisher"), loc._("Title")),
        [[Cell(str(s.get("released") or loc.auto(None))), Cell(str(s["publisher"])),
          Cell(str(s["title"]))] for s in newest],
        caption=loc._("The newest release held of each source"),
    )  # fmt: skip
    return [("table", table), ("table", releases)]


def countries_page(world: World, loc: Localiser, groups: list[tuple[str, list[tuple[str, str]]]]
                   ) -> Page:  # fmt: skip
    """Every member state in the language's alphabetical order: the search without JavaScript."""
    count = sum(len(names) for _, names in groups)
    page = Page("countries/", "page.html.j2", loc._("The UN member states"))
    if count < len(world.members):
        page.context["blocks"] = [
            (
                "paragraph",
                loc._(
                    "This site has pages for %(n)s of the %(of)s member states.",
                    n=count,
                    of=len(world.members),
                ),
            )
        ]
    page.context = {"blocks": [*page.context.get("blocks", []), ("letters", groups)]}
    return page


def sources_page(world: World, loc: Localiser) -> Page:
    """Every file held, with publisher, release, licence, SHA-256 and retrieval date."""
    page = Page("sources/", "page.html.j2", loc._("Sources"))
    current = [s for s in world.sources if s.get("current", True)]
    blocks: list[tuple[str, Any]] = [
        ("lead", loc._("Every file infosoc holds, as its publisher released it. Older releases "
                       "are kept beside newer ones: a value keeps the release it came from.")),
        ("table", sources_rows(current, loc)),
        ("paragraph", loc._("%(n)s files from %(m)s publishers.", n=number(loc, len(current), 0),
                            m=number(loc, len({s['publisher'] for s in current}), 0))),
    ]  # fmt: skip
    page.context = {"blocks": blocks}
    return page


def embed_page(figure: Figure, origin: str, loc: Localiser) -> Page:
    """A page holding one chart and nothing else, for an iframe."""
    page = Page(f"embed/{figure.id}/", "embed.html.j2", figure.title, figures=[figure])
    page.context = {"origin": origin}
    return page
