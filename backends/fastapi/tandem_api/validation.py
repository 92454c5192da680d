"""The request schemas of packages/contracts (tasks.ts, text.ts, teams.ts), with zod's rules and messages.

Strict: unknown keys are refused one by one, nothing is coerced, text is trimmed (JavaScript's
whitespace set) and measured in code points. Errors come out as ``[{path, message}]`` in the
order zod reports them, so both backends answer the same ``errors`` array.
"""

from __future__ import annotations

import math
import re
from typing import Any, Dict, List, Optional, Tuple

from .errors import FieldError
from .instants import normalise_instant
from .json_body import js_key_order

PRIORITIES = ("low", "medium", "high")
TASK_STATUSES = ("all", "active", "completed")
TASK_SORTS = ("created", "due", "priority", "title")
ORDERS = ("asc", "desc")
DEFAULT_ORDER = {"created": "desc", "due": "asc", "priority": "desc", "title": "asc"}
LIMIT_DEFAULT = 20
LIMIT_MAX = 100
TITLE_MAX = 200
DESCRIPTION_MAX = 5000
SEARCH_MAX = 200
CURSOR_MAX = 4096
TASK_FIELDS = ("title", "description", "completed", "priority", "dueAt")
# A team task's body (teams.ts extends the task schemas): the same fields, then the assignee.
TEAM_TASK_FIELDS = TASK_FIELDS + ("assigneeId",)
# TEAM_ID_PATTERN of teams.ts: Better Auth's ids (teams and users alike). Use fullmatch: "$" would
# let a trailing newline through.
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")

# String.prototype.trim's whitespace (WhiteSpace and LineTerminator in ECMAScript), which is
# not Python's str.strip() set (that one also strips U+001C–U+001F and U+0085, and keeps U+FEFF).
JS_WHITESPACE = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
ANY_CONTROL = re.compile("[\u0000-\u001f\u007f-\u009f]")
CONTROL_EXCEPT_WHITESPACE = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]")
SURROGATE = re.compile("[\ud800-\udfff]")
LIMIT = re.compile(r"^[0-9]{1,6}$")

Errors = List[FieldError]


