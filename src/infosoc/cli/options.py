"""The options every command shares, spelled once (docs/conventions.md).

A command takes the country as its positional argument and the rest from here:
``--indicator/-i``, ``--network``, ``--period`` or ``--start``/``--end``, ``--lang``,
``--format/-f`` (data) and ``--home``. A spelling that was renamed stays accepted, hidden, through
:func:`renamed`, which prints a one-line deprecation note on stderr.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperCommand, TyperOption

from ..limits import check_output, check_periods

T = TypeVar("T")


class Network(StrEnum):
    """Fixed or mobile broadband."""

    fixed = "fixed"
    mobile = "mobile"


IndicatorOpt = Annotated[
    str, typer.Option("--indicator", "-i", help="Indicator code, e.g. IT.NET.USER.ZS.")
]
#: A country, in any form.
CountryArg = Annotated[str, typer.Argument(help="ISO3, ISO2, M49 code or a name in en/ru/kk.")]
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


def periods(**given: str | None) -> None:
    """Refuse, before any work, a period option (``start=``, ``end=``, ``period=``) that is not
    a period such as 2022, 2020-Q1 or 2020-04, naming the option (``--start``)."""
    check_periods(given, "--")


def output(path: Path | None, *, folder: bool, name: str = "--out") -> Path:
    """The output path of a command (the current folder for a folder not given), checked
    before any work: a file where a folder is wanted (or the reverse), a path under a file or
    without permission to write is one line naming the option (docs/conventions.md)."""
    return check_output(path if path is not None else Path("."), name, folder=folder)


def deprecated(old: str, new: str) -> None:
    """Say on stderr, in one line, that the spelling ``old`` will go and ``new`` replaces it."""
    typer.echo(f"note: {old} is deprecated and will go; use {new}", err=True)


def renamed(old_value: T | None, old: str, new: str, value: T) -> T:
    """``old_value`` (with a deprecation note on stderr) if the old spelling ``old`` was given,
    else ``value`` from the new spelling ``new``."""
    if old_value is None:
        return value
    deprecated(old, new)
    return old_value


def source_option(name: str) -> str:
    """The registry's spelling of a source named on the command line; an older spelling
    (``ookla_si``) is taken with a deprecation note."""
    from ..sources import OLD_NAMES

    if name in OLD_NAMES:
        deprecated(name, OLD_NAMES[name])
        return OLD_NAMES[name]
    return name


def indicator_last(old: str, new: str) -> type[TyperCommand]:
    """The class of a command written ``new`` (``COUNTRY... -i CODE``) that still takes the
    ``old`` order, ``CODE COUNTRY...`` without ``-i``, with a deprecation note: the first of two
    or more positional arguments becomes ``--indicator``."""

    class IndicatorLast(TyperCommand):
        def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
            return super().parse_args(ctx, _indicator_moved(self, args, old, new))

    return IndicatorLast


def _indicator_moved(command: TyperCommand, args: list[str], old: str, new: str) -> list[str]:
    valued: set[str] = set()
    indicator: tuple[str, ...] = ()
    for param in command.params:
        if isinstance(param, TyperOption):
            if param.name == "indicator":
                indicator = tuple(param.opts)
            elif not param.is_flag:
                valued.update(param.opts)
    positional: list[int] = []
    at = 0
    while at < len(args):
        arg = args[at]
        if arg == "--":
            positional += range(at + 1, len(args))
            break
        if arg.startswith(indicator):  # "-i CODE", "-iCODE", "--indicator=CODE": the new order
            return args
        if arg.startswith("-") and len(arg) > 1:
            at += 1 if "=" in arg or arg not in valued else 2
            continue
        positional.append(at)
        at += 1
    if len(positional) < 2:
        return args
    deprecated(old, new)
    code = positional[0]
    return [*args[:code], *args[code + 1 :], "--indicator", args[code]]
