"""Work on a second thread while this one goes on: for work that lets go of the GIL (Arrow's
readers and writers, hashing), so that it runs on another core beside Python work."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Generic, TypeVar

T = TypeVar("T")


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Background(Generic[T]):
    """``function(*args)`` started on a daemon thread at once.

    :meth:`result` waits for it and returns its value or raises its error, in the calling
    thread. Used as a context manager, leaving the block waits for the thread too, but
    quietly: an error raised in the block is the one to report.
    """

    def __init__(self, function: Callable[..., T], *args: object) -> None:
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(function, *args), daemon=True)
        self._thread.start()

    def _run(self, function: Callable[..., T], *args: object) -> None:
        try:
            self._value = function(*args)
        except BaseException as exc:  # handed to the waiting thread, which raises it
            self._error = exc

    def result(self) -> T:
        """The function's value, once it has returned; its error if it raised one."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]

    def wait_quietly(self) -> None:
        """Wait for the thread; whatever it raised is dropped."""
        self._thread.join()

    def __enter__(self) -> Background[T]:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.wait_quietly()