def js_type(value: Any) -> str:
    """The type name zod puts in "received …"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, float) and math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"  # zod names non-finite numbers
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def utf16_length(value: str) -> int:
    """String length as JavaScript counts it (UTF-16 code units)."""
    return len(value) + sum(1 for c in value if ord(c) > 0xFFFF)


def _type_error(expected: str, value: Any) -> str:
    return f"Invalid input: expected {expected}, received {js_type(value)}"


def _enum_error(options: Tuple[str, ...]) -> str:
    return "Invalid option: expected one of " + "|".join(f'"{o}"' for o in options)


def check_text(
    value: Any, path: str, errors: Errors, *, label: str, minimum: int, maximum: int, single_line: bool
) -> Optional[str]:
    """Title, description and search text: trimmed, well-formed, no control characters, length in
    code points. Every failed rule is reported (zod runs all refinements)."""
    if not isinstance(value, str):
        errors.append({"path": path, "message": _type_error("string", value)})
        return None
    text = value.strip(JS_WHITESPACE)
    before = len(errors)
    if SURROGATE.search(text):
        errors.append({"path": path, "message": f"{label} contains an unpaired surrogate"})
    if (ANY_CONTROL if single_line else CONTROL_EXCEPT_WHITESPACE).search(text):
        errors.append({"path": path, "message": f"{label} contains a control character"})
    if len(text) < minimum:
        message = f"{label} must not be empty" if minimum == 1 else f"{label} is too short"
        errors.append({"path": path, "message": message})
    if len(text) > maximum:
        errors.append({"path": path, "message": f"{label} must be at most {maximum} characters"})
    return text if len(errors) == before else None


def _task_field(name: str, value: Any, errors: Errors) -> Any:
    path = f"body.{name}"
    if name == "title":
        return check_text(value, path, errors, label="Title", minimum=1, maximum=TITLE_MAX, single_line=True)
    if name == "description":
        if value is None:
            return None
        return check_text(
            value, path, errors, label="Description", minimum=0, maximum=DESCRIPTION_MAX, single_line=False
        )
    if name == "completed":
        if not isinstance(value, bool):
            errors.append({"path": path, "message": _type_error("boolean", value)})
        return value
    if name == "priority":
        if not isinstance(value, str) or value not in PRIORITIES:
            errors.append({"path": path, "message": _enum_error(PRIORITIES)})
        return value
    if name == "assigneeId":
        if value is None:
            return None
        if not isinstance(value, str):
            errors.append({"path": path, "message": _type_error("string", value)})
        elif ID_PATTERN.fullmatch(value) is None:
            errors.append({"path": path, "message": "assigneeId must be a user id"})
        return value
    # dueAt
    if value is None:
        return None
    if not isinstance(value, str):
        errors.append({"path": path, "message": _type_error("string", value)})
        return None
    normalised, messages = normalise_instant(value)
    errors.extend({"path": path, "message": m} for m in messages)
    return normalised


def _unknown_keys(body: Dict[str, Any], known: Tuple[str, ...], root: str) -> Errors:
    return [
        {"path": f"{root}.{key}", "message": "Unknown field"} for key in js_key_order(list(body)) if key not in known
    ]


def parse_task_body(body: Any, *, partial: bool, fields: Tuple[str, ...] = TASK_FIELDS) -> Tuple[Dict[str, Any], Errors]:
    """CreateTaskSchema / ReplaceTaskSchema (``partial=False``) or UpdateTaskSchema (``partial=True``);
    with ``fields=TEAM_TASK_FIELDS``, their team versions (CreateTeamTaskSchema, …).

    Returns the given fields, normalised (trimmed text, dueAt in UTC), and the errors.
    """
    if not isinstance(body, dict):
        return {}, [{"path": "body", "message": _type_error("object", body)}]
    errors: Errors = []
    values: Dict[str, Any] = {}
    for name in fields:
        if name not in body:
            if name == "title" and not partial:
                errors.append({"path": "body.title", "message": "Required"})
            continue
        values[name] = _task_field(name, body[name], errors)
    errors.extend(_unknown_keys(body, fields, "body"))
    if partial and not any(name in body for name in fields) and not _aborted(errors):
        errors.append({"path": "body", "message": "At least one field must be given"})
    return values, errors


def _aborted(errors: Errors) -> bool:
    # zod skips an object's refinement once a field failed its type check; unknown keys and failed
    # text rules do not stop it.
    return any(e["message"].startswith("Invalid input: expected") for e in errors)


def parse_list_query(query: Dict[str, str]) -> Tuple[Dict[str, Any], Errors]:
    """ListTasksQuerySchema: status, q, sort, order, limit, cursor; defaults applied."""
    errors: Errors = []
    status = query.get("status", "all")
    if status not in TASK_STATUSES:
        errors.append({"path": "query.status", "message": _enum_error(TASK_STATUSES)})
    q = _search(query, errors)
    sort = query.get("sort", "created")
    if sort not in TASK_SORTS:
        errors.append({"path": "query.sort", "message": _enum_error(TASK_SORTS)})
    order = query.get("order")
    if order is not None and order not in ORDERS:
        errors.append({"path": "query.order", "message": _enum_error(ORDERS)})
    limit = LIMIT_DEFAULT
    if "limit" in query:
        raw = query["limit"]
        if not LIMIT.match(raw):
            errors.append({"path": "query.limit", "message": "limit must be a whole number"})
        elif int(raw) < 1:
            errors.append({"path": "query.limit", "message": "limit must be at least 1"})
        else:
            limit = min(int(raw), LIMIT_MAX)
    cursor = query.get("cursor")
    if cursor is not None and len(cursor) > CURSOR_MAX:  # zod measures strings in code points
        errors.append(
            {"path": "query.cursor", "message": f"Too big: expected string to have <={CURSOR_MAX} characters"}
        )
    errors.extend(_unknown_keys(query, ("status", "q", "sort", "order", "limit", "cursor"), "query"))
    if errors:
        return {}, errors
    return {
        "status": status,
        "q": q,
        "sort": sort,
        "order": order if order is not None else DEFAULT_ORDER[sort],
        "limit": limit,
        "cursor": cursor,
    }, errors


def parse_stats_query(query: Dict[str, str]) -> Tuple[Optional[str], Errors]:
    """TaskStatsQuerySchema: only ``q``."""
    errors: Errors = []
    q = _search(query, errors)
    errors.extend(_unknown_keys(query, ("q",), "query"))
    return q, errors


def _search(query: Dict[str, str], errors: Errors) -> Optional[str]:
    if "q" not in query:
        return None
    text = check_text(
        query["q"], "query.q", errors, label="Search", minimum=0, maximum=SEARCH_MAX, single_line=True
    )
    return text or None  # an empty search is no search
