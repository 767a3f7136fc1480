"""Compare the benchmarks of an old commit and of the current code, side by side in one session.

Checks the old commit (``--old-ref``, default the tag ``pre-16``) out into a temporary git
worktree, and runs each benchmark script twice a round: the old tree's own script on the old
code (``PYTHONPATH=OLD/src:OLD``), and the current tree's own script on the current code, so
that a script whose imports or options moved still runs on its own side. The two sides take
turns, the first one alternating from round to round, so that a slow spell of a shared machine
weighs on both. ``--new-ref REF`` compares with a second checkout instead of the current tree.

The figures are the scripts' own (their medians, and the speed-ups they measure against their
references in the same run), read from the lines they print (``BENCHMARKS`` below gives each
line's pattern: a script that rewords a line needs its pattern changed here, or its figure
shows as n/a); a figure is the median over the rounds. Printed at the end: one
row per figure, with the old and the new median, the ratio new/old, the target and
``PASS``/``FAIL``. The targets (issue 16):

- ``infosoc egdi KAZ``, the report as HTML and as PDF: new within 1.2x of old;
- the Monte Carlo audit: at least 50x the per-replication rebuild;
- the divide: at least 8x the Ookla tutorial, on the Kazakhstan file and on the world
  subsample, the median of the rounds (``bench_divide.py`` runs one round of its own per run).

Other figures are printed for information. Every script's output is kept in a log folder
(``--log``, by default a new temporary folder), whose path is printed. The temporary worktrees
are removed at the end, also after an error or Ctrl-C. Exits 1 if a target is missed or a
judged figure is missing from a script's output.

    /work/main/.venv/bin/python benchmarks/compare.py [--old-ref REF] [--new-ref REF]
        [--rounds N] [--only egdi,uncertainty,divide,report,...] [--quick] [--log DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
"""The current tree: the checkout this script belongs to."""

SHOW_LINE = re.compile(r"^(?P<label>\S.*?)\s+min\s+[\d.]+ s\s+median\s+(?P<median>[\d.]+) s", re.M)
"""A line printed by the scripts' ``show``: label, min and median."""

Extract = Callable[[str], float | None]


def median_of(label: str) -> Extract:
    """The median of the first ``show`` line whose label matches the regular expression."""
    pattern = re.compile(label)

    def extract(text: str) -> float | None:
        for match in SHOW_LINE.finditer(text):
            if pattern.search(match["label"].strip()):
                return float(match["median"])
        return None

    return extract


def number_of(line: str, nth: int = 0) -> Extract:
    """The number captured by the ``nth`` match of the regular expression ``line``."""
    pattern = re.compile(line, re.M)

    def extract(text: str) -> float | None:
        found = pattern.findall(text)
        return float(found[nth]) if len(found) > nth else None

    return extract


@dataclass(frozen=True)
class Target:
    """What a figure must meet: new/old at most ``limit``, or new at least ``floor``."""

    limit: float | None = None
    floor: float | None = None

    def text(self) -> str:
        if self.limit is not None:
            return f"new/old <= {self.limit:g}"
        if self.floor is not None:
            return f">= {self.floor:g}x"
        return "(info)"

    def judge(self, old: float | None, new: float | None) -> str:
        if self.limit is None and self.floor is None:
            return ""
        if new is None or (self.limit is not None and not old):
            return "FAIL (no figure)"
        if self.limit is not None:
            return "PASS" if old is not None and new / old <= self.limit else "FAIL"
        return "PASS" if self.floor is not None and new >= self.floor else "FAIL"


INFO = Target()


@dataclass(frozen=True)
class Figure:
    """One row of the table: what the figure is, how to find it, its unit and target."""

    label: str
    extract: Extract
    unit: str  # "s" (a median time) or "x" (a speed-up the script measured)
    target: Target = INFO


@dataclass(frozen=True)
class Benchmark:
    """A benchmark script, the options of a full and of a quick run, and its figures."""

    name: str
    script: str
    full: tuple[str, ...]
    quick: tuple[str, ...]
    figures: tuple[Figure, ...]


WITHIN_OLD = Target(limit=1.2)

