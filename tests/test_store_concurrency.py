"""Two users at once (docs/reliability.md, decision 0028): while one process writes the store,
queries in others answer from the last committed state, a second writer waits (or gives up
with one line), and a writer killed at any point leaves the old store or the new one.

Every process here is a real one (``python -m infosoc``). The writer stops at a named point
through a wrapper of its own (``_PAUSING``) and waits there for the test, so nothing depends on
timing; only the seeded kills at random moments do, and they hold whatever the moment.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from infosoc import Observatory
from infosoc.store_files import writer_lock

from .conftest import REPO, Cli

#: The CLI, run as a writer that stops at the point named by $PAUSE_AT: it prints the point's
#: name and waits for a line on stdin (or for the test to kill it).
_PAUSING = """
import os, shutil, sys
import infosoc.store as store
import infosoc.store_files as files

AT = os.environ["PAUSE_AT"]

def pause(name):
    if name == AT:
        print(name, flush=True)
        sys.stdin.readline()

def wrap(owner, attribute, before=None, after=None):
    real = getattr(owner, attribute)
    def wrapped(*args, **kwargs):
        if before: pause(before)
        result = real(*args, **kwargs)
        if after: pause(after)
        return result
    setattr(owner, attribute, wrapped)

wrap(files, "remove_leftovers", before="locked")
wrap(files, "inspect", after="inspected")
real_copy = shutil.copyfile
def copyfile(source, target, **kwargs):
    real_copy(source, target, **kwargs)
    pause("copied")
files.shutil.copyfile = copyfile
wrap(store.Store, "_ingest_one", after="mid-transaction")
wrap(files, "_sync", before="written")
real_replace = os.replace
def replace(source, target):
    real_replace(source, target)
    pause("replaced")
files.os.replace = replace

from infosoc.cli import main
sys.argv[0] = "infosoc"
main()
"""

#: Where a writer can be stopped, and whether the store holds the new data once it is there.
POINTS = {
    "locked": False,
    "inspected": False,
    "copied": False,
    "mid-transaction": False,
    "written": False,
    "replaced": True,
}


def _env(**extra: str) -> dict[str, str]:
    """The environment of a child: this checkout's package first on the path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INFOSOC_")}
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


