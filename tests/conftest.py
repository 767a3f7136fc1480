"""Shared fixtures. Tests read infosoc's own data snapshot (src/infosoc/data, shipped in the
package) and the fixtures in tests/data, and write only to temporary folders."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from infosoc import Observatory
from infosoc.cli import app
from infosoc.snapshot import snapshot_dir

REPO = Path(__file__).resolve().parents[1]


TEST_DATA = REPO / "tests" / "data"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--slow", action="store_true", help="also run the tests marked slow (CI runs everything)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def snapshot() -> Path:
    """The data snapshot shipped in the package: a read-only folder laid out like any mirror."""
    path = snapshot_dir()
    if not (path / "manifest.json").is_file():
        pytest.fail(f"the data snapshot is missing at {path}")
    return path


@pytest.fixture(scope="session")
def test_data() -> Path:
    """Fixtures only the tests need (not shipped): tests/data."""
    return TEST_DATA


@pytest.fixture(scope="session")
def egov_dir(snapshot: Path) -> Path:
    return snapshot / "egov"


@pytest.fixture(scope="session")
def ingested_home(tmp_path_factory: pytest.TempPathFactory, snapshot: Path) -> Path:
    """A home built once from the whole snapshot for the session (read-only for tests)."""
    home = tmp_path_factory.mktemp("home")
    Observatory(home=home).build_from_snapshot()
    return home


@pytest.fixture
def mirror(tmp_path: Path, egov_dir: Path) -> Callable[..., Path]:
    """Make a mirror folder in tmp with chosen official files and extra files of our own."""

    def make(years: tuple[int, ...] = (2020, 2022), extra: dict[str, bytes] | None = None) -> Path:
        root = tmp_path / "mirror"
        (root / "egov").mkdir(parents=True, exist_ok=True)
        for year in years:
            shutil.copyfile(
                egov_dir / f"EGOV_DATA_{year}.csv", root / "egov" / f"EGOV_DATA_{year}.csv"
            )
        for name, data in (extra or {}).items():
            (root / "egov" / name).write_bytes(data)
        return root

    return make


class Cli:
    """Runs the infosoc CLI in-process and keeps stdout and stderr apart."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: Any) -> Any:
        return self.runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def cli() -> Cli:
    return Cli()


def store_snapshot(home: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table in a store, for before/after comparisons."""
    import duckdb

    path = home / "infosoc.duckdb"
    if not path.exists():
        return {}
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
            ).fetchall()
        ]
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
    finally:
        con.close()
