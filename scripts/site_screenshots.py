"""Screenshots of every page type of a built site, in each language, on a desktop and a phone.

Serves the site on 127.0.0.1 with its own server, opens each page in Debian's chromium at
1280 and 360 px wide and saves a full-page PNG named ``{lang}-{pagetype}-{width}.png``, for
looking the site over by eye (Kazakh letters, charts, tables on a phone). Requests beyond
127.0.0.1 are blocked and listed at the end.

    .venv/bin/python scripts/site_screenshots.py --site DIR --out DIR [--lang en,ru,kk]
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from infosoc.site.browser import CHROMIUM_ARGS, PAGE_TYPES, chromium_path

WIDTHS = {1280: 800, 360: 740}  # width: height of the first screen


def quiet_hang_ups(server: Any) -> None:
    """Leave out the traceback of a browser closing a page while a picture still loads."""
    report = server.handle_error

    def handle_error(request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            report(request, client_address)

    server.handle_error = handle_error


def first_embed(site: Path, lang: str) -> str | None:
    charts = sorted(p.parent.name for p in (site / lang / "embed").glob("*/index.html"))
    return charts[0] if charts else None


def shoot(browser: Any, url: str, width: int, path: Path, blocked: list[str]) -> None:
    """A full-page screenshot of ``url`` at ``width`` px, every lazy picture loaded."""
    context = browser.new_context(viewport={"width": width, "height": WIDTHS[width]})

    def route(route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    try:
        context.route("**/*", route)
        page = context.new_page()
        page.goto(url, wait_until="networkidle")
        # Lazy pictures load when near the screen: pass each one by before the shot.
        page.evaluate("document.querySelectorAll('img').forEach(i => { i.loading = 'eager'; })")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(path), full_page=True)
    finally:
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--site", type=Path, required=True, help="a built site")
    parser.add_argument("--out", type=Path, required=True, help="folder for the PNG files")
    parser.add_argument("--lang", default="en,ru,kk", help="languages (default: en,ru,kk)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from infosoc.site.serve import make_server

    site = args.site.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    server = make_server(site, 0)
    quiet_hang_ups(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    chromium = chromium_path() or "/usr/bin/chromium"
    blocked: list[str] = []
    written = 0
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            for lang in args.lang.split(","):
                for kind, template in PAGE_TYPES.items():
                    chart = first_embed(site, lang)
                    path = template.format(lang=lang, chart=chart)
                    if not (site / path / "index.html").is_file():
                        print(f"skipped {kind} in {lang}: no {path}", file=sys.stderr)
                        continue
                    for width in WIDTHS:
                        shot = args.out / f"{lang}-{kind}-{width}.png"
                        shoot(browser, base + path, width, shot, blocked)
                        written += 1
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    print(f"{written} screenshots in {args.out}")
    if blocked:
        print(f"blocked requests beyond 127.0.0.1: {sorted(set(blocked))}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
