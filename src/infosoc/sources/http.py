"""One HTTP policy for every download: timeouts, a minimum transfer rate, and retries with
jittered exponential backoff (stamina) that honour ``Retry-After``.

The policy (defaults in :class:`infosoc.settings.HttpSettings`, each overridable through an
``INFOSOC_HTTP_*`` environment variable; docs/reliability.md):

- connecting may take ``connect_timeout`` seconds (10); the server may then stay silent for
  ``timeout`` seconds (20), waiting for its answer or between two pieces of the body;
- the body must arrive at ``min_rate`` bytes a second (1024) or more, measured over stretches
  of ``timeout`` seconds, so a server trickling a byte now and then fails in bounded time;
  one attempt may take ``total_timeout`` seconds (3600) from the answer to its last byte;
- ``attempts`` tries (3). Retried: a connection error, a timeout, a broken or cut-short
  transfer, a trickle, HTTP 5xx and 429, an empty body, and a body the caller's check refuses.
  The wait before a retry starts at ``backoff`` seconds (1), doubles each time and has jitter;
  a 429 or 503 with ``Retry-After`` (seconds or an HTTP date) waits as asked, up to
  ``retry_after_max`` seconds (120); asked to wait longer, the download fails at once saying
  when the server asked to come back.
- Not retried: other 4xx answers, an HTML page where data was expected, a redirect loop, an
  address that is not http(s).

Every failure ends in one :class:`SourceError` naming the address and the last reason.
"""

from __future__ import annotations

import email.utils
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar
from urllib.parse import urlsplit

import httpx
import stamina

from ..errors import SourceError
from ..records import Progress
from ..settings import (
    HTTP_CONNECT_TIMEOUT_ENV,
    HTTP_MIN_RATE_ENV,
    HTTP_RETRY_AFTER_MAX_ENV,
    HTTP_TIMEOUT_ENV,
    HTTP_TOTAL_TIMEOUT_ENV,
    HttpSettings,
    http_settings,
)

# stamina logs every retry as a warning; with no logging set up Python would print it on
# stderr, where an error is one line. The progress callback says what is awaited instead.
logging.getLogger("stamina").addHandler(logging.NullHandler())

T = TypeVar("T")

#: The most bytes an answer kept in memory (a table, a JSON answer) may have: an endless or
#: huge answer is refused rather than filling the memory.
MAX_BODY = 1 << 28
#: The longest wait between retries, as a multiple of the first.
_WAIT_MAX_FACTOR = 32
#: What the start of an HTML page looks like, after white space and a byte-order mark.
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml")
_HTML_TYPES = ("text/html", "application/xhtml+xml")


class Retry(Exception):
    """An attempt failed in a way another attempt may cure; the message says how.
    ``retry_after`` is the wait the server asked for, in seconds, when it asked."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TooSlow(Retry):
    """The server answered, but slower than the policy allows (a trickle, a deadline)."""


@dataclass
class Tally:
    """How many requests a download made: the number its final error gives."""

    requests: int = 0


def new_client(policy: HttpSettings | None = None) -> httpx.Client:
    """A client with the policy's connect and read timeouts, following redirects."""
    p = policy or http_settings()
    timeout = httpx.Timeout(p.timeout, connect=p.connect_timeout, pool=p.connect_timeout)
    return httpx.Client(timeout=timeout, follow_redirects=True)


@contextmanager
def session(given: httpx.Client | None, policy: HttpSettings) -> Iterator[httpx.Client]:
    """``given``, or a client of our own for the block, closed after it."""
    if given is not None:
        yield given
        return
    own = new_client(policy)
    try:
        yield own
    finally:
        own.close()


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """The seconds a ``Retry-After`` header asks to wait (a number or an HTTP date); None
    when there is none or it cannot be read."""
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(int(text[:12]))
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def check_status(url: str, response: httpx.Response, policy: HttpSettings) -> None:
    """Raise Retry for an answer worth another attempt (5xx, 429), SourceError for one that
    is not (other 4xx; a Retry-After beyond the cap); return for a 2xx."""
    status = response.status_code
    if status in (429, 503):
        wait = retry_after(response.headers.get("retry-after"))
        if wait is not None and wait > policy.retry_after_max:
            back = datetime.now(UTC) + timedelta(seconds=min(wait, 1e9))
            raise SourceError(
                f"{url}: HTTP {status}; the server asked to come back in {wait:.0f} s (at "
                f"{back:%Y-%m-%d %H:%M} UTC), longer than {HTTP_RETRY_AFTER_MAX_ENV} "
                f"({policy.retry_after_max:g} s); not retried, try again then"
            )
        asked = f", asked to wait {wait:g} s" if wait is not None else ""
        raise Retry(f"HTTP {status}{asked}", retry_after=wait)
    if status >= 500:
        raise Retry(f"HTTP {status}")
    if status >= 400:
        raise SourceError(f"{url}: HTTP {status}; not retried")
    if not 200 <= status < 300:
        raise SourceError(f"{url}: unexpected HTTP {status}")


