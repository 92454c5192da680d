"""Opaque keyset cursors, byte-compatible with apps/api/src/tasks/tasks.cursor.ts: base64url of
``{"s":sort,"o":order,"v":[last row's sort-key values]}``, so a cursor from one backend works on
the other. Decoding is as lenient as Node's Buffer and as strict as the TypeScript checks: a
foreign, stale or forged cursor is 400 INVALID_CURSOR, never a database error.
"""

from __future__ import annotations

import base64
import re
from typing import Any, List, Sequence, Union

from ..errors import ApiError
from ..instants import js_date_parse, to_iso
from ..json_body import encode_json, parse_json_text
from ..validation import utf16_length

CursorValue = Union[str, int, float]
INSTANT = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$")
_BASE64 = re.compile(r"[^A-Za-z0-9+/_-]")


def _is_valid(kind: str, value: Any) -> bool:
    if kind == "rank":
        return (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and float(value).is_integer()
            and 0 <= value <= 2
        )
    if kind == "instant":
        if not isinstance(value, str) or not INSTANT.match(value) or value.startswith("0000"):
            return False
        ms = js_date_parse(value)
        # Refuses impossible dates such as 2024-02-30, which Date would roll over.
        return ms is not None and to_iso(ms) == value
    # text
    return (
        isinstance(value, str)
        and utf16_length(value) <= 1024
        and "\u0000" not in value
        and not any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    )


def encode_cursor(sort: str, order: str, values: Sequence[CursorValue]) -> str:
    data = encode_json({"s": sort, "o": order, "v": list(values)})
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _node_base64(text: str) -> bytes:
    """Buffer.from(text, "base64url"): both alphabets, stops at "=", skips anything else."""
    data = _BASE64.sub("", text.split("=", 1)[0]).replace("-", "+").replace("_", "/")
    if len(data) % 4 == 1:
        data = data[:-1]
    return base64.b64decode(data + "=" * (-len(data) % 4))


def decode_cursor(cursor: str, sort: str, order: str, kinds: Sequence[str]) -> List[CursorValue]:
    invalid = ApiError(
        "INVALID_CURSOR",
        detail="The cursor is invalid or belongs to another sort order; start again from the first page",
    )
    try:
        data = parse_json_text(_node_base64(cursor).decode("utf-8", "replace"))
    except ValueError:
        raise invalid from None
    if not isinstance(data, dict):
        raise invalid
    values = data.get("v")
    if data.get("s") != sort or data.get("o") != order or not isinstance(values, list) or len(values) != len(kinds):
        raise invalid
    if not all(_is_valid(kind, value) for kind, value in zip(kinds, values)):
        raise invalid
    return values
