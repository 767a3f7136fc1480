"""Benchmark: ingest all 11 editions of the UN E-Government Survey (target: under 2 s).

Measures ``Observatory(home=tmp).ingest("all", mirror=DATA)`` in-process, each repetition
into a fresh temporary home, after the package has been imported (the import is timed once,
separately). The reference, timed in the same run, is a plain stdlib ``csv`` read of the same
files (``DATA/egov/EGOV_DATA_*.csv``); the ratio ingest/reference shows how the machine's speed
and noise affect the figure. For information only, the same ingest through the CLI
(``infosoc ingest all --from DATA --home TMP``, a subprocess, interpreter start-up included)
is timed too.

Exits 1 if the median ingest time misses the target.

    .venv/bin/python benchmarks/bench_ingest.py [--data DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = (REPO / ".." / "shared" / "data").resolve()
CLI = Path(sys.executable).with_name("infosoc")
TARGET_S = 2.0
EDITIONS = 11


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock seconds of ``repeat`` calls of ``fn``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def show(label: str, times: list[float]) -> float:
    """Print min and median; return the median."""
    median = statistics.median(times)
    print(f"{label:<34} min {min(times):7.3f} s   median {median:7.3f} s   (n={len(times)})")
    return median


def csv_reference(files: list[Path]) -> None:
    for path in files:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            for _ in csv.reader(fh):
                pass


def ingest_api(data: Path) -> None:
    from infosoc import Observatory

    with tempfile.TemporaryDirectory() as home:
        results = Observatory(home=home).ingest("all", mirror=data)
    if len(results) != EDITIONS or any(r.status != "added" for r in results):
        raise SystemExit(f"unexpected ingest result: {results}")


def ingest_cli(data: Path) -> None:
    with tempfile.TemporaryDirectory() as home:
        subprocess.run(
            [str(CLI), "ingest", "all", "--from", str(data), "--home", home, "--format", "csv"],
            check=True,
            capture_output=True,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help=f"shared data folder (default: {DEFAULT_DATA})",
    )
    parser.add_argument("--repeat", type=int, default=5, help="repetitions (default: 5)")
    args = parser.parse_args()
    data: Path = args.data.resolve()
    files = sorted((data / "egov").glob("EGOV_DATA_*.csv"))
    if len(files) != EDITIONS:
        parser.error(
            f"expected {EDITIONS} EGOV_DATA_*.csv files in {data / 'egov'}, found {len(files)}"
        )

    start = time.perf_counter()
    import infosoc  # noqa: F401  (timed once: an interpreter imports a module only once)

    print(f"import infosoc (once)              {time.perf_counter() - start:7.3f} s")
    ref = show("reference: stdlib csv read", timed(lambda: csv_reference(files), args.repeat))
    ingest = show("Observatory.ingest('all')", timed(lambda: ingest_api(data), args.repeat))
    show("CLI ingest all (info only)", timed(lambda: ingest_cli(data), args.repeat))
    print(f"ratio ingest/reference (medians)   {ingest / ref:7.0f} x")

    ok = ingest < TARGET_S
    print(
        f"{'PASS' if ok else 'FAIL'}: ingest all {EDITIONS} editions, median {ingest:.3f} s "
        f"{'<' if ok else '>='} {TARGET_S} s"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
