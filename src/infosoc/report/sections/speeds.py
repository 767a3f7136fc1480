"""Internet speeds in the connectivity section: the latest of each source and statistic, with
how each source measures. Sources are never mixed: each measures differently."""

from __future__ import annotations

from typing import Any

from ...errors import NotFoundError
from ...i18n import N_
from ..context import Context
from ..localiser import Localiser
from ..model import Cell, Table

#: Speed statistics shown per source: the device-weighted ones for Ookla's tiles, whose
#: unweighted averages give a village tile the weight of a city block.
SPEED_STATISTICS = {
    "ookla-open-data": (
        "devices-weighted mean of tile averages",
        "devices-weighted median of tile averages (lower weighted median)",
    ),
}
#: The sources whose fixed median the summary quotes, in order of preference.
SUMMARY_SPEED = ("ookla-intelligence", "ookla-sgi", "ookla-open-data", "cableco")
SPEED_SOURCES = {
    "cableco": "cable.co.uk (M-Lab)",
    "ookla-intelligence": "Ookla Speedtest Intelligence",
    "ookla-sgi": "Ookla Speedtest Global Index",
    "ookla-open-data": "Ookla Open Data",
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


def speed_label(loc: Localiser, text: Any) -> str:
    """A speed source's statistic or method in the report's language, when it is known."""
    if not text:
        return ""
    return loc._(SPEED_LABELS[text]) if text in SPEED_LABELS else str(text)


def speed_table(ctx: Context) -> Table | None:
    """The latest download speed of each network, source and statistic held; None when
    there is none. The fixed median the summary quotes goes to ``ctx.found``."""
    loc = ctx.loc
    try:
        rows = [dict(r) for r in ctx.data.speed(ctx.iso3, measure="download")]
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
        ctx.found.speed, ctx.found.speed_notes = best, ctx.notes.file(best["file_name"])
    columns = [
        Cell(loc._("Network")),
        Cell(loc._("Source")),
        Cell(loc._("Statistic")),
        Cell(loc._("Period")),
        Cell(loc._("Download, Mbit/s"), numeric=True),
    ]
    body = []
    methods: dict[str, str] = {}
    for (network, source, statistic), r in sorted(latest.items()):
        methods.setdefault(source, speed_label(loc, r.get("method")))
        body.append(
            [
                Cell(loc._(NETWORKS.get(network, network))),
                Cell(SPEED_SOURCES.get(source, source)),
                Cell(speed_label(loc, statistic)),
                Cell(loc.period(r["period"])),
                Cell(loc.num(r["value"], 2), ctx.notes.file(r["file_name"]), numeric=True),
            ]
        )
    ctx.found.speed_methods = [
        loc._("%(source)s: %(method)s.", source=SPEED_SOURCES.get(k, k), method=m)
        for k, m in methods.items()
        if m
    ]
    return Table(
        columns,
        body,
        caption=loc._("Internet speed, latest period held"),
        css="speeds",
        widths=(16, 22, 31, 14, 17),
    )
