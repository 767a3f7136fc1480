"""The texts of the sources' metadata for ``pybabel extract``: the fields of a ``.meta.toml``
(``infosoc.i18n.extract.SOURCE_TEXTS``) and the labels a source composes from them.

The Ookla sources name an indicator by joining parts of their ``.meta.toml`` ("Download speed"
+ "fixed broadband" + "median"), so no field holds the label the store keeps. The site
translates that stored label as a whole, so the catalogue needs each whole label; this
extractor asks the source's own ``indicator`` function for every one it can make, so the
catalogue never drifts from what the sources store.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from ..i18n.extract import SOURCE_TEXTS, Extracted, toml_texts
from .base import IndicatorMeta
from .tables import NETWORK_LABEL


def _ookla_sgi() -> list[IndicatorMeta]:
    from . import ookla_sgi

    return [ookla_sgi.indicator(n, m) for n in NETWORK_LABEL for m in ookla_sgi.META["indicators"]]


def _ookla_intelligence() -> list[IndicatorMeta]:
    from . import ookla_intelligence as si

    return [
        si.indicator(n, m, s)
        for n in NETWORK_LABEL
        for m in si.META["measures"]
        for s in si.META["statistics"]
    ]


def _ookla_open_data() -> list[IndicatorMeta]:
    from . import ookla_open_data as od

    return [
        od.indicator(n, suffix) for n in NETWORK_LABEL for suffix in od.META["columns"].values()
    ]


#: The sources that compose their indicators' labels, by the stem of their ``.meta.toml``.
COMPOSED: dict[str, Callable[[], list[IndicatorMeta]]] = {
    "ookla_sgi": _ookla_sgi,
    "ookla_intelligence": _ookla_intelligence,
    "ookla_open_data": _ookla_open_data,
}


def composed_indicators(meta_file: str) -> list[IndicatorMeta]:
    """Every indicator the source of ``meta_file`` (a path to its ``.meta.toml``) can store,
    when it composes their labels; an empty list for any other source."""
    stem = Path(meta_file).name.removesuffix(".meta.toml")
    make = COMPOSED.get(stem)
    return make() if make is not None else []


def extract_source_texts(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Babel extractor for ``sources/*.meta.toml``: the fields of ``SOURCE_TEXTS``, then the
    label of every indicator the source composes (at line 1: no line holds it whole). A
    composing source's label templates ("Download speed, {network} ...") are never shown, so
    they are left out."""
    composed = composed_indicators(str(getattr(fileobj, "name", "")))
    for found in toml_texts(fileobj.read().decode("utf-8"), SOURCE_TEXTS, keywords):
        if not (composed and "{" in str(found[2])):
            yield found
    for meta in composed:
        yield 1, "gettext", meta.label, ["an indicator's name, composed by its source"]
