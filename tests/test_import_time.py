"""Start-up guards: a command or an import loads only the libraries it needs.

Every command pays for what it imports before it does anything, and some libraries are slow
to import (pandas, pyarrow.dataset, SciPy's statistics, Altair, WeasyPrint, Ibis, pydantic
through typer 0.29 and later: docs/decisions/0018). Each check runs in a fresh interpreter
under ``python -X importtime``, which lists every module the process imported, so that a
module another test imported cannot hide a regression.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.synthetic_tiles import synthetic_tiles, write_tiles

# Libraries that no command below needs: each would add to its start-up.
HEAVY = (
    "pandas",
    "pyarrow",
    "ibis",
    "scipy",
    "altair",
    "vl_convert",
    "weasyprint",
    "shapely",
    "geopandas",
    "pyogrio",
    "SALib",
)
IMPORTED = re.compile(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)\s*$", re.M)


def imported(args: Sequence[str]) -> set[str]:
    """Every module imported by ``python -X importtime ARGS``, which must succeed."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    errors = IMPORTED.sub("", done.stderr).strip()
    assert done.returncode == 0, errors
    return set(IMPORTED.findall(done.stderr))


def loaded(modules: set[str], names: Sequence[str]) -> list[str]:
    """Those of ``names`` that are among ``modules``, packages counted with their modules."""
    return sorted(n for n in names if any(m == n or m.startswith(n + ".") for m in modules))


@pytest.mark.parametrize(
    ("module", "unwanted"),
    [
        ("infosoc", (*HEAVY, "numpy", "duckdb", "typer", "rich")),
        ("infosoc.records", (*HEAVY, "numpy", "duckdb")),
        ("infosoc.i18n", (*HEAVY, "numpy", "duckdb")),
        ("infosoc.cli.output", (*HEAVY, "numpy", "duckdb")),
        ("infosoc.charts", ("altair", "vl_convert", "pandas", "pyarrow")),
    ],
)
def test_importing_a_module_loads_no_library_it_does_not_need(
    module: str, unwanted: tuple[str, ...]
) -> None:
    assert loaded(imported(["-c", f"import {module}"]), unwanted) == []


@pytest.mark.slow
def test_help_loads_no_data_library() -> None:
    modules = imported(["-m", "infosoc", "--help"])
    assert loaded(modules, (*HEAVY, "numpy", "duckdb", "pydantic")) == []


@pytest.mark.slow
def test_egdi_of_a_country_loads_only_the_store(ingested_home: Path) -> None:
    # The command the start-up target is set on (benchmarks/bench_egdi_cli.py).
    modules = imported(["-m", "infosoc", "egdi", "KAZ", "--home", str(ingested_home)])
    assert "duckdb" in modules
    assert loaded(modules, (*HEAVY, "numpy", "pydantic")) == []


@pytest.mark.slow
def test_targets_do_not_load_scipy(ingested_home: Path) -> None:
    # One Student's t quantile does not justify importing scipy (decision 0015).
    modules = imported(["-m", "infosoc", "targets", "KAZ", "--home", str(ingested_home)])
    assert loaded(modules, ("scipy", "pandas", "pyarrow", "ibis", "altair")) == []


@pytest.mark.slow
def test_aggregating_tiles_loads_neither_pyarrow_dataset_nor_pandas(tmp_path: Path) -> None:
    write_tiles(synthetic_tiles(300, seed=13), tmp_path / "tiles.parquet")

    def box(west: float, south: float, east: float, north: float) -> dict[str, object]:
        ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
        return {"type": "Polygon", "coordinates": [ring]}

    regions = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": name}, "geometry": box(*bounds)}
            for name, bounds in {
                "west": (46.5, 40.5, 60.0, 55.5),
                "east": (60.0, 40.5, 87.5, 55.5),
            }.items()
        ],
    }
    (tmp_path / "regions.geojson").write_text(json.dumps(regions), encoding="utf-8")
    command = ["-m", "infosoc", "divide", "aggregate", "--tiles", str(tmp_path / "tiles.parquet")]
    command += ["--regions", str(tmp_path / "regions.geojson"), "--region-key", "name"]
    command += ["-f", "json", "--home", str(tmp_path / "home")]
    modules = imported(command)
    unwanted = ("pyarrow.dataset", "pandas", "geopandas", "pyogrio", "altair", "weasyprint")
    assert loaded(modules, unwanted) == []


@pytest.mark.slow
def test_a_chart_spec_is_drawn_without_altair(tmp_path: Path) -> None:
    # The report draws the specs it wrote earlier: drawing must not need Altair.
    pytest.importorskip("altair")
    pytest.importorskip("vl_convert")
    from infosoc.charts import line_chart

    rows = [{"year": y, "value": 0.5 + y / 10_000, "who": "Қазақстан"} for y in (2020, 2022)]
    spec = line_chart(
        rows, x="year", y="value", series="who", title="Ә Ғ Қ", x_title="x", y_title="y"
    ).to_dict(validate=False)
    (tmp_path / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    code = (
        "import json, sys; sys.modules['altair'] = None; "  # importing Altair now fails
        "from infosoc.charts import spec_svg; "
        f"spec = json.load(open({str(tmp_path / 'spec.json')!r}, encoding='utf-8')); "
        "svg = spec_svg(spec, 'kk', prefix='c1'); "
        "assert svg.startswith('<svg') and 'Қазақстан' in svg, svg[:200]"
    )
    assert loaded(imported(["-c", code]), ("altair",)) == []
