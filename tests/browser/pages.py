"""The page types of the site and where one of each lives (docs/site.md's URL scheme)."""

from __future__ import annotations

from pathlib import Path

from infosoc.site.browser import PAGE_TYPES
from tests.site_build import LANGS

__all__ = ["LANGS", "PAGE_TYPES", "page_path"]


def first_embed(site: Path, lang: str) -> str:
    """The id of the first chart with an embed page in ``lang`` (by name)."""
    charts = sorted(p.parent.name for p in (site / lang / "embed").glob("*/index.html"))
    assert charts, f"no embed page under {site / lang / 'embed'}"
    return charts[0]


def page_path(site: Path, page_type: str, lang: str) -> str:
    """The site-relative path of the page of ``page_type`` in ``lang``."""
    template = PAGE_TYPES[page_type]
    chart = first_embed(site, lang) if "{chart}" in template else ""
    return template.format(lang=lang, chart=chart)
