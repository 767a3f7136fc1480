"""The data snapshot shipped in the package: complete, byte for byte, licensed, refreshable."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from infosoc.snapshot import manifest, verify

REPO = Path(__file__).resolve().parents[1]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "refresh_snapshot", REPO / "scripts" / "refresh_snapshot.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_every_file_has_the_bytes_its_manifest_names(snapshot: Path) -> None:
    entries = manifest(snapshot)
    assert len(entries) > 50
    assert verify(snapshot) == []
    for entry in entries.values():
        data = (snapshot / entry.path).read_bytes()
        assert len(data) == entry.size
        assert hashlib.sha256(data).hexdigest() == entry.sha256
        assert entry.url.startswith("https://")
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", entry.retrieved)
        assert re.match(r"\d{4}", entry.released), entry.path


def test_a_changed_byte_is_found(snapshot: Path, tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(snapshot, copy)
    target = copy / "egov" / "EGOV_DATA_2024.csv"
    target.write_bytes(target.read_bytes().replace(b"0.90093", b"0.90094"))
    (copy / "egov" / "EGOV_DATA_2003.csv").unlink()
    problems = verify(copy)
    assert problems[0] == "egov/EGOV_DATA_2003.csv: missing"
    assert problems[1].startswith("egov/EGOV_DATA_2024.csv: SHA-256")
    assert len(problems) == 2


def test_the_snapshot_holds_every_source_the_product_reads(snapshot: Path) -> None:
    sources = {e.source for e in manifest(snapshot).values()}
    assert {"un-egov", "worldbank", "owid", "itu-datahub", "kz-bns-sdg", "ookla-sgi"} <= sources
    paths = set(manifest(snapshot))
    assert "egov/EGOV_DATA_2024.csv" in paths
    assert "kz/osm/hotosm_kaz_populated_places_points_geojson.geojson" in paths
    # Test-only fixtures stay out of the package.
    assert not any(p.startswith(("reference/", "speed/ookla_tiles_real/")) for p in paths)


def test_every_licence_is_explained_to_users(snapshot: Path) -> None:
    explained = set(
        re.findall(r"^## (\S+)$", (REPO / "LICENSES" / "README.md").read_text("utf-8"), re.M)
    )
    used = {e.licence for e in manifest(snapshot).values()}
    assert used <= explained, used - explained
    readme = (REPO / "README.md").read_text("utf-8")
    for name in ("CC BY 4.0", "ODbL", "CC BY-NC-SA 4.0", "ODC-PDDL", "ITU"):
        assert name in readme, name


def _folder(tmp_path: Path, snapshot: Path) -> Path:
    """A folder of newly arrived official files, laid out like the snapshot: its own files."""
    folder = tmp_path / "incoming"
    shutil.copytree(snapshot, folder, ignore=shutil.ignore_patterns("manifest.json"))
    return folder


def test_refresh_copies_new_bytes_and_rewrites_the_manifest(snapshot: Path, tmp_path: Path) -> None:
    script = _script()
    target = tmp_path / "snapshot"
    shutil.copytree(snapshot, target)
    folder = _folder(tmp_path, snapshot)
    assert script.refresh(folder, target) == []  # nothing new: nothing changes
    before = (target / "manifest.json").read_text("utf-8")
    newer = folder / "egov" / "EGOV_DATA_2024.csv"
    newer.write_bytes(newer.read_bytes() + b"\n")
    assert script.refresh(folder, target, check=True) == ["changed egov/EGOV_DATA_2024.csv"]
    assert (target / "manifest.json").read_text("utf-8") == before  # --check writes nothing
    assert script.refresh(folder, target) == ["changed egov/EGOV_DATA_2024.csv"]
    assert (target / "egov" / "EGOV_DATA_2024.csv").read_bytes() == newer.read_bytes()
    entry = manifest(target)["egov/EGOV_DATA_2024.csv"]
    assert entry.sha256 == hashlib.sha256(newer.read_bytes()).hexdigest()
    assert verify(target) == []


def test_refresh_refuses_a_folder_missing_a_listed_file(snapshot: Path, tmp_path: Path) -> None:
    script = _script()
    target = tmp_path / "snapshot"
    shutil.copytree(snapshot, target)
    folder = _folder(tmp_path, snapshot)
    shutil.rmtree(folder / "itu")
    before = json.loads((target / "manifest.json").read_text("utf-8"))
    with pytest.raises(SystemExit, match="itu/mobile-cellular"):
        script.refresh(folder, target)
    assert json.loads((target / "manifest.json").read_text("utf-8")) == before


def test_a_manual_file_is_kept_from_the_snapshot_and_its_step_named_when_gone(
    snapshot: Path, tmp_path: Path
) -> None:
    script = _script()
    target = tmp_path / "snapshot"
    shutil.copytree(snapshot, target)
    folder = _folder(tmp_path, snapshot)
    # The official folder has no world boundaries: they come from npm, by hand.
    shutil.rmtree(folder / "geo" / "world-atlas")
    assert script.refresh(folder, target) == []
    assert verify(target) == []
    assert "geo/world-atlas/countries-110m.json" in manifest(target)
    shutil.rmtree(target / "geo" / "world-atlas")
    before = (target / "manifest.json").read_bytes()
    with pytest.raises(SystemExit, match=r"countries-110m\.json \(by hand: npm pack world-atlas"):
        script.refresh(folder, target)
    assert (target / "manifest.json").read_bytes() == before
