"""Benchmark: ``infosoc egdi KAZ`` end to end, interpreter start-up included (target: under 1 s).

Ingests all editions from DATA once into a temporary home, then times the installed command
``infosoc egdi KAZ --home TMP`` as a subprocess (output captured, so rich renders for a pipe).
References, timed in the same run with the same interpreter: ``python -c pass`` (bare
start-up; the ratio egdi/reference is printed) and ``python -c "import infosoc.cli"`` (the
share of the total spent importing). Each command runs once untimed to warm the OS caches.

Exits 1 if the median end-to-end time misses the target.

    .venv/bin/python benchmarks/bench_egdi_cli.py [--data DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = (REPO / ".." / "shared" / "data").resolve()
CLI = Path(sys.executable).with_name("infosoc")
TARGET_S = 1.0


def timed(cmd: list[str], repeat: int) -> list[float]:
    """Wall-clock seconds of ``repeat`` runs of ``cmd``, after one untimed warm-up run."""
    subprocess.run(cmd, check=True, capture_output=True)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def show(label: str, times: list[float]) -> float:
    """Print min and median; return the median."""
    median = statistics.median(times)
    print(f"{label:<34} min {min(times):7.3f} s   median {median:7.3f} s   (n={len(times)})")
    return median


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
    py = sys.executable
    with tempfile.TemporaryDirectory() as home:
        subprocess.run(
            [str(CLI), "ingest", "all", "--from", str(args.data.resolve()), "--home", home],
            check=True,
            capture_output=True,
        )
        egdi_cmd = [str(CLI), "egdi", "KAZ", "--home", home]
        out = subprocess.run(egdi_cmd, check=True, capture_output=True, text=True).stdout
        if "Kazakhstan" not in out:
            raise SystemExit(f"unexpected output of infosoc egdi KAZ:\n{out}")
        ref = show("reference: python -c pass", timed([py, "-c", "pass"], args.repeat))
        imp = show(
            "python -c 'import infosoc.cli'", timed([py, "-c", "import infosoc.cli"], args.repeat)
        )
        egdi = show("infosoc egdi KAZ", timed(egdi_cmd, args.repeat))
    print(f"ratio egdi/reference (medians)     {egdi / ref:7.0f} x")
    print(
        f"breakdown (medians): start-up {ref:.3f} s, importing infosoc.cli {imp - ref:.3f} s, "
        f"the rest of the command {egdi - imp:.3f} s"
    )

    ok = egdi < TARGET_S
    print(
        f"{'PASS' if ok else 'FAIL'}: infosoc egdi KAZ end to end, median {egdi:.3f} s "
        f"{'<' if ok else '>='} {TARGET_S} s"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
