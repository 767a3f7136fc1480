"""Shared parts of the benchmark scripts: paths, the argument parser, timing and ingesting.

The scripts run as ``.venv/bin/python benchmarks/<script>.py``, so their own folder is on
``sys.path`` and they import this module as ``common``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
"""The repository root."""
DEFAULT_DATA = REPO / "src" / "infosoc" / "data"
"""The data folder the scripts read by default: the snapshot shipped in the package."""
CLI = Path(sys.executable).with_name("infosoc")
"""The ``infosoc`` command installed next to the running interpreter."""


def make_parser(
    doc: str | None, *, repeat: int | None = None, top: int | None = None
) -> argparse.ArgumentParser:
    """Parser described by the first line of ``doc``, with ``--data DIR``.

    ``--repeat N`` (repetitions) and ``--top N`` (rows per listing) are added when their
    default is given.
    """
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help=f"data folder laid out like the snapshot (default: {DEFAULT_DATA})",
    )
    if repeat is not None:
        parser.add_argument(
            "--repeat", type=int, default=repeat, help=f"repetitions (default: {repeat})"
        )
    if top is not None:
        parser.add_argument(
            "--top", type=int, default=top, help=f"rows per listing (default: {top})"
        )
    return parser


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock seconds of ``repeat`` calls of ``fn``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def timed_command(cmd: Sequence[str], repeat: int) -> list[float]:
    """Wall-clock seconds of ``repeat`` runs of ``cmd``, after one untimed warm-up run."""
    return timed_commands([cmd], repeat)[0]


def timed_commands(cmds: Sequence[Sequence[str]], repeat: int) -> list[list[float]]:
    """Wall-clock seconds of ``repeat`` rounds of ``cmds``, one run of each per round, after
    one untimed warm-up run of each; a list of times per command, in the order of ``cmds``.

    Taking turns spreads a machine's slow spells (a shared host, CPU credits running out
    under sustained load) over every command alike, where timing them one after another
    would charge the spell to whichever ran last. Each round starts one command further on,
    so that no command always follows the same one (a heavy one, say): over as many rounds
    as commands, each runs once in each place.
    """
    for cmd in cmds:
        subprocess.run(cmd, check=True, capture_output=True)
    times: list[list[float]] = [[] for _ in cmds]
    for round_number in range(repeat):
        for step in range(len(cmds)):
            i = (round_number + step) % len(cmds)
            start = time.perf_counter()
            subprocess.run(cmds[i], check=True, capture_output=True)
            times[i].append(time.perf_counter() - start)
    return times


def show(label: str, times: list[float]) -> float:
    """Print min and median; return the median."""
    median = statistics.median(times)
    print(f"{label:<34} min {min(times):7.3f} s   median {median:7.3f} s   (n={len(times)})")
    return median


def ingest_all(data: Path, home: str | Path, *extra: str) -> None:
    """Ingest every edition from ``data`` into the store at ``home`` with the CLI.

    Runs ``infosoc ingest all --from DATA --home HOME [EXTRA...]`` as a subprocess, output
    captured; raises ``subprocess.CalledProcessError`` if it fails.
    """
    subprocess.run(
        [str(CLI), "ingest", "all", "--from", str(data), "--home", str(home), *extra],
        check=True,
        capture_output=True,
    )


def verdict(what: str, median: float, target: float) -> int:
    """Print the ``PASS``/``FAIL`` line of a target; return the exit code (0 pass, 1 fail)."""
    ok = median < target
    print(
        f"{'PASS' if ok else 'FAIL'}: {what}, median {median:.3f} s "
        f"{'<' if ok else '>='} {target} s"
    )
    return 0 if ok else 1