BENCHMARKS = (
    Benchmark(
        "egdi",
        "bench_egdi_cli.py",
        ("--repeat", "5"),
        ("--repeat", "3"),
        (Figure("infosoc egdi KAZ", median_of(r"^infosoc egdi KAZ$"), "s", WITHIN_OLD),),
    ),
    Benchmark(
        "uncertainty",
        "bench_uncertainty.py",
        ("--repeat", "5"),
        ("--repeat", "3", "--naive-samples", "100"),
        (
            Figure("Monte Carlo audit, 10,000 replications", median_of(r"^run, "), "s"),
            Figure(
                "  speed-up over the rebuild per replication",
                number_of(r"^speed-up naive/vectorised.*?([\d.]+) x"),
                "x",
                Target(floor=50),
            ),
        ),
    ),
    Benchmark(
        "divide",
        "bench_divide.py",
        ("--rounds", "1", "--repeat", "5"),
        ("--rounds", "1", "--repeat", "3", "--quick"),
        (
            Figure(
                "divide aggregate KZ, CLI, fresh home",
                median_of(r"^KZ: infosoc divide aggregate, fresh home"),
                "s",
            ),
            Figure("divide, world, end to end", median_of(r"^world: child process"), "s"),
            Figure(
                "divide KZ: speed-up over the tutorial",
                number_of(r"^\s*speed-up tutorial/infosoc.*?([\d.]+) x", 0),
                "x",
                Target(floor=8),
            ),
            Figure(
                "divide world subsample: speed-up",
                number_of(r"^\s*speed-up tutorial/infosoc.*?([\d.]+) x", 1),
                "x",
                Target(floor=8),
            ),
        ),
    ),
    Benchmark(
        "report",
        "bench_report.py",
        ("--repeat", "4"),
        ("--repeat", "1"),
        (
            Figure(
                "report KAZ, HTML", median_of(r"^infosoc report KAZ\b.*\shtml$"), "s", WITHIN_OLD
            ),
            Figure("report KAZ, PDF", median_of(r"^infosoc report KAZ\b.*\spdf$"), "s", WITHIN_OLD),
            Figure(
                "report KAZ, HTML and PDF in one run",
                median_of(r"^infosoc report KAZ\b.*\shtml,pdf$"),
                "s",
                WITHIN_OLD,
            ),
        ),
    ),
    Benchmark(
        "ingest",
        "bench_ingest.py",
        ("--repeat", "5"),
        ("--repeat", "2"),
        (
            Figure("ingest un-egov, 12 editions", median_of(r"^Observatory\.ingest"), "s"),
            Figure("store from the snapshot", median_of(r"^first use"), "s"),
        ),
    ),
    Benchmark(
        "worldbank",
        "bench_worldbank_parse.py",
        ("--repeat", "7"),
        ("--repeat", "3"),
        (Figure("World Bank parse, 20,000 records", median_of(r"^worldbank\.parse"), "s"),),
    ),
    Benchmark(
        "sobol",
        "bench_sobol.py",
        ("--repeat", "5"),
        ("--repeat", "2"),
        (Figure("Sobol analysis of EGDI 2022", median_of(r"^sobol, "), "s"),),
    ),
)


@dataclass
class Side:
    """One side of the comparison: a tree, what it is, and its figures per round."""

    name: str  # "old" or "new"
    tree: Path
    description: str
    home: Path
    values: dict[str, list[float]] = field(default_factory=dict)
    options: dict[str, set[str]] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = f"{self.tree / 'src'}{os.pathsep}{self.tree}"
        env["INFOSOC_HOME"] = str(self.home)
        return env


def git(*args: str, cwd: Path = REPO) -> str:
    """Standard output of ``git ARGS`` run in ``cwd``; raises if git fails."""
    done = subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)
    return done.stdout.strip()


@contextmanager
def checkout(ref: str, path: Path) -> Iterator[Path]:
    """``ref`` checked out (detached) in a temporary worktree at ``path``, removed after."""
    git("worktree", "add", "--detach", "--quiet", str(path), ref)
    try:
        yield path
    finally:
        try:
            git("worktree", "remove", "--force", str(path))
        except subprocess.CalledProcessError:
            shutil.rmtree(path, ignore_errors=True)
            git("worktree", "prune")


def describe(tree: Path, ref: str | None) -> str:
    """A commit's short hash and subject, marked when the working tree has local changes."""
    line = git("log", "-1", "--format=%h %s", cwd=tree)
    dirty = ref is None and git("status", "--porcelain", cwd=tree) != ""
    subject = line if len(line) <= 70 else line[:69] + "…"
    return f"{ref + ' = ' if ref else ''}{subject}{' (with uncommitted changes)' if dirty else ''}"


