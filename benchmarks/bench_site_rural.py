"""Benchmark: the first chart of ru/country/KAZ/ on a rural link: target 1.5 s.

Builds the site for Kazakhstan in a temporary folder (or takes ``--site DIR``, a site built
beforehand), serves it on 127.0.0.1 with the site's own server (gzip-encoded answers), and
opens the page in Debian's chromium with the link and the machine slowed down through the
DevTools protocol: 2 Mbit/s down, 0.75 Mbit/s up, 150 ms latency
(``Network.emulateNetworkConditions``) and the CPU four times slower
(``Emulation.setCPUThrottlingRate``). It times from the start of the navigation until the
first chart's picture (``figure.chart img``) is loaded, decoded and on screen: a script
added before the page's own polls each animation frame for it, in the page's clock
(``performance.now()``, which counts from the navigation's start).

The reference, timed in the same run by the same server under the same throttling, is a
bare 3 KB HTML page with one inline SVG chart: what no site can beat on that link. Each run
is a fresh browser context (an empty cache); the page and the reference take turns. Prints
min, median and max of each, their ratio, and the bytes the page moved.

Exits 1 if the page's median misses the target.

    .venv/bin/python benchmarks/bench_site_rural.py [--site DIR] [--repeat N] [--page PATH]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from common import ingest_all, make_parser, verdict
from infosoc.site.browser import CHROMIUM_ARGS, chromium_path

TARGET_S = 1.5
PAGE = "ru/country/KAZ/"
MBIT = 1_000_000 / 8  # bytes per second
LINK = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 2 * MBIT,
    "uploadThroughput": 0.75 * MBIT,
}
CPU_SLOWDOWN = 4
PHONE = {"width": 360, "height": 740}
# Runs before any script of the page: records the first frame in which the first chart is
# drawn (an <img> loaded and decoded, or an inline <svg>) with a size on screen.
WATCH = """
(() => {
  const check = () => {
    const chart = document.querySelector("figure.chart img, figure.chart svg.chart");
    const ready = chart && (chart.tagName.toLowerCase() === "svg"
                            || (chart.complete && chart.naturalWidth > 0));
    if (ready && chart.getBoundingClientRect().width > 0) {
      window.__firstChart = performance.now();
    } else {
      requestAnimationFrame(check);
    }
  };
  requestAnimationFrame(check);
})();
"""


def reference_page() -> str:
    """About 3 KB of HTML: a heading, two paragraphs and one chart as an inline SVG."""
    points = " ".join(f"{20 + 24 * i},{190 - (i * 37) % 150}" for i in range(21))
    ticks = "".join(
        f'<text x="{20 + 96 * i}" y="215" font-size="11">{2004 + 4 * i}</text>' for i in range(6)
    )
    text = "Индекс развития электронного правительства, 2003–2024. " * 9
    return f"""<!doctype html>
<html lang="ru"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Reference</title>
<style>body{{font-family:system-ui,sans-serif;margin:0 auto;max-width:40rem;padding:1rem}}
svg{{width:100%;height:auto}}</style></head>
<body><main><h1>Казахстан</h1><p>{text}</p>
<figure class="chart"><svg class="chart" xmlns="http://www.w3.org/2000/svg" width="520"
height="230" viewBox="0 0 520 230" role="img" aria-label="EGDI 0,3866 → 0,9009">
<rect width="520" height="230" fill="#fff"/><line x1="20" y1="200" x2="500" y2="200"
stroke="#999"/><polyline points="{points}" fill="none" stroke="#1f5fa8" stroke-width="2"/>
{ticks}</svg><figcaption>ООН, E-Government Survey</figcaption></figure>
<p>{text}</p></main></body></html>
"""


def build(data: Path, out: Path) -> None:
    """The site for Kazakhstan in en, ru and kk, from a store ingested from ``data``."""
    from infosoc import Observatory
    from infosoc.site import build_site

    with tempfile.TemporaryDirectory() as home:
        ingest_all(data, home)
        build_site(Observatory(home=home), out, langs=("en", "ru", "kk"), countries=["KAZ"])


@contextmanager
def served(root: Path) -> Iterator[str]:
    """``root`` served by the site's own server on a free port; yields the base URL."""
    from infosoc.site.serve import make_server

    server = make_server(root, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def first_chart(browser: Any, url: str) -> tuple[float, int]:
    """Seconds until the first chart is on screen, and the bytes moved, in a fresh context."""
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.add_init_script(WATCH)
        cdp = context.new_cdp_session(page)
        moved: list[int] = []
        cdp.on("Network.loadingFinished", lambda e: moved.append(int(e["encodedDataLength"])))
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", LINK)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        page.goto(url, wait_until="commit")
        page.wait_for_function("window.__firstChart !== undefined", timeout=60_000)
        seconds = float(page.evaluate("window.__firstChart")) / 1000
        page.wait_for_load_state("load")
        return seconds, sum(moved)
    finally:
        context.close()


def show(label: str, times: list[float]) -> float:
    """Print min, median and max; return the median."""
    median = statistics.median(times)
    print(
        f"{label:<40} min {min(times):6.3f} s   median {median:6.3f} s   "
        f"max {max(times):6.3f} s   (n={len(times)})"
    )
    return median


def main() -> int:
    parser = make_parser(__doc__, repeat=5)
    parser.add_argument("--site", type=Path, help="a built site (default: build one for KAZ)")
    parser.add_argument("--page", default=PAGE, help=f"the page to open (default: {PAGE})")
    args = parser.parse_args()
    chromium = chromium_path() or "/usr/bin/chromium"
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = args.site.resolve() if args.site else Path(tmp) / "site"
        if not args.site:
            build(args.data.resolve(), site)
        reference = Path(tmp) / "reference"
        reference.mkdir()
        html = reference_page()
        (reference / "index.html").write_text(html, encoding="utf-8")
        with served(site) as base, served(reference) as ref_base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            first_chart(browser, base + args.page)  # warm-up: the OS caches, the server
            pages, refs, moved = [], [], 0
            for _ in range(args.repeat):
                seconds, moved = first_chart(browser, base + args.page)
                pages.append(seconds)
                refs.append(first_chart(browser, ref_base)[0])
            browser.close()
    print(
        f"link: {LINK['downloadThroughput'] / MBIT:g} Mbit/s down, "
        f"{LINK['uploadThroughput'] / MBIT:g} up, {LINK['latency']} ms; CPU {CPU_SLOWDOWN}x "
        f"slower; viewport {PHONE['width']}x{PHONE['height']}"
    )
    ref = show(f"reference: {len(html.encode())} B, inline SVG", refs)
    median = show(f"first chart of {args.page}", pages)
    print(f"bytes moved by {args.page} (last run, headers included): {moved}")
    print(f"ratio first chart/reference (medians)    {median / ref:6.2f} x")
    return verdict(f"first chart of {args.page} on a rural link", median, TARGET_S)


if __name__ == "__main__":
    sys.exit(main())
