"""What drives a real browser at the site: Debian's chromium, its switches, and one page of
each kind. Shared by the browser tests, the screenshot script and the rural-link benchmark
(decision 0023); nothing here is imported by the build."""

from __future__ import annotations

import shutil
from pathlib import Path

#: Chromium's switches: no sandbox (CI runs as root), and none of Chromium's own traffic, which
#: this closed network refuses and which would compete with the page on a throttled link.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: One page of each kind, by the site's fixed addresses (docs/site.md); ``{chart}`` is a chart
#: with an embed page.
PAGE_TYPES = {
    "home": "{lang}/",
    "country": "{lang}/country/KAZ/",
    "countries": "{lang}/countries/",
    "indicator": "{lang}/indicator/egdi/",
    "ranking": "{lang}/ranking/egdi/2024/",
    "regions": "{lang}/kazakhstan/regions/",
    "targets": "{lang}/kazakhstan/targets/",
    "swot": "{lang}/kazakhstan/swot/",
    "article": "{lang}/article/",
    "sources": "{lang}/sources/",
    "methods": "{lang}/methods/",
    "embed": "{lang}/embed/{chart}/",
}


def chromium_path() -> str | None:
    """Debian's chromium: on PATH, else /usr/bin/chromium; None if neither exists."""
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None
