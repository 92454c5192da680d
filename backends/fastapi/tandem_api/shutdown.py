"""Rolling restarts behind a load balancer (deploy/README.md), as packages/server/src/graceful-shutdown.ts:
on SIGTERM ``/ready`` fails for SHUTDOWN_DRAIN_SECONDS while every other request is still served,
then uvicorn stops accepting and finishes in-flight requests, bounded by SHUTDOWN_TIMEOUT_SECONDS.

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
from typing import Any, Awaitable, Callable, MutableMapping, Optional

from .logs import Logger


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
        if self.drain_seconds > 0:
            self._logger.info(f"shutting down (SIGTERM): not ready, draining {self.drain_seconds} s")
        loop.call_later(self.drain_seconds, self._close, loop, stop)

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
    closes it after the response but does not say so)."""

    def __init__(self, app: ASGIApp, drain: Drain):
        self.app = app
        self.drain = drain

    async def __call__(self, scope: Message, receive: Callable[[], Awaitable[Message]], send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

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
