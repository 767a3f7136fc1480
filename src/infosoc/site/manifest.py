"""What a built site was built from, so that a rebuild redoes only what changed.

``.infosoc-site.json`` at the site's root holds a digest of everything a build reads (the
files held with their hashes and versions, the templates and static files, infosoc's code, the
languages and countries asked for) and one digest per page. A rebuild from the same inputs
returns at once; otherwise only pages whose own digest changed are rendered and written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..files import write_atomically
from .model import Page
from .render import templates_digest

NAME = ".infosoc-site.json"
PACKAGE = Path(__file__).resolve().parents[1]


def code_digest() -> str:
    """The digest of the templates, static files and infosoc's code: what lays pages out."""
    sha = hashlib.sha256(templates_digest().encode("ascii"))
    for path in sorted(PACKAGE.rglob("*.py")):
        sha.update(path.read_bytes())
    return sha.hexdigest()


def inputs_digest(sources: Iterable[Mapping[str, Any]], langs: Sequence[str],
                  countries: Sequence[str], code: str) -> str:  # fmt: skip
    """The digest of everything a build reads: the files held, the options and ``code``."""
    held = sorted(
        (str(s.get("file_name")), str(s.get("sha256")), str(s.get("version")),
         str(s.get("current")), str(s.get("retrieved_at")))
        for s in sources
    )  # fmt: skip
    text = json.dumps([held, list(langs), list(countries), code])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def page_digest(page: Page, lang: str, code: str) -> str:
    """The digest of one page in one language, before it is drawn or rendered, and of the
    ``code`` that lays it out."""
    return hashlib.sha256(f"{code}\n{lang}\n{page!r}".encode()).hexdigest()


def read(root: Path) -> dict[str, Any]:
    """The manifest of the site at ``root``; empty when there is none or it is unreadable."""
    try:
        found = json.loads((root / NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def write(root: Path, inputs: str, pages: Mapping[str, str]) -> None:
    """Record what the site at ``root`` was built from."""
    text = json.dumps({"inputs": inputs, "pages": dict(sorted(pages.items()))}, indent=0)
    write_atomically(root / NAME, text.encode("utf-8"))


def unchanged_site(root: Path, inputs: str, known: Mapping[str, Any]) -> int | None:
    """The number of pages when the site at ``root`` was built from ``inputs`` and every page
    it lists is still there; else None."""
    pages = known.get("pages")
    if known.get("inputs") != inputs or not isinstance(pages, dict) or not pages:
        return None
    if not all((root / key / "index.html").is_file() for key in pages):
        return None
    return len(pages)
