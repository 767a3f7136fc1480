"""infosoc.background: work on a second thread, its value or its error handed back."""

from __future__ import annotations

import threading
import time

import pytest

from infosoc.background import Background
from infosoc.errors import InputError


def test_the_value_comes_back_from_another_thread() -> None:
    reading = Background(lambda a, b: (a + b, threading.current_thread()), 2, 3)
    value, thread = reading.result()
    assert value == 5 and thread is not threading.current_thread()


def test_the_thread_s_error_is_raised_where_the_result_is_asked_for() -> None:
    def fail() -> None:
        raise InputError("cannot be read", file="t.parquet")

    with pytest.raises(InputError, match=r"t\.parquet"):
        Background(fail).result()


def test_leaving_a_block_waits_for_the_thread_and_keeps_the_block_s_own_error() -> None:
    release, finished = threading.Event(), threading.Event()

    def slow_failure() -> None:
        release.wait(5)
        time.sleep(0.2)  # still at work when the block ends: only a wait sees it finish
        finished.set()
        raise OSError("the thread's error")

    with pytest.raises(KeyError, match="the block's error"), Background(slow_failure):
        release.set()
        raise KeyError("the block's error")
    assert finished.is_set()
