"""A local HTTP server that misbehaves on purpose, for the fault-injection tests.

It listens on 127.0.0.1 on a free port. Each path gets a script of answers, served in turn
(the last one again for every later request); every request is counted per path. Answers:

- ``ok(body)``: 200 with a Content-Length; ``html()``: 200 holding an HTML error page;
  ``empty()``: 200 with no body; ``status(code, headers)``: e.g. 500, or 429 with Retry-After;
- ``cut(body, at)``: the connection closed after ``at`` bytes, with a Content-Length that
  announced the whole; ``cut_chunked(body, at)``: the same without a Content-Length (chunked,
  the closing chunk never sent); ``cut_unframed(body, at)``: neither, the end of the body being
  where the connection closes (HTTP cannot tell it is cut);
- ``trickle(body, every)``: one byte of the body every ``every`` seconds (from
  the start of a ``Range`` asked for); ``trickle_head(every)``:
  the same for the status line and headers, which never end; ``silent()``: the connection is
  accepted and the request read, and no answer ever comes.

The server stops itself after ``deadline`` seconds whatever happens (a watchdog thread), and
every slow answer stops with it, so no test can hang on it.
"""

from __future__ import annotations

import socket
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>Service unavailable</title></head>"
    b"<body><h1>We'll be back soon</h1></body></html>"
)


@dataclass(frozen=True)
class Answer:
    """What the server does with one request (see the module's helpers)."""

    kind: str
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    at: int = 0
    every: float = 0.0


def ok(body: bytes, content_type: str = "text/csv") -> Answer:
    return Answer("whole", body, headers={"Content-Type": content_type})


def html() -> Answer:
    return Answer("whole", HTML_PAGE, headers={"Content-Type": "text/html; charset=utf-8"})


def empty() -> Answer:
    return Answer("whole", b"", headers={"Content-Type": "text/csv"})


def status(code: int, headers: dict[str, str] | None = None) -> Answer:
    return Answer("whole", b"error", status=code, headers=headers or {})


def cut(body: bytes, at: int) -> Answer:
    return Answer("cut", body, at=at)


def cut_chunked(body: bytes, at: int) -> Answer:
    return Answer("cut_chunked", body, at=at)


def cut_unframed(body: bytes, at: int) -> Answer:
    return Answer("cut_unframed", body, at=at)


def trickle(body: bytes, every: float) -> Answer:
    return Answer("trickle", body, every=every)


def trickle_head(every: float) -> Answer:
    return Answer("trickle_head", every=every)


def silent() -> Answer:
    return Answer("silent")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hung up is what these tests are about; the CLI runner would take
        # the default report on stderr for the command's own output.
        pass


class FaultServer:
    """``with FaultServer() as server: server.script("/f.csv", [html(), ok(data)])``; then
    ``server.url("/f.csv")`` and ``server.requests["/f.csv"]``."""

    def __init__(self, deadline: float = 30.0) -> None:
        self.deadline = deadline
        self.stop = threading.Event()
        self.requests: Counter[str] = Counter()
        self._scripts: dict[str, list[Answer]] = {}
        self._lock = threading.Lock()
        self._httpd = _Server(("127.0.0.1", 0), self._handler_class())
        self._threads: list[threading.Thread] = []

    @property
    def base(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def script(self, path: str, answers: list[Answer]) -> None:
        """Serve ``answers`` in turn at ``path``, the last one for every later request."""
        with self._lock:
            self._scripts[path] = list(answers)

    def _next(self, path: str) -> Answer:
        with self._lock:
            self.requests[path] += 1
            queue = self._scripts.get(path)
            if not queue:
                return status(404)
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def __enter__(self) -> FaultServer:
        serving = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        watchdog = threading.Thread(target=self._watch, daemon=True)
        self._threads = [serving, watchdog]
        for thread in self._threads:
            thread.start()
        return self

    def _watch(self) -> None:
        # Stops the server at the deadline, or at once when the test is done with it.
        self.stop.wait(self.deadline)
        self.stop.set()
        self._httpd.shutdown()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop.set()
        for thread in self._threads:
            thread.join(timeout=self.deadline)
        self._httpd.server_close()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                answer = server._next(self.path.split("?")[0])
                serve: Callable[[Answer], None] = getattr(self, f"_{answer.kind}")
                try:
                    serve(answer)
                except OSError:
                    self.close_connection = True  # the client gave up: fine

            def _head(self, answer: Answer, length: int | None, chunked: bool = False) -> None:
                self.send_response(answer.status)
                for key, value in answer.headers.items():
                    self.send_header(key, value)
                if length is not None:
                    self.send_header("Content-Length", str(length))
                if chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()

            def _whole(self, answer: Answer) -> None:
                self._head(answer, len(answer.body))
                self.wfile.write(answer.body)

            def _drop(self) -> None:
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True

            def _cut(self, answer: Answer) -> None:
                self._head(answer, len(answer.body))
                self.wfile.write(answer.body[: answer.at])
                self._drop()

            def _cut_chunked(self, answer: Answer) -> None:
                self._head(answer, None, chunked=True)
                part = answer.body[: answer.at]
                self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
                self._drop()

            def _cut_unframed(self, answer: Answer) -> None:
                # Neither a length nor chunks: the body ends where the connection does.
                self.send_response(200)
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(answer.body[: answer.at])
                self._drop()

            def _trickle(self, answer: Answer) -> None:
                # Honours "Range: bytes=N-", so a client that resumes gets the rest, as slowly.
                asked = self.headers.get("Range", "")
                start = (
                    int(asked[6:-1]) if asked.startswith("bytes=") and asked.endswith("-") else 0
                )
                body = answer.body[start:]
                if start:
                    total = len(answer.body)
                    headers = {"Content-Range": f"bytes {start}-{total - 1}/{total}"}
                    answer = Answer(
                        "trickle", body, 206, {**answer.headers, **headers}, every=answer.every
                    )
                self._head(answer, len(body))
                for byte in body:
                    if server.stop.wait(answer.every):
                        break
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                self._drop()

            def _trickle_head(self, answer: Answer) -> None:
                for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\n" + b"X: y\r\n" * 999:
                    if server.stop.wait(answer.every):
                        break
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                self._drop()

            def _silent(self, answer: Answer) -> None:
                server.stop.wait(server.deadline)
                self.close_connection = True

        return Handler
