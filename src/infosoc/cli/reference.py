"""The command reference (docs/cli.md), written from the commands themselves.

``python scripts/cli_reference.py`` rewrites docs/cli.md; a test fails when the file and the
commands disagree, so the reference cannot drift from the options (as sqlite-utils does with
cog).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import typer.main

from .common import app

HEADER = """# Command reference

Written by `python scripts/cli_reference.py` from the commands' own help; do not edit by hand.
docs/conventions.md says what every command shares: the country first, `--indicator/-i`,
`--format table|csv|json|ndjson`, `--lang en|ru|kk`, `--home DIR`. Old spellings that still work
(with a deprecation note) are hidden here.
"""


def _commands(command: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    subcommands = getattr(command, "commands", None)
    if subcommands is None:
        yield path, command
        return
    for name, sub in sorted(subcommands.items()):
        if not sub.hidden:
            yield from _commands(sub, (*path, name))


TABLE_HEAD = "| argument or option | type | default | meaning |\n|---|---|---|---|"
#: Readable names of the parameter types.
KINDS = {"str": "text", "text": "text", "int": "integer", "integer": "integer", "float": "number"}


def _kind(param: Any) -> str:
    choices = getattr(param.type, "choices", None)
    if choices:
        return "\\|".join(str(getattr(c, "value", c)) for c in choices)
    if getattr(param, "is_flag", False):
        return "flag"
    if param.param_type_name == "option" and param.metavar:
        return str(param.metavar).replace("|", "\\|")
    return KINDS.get(str(param.type.name), str(param.type.name))


def _default(param: Any) -> str:
    if param.required:
        return "required"
    default = param.default
    if default is None or default is False or default == () or callable(default):
        return ""
    return f"`{getattr(default, 'value', default)}`"


def _usage(path: tuple[str, ...], command: Any) -> str:
    words = ["infosoc", *path, "[OPTIONS]"]
    for param in command.params:
        if param.param_type_name == "argument" and not getattr(param, "hidden", False):
            name = param.name.upper() + ("..." if param.nargs == -1 else "")
            words.append(name if param.required else f"[{name}]")
    return " ".join(words)


def _row(param: Any) -> str:
    if param.param_type_name == "argument":
        names = f"`{param.name.upper()}`"
    else:
        names = ", ".join(f"`{n}`" for n in (*param.opts, *param.secondary_opts))
    text = " ".join((getattr(param, "help", None) or "").split())
    return f"| {names} | {_kind(param)} | {_default(param)} | {text} |"


def reference() -> str:
    """docs/cli.md: every visible command with its usage, its help and its options."""
    parts = [HEADER]
    for path, command in _commands(typer.main.get_command(app), ()):
        shown = [p for p in command.params if not getattr(p, "hidden", False)]
        parts.append(f"## `infosoc {' '.join(path)}`\n")
        parts.append(inspect.cleandoc(command.help or "") + "\n")
        parts.append(f"```\n{_usage(path, command)}\n```\n")
        if shown:
            rows = "\n".join(_row(p) for p in shown)
            parts.append(
                f"| argument or option | type | default | meaning |\n|---|---|---|---|\n{rows}\n"
            )
    return "\n".join(parts)
