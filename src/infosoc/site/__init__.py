"""The web observatory: a static multilingual site written by infosoc itself (docs/site.md).

``build_site(data, out)`` writes every page in en, ru and kk with its charts (SVG drawn in
Python, no JavaScript needed), downloads and search index; ``serve(root)`` shows it on
127.0.0.1. The site reads the library through :class:`~infosoc.site.data.SiteData`, which
:class:`infosoc.Observatory` satisfies.
"""

from .build import SiteResult, build_site, parse_countries, parse_langs
from .serve import make_server, serve

__all__ = ["SiteResult", "build_site", "make_server", "parse_countries", "parse_langs", "serve"]
