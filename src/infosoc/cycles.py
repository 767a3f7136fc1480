"""Python's cycle collector paused for a burst of allocation: shared by every layer."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """The cycle collector off for the block, then as it was (also after an error).

    For work that makes hundreds of thousands of objects and few cycles (a report, a large
    JSON document): the collector's passes over them would cost a tenth of the time or more,
    and what cycles there are go at the next collection once it is back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
