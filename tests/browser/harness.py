"""The browser harness: pages that record every request and console error, and axe-core."""

from __future__ import annotations

import functools
import http.server
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

LOCAL_HOST = "127.0.0.1"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def make_server(root: Path) -> http.server.ThreadingHTTPServer:
    """The site's own server (``infosoc.site.serve.make_server``) for ``root`` on a free port
    of 127.0.0.1; a plain stdlib one if the site has none (the tests weigh pages from their
    bodies, so they do not depend on the server's gzip)."""
    try:
        from infosoc.site.serve import make_server as site_server
    except ImportError:
        handler = functools.partial(_QuietHandler, directory=str(root))
        return http.server.ThreadingHTTPServer((LOCAL_HOST, 0), handler)
    server: http.server.ThreadingHTTPServer = site_server(root, 0)
    return server


def is_local(url: str) -> bool:
    """True for a URL that stays on this machine's site: 127.0.0.1, or data:/blob:/about:."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.scheme in ("http", "https") and parts.hostname == LOCAL_HOST


@dataclass
class Visit:
    """One page in its own browser context, with what it asked for and what went wrong."""

    page: Any
    context: Any
    base: str
    requests: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    responses: list[Any] = field(default_factory=list)
    checked: bool = False

    def url(self, path: str) -> str:
        return urljoin(self.base, path)

    def goto(self, path: str, *, wait_until: str = "load") -> Any:
        """Open ``path`` (relative to the site root); fail on an HTTP error."""
        response = self.page.goto(self.url(path), wait_until=wait_until)
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        return response

    def check_clean(self) -> None:
        """Fail if the page reached beyond 127.0.0.1 or logged an error on the console."""
        self.checked = True
        assert not self.external, f"requests beyond {LOCAL_HOST}: {self.external}"
        assert not self.console_errors, f"console errors: {self.console_errors}"


def new_visit(
    browser: Any, base: str, *, width: int = 1280, height: int = 800, js: bool = True
) -> Visit:
    """A fresh context and page whose requests beyond 127.0.0.1 are aborted and recorded."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, java_script_enabled=js
    )
    page = context.new_page()
    visit = Visit(page=page, context=context, base=base)

    def route(route: Any) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            if url not in visit.external:
                visit.external.append(url)
            route.abort()

    def on_request(request: Any) -> None:
        visit.requests.append(request.url)
        if not is_local(request.url) and request.url not in visit.external:
            visit.external.append(request.url)

    def on_console(message: Any) -> None:
        if message.type == "error":
            visit.console_errors.append(f"{message.text} ({page.url})")

    context.route("**/*", route)
    context.on("request", on_request)
    page.on("console", on_console)
    page.on("pageerror", lambda error: visit.console_errors.append(f"{error} ({page.url})"))
    page.on("response", lambda response: visit.responses.append(response))
    return visit


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page, one line per element.

    axe-core is the copy bundled in axe-playwright-python, injected into the page: no request.
    """
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] not in ("serious", "critical"):
            continue
        for node in violation["nodes"]:
            where = ", ".join(map(str, node["target"]))
            found.append(
                f"{violation['id']} ({violation['impact']}) at {where}: {violation['help']}"
            )
    return found
