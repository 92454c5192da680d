"""Request bodies and query strings, read exactly as apps/api/src/http/json-body.ts reads them,
and the JSON text the API writes (``encode_json``, JSON.stringify's output).

- Only JSON (``application/json`` or ``+json``, UTF-8 if a charset is named) → else 415.
- Strict UTF-8 (a leading BOM is dropped, as TextDecoder does) and JSON.parse's grammar: no NaN or
  Infinity, any depth (Python's parser recurses, so very deep documents take an iterative path).
- Query strings by the WHATWG urlencoded rules (``+`` is a space, bad escapes kept, bad UTF-8
  replaced), each parameter at most once.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]
from json.scanner import NUMBER_RE  # type: ignore[attr-defined]
from typing import Any, Dict, List, Tuple
from urllib.parse import unquote_to_bytes

from .errors import ApiError

_JS_SPACE = "[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
JSON_TYPE = re.compile(
    rf"^application/(?:[A-Za-z0-9_.+-]+\+)?json{_JS_SPACE}*"
    rf"(?:;{_JS_SPACE}*charset{_JS_SPACE}*={_JS_SPACE}*\"?utf-8\"?{_JS_SPACE}*)?$",
    re.IGNORECASE,
)


def encode_json(value: Any) -> bytes:
    """JSON.stringify's output (compact, non-ASCII as is), as UTF-8."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: escape it, as JSON.stringify does
        return json.dumps(value, separators=(",", ":"), allow_nan=False).encode("ascii")


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _number(text: str) -> Any:
    # JavaScript has one number type: integers past 2^53 are doubles (and 1e400 is Infinity).
    value = int(text)
    return value if abs(value) <= 2**53 else float(text)


_DECODER = json.JSONDecoder(parse_constant=_no_constants, parse_int=_number)


def parse_json_text(text: str) -> Any:
    """JSON.parse: raises ValueError on anything it would refuse."""
    try:
        return _DECODER.decode(text)
    except RecursionError:
        return _parse_iteratively(text)


def decode_utf8(data: bytes) -> str:
    """TextDecoder('utf-8', { fatal: true }).decode: strict, one leading BOM dropped."""
    text = data.decode("utf-8")
    return text[1:] if text.startswith("\ufeff") else text


def read_json(content_type: str, body: bytes) -> Any:
    """The JSON value of a request body; 415 if it is not declared as JSON, 400 if it is not JSON."""
    if not JSON_TYPE.match(content_type):
        raise ApiError(
            "UNSUPPORTED_MEDIA_TYPE", detail="Send the body as JSON with Content-Type: application/json"
        )
    try:
        return parse_json_text(decode_utf8(body))
    except ValueError:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ApiError("INVALID_JSON", detail="The request body is not valid JSON") from None


def js_key_order(keys: List[str]) -> List[str]:
    """The order of a JavaScript object's own keys: array indices ascending, then the rest in order."""
    indices = [k for k in keys if _is_array_index(k)]
    if not indices:
        return keys
    return sorted(indices, key=int) + [k for k in keys if not _is_array_index(k)]


def _is_array_index(key: str) -> bool:
    return key.isascii() and key.isdigit() and (key == "0" or key[0] != "0") and int(key) < 2**32 - 1


def parse_query(raw: bytes) -> List[Tuple[str, str]]:
    """URLSearchParams over the query of ``new URL(url)``: raw bytes outside ASCII are read as the
    URL parser does (Latin-1 code points, percent-encoded as UTF-8)."""
    if not raw:
        return []
    data = raw.decode("latin-1").encode("utf-8")
    pairs: List[Tuple[str, str]] = []
    for part in data.split(b"&"):
        if not part:
            continue
        name, _, value = part.partition(b"=")
        pairs.append((_form_decode(name), _form_decode(value)))
    return pairs


def _form_decode(data: bytes) -> str:
    return unquote_to_bytes(data.replace(b"+", b" ")).decode("utf-8", "replace")


def read_query(raw: bytes) -> Dict[str, str]:
    """Each parameter once (400 naming the repeated ones), in JavaScript object key order."""
    seen: Dict[str, List[str]] = {}
    for name, value in parse_query(raw):
        seen.setdefault(name, []).append(value)
    repeated = [name for name, values in seen.items() if len(values) > 1]
    if repeated:
        raise ApiError(
            "VALIDATION_FAILED",
            detail="The query string is invalid",
            errors=[{"path": f"query.{name}", "message": "Give this parameter once"} for name in repeated],
        )
    return {name: seen[name][0] for name in js_key_order(list(seen))}


_WS = " \t\n\r"


def _parse_iteratively(text: str) -> Any:
    """A non-recursive JSON parser for documents nested deeper than Python's recursion limit."""
    stack: List[Any] = []  # open containers: [list] or [dict, pending key]
    pos, end = 0, len(text)

    def skip(p: int) -> int:
        while p < end and text[p] in _WS:
            p += 1
        return p

    value: Any = None
    pos = skip(pos)
    while True:
        if pos >= end:
            raise ValueError("unexpected end of JSON")
        char = text[pos]
        have_value = True
        if char == "{":
            pos = skip(pos + 1)
            if pos < end and text[pos] == "}":
                value, pos = {}, pos + 1
            else:
                key, pos = _key(text, pos)
                stack.append([{}, key])
                pos = skip(pos + 1)
                have_value = False
        elif char == "[":
            pos = skip(pos + 1)
            if pos < end and text[pos] == "]":
                value, pos = [], pos + 1
            else:
                stack.append([[]])
                have_value = False
        elif char == '"':
            value, pos = scanstring(text, pos + 1, True)
        elif text.startswith("true", pos):
            value, pos = True, pos + 4
        elif text.startswith("false", pos):
            value, pos = False, pos + 5
        elif text.startswith("null", pos):
            value, pos = None, pos + 4
        else:
            match = NUMBER_RE.match(text, pos)
            if not match:
                raise ValueError("unexpected character in JSON")
            integer, fraction, exponent = match.groups()
            value = float(match.group()) if fraction or exponent else _number(integer)
            pos = match.end()
        while have_value:
            pos = skip(pos)
            if not stack:
                if pos != end:
                    raise ValueError("unexpected data after JSON")
                return value
            top = stack[-1]
            if len(top) == 1:
                top[0].append(value)
                closer = "]"
            else:
                top[0][top[1]] = value
                closer = "}"
            if pos < end and text[pos] == ",":
                pos = skip(pos + 1)
                if closer == "}":
                    top[1], pos = _key(text, pos)
                    pos = skip(pos + 1)
                have_value = False
            elif pos < end and text[pos] == closer:
                value = stack.pop()[0]
                pos += 1
            else:
                raise ValueError("expected , or a closing bracket")
        pos = skip(pos)


def _key(text: str, pos: int) -> Tuple[str, int]:
    """An object key and the position of the colon after it."""
    if pos >= len(text) or text[pos] != '"':
        raise ValueError("expected a key")
    key, pos = scanstring(text, pos + 1, True)
    while pos < len(text) and text[pos] in _WS:
        pos += 1
    if pos >= len(text) or text[pos] != ":":
        raise ValueError("expected :")
    return key, pos
