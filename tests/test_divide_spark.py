"""Spark smoke test: the digital-divide aggregation gives the same rows on Spark as on DuckDB.

Runs Spark in local mode (one core, no UI, loopback only, logs and scratch files under the
test's temporary folder), so it needs pyspark (the ``spark`` extra) and Java 17 on PATH but no
network. Without them it is skipped, unless ``INFOSOC_REQUIRE_SPARK=1`` (set by .ci/run), where
it fails instead, so that CI can never pass by skipping it.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from infosoc.divide.aggregate import IbisEngine
from infosoc.divide.indicators import aggregate_regions
from infosoc.geo.regions import load_regions
from tests.synthetic_tiles import synthetic_tiles, write_tiles

pytestmark = [
    pytest.mark.spark,
    # pyspark 4 and ibis 12 warn about pandas 3 on every collect; they are not ours to fix.
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
    pytest.mark.filterwarnings("ignore:The 'future.infer_string' option is deprecated"),
]

REQUIRE_ENV = "INFOSOC_REQUIRE_SPARK"
BBOX = (70.0, 45.0, 76.0, 49.0)  # west, south, east, north of the synthetic tiles
# Boxes over part of BBOX: the strip east of 74.5° belongs to no region.
REGIONS = {
    "west": (70.0, 45.0, 72.5, 49.0),
    "south": (72.5, 45.0, 74.5, 47.0),
    "north": (72.5, 47.0, 74.5, 49.0),
}
REL = 1e-9
# Only errors from Spark's loggers, on stderr: none of its start-up warnings.
LOG4J2 = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
"""


def _missing() -> str | None:
    """Why Spark cannot run here, or None when it can."""
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        return f'pyspark cannot be imported ({exc}); pip install -e ".[spark]"'
    java = shutil.which("java")
    if java is None:
        return "no java on PATH (Spark needs Java 17)"
    # "openjdk version "17.0.15" 2025-04-15" (or "1.8.0_392" for Java 8), on stderr.
    shown = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    found = re.search(r'version "(?:1\.)?(\d+)', shown.stderr)
    if found is None or int(found.group(1)) < 17:
        first = (shown.stderr.splitlines() or ["no output"])[0]
        return f"{java} is not Java 17 or newer ({first})"
    return None


def _require_spark() -> None:
    reason = _missing()
    if reason is None:
        return
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{REQUIRE_ENV}=1 but the Spark smoke test cannot run: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A local one-core SparkSession for this module, stopped at its end."""
    _require_spark()  # tests call it first too, so that a missing Spark is their failure
    from pyspark.sql import SparkSession

    root = tmp_path_factory.mktemp("spark")
    scratch = root / "tmp"
    scratch.mkdir()
    log_config = root / "log4j2.properties"
    log_config.write_text(LOG4J2)
    java_options = " ".join(
        [
            f"-Djava.io.tmpdir={scratch}",
            f"-Dlog4j2.configurationFile={log_config.as_uri()}",
            "-Duser.timezone=UTC",
            "-XX:-UsePerfData",  # no hsperfdata folder in the system's /tmp
            # The client compiler only: the JVM warms up in half the time, and the data are
            # tiny (with whole-stage code generation off, 25 s instead of 60 s in all).
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
        ]
    )
    with pytest.MonkeyPatch.context() as mp:
        # Read by the JVM launcher: bind to loopback and do not look up the host's address.
        mp.setenv("SPARK_LOCAL_IP", "127.0.0.1")
        mp.setenv("PYSPARK_PYTHON", sys.executable)
        mp.setenv("PYSPARK_DRIVER_PYTHON", sys.executable)
        session = (
            SparkSession.builder.master("local[1]")
            .appName("infosoc-divide-smoke")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.default.parallelism", "1")
            .config("spark.driver.memory", "512m")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.extraJavaOptions", java_options)
            .config("spark.local.dir", str(scratch))
            .config("spark.sql.warehouse.dir", str(root / "warehouse"))
            .config("spark.sql.catalogImplementation", "in-memory")
            # Compiling generated Java for each of the plan's ~50 stages costs more than
            # interpreting a few thousand rows; it changes how, not what, Spark computes.
            .config("spark.sql.codegen.wholeStage", "false")
            .config("spark.eventLog.enabled", "false")
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        try:
            yield session
        finally:
            session.stop()


def _box(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def _write_inputs(folder: Path) -> tuple[Path, Path]:
    tiles = folder / "2024-01-01_performance_fixed_tiles.parquet"
    write_tiles(synthetic_tiles(2000, seed=7, bbox=BBOX, cities=12), tiles)
    features = [
        {"type": "Feature", "properties": {"name": key}, "geometry": _box(*box)}
        for key, box in REGIONS.items()
    ]
    regions = folder / "regions.geojson"
    regions.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return tiles, regions


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, float) and isinstance(actual, float):
        return math.isclose(expected, actual, rel_tol=REL, abs_tol=0.0)
    return bool(type(expected) is type(actual) and expected == actual)


def test_spark_aggregation_matches_duckdb(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    _require_spark()
    spark = request.getfixturevalue("spark")
    import ibis

    tiles, regions_file = _write_inputs(tmp_path)
    regions = load_regions(regions_file, key="name")
    cache = tmp_path / "cache"

    on_duckdb = aggregate_regions(tiles, regions, cache_dir=cache)
    on_spark = aggregate_regions(
        tiles, regions, cache_dir=cache, engine=IbisEngine(ibis.pyspark.connect(spark))
    )

    duck_rows = {row["region"]: row for row in on_duckdb.rows}
    spark_rows = {row["region"]: row for row in on_spark.rows}
    # Every region and the outside group hold tiles and enough tests to be reported, so the
    # comparison covers every measure, medians included, and none of them vacuously.
    assert set(duck_rows) == {*REGIONS, None}
    assert all(row["tiles"] > 0 and row["reported"] for row in duck_rows.values())
    assert duck_rows[None]["name"] == "outside every region"
    assert sum(row["tiles"] for row in duck_rows.values()) == 2000
    assert set(spark_rows) == set(duck_rows)
    for region, expected in duck_rows.items():
        actual = spark_rows[region]
        assert list(actual) == list(expected), region
        different = {
            column: (value, actual[column])
            for column, value in expected.items()
            if not _same(value, actual[column])
        }
        assert not different, f"region {region!r}: DuckDB vs Spark {different}"
    assert on_spark.totals == on_duckdb.totals
