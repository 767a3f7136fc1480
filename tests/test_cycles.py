"""The cycle collector's pause: off inside, as it was after, also after an error."""

from __future__ import annotations

import gc

import pytest

from infosoc.cycles import cycle_collection_paused


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_then_left_as_it_was(enabled: bool) -> None:
    (gc.enable if enabled else gc.disable)()
    try:
        with pytest.raises(ZeroDivisionError), cycle_collection_paused():
            assert not gc.isenabled()
            1 / 0  # noqa: B018 - an error inside the block
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