def refuse_html(url: str, content_type: str | None, body: bytes, expect: str) -> None:
    """A SourceError if the answer is an HTML page (by its type or its first bytes) where
    ``expect`` (e.g. "a CSV file") was asked for: an error or sign-in page, never data."""
    kind = (content_type or "").split(";")[0].strip().lower()
    start = body[:64].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if kind in _HTML_TYPES or start.startswith(_HTML_STARTS):
        shown = f" ({kind})" if kind in _HTML_TYPES else ""
        raise SourceError(
            f"{url}: the server answered with an HTML page{shown} where {expect} was expected "
            "(an error or sign-in page?); not retried, nothing kept"
        )


def describe(exc: BaseException, policy: HttpSettings) -> str:
    """What a transport error means for the user, with the setting that bounds it."""
    detail = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, httpx.ConnectTimeout):
        return f"could not connect within {policy.connect_timeout:g} s ({HTTP_CONNECT_TIMEOUT_ENV})"
    if isinstance(exc, httpx.TimeoutException):
        return (
            f"the server sent nothing for {policy.timeout:g} s ({HTTP_TIMEOUT_ENV}) while "
            f"an answer was awaited"
        )
    if isinstance(exc, httpx.ConnectError):
        return f"could not connect ({detail})"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"the connection closed before the whole answer arrived ({detail})"
    if isinstance(exc, httpx.ReadError):
        return f"the connection broke during the transfer ({detail})"
    return f"{type(exc).__name__}: {detail}"


@contextmanager
def request(
    client: httpx.Client,
    url: str,
    tally: Tally,
    policy: HttpSettings,
    headers: dict[str, str] | None = None,
) -> Iterator[httpx.Response]:
    """One GET, its body not yet read (see :func:`chunks`).

    The head of the answer (status line and headers) must be complete within the connect and
    read timeouts together: the read timeout alone bounds only each silence, and a server
    sending its head a byte at a time would never trip it. A watchdog shuts the connection
    down at that deadline (each request has a connection of its own, so it can)."""
    tally.requests += 1
    sockets: list[socket.socket] = []
    late = threading.Event()

    def trace(event: str, info: dict[str, object]) -> None:
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            stream = info.get("return_value")
            found = getattr(stream, "get_extra_info", lambda _name: None)("socket")
            if isinstance(found, socket.socket):
                sockets.append(found)

    def abort() -> None:
        late.set()
        for sock in sockets:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    deadline = policy.connect_timeout + policy.timeout
    watchdog = threading.Timer(deadline, abort)
    watchdog.daemon = True
    asked = {**(headers or {}), "Connection": "close"}
    watchdog.start()
    try:
        with client.stream("GET", url, headers=asked, extensions={"trace": trace}) as response:
            watchdog.cancel()
            yield response
    except httpx.TransportError as exc:
        if late.is_set():
            raise TooSlow(
                f"the server sent no complete answer within {deadline:g} s "
                f"({HTTP_CONNECT_TIMEOUT_ENV} + {HTTP_TIMEOUT_ENV})"
            ) from exc
        raise
    finally:
        watchdog.cancel()


def chunks(
    response: httpx.Response,
    policy: HttpSettings,
    *,
    raw: bool = False,
    report: Callable[[int], None] | None = None,
) -> Iterator[bytes]:
    """The body as it arrives (decoded, or as sent when ``raw``); Retry when it comes slower
    than the minimum rate over a stretch of ``timeout`` seconds, or when the attempt runs past
    ``total_timeout``. ``report(bytes so far)`` follows the transfer."""
    started = mark = time.monotonic()
    mark_bytes = count = 0
    source = response.iter_raw() if raw else response.iter_bytes()
    for chunk in source:
        now = time.monotonic()
        count += len(chunk)
        # The bytes on the wire; an answer built in memory (a test's) has none counted.
        got = response.num_bytes_downloaded or count
        if now - started > policy.total_timeout:
            raise TooSlow(
                f"the transfer took longer than {policy.total_timeout:g} s "
                f"({HTTP_TOTAL_TIMEOUT_ENV})"
            )
        elapsed = now - mark
        if policy.min_rate and elapsed >= policy.timeout:
            sent = got - mark_bytes
            if sent < policy.min_rate * elapsed:
                raise TooSlow(
                    f"the server sent {sent} bytes in {elapsed:.1f} s, below the minimum rate "
                    f"of {policy.min_rate:g} bytes a second ({HTTP_MIN_RATE_ENV})"
                )
            mark, mark_bytes = now, got
        if report is not None:
            report(got)
        yield chunk


