"""What every command shares: the app, the common options, output and error handling."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from ..errors import InfosocError, one_line
from ..i18n import Lang
from ..records import Document
from .output import Format, Style, cell, columns_of, to_csv, to_json, to_ndjson, to_table, uniform

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
FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="Output format: table, csv, json or ndjson.")
]
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

    _opened["home"] = home  # where a bug's log goes (crash_log)
    return Observatory(home=home, mirror=mirror, progress=FirstBuild())


#: The home the command opened its Observatory on, if it named one.
_opened: dict[str, Path | None] = {}


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
    rows: Sequence[Mapping[str, Any]] | Document,
    fmt: Format,
    columns: Sequence[str] | None = None,
    lang: Lang = "en",
    title: str | None = None,
    footnotes: Sequence[str] = (),
    payload: Any = None,
    *,
    styles: Mapping[str, Style] | None = None,
    headers: Mapping[str, str] | None = None,
    shown: Sequence[Mapping[str, Any]] | None = None,
    show: Callable[[], None] | None = None,
) -> None:
    """Print what a command produced, in ``fmt`` (docs/conventions.md, decision 0016).

    ``rows``: a data command's rows, printed as they are in CSV, JSON (a list of objects) and
    NDJSON, each row with every column; or a :class:`~infosoc.records.Document`, printed as
    one JSON object, and its main rows in CSV and NDJSON.

    The table shows ``columns`` (default: every column) of ``shown`` (default: the rows) under
    ``title``, with headers in ``lang`` (a column's label, or the label ``headers`` names for
    it), cells in ``styles``, and ``footnotes`` below it.
    ``payload`` is for a document command that does not return a Document yet: what its
    ``-f json`` prints. ``show``, when given, prints the table instead (a document laid out for
    reading). A document's rows in CSV have their nested objects as dotted columns
    (``evidence.source``) and a list of objects as JSON text in its cell (decision 0014).
    """
    document = rows if isinstance(rows, Document) else None
    data = uniform(rows.rows() if isinstance(rows, Document) else rows)
    if fmt is Format.json:
        whole = document if document is not None else payload
        typer.echo(to_json(data if whole is None else whole))
    elif fmt is Format.csv and document is not None:
        flat = [_flat(row) for row in json.loads(to_json(data))]
        typer.echo(to_csv(flat, _flat_columns(flat)), nl=False)
    elif fmt is Format.csv:
        typer.echo(to_csv(data), nl=False)
    elif fmt is Format.ndjson:
        typer.echo(to_ndjson(data), nl=False)
    elif show is not None:
        show()
    else:
        from rich.console import Console

        table_rows = uniform(shown) if shown is not None else data
        chosen = list(columns) if columns is not None else columns_of(table_rows)
        console = Console(width=None if sys.stdout.isatty() else 200)
        console.print(to_table(table_rows, chosen, lang, title, styles, headers))
        if document is not None:
            for key, value in document.items():
                if key != document.rows_key and isinstance(value, str | int | float | bool):
                    console.print(f"{label(key, lang)}: {cell(value, lang, key)}", highlight=False)
        for note in footnotes:
            console.print(note, style="dim", highlight=False)


def run(action: Callable[[], T]) -> T:
    """Run a command; an InfosocError becomes one line on stderr and exit code 2, and any
    other exception, a bug, one line naming the log of its traceback (:func:`crash_log`)."""
    _opened.clear()
    try:
        return action()
    except InfosocError as exc:
        # One line, always: a value quoted from a file may itself hold a line break.
        typer.echo("error: " + one_line(str(exc)), err=True)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        raise typer.Exit(130) from None
    except Exception as exc:
        if os.environ.get("INFOSOC_DEBUG"):
            raise
        if isinstance(exc, OSError):  # the machine's fault (disk full, permissions), not ours
            typer.echo("error: " + one_line(str(exc)), err=True)
            raise typer.Exit(1) from None
        if isinstance(exc, MemoryError):  # the machine's limit, past what the checks foresaw
            typer.echo("error: not enough memory for this command; ask for less", err=True)
            raise typer.Exit(1) from None
        typer.echo(bug_line(exc, crash_log(exc)), err=True)
        raise typer.Exit(1) from None


def crash_log(exc: BaseException) -> Path | None:
    """Write ``exc``'s traceback to a new file under the home's ``logs/`` folder (else the
    temporary folder, when the home cannot be written), named by time and process id; its
    path, or None if no file could be written."""
    import tempfile
    import traceback
    from datetime import UTC, datetime

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"infosoc-bug-{stamp}-{os.getpid()}.log"
    text = (
        f"infosoc bug report, {stamp}\ncommand: {' '.join(sys.argv)}\n"
        f"python {sys.version.split()[0]} on {sys.platform}\n\n"
        + "".join(traceback.format_exception(exc))
    )
    for folder in (_home() / "logs", Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            with path.open("x", encoding="utf-8") as log:
                log.write(text)
        except Exception:
            continue
        return path
    return None


def _home() -> Path:
    """The home of the command's Observatory (``--home``), else the default one."""
    from ..settings import home_dir

    return home_dir(_opened.get("home"))


def bug_line(exc: BaseException, log: Path | None) -> str:
    """The one line a genuine bug prints: that it is a bug, its exception, and where the
    traceback is, for the report."""
    what = one_line(f"{type(exc).__name__}: {exc}", 300)
    where = (
        f"the traceback is in {log}" if log is not None else "its traceback could not be written"
    )
    return (
        f"infosoc hit a bug ({what}); {where}; please report it with that file "
        "(INFOSOC_DEBUG=1 shows the traceback here instead)"
    )


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
