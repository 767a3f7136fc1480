"""Benchmark: Monte Carlo uncertainty of EGDI 2022, 10,000 replications (target: at most 1 s).

Ingests all editions from DATA once into a temporary home and builds the EGDI 2022 coin from
the store (193 member states). Times ``uncertainty.run`` (vectorised over replications) with
10,000 replications and the default assumptions (weight noise 0.25, three normalisers, two
aggregators), seed 1. The reference, timed in the same run, is ``uncertainty.run_naive``: the
same draws with one ``build`` of the coin per replication. It runs on the first N
replications (``--naive-samples``, default 300) and its time is scaled to 10,000; the output
says so. Both must give the same ranks on those N replications, and every nominal rank must lie
inside its [q05, q95]; the script stops otherwise.

Exits 1 if the median vectorised time misses 1 s or the speed-up (scaled naive median over
vectorised median) is below 50.

    .venv/bin/python benchmarks/bench_uncertainty.py [--data DIR] [--repeat N] [--naive-samples N]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from common import ingest_all, make_parser, show, timed, verdict
from infosoc.indices import uncertainty
from infosoc.indices.coin import Coin

SAMPLES = 10_000
TARGET_S = 1.0
TARGET_SPEEDUP = 50.0
SEED = 1


def egdi_coin(home: str | Path) -> Coin:
    """The EGDI 2022 coin built from the store at ``home``."""
    from infosoc import settings
    from infosoc.indices import data
    from infosoc.indices.coin import build
    from infosoc.indices.definition import recipe
    from infosoc.store import Store

    definition = recipe("egdi", "2022")
    store = Store(settings.store_path(home), read_only=True)
    try:
        raw, units, _ = data.load(store, definition)
    finally:
        store.close()
    return build(definition, raw, units)


def main() -> int:
    parser = make_parser(__doc__, repeat=5)
    parser.add_argument(
        "--naive-samples",
        type=int,
        default=300,
        help="replications of the naive reference, scaled to 10,000 (default: 300)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        ingest_all(args.data.resolve(), home)
        coin = egdi_coin(home)

    full = uncertainty.Assumptions(samples=SAMPLES, seed=SEED)
    small = uncertainty.Assumptions(samples=args.naive_samples, seed=SEED)
    result = uncertainty.run(coin, full)
    outside = [u["iso3"] for u in result.units if not u["q05"] <= u["rank"] <= u["q95"]]
    if len(result.units) != 193 or outside:
        raise SystemExit(f"{len(result.units)} units; nominal rank outside [q05, q95]: {outside}")
    fast_small = uncertainty.run(coin, small)
    naive_small = uncertainty.run_naive(coin, small)
    if not np.array_equal(fast_small.ranks, naive_small.ranks):
        raise SystemExit("the vectorised and naive runs give different ranks")
    print(
        f"EGDI 2022: {len(result.units)} units, {SAMPLES:,} replications, seed {SEED}, "
        f"alternatives {result.parameters['alternatives']}"
    )

    cpu = time.process_time()
    fast = show(
        f"run, {SAMPLES:,} replications",
        timed(lambda: uncertainty.run(coin, full), args.repeat),
    )
    cpu = (time.process_time() - cpu) / args.repeat
    print(f"{'':34} CPU time per run {cpu:7.3f} s")
    scale = SAMPLES / args.naive_samples
    naive_times = timed(
        lambda: uncertainty.run_naive(coin, small),
        max(1, args.repeat // 2),
    )
    naive = show(f"reference: run_naive, {args.naive_samples}", naive_times)
    scaled = naive * scale
    print(
        f"reference scaled to {SAMPLES:,} replications  {scaled:7.3f} s   "
        f"(median × {scale:.2f}; {1000 * naive / args.naive_samples:.2f} ms per replication)"
    )
    speedup = scaled / fast
    print(f"speed-up naive/vectorised (medians)  {speedup:7.0f} x")

    code = verdict(f"uncertainty, {SAMPLES:,} replications over 193 units", fast, TARGET_S)
    ok = speedup >= TARGET_SPEEDUP
    print(
        f"{'PASS' if ok else 'FAIL'}: speed-up over the rebuild-per-replication reference "
        f"{speedup:.0f} x {'>=' if ok else '<'} {TARGET_SPEEDUP:.0f} x"
    )
    return max(code, 0 if ok else 1)


if __name__ == "__main__":
    sys.exit(main())
