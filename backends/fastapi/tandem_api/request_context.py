"""What every request carries through the HTTP layer: the ASGI types, header reading, and the
request id (the client's ``X-Request-Id`` when it is safe to echo, else a fresh UUID).
"""

from __future__ import annotations

import re
import uuid
from typing import Any, Awaitable, Callable, MutableMapping, Optional

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

REQUEST_ID = re.compile(r"^[A-Za-z0-9_=-]+$")
# Anything shaped like a personal access token (docs/decisions/017), wherever a client put it.
ACCESS_TOKEN_PREFIX = "tandem_pat_"
_ACCESS_TOKEN_LIKE = re.compile(r"tandem_pat_[A-Za-z0-9_-]*")


def without_access_tokens(text: str) -> str:
    """``text`` with every access-token-shaped part replaced, for the logs."""
    return _ACCESS_TOKEN_LIKE.sub(ACCESS_TOKEN_PREFIX + "[redacted]", text)


def header(scope: Scope, name: bytes) -> Optional[str]:
    """A request header, repeated lines joined with ", " (as fetch's Headers does)."""
    values = [v.decode("latin-1") for k, v in scope["headers"] if k.lower() == name]
    return ", ".join(values) if values else None


def request_id_of(scope: Scope) -> str:
    incoming = header(scope, b"x-request-id")
    # Echoed and logged: one that carries a personal access token is replaced.
    if incoming and len(incoming) <= 255 and REQUEST_ID.match(incoming) and ACCESS_TOKEN_PREFIX not in incoming:
        return incoming
    return str(uuid.uuid4())

