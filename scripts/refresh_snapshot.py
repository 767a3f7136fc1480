"""Refresh infosoc's data snapshot from a folder of official files, such as ../shared/data.

    python scripts/refresh_snapshot.py ../shared/data

Copies every file that scripts/snapshot_sources.toml lists, byte for byte, into
src/infosoc/data/ (same relative paths), removes snapshot files the list no longer names, and
rewrites src/infosoc/data/manifest.json: for each file its source, edition, release date, URL,
licence, SHA-256, size and retrieval date. A file whose bytes did not change keeps its
retrieval date, so running the script twice changes nothing. Nothing is written unless every
listed file is found (``--check`` only reports what would change).

A file the list marks ``manual`` does not come from the folder of official files but from the
step it describes (the world boundaries come from an npm package): it is taken from the folder
if it is there, else from the snapshot, where the manual step put it.

Standard library only, so it runs before infosoc is installed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "scripts" / "snapshot_sources.toml"
TARGET = REPO / "src" / "infosoc" / "data"
MANIFEST = "manifest.json"
_YEAR = re.compile(r"(\d{4})")


def planned(
    source_dir: Path, spec: dict[str, Any], target: Path | None = None
) -> list[dict[str, Any]]:
    """Every file the spec names, found in ``source_dir`` (a ``manual`` file also in
    ``target``, the snapshot), with its manifest entry (no hash)."""
    entries: list[dict[str, Any]] = []
    missing: list[str] = []
    for item in spec["file"]:
        pattern = item.get("glob") or item["path"]
        folder = source_dir
        found = sorted(p for p in source_dir.glob(pattern) if p.is_file())
        if not found and item.get("manual") and target is not None:
            folder = target
            found = sorted(p for p in target.glob(pattern) if p.is_file())
        if not found:
            how = f" (by hand: {item['manual']})" if item.get("manual") else ""
            missing.append(pattern + how)
        for path in found:
            relative = path.relative_to(folder).as_posix()
            year = _YEAR.search(path.name)
            fields = {k: str(item[k]) for k in ("source", "edition", "released", "url", "licence")}
            if year:
                fields = {k: v.replace("{year}", year.group(1)) for k, v in fields.items()}
            entries.append({"path": relative, **fields, "_from": path})
    if missing:
        raise SystemExit(f"error: not found in {source_dir}: {', '.join(missing)}")
    return entries


def refresh(source_dir: Path, target: Path = TARGET, *, check: bool = False) -> list[str]:
    """Bring ``target`` in line with ``source_dir``; return a line per change."""
    spec = tomllib.loads(SPEC.read_text(encoding="utf-8"))
    old: dict[str, dict[str, Any]] = {}
    manifest_path = target / MANIFEST
    if manifest_path.is_file():
        old = {e["path"]: e for e in json.loads(manifest_path.read_text("utf-8"))["files"]}
    changes: list[str] = []
    files: list[dict[str, Any]] = []
    for entry in planned(source_dir, spec, target):
        origin: Path = entry.pop("_from")
        data = origin.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        before = old.get(entry["path"])
        if before is not None and before["sha256"] == digest:
            retrieved = before["retrieved"]
            if any(before.get(k) != v for k, v in entry.items()):
                changes.append("described anew " + entry["path"])
        else:
            when = datetime.fromtimestamp(origin.stat().st_mtime, tz=UTC)
            retrieved = when.date().isoformat()
            changes.append(("changed " if before else "added ") + entry["path"])
        files.append({**entry, "sha256": digest, "size": len(data), "retrieved": retrieved})
        copied = origin.resolve() == (target / entry["path"]).resolve()
        if not check and not copied and (before is None or before["sha256"] != digest):
            destination = target / entry["path"]
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(origin, destination)
    kept = {f["path"] for f in files}
    changes += [f"removed {path}" for path in sorted(set(old) - kept)]
    if check:
        return changes
    for path in sorted(set(old) - kept):
        (target / path).unlink(missing_ok=True)
    document = {
        "about": "infosoc's data snapshot: publishers' files byte for byte "
        "(scripts/refresh_snapshot.py writes this file)",
        "files": sorted(files, key=lambda f: f["path"]),
    }
    text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    if not manifest_path.is_file() or manifest_path.read_text("utf-8") != text:
        manifest_path.write_text(text, encoding="utf-8")
    return changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="folder of official files (../shared/data)")
    parser.add_argument("--target", type=Path, default=TARGET, help="snapshot folder")
    parser.add_argument("--check", action="store_true", help="only say what would change")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(f"error: {args.folder} is not a folder", file=sys.stderr)
        return 2
    changes = refresh(args.folder, args.target, check=args.check)
    print("\n".join(changes) if changes else "the snapshot is up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
