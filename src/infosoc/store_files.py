"""Writing the store while others read it (decision 0028); :func:`infosoc.store.writing`
is how every writer does it.

Nothing writes the store file in place. A writer takes the store's writer lock (a second one
waits, saying so, up to ``$INFOSOC_STORE_WAIT``), copies the store to a file beside it, writes
the copy in one transaction, checkpoints, closes and syncs it, and moves it over the store in
one rename. A reader opens the store read-only and keeps the file it opened: it answers from
the last committed state however long a writer works, and a writer killed at any point
leaves the old store whole (its copy is removed by the next writer).
"""

from __future__ import annotations

import errno
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb

from . import settings
from .errors import StoreError
from .store_schema import check_file, check_store, damage_of, damaged, open_error

try:
    import fcntl
except ImportError:  # not on Windows: see decision 0028
    fcntl = None  # type: ignore[assignment]

#: Told one line when a writer must wait for another.
Notice = Callable[[str], None]
#: The errors of a disk that cannot take more: full, over quota, over a file size limit.
_DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_DISK_FULL_WORDS = ("No space left on device", "Disk quota exceeded", "File too large")


def lock_path(store: Path) -> Path:
    """The file whose lock a writer of ``store`` holds (it also records the writer's pid)."""
    return store.with_name(f".{store.name}.lock")


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def writer_lock(store: Path, *, notice: Notice | None = None) -> Iterator[None]:
    """Hold the lock every writer of ``store`` takes, waiting while another process holds it.

    The wait is said once to ``notice`` (default: a line on stderr); after
    ``$INFOSOC_STORE_WAIT`` seconds (default 600) a StoreError says what to do. The lock is
    the operating system's (``flock``), so it goes with a killed holder."""
    wait = settings.store_wait()
    store.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path(store), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if fcntl is not None:
            _take(fd, store, wait, notice or _stderr)
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        try:
            yield
        finally:
            if fcntl is not None:
                os.ftruncate(fd, 0)
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _take(fd: int, store: Path, wait: float, notice: Notice) -> None:
    """Lock ``fd``, polling until ``wait`` seconds have passed (a blocking lock could not be
    given up)."""
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        holder = _holder(fd)
        if time.monotonic() >= deadline:
            raise StoreError(
                f"another infosoc process{holder} is still writing the store at {store} after "
                f"{wait:g} s: try again when it has finished, or set "
                f"{settings.STORE_WAIT_ENV} to wait longer (seconds)"
            )
        if not told:
            notice(f"waiting for another infosoc process{holder} writing {store} …")
            told = True
        time.sleep(min(0.2, max(deadline - time.monotonic(), 0.0)))


def _holder(fd: int) -> str:
    """ " (pid N)" of the process holding the lock, when it has written its pid yet."""
    pid = os.pread(fd, 20, 0).decode("ascii", "replace").strip()
    return f" (pid {pid})" if pid.isdigit() else ""


@contextmanager
def fresh_copy(store: Path) -> Iterator[Path]:
    """A copy of ``store`` beside it (a path to a new file when there is none) for a caller
    holding the writer lock to write and close; when the block ends without an error, the
    copy is synced and replaces ``store`` in one rename. On any error ``store`` is as it was,
    nothing is left beside it, and a full disk is named in its own words."""
    remove_leftovers(store)
    copy = store.with_name(f".{store.name}.{os.getpid()}.writing")
    try:
        try:
            if store.exists():
                inspect(store)
                shutil.copyfile(store, copy)
                shutil.copymode(store, copy)  # a store a user made private stays so
                if _wal(store).exists():  # a store an older infosoc left with its log
                    shutil.copyfile(_wal(store), _wal(copy))
            yield copy
            _sync(copy)
        except (duckdb.Error, StoreError, OSError) as exc:
            failure = _cause(exc, store)
            if failure is exc:
                raise
            raise failure from exc
        os.replace(copy, store)
        _wal(store).unlink(missing_ok=True)  # what it held is in the new store
        _sync(store.parent)
    finally:
        copy.unlink(missing_ok=True)
        _wal(copy).unlink(missing_ok=True)


def inspect(store: Path) -> str | None:
    """The schema version of the store at ``store``, read without writing anything; a
    StoreError when it is damaged or a newer infosoc wrote it."""
    check_file(store)
    try:
        con = duckdb.connect(str(store), read_only=True)
    except duckdb.Error as exc:
        raise open_error(store, exc) from exc
    try:
        return check_store(con, store)
    finally:
        con.close()


def remove_leftovers(store: Path) -> None:
    """Remove the copies a killed writer left beside ``store`` (the caller holds the lock)."""
    for pattern in (f".{store.name}.*.writing*", f".{store.name}.*.building*"):
        for left in store.parent.glob(pattern):
            left.unlink(missing_ok=True)


def _cause(exc: BaseException, store: Path) -> BaseException:
    """The error to report for a failed write: the disk's own words when it was full (not
    DuckDB's later ones), the store's damage, or ``exc`` itself."""
    text = f"{exc} {exc.__cause__ or ''}"
    if isinstance(exc, OSError) and exc.errno in _DISK_FULL:
        words = exc.strerror or os.strerror(exc.errno)
    else:
        words = next((w for w in _DISK_FULL_WORDS if w in text), "")
    if words:
        kept = "the store is unchanged" if store.exists() else "nothing was written"
        failure = OSError(f"cannot write a new copy of the store beside {store}: {words} ({kept})")
        failure.errno = exc.errno if isinstance(exc, OSError) else None
        return failure
    what = damage_of(exc) or damage_of(exc.__cause__ or exc)
    if what is not None:
        return damaged(store, what)
    return exc


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _sync(path: Path) -> None:
    """Make a file (or a folder's entries) durable before it is relied on."""
    with suppress(OSError):  # a folder cannot be opened on some systems; nothing to sync
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
