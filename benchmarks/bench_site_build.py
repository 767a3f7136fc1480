"""The web observatory's full build from an empty folder, and a rebuild that changes nothing.

Target (issue 17): the site of every member state, indicator and language builds within
3 minutes on this 2-core machine from an empty chart cache. The reference, measured in the
same run, is vl-convert drawing the same kind of chart 50 times in this process: it says how
fast the machine is right now, so runs on a busy and a quiet machine can be compared.

    .venv/bin/python benchmarks/bench_site_build.py [--countries all] [--workers 2] [--keep DIR]

``--workers 1`` draws the charts in the building process (no worker processes), for the
comparison behind decision 0024.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from common import make_parser

TARGET_SECONDS = 180.0
REFERENCE_CHARTS = 50


def reference_seconds() -> float:
    """Seconds to draw a country page's EGDI chart (wide) 50 times with vl-convert."""
    from infosoc.charts import spec_svg, warm_up_charts
    from infosoc.site.figures import line_specs

    warm_up_charts()
    rows = [{"x": year, "y": 0.3 + 0.02 * i + 0.01 * k, "s": name}
            for i, year in enumerate(range(2003, 2025, 2))
            for k, name in enumerate(("EGDI", "OSI", "TII", "HCI", "EPI"))]  # fmt: skip
    drawing, _ = line_specs(rows, series=["EGDI", "OSI", "TII", "HCI", "EPI"], highlight="EGDI")
    start = time.perf_counter()
    for _ in range(REFERENCE_CHARTS):
        spec_svg(drawing.wide, "en", "ref")
    return time.perf_counter() - start


def main() -> int:
    parser = make_parser(__doc__)
    parser.add_argument("--countries", default="all", help="all, or ISO3 codes (default: all)")
    parser.add_argument("--workers", type=int, default=2, help="chart-drawing processes")
    parser.add_argument("--keep", type=Path, help="build here and keep it (default: a temp dir)")
    args = parser.parse_args()

    import infosoc.site.build as build
    from infosoc import Observatory

    build.WORKERS = args.workers
    if args.workers < 2:
        build.POOL_MIN = 10**9  # draw in this process
    obs = Observatory()
    obs.sources()  # the store exists before the clock starts
    folder = args.keep or Path(tempfile.mkdtemp(prefix="infosoc-site-"))
    if folder.exists():
        shutil.rmtree(folder)
    try:
        start = time.perf_counter()
        first = obs.site(folder, countries=args.countries)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        again = obs.site(folder, countries=args.countries)
        warm = time.perf_counter() - start
        reference = reference_seconds()
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    files = "kept in " + str(folder) if args.keep else "removed"
    print(f"site of {len(first.countries)} countries, {len(first.languages)} languages, "
          f"workers={args.workers} ({files})")  # fmt: skip
    print(f"  build from empty : {cold:7.1f} s  {first.pages} pages, {first.charts} chart files")
    print(f"  rebuild, nothing changed: {warm:7.1f} s  written {again.written}, "
          f"unchanged {again.unchanged}, charts drawn {again.charts}")  # fmt: skip
    print(f"  reference ({REFERENCE_CHARTS} charts drawn): {reference:.2f} s; "
          f"build / reference = {cold / reference:.0f}")  # fmt: skip
    verdict = "PASS" if cold <= TARGET_SECONDS else "FAIL"
    print(f"  target: build within {TARGET_SECONDS:.0f} s ... {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
