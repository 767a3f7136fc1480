"""Benchmark: Sobol' sensitivity of EGDI 2022 with at least 10,000 model runs (target: ≤ 2 s).

Ingests all editions from DATA once into a temporary home and builds the EGDI 2022 coin from
the store (193 member states). Imports SALib once and reports how long that took (about a
second; excluded from the timings, as ``sensitivity.sobol`` imports it only when called).
Then times ``sensitivity.sobol`` with the default assumptions and base sample (n = 2048: five
factors, so 2048 × 7 = 14,336 runs), seed 1: SALib's Saltelli design, the vectorised model and
SALib's estimates with 100 bootstrap resamples. The reference, timed in the same run, is the
model alone: ``uncertainty.run`` with as many Monte Carlo replications as the design has runs;
the difference is SALib's sampling and analysis.

Exits 1 if the median time misses 2 s or the analysis has fewer than 10,000 runs.

    .venv/bin/python benchmarks/bench_sobol.py [--data DIR] [--repeat N]
"""

from __future__ import annotations

import sys
import tempfile
import time

from bench_uncertainty import egdi_coin
from common import ingest_all, make_parser, show, timed, verdict
from infosoc.indices import sensitivity, uncertainty

TARGET_S = 2.0
MIN_RUNS = 10_000
SEED = 1


def main() -> int:
    parser = make_parser(__doc__, repeat=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        ingest_all(args.data.resolve(), home)
        coin = egdi_coin(home)

    start = time.perf_counter()
    import SALib.analyze.sobol
    import SALib.sample.sobol  # noqa: F401

    print(f"import SALib (once, excluded)       {time.perf_counter() - start:7.3f} s")

    chosen = uncertainty.Assumptions(seed=SEED)
    result = sensitivity.sobol(coin, chosen)
    print(
        f"EGDI 2022: {result.parameters['units']} units, n = {result.parameters['n']}, "
        f"{len(result.rows)} factors, {result.runs:,} model runs, seed {SEED}"
    )
    for row in result.rows:
        print(
            f"  {row['assumption']:<22} S1 {row['S1']:6.3f} ± {row['S1_conf']:.3f}   "
            f"ST {row['ST']:6.3f} ± {row['ST_conf']:.3f}"
        )
    model = uncertainty.Assumptions(samples=result.runs, seed=SEED)
    ref = show(
        f"reference: run, {result.runs:,} reps",
        timed(lambda: uncertainty.run(coin, model), args.repeat),
    )
    sobol = show(
        f"sobol, {result.runs:,} runs", timed(lambda: sensitivity.sobol(coin, chosen), args.repeat)
    )
    print(f"SALib sampling and analysis (medians) {sobol - ref:6.3f} s")

    code = verdict(f"Sobol analysis, {result.runs:,} runs", sobol, TARGET_S)
    enough = result.runs >= MIN_RUNS
    print(
        f"{'PASS' if enough else 'FAIL'}: {result.runs:,} model runs "
        f"{'>=' if enough else '<'} {MIN_RUNS:,}"
    )
    return max(code, 0 if enough else 1)


if __name__ == "__main__":
    sys.exit(main())
