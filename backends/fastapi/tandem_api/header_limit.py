"""The 16 KiB bound on a request's header block, as the TS API has it (Node's maxHeaderSize).

Two places enforce it, because h11 only limits what it has to buffer: a header block that arrives
in pieces is refused by h11 once more than 16 KiB wait unparsed (``max_incomplete_event_size``,
whose default is this bound), but a block that arrives in one read is parsed whatever its size.
So ``HttpLayer`` measures every parsed request (``header_block_size``) and answers 431
problem+json, and ``BoundedH11Protocol`` turns h11's plain-text 400 into problem+json: 431 when
the bound was the reason, 400 for any other malformed request. Either way the connection closes
and the process keeps serving.
"""

from __future__ import annotations

from typing import Any, Mapping

from uvicorn.protocols.http.h11_impl import H11Protocol

from .errors import PROBLEM_CONTENT_TYPE, ApiError, problem_body
from .json_body import encode_json

HEADER_LIMIT_BYTES = 16 * 1024
HEADER_LIMIT_DETAIL = f"The request line and headers may take at most {HEADER_LIMIT_BYTES} bytes"


def headers_too_large() -> ApiError:
    return ApiError("HEADERS_TOO_LARGE", HEADER_LIMIT_DETAIL, headers={"Connection": "close"})


def header_block_size(scope: Mapping[str, Any]) -> int:
    """The bytes of the request line and header fields, as they were on the wire (near enough)."""
    target = scope.get("raw_path") or b""
    query = scope.get("query_string") or b""
    size = len(scope["method"]) + len(target) + len(query) + 12  # " ", "?", " HTTP/1.1\r\n"
    for name, value in scope.get("headers", ()):
        size += len(name) + len(value) + 4  # ": " and CRLF
    return size


def _raw_problem(error: ApiError) -> bytes:
    problem = problem_body(error, "", None)
    del problem["instance"]  # the request line may be what could not be read
    body = encode_json(problem)
    head = (
        f"HTTP/1.1 {error.status} {error.title}\r\n"
        f"content-type: {PROBLEM_CONTENT_TYPE}\r\n"
        f"content-length: {len(body)}\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode("latin-1") + body


class BoundedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol whose answer to a request it cannot parse is problem+json."""

    def send_400_response(self, msg: str) -> None:  # uvicorn's hook for h11 parse errors
        buffered, _ = self.conn.trailing_data
        error = headers_too_large() if len(buffered) > HEADER_LIMIT_BYTES else ApiError("MALFORMED_REQUEST")
        if not self.transport.is_closing():
            self.transport.write(_raw_problem(error))
        self.transport.close()


def bound_loading_server(config: Any) -> None:
    """Makes the uvicorn config that is loading the app use ``BoundedH11Protocol``."""
    if getattr(config, "http_protocol_class", None) is H11Protocol:
        config.http_protocol_class = BoundedH11Protocol