def supported(side: Side, bench: Benchmark, python: str) -> set[str]:
    """The long options the side's own script accepts, from its ``--help``."""
    if bench.script not in side.options:
        script = side.tree / "benchmarks" / bench.script
        done = subprocess.run(
            [python, str(script), "--help"], env=side.env(), capture_output=True, text=True
        )
        side.options[bench.script] = set(re.findall(r"--[\w-]+", done.stdout))
    return side.options[bench.script]


def arguments(wanted: Sequence[str], accepted: set[str]) -> list[str]:
    """``wanted`` (options, each followed by its value unless it is a flag), less those the
    script does not accept."""
    out: list[str] = []
    i = 0
    while i < len(wanted):
        option = wanted[i]
        takes_value = i + 1 < len(wanted) and not wanted[i + 1].startswith("--")
        if option in accepted:
            out += wanted[i : i + 2] if takes_value else [option]
        i += 2 if takes_value else 1
    return out


def run(cmd: Sequence[str], env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    """Return code, standard output and error of ``cmd``.

    The child leads a process group of its own, so that an interruption here ends it and
    every process it started, not the child alone.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            cmd, env=env, cwd=cwd, stdout=out, stderr=err, start_new_session=True
        )
        try:
            code = proc.wait()
        except BaseException:
            stop(proc)
            raise
        out.seek(0)
        err.seek(0)
        return code, out.read().decode(errors="replace"), err.read().decode(errors="replace")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """End ``proc``'s process group: a polite signal first, then a kill."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            continue


def run_once(
    bench: Benchmark, side: Side, args: argparse.Namespace, round_number: int, log: Path
) -> None:
    """Run the side's own script once and keep its figures."""
    script = side.tree / "benchmarks" / bench.script
    if not script.is_file():
        print(f"  {bench.name}: {side.name} tree has no {bench.script}; skipped", file=sys.stderr)
        return
    wanted = bench.quick if args.quick else bench.full
    cmd = [args.python, str(script), *arguments(wanted, supported(side, bench, args.python))]
    if bench.name == "divide" and "--work" in supported(side, bench, args.python):
        cmd += ["--work", str(args.work)]
    start = time.perf_counter()
    code, out, err = run(cmd, side.env(), side.tree)
    seconds = time.perf_counter() - start
    name = f"{bench.name}-{side.name}-round{round_number}.log"
    (log / name).write_text(
        f"$ {' '.join(cmd)}\n# exit {code}, {seconds:.1f} s\n{out}\n# stderr\n{err}",
        encoding="utf-8",
    )
    crashed = code not in (0, 1) or "Traceback (most recent call last)" in err
    found = []
    for figure in bench.figures:
        value = figure.extract(out)
        if value is not None:
            side.values.setdefault(figure.label, []).append(value)
            found.append(f"{value:g}{figure.unit}")
    note = f"; crashed, see {log / name}" if crashed else ""
    print(
        f"  {bench.name} round {round_number} {side.name}: {seconds:.0f} s, "
        f"{', '.join(found) or 'no figure'}{note}",
        file=sys.stderr,
    )


def formatted(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    return f"{value:.3f} s" if unit == "s" else f"{value:.1f}x"


def table(benches: Sequence[Benchmark], old: Side, new: Side) -> tuple[list[str], bool]:
    """The lines of the result table, and whether every judged figure passed."""
    header = ("benchmark", "old", "new", "new/old", "target", "result")
    rows = []
    ok = True
    for bench in benches:
        for figure in bench.figures:
            o = old.values.get(figure.label)
            n = new.values.get(figure.label)
            o_med = statistics.median(o) if o else None
            n_med = statistics.median(n) if n else None
            ratio = f"{n_med / o_med:.2f}" if o_med and n_med is not None else "n/a"
            verdict = figure.target.judge(o_med, n_med)
            ok &= not verdict.startswith("FAIL")
            rows.append(
                (
                    figure.label,
                    formatted(o_med, figure.unit),
                    formatted(n_med, figure.unit),
                    ratio,
                    figure.target.text(),
                    verdict,
                )
            )
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, tuple("-" * w for w in widths), *rows]:
        pairs = enumerate(zip(row, widths, strict=True))
        cells = [c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in pairs]
        lines.append("  ".join(cells).rstrip())
    return lines, ok


def each_round(benches: Sequence[Benchmark], old: Side, new: Side) -> list[str]:
    """One line per figure with its value in every round, old and new: the noise to read the
    medians against."""

    def values(side: Side, figure: Figure) -> str:
        found = side.values.get(figure.label, [])
        return ", ".join(formatted(v, figure.unit) for v in found) or "n/a"

    return [
        f"  {figure.label.strip()}: old {values(old, figure)}; new {values(new, figure)}"
        for bench in benches
        for figure in bench.figures
    ]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--old-ref", default="pre-16", help="old commit (default: pre-16)")
    parser.add_argument(
        "--new-ref", help="new commit, checked out like the old one (default: the current tree)"
    )
    parser.add_argument("--rounds", type=int, help="rounds (default: 3, or 2 with --quick)")
    names = ",".join(b.name for b in BENCHMARKS)
    parser.add_argument("--only", help=f"comma-separated benchmarks among {names} (default: all)")
    parser.add_argument(
        "--quick", action="store_true", help="fewer repetitions and rounds, a smaller world"
    )
    parser.add_argument("--log", type=Path, help="folder for the scripts' outputs")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "infosoc-compare-divide",
        help="the divide's generated inputs, made once and shared by both sides and by later "
        "runs (default: %(default)s)",
    )
    parser.add_argument(
        "--python", default=sys.executable, help="interpreter with every package (default: this)"
    )
    args = parser.parse_args()
    known = {b.name: b for b in BENCHMARKS}
    chosen = [n.strip() for n in args.only.split(",")] if args.only else list(known)
    unknown = [n for n in chosen if n not in known]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; known: {names}")
    args.benchmarks = [known[n] for n in chosen]
    if args.rounds is None:
        args.rounds = 2 if args.quick else 3
    return args