def infosoc(*args: object, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m infosoc ARGS`` in a process of its own, run to its end."""
    return subprocess.run(
        [sys.executable, "-m", "infosoc", *map(str, args)],
        capture_output=True,
        text=True,
        env=_env(**env),
        timeout=600,
        check=False,
    )


def start_writer(args: Sequence[object], pause_at: str, **env: str) -> subprocess.Popen[str]:
    """The CLI with ``args``, stopped at ``pause_at`` (its name already read from stdout)."""
    writer = subprocess.Popen(
        [sys.executable, "-c", _PAUSING, *map(str, args)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(PAUSE_AT=pause_at, **env),
    )
    assert writer.stdout is not None
    reached = writer.stdout.readline().strip()
    if reached != pause_at:
        writer.kill()
        _, err = writer.communicate()
        pytest.fail(f"the writer did not reach {pause_at}: {reached!r} {err}")
    return writer


def years(home: Path) -> list[str]:
    """The EGDI editions a query in another process finds for Kazakhstan (it must answer)."""
    done = infosoc("egdi", "KAZ", "--home", home, "-f", "json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return [str(row["year"]) for row in json.loads(done.stdout)]


def leftovers(home: Path) -> list[str]:
    """What is in the home besides the store and the writers' lock file."""
    kept = ("infosoc.duckdb", ".infosoc.duckdb.lock")
    return sorted(p.name for p in home.iterdir() if p.name not in kept)


@pytest.fixture
def homes(tmp_path: Path, mirror: Callable[..., Path]) -> tuple[Path, Path]:
    """A home whose store holds the 2020 survey, and a folder that adds the 2022 one."""
    home = tmp_path / "home"
    Observatory(home=home).ingest("un-egov", mirror=mirror((2020,)))
    return home, mirror((2020, 2022))


def test_a_query_during_an_ingest_answers_from_the_last_commit_and_a_second_writer_gives_up(
    homes: tuple[Path, Path],
) -> None:
    home, folder = homes
    before = (home / "infosoc.duckdb").read_bytes()
    args = ("ingest", "all", "--from", folder, "--home", home, "-f", "csv")
    writer = start_writer(args, "mid-transaction")
    try:
        assert years(home) == ["2020"]
        second = infosoc("ingest", "all", "--from", folder, "--home", home,
                         INFOSOC_STORE_WAIT="0")  # fmt: skip
        assert second.returncode == 2
        lines = second.stderr.splitlines()
        assert len(lines) == 1, second.stderr
        assert lines[0].startswith(f"error: another infosoc process (pid {writer.pid}) is still")
        assert str(home / "infosoc.duckdb") in lines[0] and "INFOSOC_STORE_WAIT" in lines[0]
        assert (home / "infosoc.duckdb").read_bytes() == before
    finally:
        out, err = writer.communicate("\n", timeout=600)
    assert writer.returncode == 0, err
    assert "un-egov,2022,EGOV_DATA_2022.csv,added,1,1158" in out.splitlines()
    assert years(home) == ["2020", "2022"]
    assert leftovers(home) == []


def test_a_second_writer_waits_for_the_first_and_then_writes(homes: tuple[Path, Path]) -> None:
    home, folder = homes
    # The test itself holds the writers' lock, as a process in the middle of an ingest would.
    with writer_lock(home / "infosoc.duckdb", notice=lambda _: None):
        waiting = subprocess.Popen(
            [sys.executable, "-m", "infosoc", "ingest", "all", "--from", str(folder),
             "--home", str(home), "-f", "csv"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=_env(INFOSOC_STORE_WAIT="600"),
        )  # fmt: skip
        assert waiting.stderr is not None
        told = waiting.stderr.readline()
        assert told.startswith(f"waiting for another infosoc process (pid {os.getpid()}) writing")
        assert str(home / "infosoc.duckdb") in told
        assert years(home) == ["2020"]  # readers are not kept waiting
        assert waiting.poll() is None
    out, err = waiting.communicate(timeout=600)
    assert waiting.returncode == 0, err
    assert err == ""  # the one line said it waited; nothing more
    assert "un-egov,2022,EGOV_DATA_2022.csv,added,1,1158" in out.splitlines()
    assert years(home) == ["2020", "2022"]


@pytest.mark.parametrize("value", ["soon", "-1", "nan", "inf", "1e999", "1_000", "٦٠٠"])
def test_a_bad_wait_is_refused_naming_the_variable(
    homes: tuple[Path, Path], value: str, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, folder = homes
    before = (home / "infosoc.duckdb").read_bytes()
    monkeypatch.setenv("INFOSOC_STORE_WAIT", value)
    done = cli("ingest", "all", "--from", folder, "--home", home)
    assert done.exit_code == 2
    assert done.stderr.startswith("error: INFOSOC_STORE_WAIT must be a number of seconds")
    assert len(done.stderr.splitlines()) == 1
    assert (home / "infosoc.duckdb").read_bytes() == before


@pytest.mark.parametrize("point", list(POINTS))
def test_a_writer_killed_at_any_point_leaves_the_old_store_or_the_new(
    homes: tuple[Path, Path], point: str
) -> None:
    home, folder = homes
    writer = start_writer(("ingest", "all", "--from", folder, "--home", home), point)
    writer.kill()  # SIGKILL: no clean-up of any kind runs
    writer.communicate()
    assert years(home) == (["2020", "2022"] if POINTS[point] else ["2020"])
    again = infosoc("ingest", "all", "--from", folder, "--home", home, "-f", "csv")
    assert again.returncode == 0, again.stderr
    assert years(home) == ["2020", "2022"]
    assert leftovers(home) == []  # what the killed writer left is gone


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_writer_killed_at_a_random_moment_leaves_a_whole_store(
    homes: tuple[Path, Path], seed: int
) -> None:
    home, folder = homes
    writer = subprocess.Popen(
        [sys.executable, "-m", "infosoc", "ingest", "all", "--from", str(folder), "--home",
         str(home)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env(),
    )  # fmt: skip
    time.sleep(random.Random(seed).uniform(0.0, 4.0))  # any moment: the store stays whole
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert years(home) in (["2020"], ["2020", "2022"])
    again = infosoc("ingest", "all", "--from", folder, "--home", home)
    assert again.returncode == 0, again.stderr
    assert years(home) == ["2020", "2022"]
    assert leftovers(home) == []


@pytest.mark.slow
def test_queries_answer_all_through_an_ingest_of_everything(tmp_path: Path, snapshot: Path) -> None:
    home = tmp_path / "home"
    Observatory(home=home).ingest("un-egov", mirror=snapshot, editions=["2020"])
    writer = subprocess.Popen(
        [sys.executable, "-m", "infosoc", "ingest", "all", "--from", str(snapshot), "--home",
         str(home)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=_env(),
    )  # fmt: skip
    seen = []
    while writer.poll() is None:
        seen.append(years(home))  # each query must answer, from the old state or the new
    assert writer.wait() == 0
    seen.append(years(home))
    assert {tuple(s) for s in seen} <= {("2020",), tuple(seen[-1])}
    assert len(seen[-1]) > 1
    assert len(seen) > 1
