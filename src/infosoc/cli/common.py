"""What every command shares: the app, the common options, output and error handling."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from ..errors import InfosocError
from ..i18n import Lang
from ..records import Document
from .output import Format, to_csv, to_json, to_table

app = typer.Typer(
    help="infosoc: an open observatory of digital development (UN E-Government Survey first).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

HomeOpt = Annotated[
    Path | None,
    typer.Option(
        "--home",
        help="Folder of the store and cache (default: $INFOSOC_HOME, else the user data folder).",
        show_default=False,
    ),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
LangOpt = Annotated[
    str, typer.Option("--lang", metavar="en|ru|kk", help="Language of names and labels.")
]
FromOpt = Annotated[
    Path | None,
    typer.Option(
        "--from",
        help="Local folder laid out like the shared data folder (default: $INFOSOC_MIRROR).",
        show_default=False,
    ),
]

T = TypeVar("T")


def observatory(home: Path | None, mirror: Path | None = None) -> Any:
    """The Observatory a command works on; a first query in an empty home shows a progress
    bar while the store is built from the shipped snapshot."""
    from ..observatory import Observatory

    return Observatory(home=home, mirror=mirror, progress=FirstBuild())


class FirstBuild:
    """A progress bar on stderr (on a terminal only) for building the store on first use:
    it appears with the first step and goes when the last is done."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.task: Any = None

    def __call__(self, done: int, total: int | None, what: str) -> None:
        if self.bar is None:
            self.bar = progress_bar()
            self.bar.start()
            self.task = self.bar.add_task("building the store from the shipped data", total=total)
        self.bar.update(self.task, completed=done, total=total, description=what)
        if total is not None and done >= total:
            self.bar.stop()
            self.bar = None


def emit(
    rows: Sequence[dict[str, Any]],
    fmt: Format,
    columns: Sequence[str],
    lang: Lang,
    title: str | None = None,
    footnotes: Sequence[str] = (),
    payload: Any = None,
) -> None:
    if fmt is Format.json:
        typer.echo(to_json(rows if payload is None else payload))
    elif fmt is Format.csv:
        typer.echo(to_csv(rows), nl=False)
    else:
        from rich.console import Console

        console = Console(width=None if sys.stdout.isatty() else 200)
        console.print(to_table(rows, columns, lang, title))
        for note in footnotes:
            console.print(note, style="dim", highlight=False)


def run(action: Callable[[], T]) -> T:
    """Run a command; an InfosocError becomes one line on stderr and exit code 2."""
    try:
        return action()
    except InfosocError as exc:
        # One line, always: a value quoted from a file may itself hold a line break.
        typer.echo("error: " + " ".join(str(exc).split()), err=True)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        raise typer.Exit(130) from None
    except Exception as exc:
        if os.environ.get("INFOSOC_DEBUG"):
            raise
        if isinstance(exc, OSError):  # the machine's fault (disk full, permissions), not ours
            typer.echo(f"error: {exc}".splitlines()[0], err=True)
            raise typer.Exit(1) from None
        typer.echo(
            f"internal error: {type(exc).__name__}: {exc}".splitlines()[0]
            + " (set INFOSOC_DEBUG=1 for details and please report it)",
            err=True,
        )
        raise typer.Exit(1) from None


def progress_bar(*columns: Any) -> Any:
    """A transient progress bar on stderr, shown only on a terminal (so errors stay one line)."""
    from rich.progress import Progress

    return Progress(
        *columns, transient=True, console=stderr_console(), disable=not sys.stderr.isatty()
    )


class Steps:
    """A spinner showing the current step of a long command, on a terminal only: call it
    with each step's description (use inside :func:`progress_bar`)."""

    def __init__(self, bar: Any) -> None:
        self.bar = bar
        self.task = bar.add_task("starting", total=None)

    def __call__(self, what: str) -> None:
        self.bar.update(self.task, description=what)


def stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def label(key: str, lang: Lang) -> str:
    """A label in ``lang`` (imported lazily: only tables need it)."""
    from ..i18n.labels import label as translate

    return translate(key, lang)


def emit_document(document: Document, fmt: Format, show: Callable[[], None]) -> None:
    """Print a document command's result (docs/conventions.md): ``json`` the whole object;
    ``csv`` its rows, a nested field flattened into dotted columns (``evidence.source``) and a
    list of objects kept as JSON text in its cell; ``ndjson`` its rows, one JSON object a line;
    ``table`` whatever ``show`` prints for reading."""
    if fmt is Format.json:
        typer.echo(to_json(document))
    elif fmt is Format.ndjson:
        for row in json.loads(to_json(document.rows())):
            typer.echo(json.dumps(row, ensure_ascii=False))
    elif fmt is Format.csv:
        rows = [_flat(row) for row in json.loads(to_json(document.rows()))]
        typer.echo(to_csv(rows, _flat_columns(rows)), nl=False)
    else:
        show()


def _flat(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A row's nested objects as dotted columns; a list holding objects as JSON text."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        name = prefix + key
        if isinstance(value, dict):
            out.update(_flat(value, name + ".") if value else {name: None})
        elif isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
            out[name] = json.dumps(value, ensure_ascii=False)
        else:
            out[name] = value
    return out


def _flat_columns(rows: list[dict[str, Any]]) -> list[str]:
    """The columns of flattened rows, in first-seen order; an object that is null in one row
    and has fields in another gives its fields' columns, at its own place."""
    seen = list(dict.fromkeys(key for row in rows for key in row))
    place = {column: index for index, column in enumerate(seen)}

    def anchor(column: str) -> int:
        parts = column.split(".")
        parents = (".".join(parts[:n]) for n in range(1, len(parts)))
        return min([place[column], *(place[p] for p in parents if p in place)])

    nested = {c.rsplit(".", 1)[0] for c in seen if "." in c}
    kept = [c for c in seen if c not in nested]
    return sorted(kept, key=lambda c: (anchor(c), place[c]))
