"""The error catalogue of packages/contracts (ERROR_CODES) and the RFC 9457 problem body.

tests/test_parity.py checks this table against packages/contracts/src/rules.ts, so the two
backends cannot drift apart.
"""

from __future__ import annotations

from typing import Dict, List, Mapping, Optional, TypedDict

ERROR_CODES: Dict[str, tuple] = {
    "UNAUTHENTICATED": (401, "Authentication required"),
    "INVALID_TOKEN": (401, "Invalid access token"),
    "AUTH_UNAVAILABLE": (503, "Token verification temporarily unavailable"),
    "FORBIDDEN": (403, "Forbidden"),
    "INSUFFICIENT_SCOPE": (403, "Access token scope too narrow"),
    "STEP_UP_REQUIRED": (403, "A recent sign-in is required"),
    "NOT_FOUND": (404, "Not found"),
    "TASK_NOT_FOUND": (404, "Task not found"),
    "TEAM_NOT_FOUND": (404, "Team not found"),
    "METHOD_NOT_ALLOWED": (405, "Method not allowed"),
    "VALIDATION_FAILED": (400, "Validation failed"),
    "INVALID_JSON": (400, "Malformed JSON body"),
    "INVALID_CURSOR": (400, "Invalid pagination cursor"),
    "PAYLOAD_TOO_LARGE": (413, "Request body too large"),
    "HEADERS_TOO_LARGE": (431, "Request header fields too large"),
    "MALFORMED_REQUEST": (400, "Malformed HTTP request"),
    "UNSUPPORTED_MEDIA_TYPE": (415, "Unsupported media type"),
    "RATE_LIMITED": (429, "Too many requests"),
    "SERVICE_UNAVAILABLE": (503, "Service unavailable"),
    "INTERNAL_ERROR": (500, "Internal server error"),
}

PROBLEM_CONTENT_TYPE = "application/problem+json"


class FieldError(TypedDict):
    path: str
    message: str


def problem_type(code: str) -> str:
    """The `type` URI for an error code, e.g. ``urn:tandem:problem:task-not-found``."""
    return "urn:tandem:problem:" + code.lower().replace("_", "-")


class ApiError(Exception):
    """An error with a catalogued code; the app turns it into problem+json. Raise it anywhere
    below a route; never build error responses by hand.

    >>> raise ApiError("TASK_NOT_FOUND")
    """

    def __init__(
        self,
        code: str,
        detail: Optional[str] = None,
        errors: Optional[List[FieldError]] = None,
        headers: Optional[Mapping[str, str]] = None,
    ):
        status, title = ERROR_CODES[code]
        super().__init__(detail or title)
        self.code = code
        self.status: int = status
        self.title: str = title
        self.detail = detail
        self.errors = errors
        self.headers: Dict[str, str] = dict(headers or {})


def problem_body(error: ApiError, instance: str, request_id: Optional[str]) -> dict:
    """The RFC 9457 body, in the TypeScript API's field order, with the request's id."""
    body: dict = {"type": problem_type(error.code), "title": error.title, "status": error.status}
    if error.detail is not None:
        body["detail"] = error.detail
    body["instance"] = instance
    body["code"] = error.code
    if request_id:
        body["requestId"] = request_id
    if error.errors is not None:
        body["errors"] = error.errors
    return body
