"""Reading user- and publisher-supplied files with limits: JSON and YAML of bounded size,
depth and (for YAML) expanded size, and any file only when it is a regular file of bounded size.

Every reader of a JSON or YAML file that infosoc did not write itself goes through
:func:`load_json` or :func:`load_yaml`; every reader that reads a whole file it was handed goes
through :func:`read_bytes` (decision 0027). A file beyond a limit is an :class:`InputError`
naming the file and the limit, never a RecursionError, a MemoryError or a command that never
ends: a device such as ``/dev/zero``, a FIFO or a folder is refused before it is opened, and a
file is read to at most its limit, whatever its size claims.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

from .errors import InputError

__all__ = [
    "JSON_MAX_BYTES",
    "MAX_DEPTH",
    "YAML_MAX_BYTES",
    "YAML_MAX_NODES",
    "load_json",
    "load_yaml",
    "read_bytes",
    "regular_file",
]

#: The largest JSON file read whole (a country's tiles or boundaries as GeoJSON stay far below).
JSON_MAX_BYTES = 1 << 30
#: The largest YAML file (registries, rules and code lists are a few kilobytes).
YAML_MAX_BYTES = 16 << 20
#: The deepest nesting of lists and mappings; GeoJSON needs 7 (a MultiPolygon in a collection).
MAX_DEPTH = 64
#: The most values a YAML document may hold once its aliases are expanded: a few kilobytes of
#: anchors and aliases can stand for billions of values ("billion laughs").
YAML_MAX_NODES = 1_000_000


def _size(count: int) -> str:
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if count >= 1 << shift and count % (1 << shift) == 0:
            return f"{count >> shift} {unit}"
    return f"{count:,} bytes"


def regular_file(path: Path, *, max_bytes: int | None = None, file: str | None = None) -> int:
    """The size of ``path``, a regular file (symbolic links followed) of at most ``max_bytes``;
    else an InputError naming it: missing, a folder, a device, a FIFO, or too large.

    Only the file's status is read, so ``/dev/zero`` or a FIFO without a writer cannot block.
    """
    name = file if file is not None else str(path)
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise InputError("cannot be read (no such file)", file=name) from None
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror or exc})", file=name) from None
    mode = status.st_mode
    if stat.S_ISDIR(mode):
        raise InputError("is a folder, not a file", file=name)
    if not stat.S_ISREG(mode):
        kind = (
            "a FIFO (named pipe)"
            if stat.S_ISFIFO(mode)
            else "a device"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket"
            if stat.S_ISSOCK(mode)
            else "not a regular file"
        )
        raise InputError(f"is {kind}, not a regular file", file=name)
    if max_bytes is not None and status.st_size > max_bytes:
        raise InputError(
            f"is {_size(status.st_size)}, more than the {_size(max_bytes)} read from such a file",
            file=name,
        )
    return status.st_size


def read_bytes(path: Path, *, max_bytes: int, file: str | None = None) -> bytes:
    """The bytes of ``path``, a regular file of at most ``max_bytes`` (:func:`regular_file`);
    a file that grows past the limit while it is read is refused too."""
    name = file if file is not None else str(path)
    regular_file(path, max_bytes=max_bytes, file=name)
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror or exc})", file=name) from None
    if len(data) > max_bytes:
        raise InputError(f"is more than the {_size(max_bytes)} read from such a file", file=name)
    return data


def _too_big(length: int, max_bytes: int, file: str | None) -> None:
    if length > max_bytes:
        raise InputError(
            f"is {_size(length)}, more than the {_size(max_bytes)} read from such a file",
            file=file,
        )


# --- JSON --------------------------------------------------------------------------------------


# A JSON string, its escapes included; possessive, so a long string costs one pass.
_STRING = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"')
_NOT_BRACKETS = bytes(range(256)).translate(None, b"[]{}")
_ONE_KIND = bytes.maketrans(b"{}", b"[]")


def _json_depth(raw: bytes, max_depth: int, file: str | None) -> None:
    """An InputError when the lists and objects of ``raw``, valid JSON, nest deeper than
    ``max_depth``. Counted on the text, not on the decoded values: the strings are taken out,
    then the brackets alone are stripped pair by innermost pair, once per level, each pass a
    search through bytes rather than a Python step per value."""
    brackets = _STRING.sub(b"", raw).translate(_ONE_KIND, _NOT_BRACKETS)
    levels = 0
    while brackets:
        levels += 1
        if levels > max_depth:
            raise InputError(f"is nested deeper than {max_depth} levels", file=file)
        inner = brackets.replace(b"[]", b"")
        if len(inner) == len(brackets):  # cannot happen in valid JSON; never loop forever
            raise InputError("is not valid JSON (unbalanced brackets)", file=file)
        brackets = inner


def load_json(
    data: bytes | str,
    *,
    file: str | None,
    max_bytes: int = JSON_MAX_BYTES,
    max_depth: int = MAX_DEPTH,
) -> Any:
    """The decoded JSON of ``data`` (bytes as UTF-8, a byte-order mark allowed), or an
    InputError naming ``file``: too large (the limit named), not UTF-8, not JSON (with line and
    column), or nested deeper than ``max_depth`` levels. ``NaN`` and ``Infinity`` are read as
    Python's json reads them: the readers check their numbers."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    _too_big(len(raw), max_bytes, file)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"is not UTF-8 text ({exc.reason})", file=file, row=line) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})",
            file=file,
            row=exc.lineno,
        ) from None
    except RecursionError:
        raise InputError(f"is nested deeper than {max_depth} levels", file=file) from None
    except ValueError as exc:  # an integer of more digits than Python converts
        first = str(exc).split(";")[0]
        raise InputError(f"is not usable JSON ({first})", file=file) from None
    _json_depth(raw, max_depth, file)
    return document


