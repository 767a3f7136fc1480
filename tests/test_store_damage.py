"""A damaged store, or one a newer infosoc wrote, is named as such with what to do, in one line,
exit 2, and left untouched; a full disk is reported in its own words with the store unchanged
(docs/reliability.md, decision 0028). Every command runs in a process of its own."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from infosoc import Observatory

from .test_store_concurrency import _env, infosoc, leftovers


def _cut_short(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 3)


def _not_duckdb(path: Path) -> None:
    path.write_text("source,edition\nun-egov,2020\n", encoding="utf-8")


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _sql(*statements: str) -> Callable[[Path], None]:
    def change(path: Path) -> None:
        con = duckdb.connect(str(path))
        for statement in statements:
            con.execute(statement)
        con.close()

    return change


DAMAGE = {
    "cut short": (_cut_short, "is damaged (the file is cut short)"),
    "not a DuckDB file": (_not_duckdb, "is damaged (not a DuckDB file)"),
    "empty": (_empty, "is damaged (not a DuckDB file)"),
    "a table missing": (
        _sql("DROP VIEW current_observations", "DROP TABLE observations"),
        "is damaged (missing: observations, current_observations)",
    ),
    "no infosoc tables": (_sql("DROP TABLE meta"), "is damaged (it holds no infosoc tables)"),
    "no schema version": (
        _sql("DELETE FROM meta WHERE key = 'schema_version'"),
        "is damaged (it records no schema version)",
    ),
    "a garbled schema version": (
        _sql("UPDATE meta SET value = '3b' WHERE key = 'schema_version'"),
        "is damaged (unknown schema version '3b')",
    ),
    "a newer schema": (
        _sql("UPDATE meta SET value = '12' WHERE key = 'schema_version'"),
        "was written by a newer infosoc (schema 12, this one knows 3): upgrade infosoc or use "
        "another --home",
    ),
}
WHAT_TO_DO = (
    ": move it away and run `infosoc ingest all --from DIR` (or any query to rebuild it from "
    "the shipped data)"
)


@pytest.fixture
def home(tmp_path: Path, mirror: Callable[..., Path]) -> Path:
    home = tmp_path / "home"
    Observatory(home=home).ingest("un-egov", mirror=mirror((2020,)))
    return home


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_store_is_named_with_what_to_do_and_left_as_it_is(
    home: Path, mirror: Callable[..., Path], damage: str
) -> None:
    store = home / "infosoc.duckdb"
    harm, said = DAMAGE[damage]
    harm(store)
    before = store.read_bytes()
    commands: list[tuple[object, ...]] = [
        ("egdi", "KAZ"),  # a query: it must not rebuild the store over the user's data
        ("ingest", "all", "--from", mirror((2020, 2022))),
    ]
    if damage == "cut short":
        commands += [("sources",), ("ingest", "snapshot")]
    for command in commands:
        done = infosoc(*command, "--home", home)
        assert done.returncode == 2, (command, done.stderr)
        assert done.stderr.splitlines() == [
            f"error: the store at {store} {said}" + ("" if "newer" in said else WHAT_TO_DO)
        ], command
        assert store.read_bytes() == before
        assert leftovers(home) == []


def test_something_else_at_the_store_path_is_named(home: Path) -> None:
    store = home / "infosoc.duckdb"
    store.unlink()
    os.mkfifo(store)  # DuckDB would wait on it for ever
    done = infosoc("egdi", "KAZ", "--home", home)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"error: the store at {store} is damaged (not a regular file){WHAT_TO_DO}"
    ]


def _limited(limit: int) -> Callable[[], None]:
    """Run a child under a file size limit, getting EFBIG rather than being killed by SIGXFSZ
    (an ignored signal stays ignored in the program the child runs)."""

    def limit_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limit_files


@pytest.mark.parametrize("room", ["not for a copy", "not for the new data"])
def test_a_full_disk_is_reported_in_its_own_words_and_the_store_is_unchanged(
    home: Path, snapshot: Path, room: str
) -> None:
    store = home / "infosoc.duckdb"
    before = store.read_bytes()
    # A copy of the store cannot be made, or can but the ingest of everything cannot grow it.
    limit = len(before) // 2 if room == "not for a copy" else len(before) + 256 * 1024
    done = subprocess.run(
        [sys.executable, "-m", "infosoc", "ingest", "all", "--from", str(snapshot), "--home",
         str(home)],
        capture_output=True, text=True, env=_env(), preexec_fn=_limited(limit), timeout=600,
        check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"error: cannot write a new copy of the store beside {store}: File too large "
        "(the store is unchanged)"
    ]
    assert store.read_bytes() == before
    assert leftovers(home) == []
