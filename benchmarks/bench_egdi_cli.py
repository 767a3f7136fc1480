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

import subprocess
import sys
import tempfile

from common import CLI, ingest_all, make_parser, show, timed_command, verdict

TARGET_S = 1.0


def main() -> int:
    parser = make_parser(__doc__, repeat=5)
    args = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as home:
        ingest_all(args.data.resolve(), home)
        egdi_cmd = [str(CLI), "egdi", "KAZ", "--home", home]
        out = subprocess.run(egdi_cmd, check=True, capture_output=True, text=True).stdout
        if "Kazakhstan" not in out:
            raise SystemExit(f"unexpected output of infosoc egdi KAZ:\n{out}")
        ref = show("reference: python -c pass", timed_command([py, "-c", "pass"], args.repeat))
        imp = show(
            "python -c 'import infosoc.cli'",
            timed_command([py, "-c", "import infosoc.cli"], args.repeat),
        )
        egdi = show("infosoc egdi KAZ", timed_command(egdi_cmd, args.repeat))
    print(f"ratio egdi/reference (medians)     {egdi / ref:7.0f} x")
    print(
        f"breakdown (medians): start-up {ref:.3f} s, importing infosoc.cli {imp - ref:.3f} s, "
        f"the rest of the command {egdi - imp:.3f} s"
    )

    return verdict("infosoc egdi KAZ end to end", egdi, TARGET_S)


if __name__ == "__main__":
    sys.exit(main())
