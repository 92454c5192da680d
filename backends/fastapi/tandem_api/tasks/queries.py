"""The task queries of apps/api/src/tasks/tasks.queries.ts, as SQL that runs the same on SQLite
and PostgreSQL (docs/decisions/002). Every query is scoped to one owner: the verified caller (a user
id, filtered on ``user_id``) or, for the team routes, a ``Scope`` on ``team_id`` (teams/queries.py).
Another owner's task is as absent as a missing one.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

from ..db import Database, sql
from ..errors import ApiError
from ..instants import to_iso
from .cursor import CursorValue, decode_cursor, encode_cursor

COLUMNS = "id, title, description, completed, priority, due_at, completed_at, created_at, updated_at"
EPOCH = "'1970-01-01T00:00:00.000Z'"


def uuidv7(now_ms: Optional[int] = None) -> str:
    """A UUIDv7 (RFC 9562): 48-bit millisecond timestamp, then 74 random bits."""
    data = bytearray(os.urandom(16))
    data[0:6] = (now_ms if now_ms is not None else int(time.time() * 1000)).to_bytes(6, "big")
    data[6] = (data[6] & 0x0F) | 0x70
    data[8] = (data[8] & 0x3F) | 0x80
    h = data.hex()
    return f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def now_iso() -> str:
    """``new Date().toISOString()``: UTC with milliseconds."""
    return to_iso(int(time.time() * 1000))


def iso(value: Any) -> Optional[str]:
    """An instant as both engines return it (Postgres: datetime; SQLite: the stored ISO text)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        delta = aware - datetime(1970, 1, 1, tzinfo=timezone.utc)
        return to_iso((delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000)
    return str(value)


def to_task(row: Any) -> Dict[str, Any]:
    return {
        "id": row[0],
        "title": row[1],
        "description": row[2],
        "completed": bool(row[3]),
        "priority": row[4],
        "dueAt": iso(row[5]),
        "completedAt": iso(row[6]),
        "createdAt": iso(row[7]),
        "updatedAt": iso(row[8]),
    }


@dataclass(frozen=True)
class Scope:
    """Whose tasks a statement sees (``column = :owner``), what it reads back and how a row becomes
    JSON. ``column`` is one of two constants, never input."""

    column: str  # "user_id" | "team_id"
    owner: str
    columns: str = COLUMNS
    to_json: Callable[[Any], Dict[str, Any]] = to_task


# A user id (the personal routes) or a Scope (the team routes).
Owner = Union[str, Scope]


def scope_of(owner: Owner) -> Scope:
    return owner if isinstance(owner, Scope) else Scope("user_id", owner)


@dataclass(frozen=True)
class SortKey:
    expr: str
    direction: str  # "asc" | "desc"
    kind: str  # what the key holds: "rank" | "instant" | "text"


def sort_keys(dialect: str, sort: str, order: str) -> List[SortKey]:
    """The ordered key of each sort; every sort ends in ``id`` so keyset pages never skip or repeat
    a row. Tasks without a due date come last in either direction."""
    by_id = SortKey("id", order, "text")
    if sort == "created":
        return [SortKey("created_at", order, "instant"), by_id]
    if sort == "due":
        epoch = f"{EPOCH}::timestamptz" if dialect == "postgres" else EPOCH
        return [
            SortKey("(case when due_at is null then 1 else 0 end)", "asc", "rank"),
            SortKey(f"coalesce(due_at, {epoch})", order, "instant"),
            by_id,
        ]
    if sort == "priority":
        return [
            SortKey("(case priority when 'low' then 0 when 'medium' then 1 else 2 end)", order, "rank"),
            SortKey("created_at", "desc", "instant"),
            SortKey("id", "desc", "text"),
        ]
    # title: byte (code point) order on both engines, whatever the Postgres database's collation
    return [SortKey('lower(title) collate "C"' if dialect == "postgres" else "lower(title)", order, "text"), by_id]


def _after_cursor(keys: Sequence[SortKey], params: Dict[str, Any], values: Sequence[CursorValue]) -> str:
    """``(k1, k2, …) > (v1, v2, …)`` in the mixed directions of the keys, as an OR of prefixes."""
    for i, value in enumerate(values):
        params[f"c{i}"] = value
    branches = []
    for i, key in enumerate(keys):
        parts = [f"{k.expr} = :c{j}" for j, k in enumerate(keys[:i])]
        parts.append(f"{key.expr} {'>' if key.direction == 'asc' else '<'} :c{i}")
        branches.append("(" + " and ".join(parts) + ")")
    return "(" + " or ".join(branches) + ")"


def like_pattern(q: str) -> str:
    return "%" + re.sub(r"([\\%_])", r"\\\1", q.lower()) + "%"


def _filters(scope: Scope, status: Optional[str], q: Optional[str]) -> Tuple[List[str], Dict[str, Any]]:
    where = [f"{scope.column} = :owner"]
    params: Dict[str, Any] = {"owner": scope.owner}
    if status == "active":
        where.append("completed = :done")
        params["done"] = False
    elif status == "completed":
        where.append("completed = :done")
        params["done"] = True
    if q is not None:
        where.append("(lower(title) like :pattern escape '\\' or lower(coalesce(description, '')) like :pattern escape '\\')")
        params["pattern"] = like_pattern(q)
    return where, params


def list_tasks(database: Database, owner: Owner, query: Dict[str, Any]) -> Dict[str, Any]:
    """One page of the owner's tasks in a stable order; pass ``nextCursor`` back for the next."""
    scope = scope_of(owner)
    sort, order, limit = query["sort"], query["order"], query["limit"]
    keys = sort_keys(database.dialect, sort, order)
    where, params = _filters(scope, query["status"], query["q"])
    if query["cursor"] is not None:
        values = decode_cursor(query["cursor"], sort, order, [k.kind for k in keys])
        where.append(_after_cursor(keys, params, values))
    selected = ", ".join(f"{k.expr} as k{i}" for i, k in enumerate(keys))
    ordering = ", ".join(f"{k.expr} {k.direction}" for k in keys)
    params["n"] = limit + 1
    if database.dialect == "sqlite" and scope.column == "user_id" and sort == "created" and query["status"] == "all":
        # No (user_id, created_at) index on SQLite (docs/decisions/031-one-index-per-user-list.md): the
        # (user_id, completed, created_at, id) one holds the active and the completed tasks as two
        # ranges in this order. The page's keys are merged from the two, then its rows are read.
        # The row count is written into the statement, as the TypeScript API does: with a bound
        # limit SQLite reads and sorts the two ranges slower. It is a validated int.
        row_count = int(limit) + 1
        branches = []
        for name, done in (("active", False), ("completed", True)):
            params[f"{name}_done"] = done
            condition = " and ".join([*where, f"completed = :{name}_done"])
            branches.append(
                f"select * from (select rowid as r, created_at as k0, id as k1 from task where {condition} "
                f"order by {ordering} limit {row_count}) as {name}"
            )
        way = keys[0].direction
        statement = (
            f"select {scope.columns}, p.k0, p.k1 from ({' union all '.join(branches)} order by k0 {way}, k1 {way} "
            f"limit {row_count}) as p join task on task.rowid = p.r order by p.k0 {way}, p.k1 {way}"
        )
    else:
        statement = f"select {scope.columns}, {selected} from task where {' and '.join(where)} order by {ordering} limit :n"
    with database.engine.connect() as connection:
        rows = connection.execute(sql(statement), params).all()
    page = rows[:limit]
    next_cursor = None
    if len(rows) > limit and page:
        last = page[-1]
        first_key = len(last) - len(keys)  # the sort keys follow the task's columns
        next_cursor = encode_cursor(sort, order, [_cursor_value(last[first_key + i]) for i in range(len(keys))])
    return {"items": [scope.to_json(row) for row in page], "nextCursor": next_cursor}


def _cursor_value(value: Any) -> CursorValue:
    return iso(value) if isinstance(value, datetime) else value


def task_stats(database: Database, owner: Owner, q: Optional[str]) -> Dict[str, int]:
    where, params = _filters(scope_of(owner), None, q)
    statement = (
        'select count(*) as "all", sum(case when completed then 1 else 0 end) as completed '
        f"from task where {' and '.join(where)}"
    )
    with database.engine.connect() as connection:
        row = connection.execute(sql(statement), params).one()
    total, completed = int(row[0]), int(row[1] or 0)
    return {"all": total, "active": total - completed, "completed": completed}


def get_task(database: Database, owner: Owner, task_id: str) -> Optional[Dict[str, Any]]:
    scope = scope_of(owner)
    statement = f"select {scope.columns} from task where id = :id and {scope.column} = :owner"
    with database.engine.connect() as connection:
        row = connection.execute(sql(statement), {"id": task_id, "owner": scope.owner}).first()
    return scope.to_json(row) if row is not None else None


def require_task(database: Database, owner: Owner, task_id: str) -> Dict[str, Any]:
    task = get_task(database, owner, task_id)
    if task is None:
        raise ApiError("TASK_NOT_FOUND")
    return task


def create_task(database: Database, user_id: str, values: Dict[str, Any]) -> Dict[str, Any]:
    now = now_iso()
    completed = values.get("completed") or False
    params = {
        "id": uuidv7(),
        "uid": user_id,
        "title": values["title"],
        "description": values.get("description"),
        "completed": completed,
        "priority": values.get("priority") or "medium",
        "due": values.get("dueAt"),
        "completed_at": now if completed else None,
        "now": now,
    }
    statement = (
        "insert into task (id, user_id, title, description, completed, priority, due_at, completed_at, "
        "created_at, updated_at) values (:id, :uid, :title, :description, :completed, :priority, :due, "
        f":completed_at, :now, :now) returning {COLUMNS}"
    )
    with database.engine.begin() as connection:
        row = connection.execute(sql(statement), params).one()
    return to_task(row)


def field_sets(patch: Dict[str, Any], params: Dict[str, Any]) -> List[str]:
    """The ``set`` clauses of an update for the task fields in ``patch`` (``params`` has ``now``)."""
    sets: List[str] = []
    for field, column in (("title", "title"), ("description", "description"), ("priority", "priority"), ("dueAt", "due_at")):
        if field in patch:
            sets.append(f"{column} = :{column}")
            params[column] = patch[field]
    if "completed" in patch:
        sets.append("completed = :completed")
        params["completed"] = bool(patch["completed"])
        # Keep the original completion time when an already-completed task is marked completed again.
        sets.append("completed_at = coalesce(completed_at, :now)" if patch["completed"] else "completed_at = null")
    sets.append("updated_at = :now")
    return sets


def update_task(database: Database, user_id: str, task_id: str, patch: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """Applies the given fields; None when the caller has no such task."""
    params: Dict[str, Any] = {"id": task_id, "uid": user_id, "now": now_iso()}
    sets = field_sets(patch, params)
    statement = f"update task set {', '.join(sets)} where id = :id and user_id = :uid returning {COLUMNS}"
    with database.engine.begin() as connection:
        row = connection.execute(sql(statement), params).first()
    return to_task(row) if row is not None else None


def replacement(values: Dict[str, Any]) -> Dict[str, Any]:
    """PUT: every field is set; omitted optional fields return to their defaults."""
    return {
        "title": values["title"],
        "description": values.get("description"),
        "completed": values.get("completed") or False,
        "priority": values.get("priority") or "medium",
        "dueAt": values.get("dueAt"),
    }


def replace_task(database: Database, user_id: str, task_id: str, values: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    return update_task(database, user_id, task_id, replacement(values))


def toggle_task(database: Database, owner: Owner, task_id: str) -> Optional[Dict[str, Any]]:
    """Flips completion in one statement, so two concurrent toggles cannot both read the old value."""
    # Postgres types a bare parameter inside CASE as text, which a timestamptz column refuses.
    scope = scope_of(owner)
    now_value = "cast(:now as timestamptz)" if database.dialect == "postgres" else ":now"
    statement = (
        f"update task set completed = not completed, completed_at = (case when completed then null else {now_value} end), "
        f"updated_at = :now where id = :id and {scope.column} = :owner returning {scope.columns}"
    )
    with database.engine.begin() as connection:
        row = connection.execute(sql(statement), {"now": now_iso(), "id": task_id, "owner": scope.owner}).first()
    return scope.to_json(row) if row is not None else None


def delete_task(database: Database, owner: Owner, task_id: str) -> bool:
    """True when the owner's task existed and is now gone."""
    scope = scope_of(owner)
    statement = f"delete from task where id = :id and {scope.column} = :owner"
    with database.engine.begin() as connection:
        result = connection.execute(sql(statement), {"id": task_id, "owner": scope.owner})
    return result.rowcount > 0
