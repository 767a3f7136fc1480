"""The note on boundary sets whose regions overlap one another, for the divide's results."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ..i18n import translations

if TYPE_CHECKING:
    from ..geo.regions import Regions


def _overlapping(boundaries: Regions, cache_dir: Path) -> list[tuple[str, str]]:
    """:func:`~infosoc.geo.overlaps.overlapping`, remembered in the cache per boundary set: it
    costs a noticeable share of a small aggregation, and a boundary set does not change."""
    from ..files import write_atomically
    from ..geo.overlaps import overlapping
    from ..structured import load_json, read_bytes

    path = cache_dir / "lookups" / f"overlaps-{boundaries.sha256[:32]}.json"
    try:
        saved = load_json(read_bytes(path, max_bytes=1 << 20), file=str(path))
        keys = set(boundaries.keys)
        if isinstance(saved, list) and all(
            isinstance(p, list)
            and len(p) == 2
            and all(isinstance(k, str) for k in p)
            and set(p) <= keys
            for p in saved
        ):
            return [(a, b) for a, b in saved]
    except InputError:  # none yet, or damaged: computed again
        pass
    pairs = overlapping(boundaries)
    # A read-only cache only costs the time of the next check.
    with contextlib.suppress(OSError):
        write_atomically(path, json.dumps(pairs).encode())
    return pairs


def overlap_note(boundaries: Regions, lang: str, cache_dir: Path) -> str | None:
    """A note naming the regions that overlap one another (a tile there counts in one of them
    only), or None when none does."""
    pairs = _overlapping(boundaries, cache_dir)
    if not pairs:
        return None
    names = boundaries.names.get(lang) or boundaries.names.get("en") or {}
    shown = "; ".join(f"{names.get(a, a)} / {names.get(b, b)}" for a, b in pairs)
    text = translations(lang).gettext(
        "Some regions overlap one another, so a tile where they do is counted in one of them "
        "only: %(pairs)s."
    )
    return str(text) % {"pairs": shown}
