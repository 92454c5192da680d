"""Rolling restarts behind a load balancer (deploy/README.md), as packages/server/src/graceful-shutdown.ts:
on SIGTERM ``/ready`` fails for SHUTDOWN_DRAIN_SECONDS while every other request is still served
(longer while requests still arrive, at most twice as long: see ``quiet_seconds``), then uvicorn
stops accepting and finishes in-flight requests, bounded by SHUTDOWN_TIMEOUT_SECONDS.

uvicorn stops accepting as soon as it sees SIGTERM, so this takes the signal over once uvicorn has
installed its handlers (from a startup event) and hands it on when the drain ends. SIGINT stays
uvicorn's: Ctrl-C stops at once.

    drain = Drain(settings.shutdown_drain_seconds, settings.shutdown_timeout_seconds, logger)
    application.add_event_handler("startup", drain.take_over_sigterm)
    application.add_middleware(CloseAfterDrain, drain=drain)
    # and in /ready: if drain.draining, answer 503
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from typing import Any, Awaitable, Callable, MutableMapping, Optional

from .logs import Logger

# The balancer's and the orchestrator's checks: they come whether or not it still sends work.
PROBE_PATHS = frozenset({"/ready", "/health"})


def quiet_seconds(drain_seconds: float) -> float:
    """How long no request may have arrived before the drain may end: a balancer that has taken
    the instance out sends nothing more, while one still sending under load sends far more often."""
    return min(1.0, drain_seconds / 2)


class Drain:
    def __init__(
        self, drain_seconds: float, timeout_seconds: float, logger: Logger, exit_process: Callable[[int], None] = os._exit
    ):
        self.drain_seconds = drain_seconds
        self.timeout_seconds = timeout_seconds
        self.draining = False
        # From the drain's end: uvicorn closes every connection after its current response.
        self.closing = False
        self._logger = logger
        self._exit = exit_process
        self._drain_started_at = 0.0
        self._last_arrival_at = 0.0
        self._extended = False

    def note_request(self, path: str) -> None:
        # Only arrivals during the drain decide when it ends: nothing to do per request before it.
        if self.draining and not self.closing and path not in PROBE_PATHS:
            self._last_arrival_at = time.monotonic()

    def take_over_sigterm(self) -> None:
        """Replaces the running loop's SIGTERM handler (uvicorn's) with the drain; no-op when there
        is none to hand on to (not under uvicorn, or not in the main thread)."""
        if threading.current_thread() is not threading.main_thread():
            return  # signals reach the main thread only (a test client runs the app elsewhere)
        loop = asyncio.get_running_loop()
        stop = _uvicorn_sigterm(loop)
        if stop is None:
            self._logger.warn("no SIGTERM handler to take over: shutting down without a drain")
            return
        loop.add_signal_handler(signal.SIGTERM, self.begin, loop, stop)

    def begin(self, loop: asyncio.AbstractEventLoop, stop: Callable[[], None]) -> None:
        """The first SIGTERM: not ready now, uvicorn's shutdown after the drain. Repeats are ignored."""
        if self.draining:
            return
        self.draining = True
        self._drain_started_at = time.monotonic()
        if self.drain_seconds > 0:
            self._logger.info(f"shutting down (SIGTERM): not ready, draining {self.drain_seconds} s")
        loop.call_later(self.drain_seconds, self._close_when_quiet, loop, stop)

    def _close_when_quiet(self, loop: asyncio.AbstractEventLoop, stop: Callable[[], None]) -> None:
        # Closing while the balancer still sends races it: it may pick an idle keep-alive
        # connection just as it closes, and then drops its client's connection without an answer.
        # A balancer whose checks ran late is still sending when the drain ends: wait until it stops.
        now = time.monotonic()
        quiet = quiet_seconds(self.drain_seconds)
        idle = now - self._last_arrival_at
        if idle >= quiet:
            self._close(loop, stop)
            return
        if now - self._drain_started_at >= 2 * self.drain_seconds:
            self._logger.warn(
                f"requests still arriving {2 * self.drain_seconds:.1f} s after SIGTERM; closing anyway (does the balancer check /ready?)"
            )
            self._close(loop, stop)
            return
        if not self._extended:
            self._extended = True
            self._logger.info(f"requests still arriving; draining until none has for {round(quiet * 1000)} ms")
        loop.call_later(quiet - idle, self._close_when_quiet, loop, stop)

    def _close(self, loop: asyncio.AbstractEventLoop, stop: Callable[[], None]) -> None:
        self.closing = True
        self._logger.info("shutting down: not accepting, finishing in-flight requests")
        stop()
        loop.call_later(self.timeout_seconds, self._force)

    def _force(self) -> None:
        self._logger.warn(f"in-flight requests did not finish in {self.timeout_seconds} s; exiting")
        self._exit(1)


Message = MutableMapping[str, Any]
ASGIApp = Callable[[Message, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]


class CloseAfterDrain:
    """ASGI middleware: once the drain has ended, every response says ``Connection: close``, so a
    keep-alive client does not send its next request down a connection about to close (uvicorn
    closes it after the response but does not say so). It also tells the drain what arrives."""

    def __init__(self, app: ASGIApp, drain: Drain):
        self.app = app
        self.drain = drain

    async def __call__(self, scope: Message, receive: Callable[[], Awaitable[Message]], send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.drain.note_request(scope.get("path", ""))

        async def send_closing(message: Message) -> None:
            if message["type"] == "http.response.start" and self.drain.closing:
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"connection"]
                message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        await self.app(scope, receive, send_closing)


def _uvicorn_sigterm(loop: asyncio.AbstractEventLoop) -> Optional[Callable[[], None]]:
    # uvicorn < 0.29 registers its handler on the loop (asyncio keeps it in a private table); later
    # versions use signal.signal. Either way the handler is Server.handle_exit(sig, frame).
    handle = getattr(loop, "_signal_handlers", {}).get(signal.SIGTERM)
    if handle is not None:
        callback, args = handle._callback, handle._args
        return lambda: callback(*args)
    previous = signal.getsignal(signal.SIGTERM)
    if callable(previous):
        return lambda: previous(signal.SIGTERM, None)
    return None
