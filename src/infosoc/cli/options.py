"""The options every command shares, spelled once (docs/conventions.md).

A command takes the country as its positional argument and the rest from here:
``--indicator/-i``, ``--network``, ``--period`` or ``--start``/``--end``, ``--lang``,
``--format/-f`` (data) and ``--home``. A spelling that was renamed stays accepted, hidden, through
:func:`renamed`, which prints a one-line deprecation note on stderr.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, TypeVar

import typer

T = TypeVar("T")


class Network(StrEnum):
    """Fixed or mobile broadband."""

    fixed = "fixed"
    mobile = "mobile"


IndicatorOpt = Annotated[
    str, typer.Option("--indicator", "-i", help="Indicator code, e.g. IT.NET.USER.ZS.")
]
OptionalIndicatorOpt = Annotated[
    str | None,
    typer.Option(
        "--indicator", "-i", help="Indicator code, e.g. IT.NET.USER.ZS.", show_default=False
    ),
]
NetworkOpt = Annotated[
    Network | None,
    typer.Option("--network", help="fixed or mobile; default: both.", show_default=False),
]
PeriodOpt = Annotated[
    str | None,
    typer.Option(
        "--period",
        help="Period: 2022, 2020-Q1 or 2020-04; default: the latest.",
        show_default=False,
    ),
]
StartOpt = Annotated[
    str | None,
    typer.Option("--start", help="First period: 2015, 2020-Q1 or 2020-04.", show_default=False),
]
EndOpt = Annotated[str | None, typer.Option("--end", help="Last period.", show_default=False)]
#: The hidden old spellings, kept for command lines people already have.
OldYearOpt = Annotated[str | None, typer.Option("--year", hidden=True)]
OldTypeOpt = Annotated[Network | None, typer.Option("--type", hidden=True)]


def renamed(old_value: T | None, old: str, new: str, value: T) -> T:
    """``old_value`` (with a deprecation note on stderr) if the old spelling ``old`` was given,
    else ``value`` from the new spelling ``new``."""
    if old_value is None:
        return value
    typer.echo(f"note: {old} is deprecated and will go; use {new}", err=True)
    return old_value