def _retryable(exc: BaseException) -> bool | float:
    if isinstance(exc, Retry):
        return True if exc.retry_after is None else exc.retry_after
    if isinstance(exc, httpx.UnsupportedProtocol):
        return False
    return isinstance(exc, httpx.TransportError | httpx.DecodingError)


def _attempts(tally: Tally) -> str:
    return f"{tally.requests} attempt" + ("" if tally.requests == 1 else "s")


def run(
    url: str,
    attempt: Callable[[], T],
    *,
    policy: HttpSettings,
    tally: Tally,
    backoff: float | None = None,
    progress: Progress | None = None,
    label: str = "",
) -> T:
    """``attempt()``'s result, retried by the policy (``backoff``: the first wait, instead of
    the policy's); after the last attempt, or a failure no retry cures, one SourceError."""
    first = policy.backoff if backoff is None else backoff
    try:
        host = urlsplit(url).netloc or url
    except ValueError:  # e.g. an unclosed "[" of an IPv6 address: httpx says what is wrong
        host = url
    tried = 0

    def say(note: str) -> None:
        if progress is not None:
            progress(0, None, f"{label}: {note}" if label else note)

    def hook(exc: BaseException) -> bool | float:
        verdict = _retryable(exc)
        if verdict is not False and tried < policy.attempts:
            why = str(exc) if isinstance(exc, Retry) else describe(exc, policy)
            say(f"{why}; trying again (attempt {tried + 1} of {policy.attempts})")
        return verdict

    try:
        for step in stamina.retry_context(
            on=hook,
            attempts=policy.attempts,
            timeout=None,
            wait_initial=first,
            wait_max=first * _WAIT_MAX_FACTOR,
            wait_jitter=first,
            name="infosoc download",
        ):
            with step:
                tried += 1
                if tried == 1:
                    say(f"waiting for {host}")
                return attempt()
    except Retry as exc:
        raise SourceError(f"{url}: failed after {_attempts(tally)} ({exc})") from exc
    except (httpx.UnsupportedProtocol, httpx.InvalidURL, httpx.TooManyRedirects) as exc:
        why = str(exc).rstrip(".")
        raise SourceError(f"{url}: {type(exc).__name__}: {why}; not retried") from exc
    except (httpx.TransportError, httpx.DecodingError) as exc:
        reason = describe(exc, policy)
        raise SourceError(f"{url}: failed after {_attempts(tally)} ({reason})") from exc
    except httpx.HTTPError as exc:
        raise SourceError(f"{url}: {describe(exc, policy)}") from exc
    raise AssertionError("stamina ends in a result or an exception")  # pragma: no cover


def get(
    url: str,
    *,
    expect: str,
    client: httpx.Client | None = None,
    check: Callable[[bytes], str | None] | None = None,
    backoff: float | None = None,
    progress: Progress | None = None,
    label: str = "",
) -> bytes:
    """The whole body at ``url``, checked: a 200 answer, not an HTML page where ``expect``
    (e.g. "a CSV file") was asked for, not empty, as long as its Content-Length, not cut short
    by the connection, and accepted by ``check`` (which returns why it refuses, or None).
    Retried and bounded by the policy; a failure is one SourceError."""
    policy = http_settings()
    tally = Tally()

    def report(done: int, total: int | None) -> None:
        if progress is not None:
            progress(done, total, label or "downloading")

    with session(client, policy) as active:

        def attempt() -> bytes:
            return _checked_body(active, url, policy, tally, expect, check, report)

        return run(
            url,
            attempt,
            policy=policy,
            tally=tally,
            backoff=backoff,
            progress=progress,
            label=label,
        )


def _checked_body(
    client: httpx.Client,
    url: str,
    policy: HttpSettings,
    tally: Tally,
    expect: str,
    check: Callable[[bytes], str | None] | None,
    report: Callable[[int, int | None], None],
) -> bytes:
    """One attempt of :func:`get`."""
    with request(client, url, tally, policy) as response:
        check_status(url, response, policy)
        if response.status_code != 200:  # 204 has no body, 206 a part of one
            raise SourceError(f"{url}: unexpected HTTP {response.status_code}; not retried")
        announced = response.headers.get("content-length")
        total = int(announced) if announced and announced.isdigit() else None
        body = bytearray()
        for chunk in chunks(response, policy, report=lambda got: report(got, total)):
            body += chunk
            if len(body) > MAX_BODY:
                raise SourceError(f"{url}: the answer is larger than {MAX_BODY} bytes")
        # Content-Length counts the bytes on the wire (compressed when the server gzips).
        received = response.num_bytes_downloaded or len(body)
        content_type = response.headers.get("content-type")
    if total is not None and received != total:
        raise Retry(f"truncated download ({received} of {total} bytes)")
    if not body:
        raise Retry("the answer was empty")
    data = bytes(body)
    refuse_html(url, content_type, data, expect)
    problem = check(data) if check else None
    if problem:
        raise Retry(problem)
    return data
