"""Benchmark: ingest all 12 editions of the UN E-Government Survey (target: under 2 s).

Measures ``Observatory(home=tmp).ingest("un-egov", mirror=DATA)`` in-process, each repetition
into a fresh temporary home, after the package has been imported (the import is timed once,
separately). The reference, timed in the same run, is a plain stdlib ``csv`` read of the same
files (``DATA/egov/EGOV_DATA_*.csv``); the ratio ingest/reference shows how the machine's speed
and noise affect the figure. For information only, the same ingest through the CLI
(``infosoc ingest all --from DATA --home TMP``: every source, a subprocess, start-up included)
is timed too, and so is the first use of an empty home: the store built from the whole shipped
snapshot (``Observatory.build_from_snapshot``, every source, in-process).

Exits 1 if the median ingest time misses the target.

    .venv/bin/python benchmarks/bench_ingest.py [--data DIR] [--repeat N]
"""

from __future__ import annotations

import csv
import sys
import tempfile
import time
from pathlib import Path

from common import ingest_all, make_parser, show, timed, verdict

TARGET_S = 2.0
EDITIONS = 12


def csv_reference(files: list[Path]) -> None:
    for path in files:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            for _ in csv.reader(fh):
                pass


def ingest_api(data: Path) -> None:
    from infosoc import Observatory

    with tempfile.TemporaryDirectory() as home:
        results = Observatory(home=home).ingest("un-egov", mirror=data)
    if len(results) != EDITIONS or any(r.status != "added" for r in results):
        raise SystemExit(f"unexpected ingest result: {results}")


def ingest_cli(data: Path) -> None:
    with tempfile.TemporaryDirectory() as home:
        ingest_all(data, home, "--format", "csv")


def first_build() -> None:
    from infosoc import Observatory

    with tempfile.TemporaryDirectory() as home:
        if not Observatory(home=home).build_from_snapshot():
            raise SystemExit("the first build wrote nothing")


def main() -> int:
    parser = make_parser(__doc__, repeat=5)
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
    ingest = show("Observatory.ingest('un-egov')", timed(lambda: ingest_api(data), args.repeat))
    show("CLI ingest all sources (info only)", timed(lambda: ingest_cli(data), args.repeat))
    show("first use: store from the snapshot (info)", timed(first_build, args.repeat))
    print(f"ratio ingest/reference (medians)   {ingest / ref:7.0f} x")

    return verdict(f"ingest all {EDITIONS} editions", ingest, TARGET_S)


if __name__ == "__main__":
    sys.exit(main())
