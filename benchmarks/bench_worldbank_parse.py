"""Benchmark: parse a 20,000-record World Bank API answer (target: under 1 s).

Generates, in a temporary folder, one answer in the API v2 layout that ``worldbank.fetch``
caches (``[header, records]``, one page): 250 economies (240 ISO countries, Kosovo, and
aggregates such as WLD, EAS and "High income" with an empty ``countryiso3code``) times 80
years, every seventh value null and the others between 0 and 100 (the indicator is a share;
a value outside its plausible range is an error). Times ``worldbank.parse(read_local(path))``
after one untimed warm-up (the first call also builds the country index; that cold call is
printed for information). The reference, timed in the same run, is the stdlib ``json.loads``
of the same file; the ratio parse/reference shows how much the checks and the tidy
observations cost.
The shared data folder is not read (``--data`` is accepted and ignored).

Exits 1 if the median parse time misses the target.

    .venv/bin/python benchmarks/bench_worldbank_parse.py [--repeat N]
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from common import make_parser, show, timed, verdict

TARGET_S = 1.0
RECORDS = 20_000
YEARS = [str(y) for y in range(1941, 2021)]
AGGREGATES = [
    ("WLD", "1W", "World"),
    ("EAS", "Z4", "East Asia & Pacific"),
    ("ECS", "Z7", "Europe & Central Asia"),
    ("AFE", "ZH", "Africa Eastern and Southern"),
    ("", "XD", "High income"),
    ("", "XM", "Low income"),
    ("LMY", "XO", "Low & middle income"),
    ("XKX", "XK", "Kosovo"),
    ("CHI", "JG", "Channel Islands"),
    ("EUU", "EU", "European Union"),
]


def answer() -> bytes:
    """A one-page API answer of RECORDS records."""
    from infosoc.geo.countries import all_countries

    economies = [(c.iso3, c.iso2, c.name_en) for c in all_countries()]
    economies = economies[: RECORDS // len(YEARS) - len(AGGREGATES)] + AGGREGATES
    records = [
        {
            "indicator": {"id": "IT.NET.USER.ZS", "value": "Individuals using the Internet"},
            "country": {"id": wb_id, "value": name},
            "countryiso3code": iso3,
            "date": year,
            "value": None if (i * len(YEARS) + j) % 7 == 0 else round(0.37 * (i + j) % 100, 6),
            "unit": "",
            "obs_status": "",
            "decimal": 1,
        }
        for i, (iso3, wb_id, name) in enumerate(economies)
        for j, year in enumerate(YEARS)
    ]
    assert len(records) == RECORDS, len(records)
    header = {"page": 1, "pages": 1, "per_page": RECORDS, "total": RECORDS, "sourceid": "2"}
    return json.dumps([header, records], separators=(",", ":")).encode()


def main() -> int:
    parser = make_parser(__doc__, repeat=7)
    args = parser.parse_args()
    from infosoc.sources import worldbank
    from infosoc.sources.base import read_local

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "IT.NET.USER.ZS.json"
        path.write_bytes(answer())
        print(f"answer: {RECORDS} records, {path.stat().st_size / 1e6:.1f} MB")

        def parse() -> None:
            parsed = worldbank.parse(read_local(path))
            if len(parsed.observations) != RECORDS:
                raise SystemExit(f"expected {RECORDS} observations")

        start = time.perf_counter()
        parse()
        print(f"first parse (cold, info only)      {time.perf_counter() - start:7.3f} s")
        ref = show(
            "reference: json.loads", timed(lambda: json.loads(path.read_bytes()), args.repeat)
        )
        median = show("worldbank.parse", timed(parse, args.repeat))
    print(f"ratio parse/reference (medians)    {median / ref:7.1f} x")
    return verdict(f"parse {RECORDS:,} API records", median, TARGET_S)


if __name__ == "__main__":
    sys.exit(main())
