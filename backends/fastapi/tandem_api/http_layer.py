"""The outer HTTP layer, one pure ASGI middleware (the Hono middlewares of apps/api/src/app.ts):

request id → access log → security headers → CORS on /api → body limit on /api → the app.
Its parts live beside it: request_context.py (ASGI types, headers, request id), cors.py, and
problems.py, the one place where errors become RFC 9457 problem+json (like Hono's ``onError``).
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any, Dict, FrozenSet, List, Tuple

from .cors import cors_headers, preflight
from .errors import ApiError
from .header_limit import HEADER_LIMIT_BYTES, header_block_size, headers_too_large
from .logs import Logger
from .paths import hono_path, is_api_path
from .problems import send_problem, send_unexpected_error
from .request_context import ASGIApp, Message, Receive, Scope, Send, header, request_id_of, without_access_tokens

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
NO_BODY_METHODS = ("GET", "HEAD")
# A refused body of a client that asked to close is read (and discarded) before the 413, within
# these bounds: closing with unread bytes makes the kernel send a reset that can destroy the answer.
LINGER_SECONDS = 5.0
LINGER_MAX_BYTES = 64 * 1024 * 1024


async def discard_if_closing(scope: Scope, receive: Receive) -> None:
    """Reads the rest of a refused body when the client said `Connection: close` (uvicorn closes
    at once after the answer then; on a kept-alive connection it reads the rest itself)."""
    if "close" not in (header(scope, b"connection") or "").lower():
        return

    async def drain() -> None:
        read = 0
        while read <= LINGER_MAX_BYTES:
            message = await receive()
            read += len(message.get("body", b""))
            if message["type"] == "http.disconnect" or not message.get("more_body", False):
                return

    try:
        await asyncio.wait_for(drain(), LINGER_SECONDS)
    except asyncio.TimeoutError:
        pass


class HttpLayer:
    def __init__(
        self, app: ASGIApp, logger: Logger, web_origins: Tuple[str, ...], body_limit_bytes: int
    ):
        self.app = app
        self.logger = logger
        self.origins: FrozenSet[str] = frozenset(web_origins)
        self.body_limit = body_limit_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = request_id_of(scope)
        # raw_path has no query string under uvicorn; some test clients leave it in.
        raw_path = (scope.get("raw_path") or scope["path"].encode("utf-8")).split(b"?", 1)[0]
        path = hono_path(raw_path)
        method = scope["method"]
        api = is_api_path(path)
        log = self.logger.child(reqId=request_id)
        state: Dict[str, Any] = scope.setdefault("state", {})
        state.update(request_id=request_id, path=path, logger=log, quota_headers=None, identity=None)
        scope["path"] = path
        scope["root_path"] = ""
        if method == "HEAD":
            scope["method"] = "GET"  # Hono answers HEAD with the GET route, without the body

        extra: List[Tuple[str, str]] = [("X-Request-Id", request_id)]
        if api:
            extra.extend(cors_headers(scope, self.origins))
        status_box = [500]

        async def send_wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_box[0] = message["status"]
                message["headers"] = self._finish_headers(message.get("headers", []), extra, state, path, api, method)
            elif message["type"] == "http.response.body" and method == "HEAD":
                message = {**message, "body": b""}
            await send(message)

        try:
            if header_block_size(scope) > HEADER_LIMIT_BYTES:
                raise headers_too_large()
            if api and method == "OPTIONS":
                await preflight(send_wrapped)
            else:
                if api and method not in NO_BODY_METHODS:
                    receive = await self._read_body(scope, receive, state)
                await self.app(scope, receive, send_wrapped)
        except ApiError as error:
            await send_problem(send_wrapped, error, path, request_id)
        except Exception as error:  # noqa: BLE001 - the one place unexpected errors end
            if state.get("response_started"):
                raise
            await send_unexpected_error(send_wrapped, error, path, request_id, log)
        finally:
            identity = state.get("identity")
            entry = {
                "method": method,
                # A token pasted into the path (/api/<token>/tasks) is redacted.
                "path": without_access_tokens(path),
                "status": status_box[0],
                "ms": round((time.perf_counter() - started) * 1000, 1),
                "userId": identity.user_id if identity is not None else None,
            }
            if status_box[0] >= 500:
                log.error("request failed", **entry)
            else:
                log.info("request", **entry)

    def _finish_headers(
        self,
        raw: List[Tuple[bytes, bytes]],
        extra: List[Tuple[str, str]],
        state: Dict[str, Any],
        path: str,
        api: bool,
        method: str,
    ) -> List[Tuple[bytes, bytes]]:
        headers: Dict[str, str] = {}
        names: Dict[str, str] = {}
        for key, value in raw:
            name = key.decode("latin-1")
            lower = name.lower()
            if lower in headers and lower != "content-type":
                headers[lower] += ", " + value.decode("latin-1")
            else:
                headers[lower] = value.decode("latin-1")
                names[lower] = name

        def put(name: str, value: str) -> None:
            headers[name.lower()] = value
            names[name.lower()] = name

        for name, value in extra:
            put(name, value)
        if api and method != "OPTIONS":
            vary = headers.get("vary")
            put("Vary", f"{vary}, Origin" if vary else "Origin")
        quota = state.get("quota_headers")
        if quota:
            for name, value in quota.items():
                put(name, value)
        put("X-Content-Type-Options", "nosniff")
        put("Referrer-Policy", "no-referrer")
        put("X-Frame-Options", "DENY")
        if "content-security-policy" not in headers:
            put("Content-Security-Policy", API_CSP)
        if api:
            put("Cache-Control", "no-store")
        headers.pop("x-powered-by", None)
        headers.pop("server", None)
        state["response_started"] = True
        return [(names[k].encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]

    async def _read_body(self, scope: Scope, receive: Receive, state: Dict[str, Any]) -> Receive:
        """Enforces the body limit before authentication (like hono/body-limit) and keeps the body."""
        too_large = ApiError("PAYLOAD_TOO_LARGE", detail=f"The body must be at most {self.body_limit} bytes")
        declared = header(scope, b"content-length")
        if declared is not None and header(scope, b"transfer-encoding") is None:
            digits = re.match(r"^\s*[+-]?[0-9]+", declared)
            if digits and int(digits.group()) > self.body_limit:
                await discard_if_closing(scope, receive)
                raise too_large
        chunks: List[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.body_limit:
                if message.get("more_body", False):
                    await discard_if_closing(scope, receive)
                raise too_large
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        state["body"] = body
        sent = [False]

        async def replay() -> Message:
            if not sent[0]:
                sent[0] = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return replay