def compare(args: argparse.Namespace, scratch: Path) -> int:
    """Run the chosen benchmarks for both sides and print the table; return the exit code."""
    log: Path = args.log or Path(tempfile.mkdtemp(prefix="infosoc-compare-log-"))
    log.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        old_tree = stack.enter_context(checkout(args.old_ref, scratch / "old"))
        new_tree = REPO
        if args.new_ref:
            new_tree = stack.enter_context(checkout(args.new_ref, scratch / "new"))
        old = Side("old", old_tree, describe(old_tree, args.old_ref), scratch / "home-old")
        new = Side("new", new_tree, describe(new_tree, args.new_ref), scratch / "home-new")
        for side in (old, new):
            side.home.mkdir()
            # Compiled once here, so that no timed run of either side compiles a module.
            subprocess.run(
                [args.python, "-m", "compileall", "-q", str(side.tree / "src")],
                check=True,
                capture_output=True,
            )
        print(f"old: {old.description}\nnew: {new.description}")
        print(
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start; "
            f"{args.rounds} rounds{', quick' if args.quick else ''}; outputs in {log}",
            flush=True,
        )
        started = time.perf_counter()
        for bench in args.benchmarks:
            for round_number in range(1, args.rounds + 1):
                sides = (old, new) if round_number % 2 else (new, old)
                for side in sides:
                    run_once(bench, side, args, round_number, log)
        lines, ok = table(args.benchmarks, old, new)
        lines.append(
            f"(medians over {args.rounds} rounds, old and new taking turns; "
            f"{time.perf_counter() - started:.0f} s in all; load average now "
            f"{os.getloadavg()[0]:.2f}; outputs in {log})"
        )
        lines += ["", "Each round:", *each_round(args.benchmarks, old, new)]
    summary = "\n".join([f"old: {old.description}", f"new: {new.description}", "", *lines])
    (log / "summary.txt").write_text(summary + "\n", encoding="utf-8")
    print()
    print("\n".join(lines))
    return 0 if ok else 1


def interrupt(signum: int, frame: object) -> None:
    """End the run as Ctrl-C does, so that the worktrees are removed (also when started in
    the background, where Python would otherwise ignore Ctrl-C)."""
    raise KeyboardInterrupt


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    scratch = Path(tempfile.mkdtemp(prefix="infosoc-compare-"))
    try:
        return compare(args, scratch)
    except KeyboardInterrupt:
        print("interrupted; the temporary worktrees are removed", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
