"""Where the start-up time of ``infosoc egdi KAZ`` goes, by ``python -X importtime``.

Ingests all editions from DATA once into a temporary home, runs the installed command
``infosoc egdi KAZ --home TMP`` once under ``-X importtime``, and prints the wall time, the
total time spent importing, the import time per top-level package (self times summed) and the
slowest single modules. Everything not spent importing is the command's own work (typer
argument parsing, DuckDB queries, country names, rich rendering).

    .venv/bin/python benchmarks/profile_egdi.py [--data DIR] [--top N]
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from collections import Counter

from common import CLI, ingest_all, make_parser

LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def main() -> int:
    parser = make_parser(__doc__, top=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        ingest_all(args.data.resolve(), home)
        cmd = [sys.executable, "-X", "importtime", str(CLI), "egdi", "KAZ", "--home", home]
        subprocess.run(cmd, check=True, capture_output=True)  # warm the OS caches
        start = time.perf_counter()
        run = subprocess.run(cmd, check=True, capture_output=True, text=True)
        wall = time.perf_counter() - start

    by_package: Counter[str] = Counter()
    by_module: Counter[str] = Counter()
    for match in LINE.finditer(run.stderr):
        self_us, name = int(match[1]), match[4]
        by_package[name.split(".")[0]] += self_us
        by_module[name] += self_us
    total = sum(by_package.values()) / 1e6
    print(f"wall time (with -X importtime overhead)  {wall:6.3f} s")
    print(f"imports, all modules                     {total:6.3f} s")
    print(f"everything else (the command's work)     {wall - total:6.3f} s")
    print("\nimport time by top-level package (self times summed):")
    for name, us in by_package.most_common(args.top):
        print(f"  {us / 1e3:8.1f} ms  {name}")
    print("\nslowest single modules (self time):")
    for name, us in by_module.most_common(args.top):
        print(f"  {us / 1e3:8.1f} ms  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
