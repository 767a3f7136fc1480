"""The site the browser tests and the link test read: built once per session, whoever asks first.

Both tests/browser and tests/test_site_links.py need the same built site; a fixture defined in
two places would build it twice, so the fixtures call ``built_site`` and it remembers the
folder. ``INFOSOC_SITE_DIR`` names a site built beforehand (``infosoc site build --out DIR
--countries KAZ,UZB,KGZ``) to test instead, which is quicker when only the tests change.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

LANGS = ("en", "ru", "kk")
COUNTRIES = ["KAZ", "UZB", "KGZ"]

_built: dict[str, Path] = {}


def built_site(tmp_path_factory: pytest.TempPathFactory, home: Path) -> Path:
    """The folder of the built site for ``LANGS`` and ``COUNTRIES`` (read-only for tests)."""
    given = os.environ.get("INFOSOC_SITE_DIR")
    if given:
        root = Path(given).resolve()
        if not (root / "en" / "index.html").is_file():
            pytest.fail(f"INFOSOC_SITE_DIR={given} holds no built site (no en/index.html)")
        return root
    if "site" not in _built:
        from infosoc import Observatory
        from infosoc.site import build_site

        out = tmp_path_factory.mktemp("site")
        build_site(Observatory(home=home), out, langs=LANGS, countries=COUNTRIES)
        _built["site"] = out
    return _built["site"]