# --- YAML --------------------------------------------------------------------------------------


def _yaml_fault(exc: Exception, file: str | None) -> InputError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None)
    if not problem:
        problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    row = mark.line + 1 if mark is not None else None
    return InputError(f"is not valid YAML: {problem}", file=file, row=row)


def _check_events(loader: Any, max_depth: int, file: str | None) -> None:
    """Refuse nesting deeper than ``max_depth`` from the parser's events, before any node
    is built (building a node tree recurses once per level)."""
    import yaml

    depth = 0
    while loader.check_event():
        event = loader.get_event()
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > max_depth:
                line = event.start_mark.line + 1 if event.start_mark else None
                raise InputError(f"is nested deeper than {max_depth} levels", file=file, row=line)
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1


def _expanded(root: Any, max_nodes: int, max_depth: int, file: str | None) -> None:
    """Refuse a node tree that, its aliases expanded, holds more than ``max_nodes`` values or
    nests deeper than ``max_depth``, or that contains itself. Each distinct node is visited
    once (sizes are remembered), so a billion laughs costs no more than its text."""
    import yaml

    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    busy: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if isinstance(node, yaml.ScalarNode):
            size[key], depth[key] = 1, 0
            continue
        children: list[Any] = (
            [part for pair in node.value for part in pair]
            if isinstance(node, yaml.MappingNode)
            else list(node.value)
        )
        if done:
            busy.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in children)
            depth[key] = 1 + max((depth[id(c)] for c in children), default=0)
            if size[key] > max_nodes:
                raise InputError(
                    f"expands to more than {max_nodes:,} values through its aliases "
                    "(anchors '&' repeated with '*')",
                    file=file,
                    row=node.start_mark.line + 1,
                )
            if depth[key] > max_depth:
                raise InputError(
                    f"is nested deeper than {max_depth} levels through its aliases",
                    file=file,
                    row=node.start_mark.line + 1,
                )
            continue
        if key in size:
            continue
        if key in busy:
            raise InputError(
                "contains itself through an alias", file=file, row=node.start_mark.line + 1
            )
        busy.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in size)


def load_yaml(
    text: str | bytes,
    *,
    file: str | None,
    loader: Any = None,
    max_bytes: int = YAML_MAX_BYTES,
    max_depth: int = MAX_DEPTH,
    max_nodes: int = YAML_MAX_NODES,
    with_nodes: bool = False,
) -> Any:
    """The data of a one-document YAML text, or an InputError naming ``file`` (and the line
    where there is one): too large, not YAML, nested deeper than ``max_depth`` levels, more
    than ``max_nodes`` values once aliases are expanded, or a value Python cannot hold.

    ``loader`` is a PyYAML loader class (default: the safe loader, on libyaml when PyYAML has
    it); only safe loaders belong here. With ``with_nodes`` the result is ``(data, root)``,
    the composed node tree giving every value's line (None for an empty document).
    """
    import yaml

    if isinstance(text, bytes):
        _too_big(len(text), max_bytes, file)
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"is not UTF-8 text ({exc.reason})", file=file) from None
    else:
        _too_big(len(text.encode("utf-8", "surrogatepass")), max_bytes, file)
    kind = loader or getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        events = kind(text)
        try:
            _check_events(events, max_depth, file)
        finally:
            events.dispose()
        composer = kind(text)
        try:
            root = composer.get_single_node()
            if root is None:
                data = None
            else:
                _expanded(root, max_nodes, max_depth, file)
                data = composer.construct_document(root)
        finally:
            composer.dispose()
    except yaml.YAMLError as exc:
        raise _yaml_fault(exc, file) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        # A date such as 2020-13-45, an integer of more digits than Python converts, a key
        # that cannot be a key (a list): the safe constructors raise plain errors for these.
        first = (str(exc).splitlines() or [type(exc).__name__])[0].split(";")[0]
        raise InputError(f"holds a value that cannot be read ({first[:200]})", file=file) from None
    return (data, root) if with_nodes else data
