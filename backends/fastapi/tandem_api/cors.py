"""CORS on /api, as Hono's cors() middleware answers it: only the web app's origins are allowed,
and every preflight (OPTIONS) is answered here, before authentication.
"""

from __future__ import annotations

from typing import FrozenSet, List, Tuple

from .quota import QUOTA_HEADERS
from .request_context import Scope, Send, header

CORS_METHODS = "GET,POST,PUT,PATCH,DELETE"
CORS_HEADERS = "Authorization,Content-Type"
CORS_EXPOSE = ",".join(["Location", "Retry-After", "WWW-Authenticate", "X-Request-Id", *QUOTA_HEADERS])


def cors_headers(scope: Scope, origins: FrozenSet[str]) -> List[Tuple[str, str]]:
    """The CORS headers of a response under /api."""
    headers: List[Tuple[str, str]] = []
    origin = header(scope, b"origin") or ""
    if origin in origins:
        headers.append(("Access-Control-Allow-Origin", origin))
    headers.append(("Access-Control-Expose-Headers", CORS_EXPOSE))
    return headers


async def preflight(send: Send) -> None:
    headers = [
        ("Vary", "Origin, Access-Control-Request-Headers"),
        ("Access-Control-Max-Age", "600"),
        ("Access-Control-Allow-Methods", CORS_METHODS),
        ("Access-Control-Allow-Headers", CORS_HEADERS),
    ]
    await send(
        {
            "type": "http.response.start",
            "status": 204,
            "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers],
        }
    )
    await send({"type": "http.response.body", "body": b""})
