"""A local look at a built site: a small HTTP server on 127.0.0.1 that answers gzip-encoded
when the browser accepts it, as any real host of the site would."""

from __future__ import annotations

import contextlib
import gzip
import http.server
import io
import os
from functools import partial
from pathlib import Path
from typing import Any

from ..errors import InputError

#: Files worth compressing; pictures in PNG and zips are compressed already.
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".csv", ".txt", ".bib")


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the site's folder; text answers gzip-encoded for clients that accept it."""

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def send_head(self) -> Any:
        target = Path(self.translate_path(self.path))
        if target.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()  # the standard redirect to the folder's "/"
            target = target / "index.html"
        accepts = accepts_gzip(self.headers.get("Accept-Encoding", ""))
        if not (accepts and target.is_file() and target.suffix in COMPRESSIBLE):
            return super().send_head()
        body = gzip.compress(target.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(target)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)

    def copyfile(self, source: Any, outputfile: Any) -> None:
        # The browser may go elsewhere before the answer is sent: nothing to do then.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().copyfile(source, outputfile)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding header accepts gzip ("gzip;q=0" refuses it)."""
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            quality = params.strip().lower()
            if quality.startswith("q="):
                try:
                    return float(quality[2:]) > 0
                except ValueError:
                    return False
            return True
    return False


def make_server(root: Path | str, port: int = 8000) -> http.server.ThreadingHTTPServer:
    """A server of ``root`` on 127.0.0.1:``port`` (0: any free port), not yet serving."""
    folder = Path(root)
    if not (folder / "index.html").is_file():
        raise InputError(f"{folder}: not a built site (no index.html); run infosoc site build")
    if not 0 <= port <= 65535:
        raise InputError(f"--port must be between 0 and 65535, not {port}")
    handler = partial(Handler, directory=os.fspath(folder))
    try:
        return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise InputError(f"cannot serve on 127.0.0.1:{port}: {exc.strerror}") from None


def serve(root: Path | str, port: int = 8000) -> None:
    """Serve ``root`` on 127.0.0.1:``port`` until interrupted."""
    server = make_server(root, port)
    with server:
        server.serve_forever()
