"""Babel extractors for the texts of infosoc's shipped data files, so that ``pybabel extract``
finds them like the strings marked in code (``babel.cfg``, docs/translating.md).

The data files hold their texts in English only; English is the msgid, and the Russian and
Kazakh are in the catalogues (decision 0013). Which fields are texts is listed here, by their
path in the file: ``*`` stands for any entry of a list. A field may hold a plain string or, in
the older form a user's file may still have, a mapping whose ``en`` is the text. A field given
a context is a short label, translated with ``pgettext(context, text)`` where it is shown. The
sources' ``.meta.toml`` files are read by ``infosoc.sources.texts``, which adds the labels a
source composes from their fields.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

#: (path, context, what the text is, for a translator) of the texts of YAML data files: the
#: SWOT rules, the article's SWOT and the registries of programme targets.
YAML_TEXTS: tuple[tuple[tuple[str, ...], str | None, str], ...] = (
    (("rules", "*", "text"), None, "a SWOT item's sentence"),
    (("rules", "*", "label"), "indicator", "an indicator's name inside a SWOT sentence"),
    (("items", "*", "text"), None, "an item of the review article's SWOT, in English"),
    (("items", "*", "untestable"), None, "why no data can decide an item of the article's SWOT"),
    (("items", "*", "checks", "*", "label"), "indicator", "an indicator's name in a reason"),
    (("targets", "*", "title"), None, "the title of a programme target"),
    (("targets", "*", "unit"), "unit", "the unit of a programme target"),
)
#: The same for the TOML data files: the review article's claims.
TOML_TEXTS: tuple[tuple[tuple[str, ...], str | None, str], ...] = (
    (("claims", "*", "text_en"), None, "a claim of the review article, in short"),
    (("claims", "*", "note"), None, "why a claim differs from the official data"),
    (("claims", "*", "unit"), "unit", "the unit of a claim's value"),
    (("claims", "*", "also", "*", "label"), None, "another official series of a claim's quantity"),
)

#: The same for the sources' metadata (``sources/*.meta.toml``): what the store's ``indicators``
#: table holds of an indicator (label, unit, statistic, method; a source's ``title`` is the
#: method of some) and the income groups as the store holds them. The site shows these through
#: ``gettext`` with no context, so none is given here. Labels a source composes from parts
#: (the Ookla sources) are added by ``infosoc.sources.texts``, which knows how.
SOURCE_TEXTS: tuple[tuple[tuple[str, ...], str | None, str], ...] = (
    (("title",), None, "the title of a source's publication, shown as its method"),
    (("method",), None, "how a source's values were measured"),
    (("indicators", "*", "label"), None, "an indicator's name"),
    (("indicators", "*", "unit"), None, "an indicator's unit"),
    (("indicators", "*", "statistic"), None, "which statistic of the tests a value is"),
    (("indicators", "*", "method"), None, "how an indicator's values were measured"),
    (("series", "*", "label"), None, "an indicator's name"),
    (("series", "*", "unit"), None, "an indicator's unit"),
    (("measures", "*", "unit"), None, "an indicator's unit"),
    (("measures", "*", "statistic"), None, "which statistic of the tests a value is"),
    (("statistics", "*"), None, "which statistic of the tests a value is"),
    (("income_groups", "*"), None, "a World Bank income group, as the store holds it"),
)

Extracted = tuple[int, str, str | tuple[str, str], list[str]]

_TABLE_HEADER = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]")


def extract_yaml_texts(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Babel extractor: the texts of a YAML data file, each with its line.

    Yields ``(lineno, funcname, message, comments)`` as Babel expects; a text shared through a
    YAML anchor is yielded once, at the line that defines it.
    """
    import yaml

    root = yaml.compose(fileobj.read().decode("utf-8"), Loader=yaml.SafeLoader)
    seen: set[int] = set()
    for path, node in _yaml_nodes(root, ()):
        if id(node) in seen:
            continue
        for pattern, context, note in YAML_TEXTS:
            if _matches(path, pattern):
                text = _yaml_text(node)
                if text is not None:
                    seen.add(id(node))
                    yield _message(node.start_mark.line + 1, text, context, note, keywords)


def extract_toml_texts(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Babel extractor: the texts of a TOML data file, each at the line of its table."""
    yield from toml_texts(fileobj.read().decode("utf-8"), TOML_TEXTS, keywords)


def toml_texts(
    source: str,
    texts: tuple[tuple[tuple[str, ...], str | None, str], ...],
    keywords: Collection[str],
) -> Iterator[Extracted]:
    """The texts of TOML ``source`` at the paths of ``texts``, as Babel's extractors yield
    them; a text is placed at the line of its ``[[table]]`` or else the first line holding it."""
    lines = source.splitlines()
    headers: dict[str, list[int]] = {}
    for number, line in enumerate(lines, start=1):
        found = _TABLE_HEADER.match(line)
        if found:
            headers.setdefault(found.group(1), []).append(number)
    for path, value in _plain_values(tomllib.loads(source), ()):
        for pattern, context, note in texts:
            if _matches(path, pattern) and isinstance(value, str) and value.strip():
                tables = headers.get(path[0], [])
                index = path[1] if len(path) > 1 else None
                if isinstance(index, int) and index < len(tables):
                    lineno = tables[index]
                else:
                    lineno = next((n for n, t in enumerate(lines, 1) if value in t), 1)
                yield _message(lineno, value, context, note, keywords)


def _message(
    lineno: int, text: str, context: str | None, note: str, keywords: Collection[str]
) -> Extracted:
    if context is not None and "pgettext" in keywords:
        return lineno, "pgettext", (context, text), [note]
    return lineno, "gettext", text, [note]


def _matches(path: tuple[Any, ...], pattern: tuple[str, ...]) -> bool:
    return len(path) == len(pattern) and all(
        want == "*" or want == part for part, want in zip(path, pattern, strict=True)
    )


def _yaml_nodes(node: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every node of a composed YAML document with its path (list entries as their index)."""
    import yaml

    yield path, node
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _yaml_nodes(value, (*path, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _yaml_nodes(item, (*path, index))


def _yaml_text(node: Any) -> str | None:
    """A text node's English: the scalar itself, or the ``en`` of a mapping."""
    import yaml

    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str":
        return str(node.value) if str(node.value).strip() else None
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "en" and isinstance(value, yaml.ScalarNode):
                return str(value.value)
    return None


def _plain_values(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every value of parsed TOML with its path (list entries as their index)."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _plain_values(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _plain_values(item, (*path, index))
