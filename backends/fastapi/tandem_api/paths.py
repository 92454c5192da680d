"""Request paths as Hono sees them in the TypeScript API, so routing, ``instance`` and logs agree.

The WHATWG URL parser resolves dot segments (also percent-encoded ones) and reads ``\\`` as ``/``;
Hono then decodes the path with ``decodeURI`` (reserved characters such as ``%2F`` stay encoded),
and route parameters with ``decodeURIComponent``. Undecodable escapes are kept as they are.
"""

from __future__ import annotations

import re
from typing import List

_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_RESERVED = set(";/?:@&=+$,#")


def _decode_run(run: str, keep_reserved: bool) -> str:
    data = bytes(int(run[i + 1 : i + 3], 16) for i in range(0, len(run), 3))
    text = data.decode("utf-8")  # raises UnicodeDecodeError like decodeURI's URIError
    if not keep_reserved:
        return text
    out: List[str] = []
    pos = 0
    for char in text:
        width = len(char.encode("utf-8"))
        out.append(run[pos : pos + 3 * width] if char in _RESERVED else char)
        pos += 3 * width
    return "".join(out)


def _decode(value: str, keep_reserved: bool) -> str:
    if "%" not in value:
        return value
    try:
        return _ESCAPES.sub(lambda m: _decode_run(m.group(), keep_reserved), value)
    except UnicodeDecodeError:
        pass

    def each(match: "re.Match[str]") -> str:
        try:
            return _decode_run(match.group(), keep_reserved)
        except UnicodeDecodeError:
            return match.group()

    return _ESCAPES.sub(each, value)


def decode_uri_component(value: str) -> str:
    return _decode(value, keep_reserved=False)


def _is_dot(segment: str) -> bool:
    return segment == "." or segment.lower() == "%2e"


def _is_dot_dot(segment: str) -> bool:
    return segment.lower() in ("..", ".%2e", "%2e.", "%2e%2e")


def normalise(raw_path: str) -> str:
    """The URL parser's path: backslashes as slashes, ``.`` and ``..`` segments resolved."""
    path = raw_path.replace("\\", "/")
    if "." not in path and "%2" not in path.lower():
        return path
    segments = path.split("/")[1:]
    out: List[str] = []
    for i, segment in enumerate(segments):
        last = i == len(segments) - 1
        if _is_dot_dot(segment):
            if out:
                out.pop()
            if last:
                out.append("")
        elif _is_dot(segment):
            if last:
                out.append("")
        else:
            out.append(segment)
    return "/" + "/".join(out)


def hono_path(raw_path: bytes) -> str:
    """``c.req.path`` of the TypeScript API for a raw request path."""
    text = raw_path.decode("latin-1")
    # The URL parser percent-encodes what is not ASCII, as UTF-8.
    if not text.isascii():
        text = "".join(c if ord(c) < 0x80 else "".join(f"%{b:02X}" for b in c.encode("utf-8")) for c in text)
    return _decode(normalise(text or "/"), keep_reserved=True)


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")
