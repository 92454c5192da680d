"""The task queries on real SQLite and PostgreSQL databases migrated by the TypeScript migrations:
keyset pages in every sort and order against an order computed independently of the SQL, search,
stats, writes, and isolation between users."""

from __future__ import annotations

import random
from typing import Any, Callable, Dict, List

import pytest

from tandem_api.db import Database, sql
from tandem_api.errors import ApiError
from tandem_api.tasks import queries
from tandem_api.tasks.cursor import decode_cursor, encode_cursor

# Titles that collide once lowercased, non-ASCII ones whose code point order differs from their
# UTF-16 order (U+FF26 before U+1F600 by code point), and LIKE wildcards a search takes literally.
TITLES = ["alpha", "Alpha", "ALPHA", "beta", "école", "École", "ÉCOLE primaire", "eclair", "Zebra", "😀 smile",
          "Ｆｕｌｌwidth", "a", "100", "_under", "50% off", "back\\slash"]  # fmt: skip
DUES = [None, None, "2030-01-01T00:00:00.000Z", "1999-12-31T23:59:59.999Z", "1970-01-01T00:00:00.000Z"]
RANK = {"low": 0, "medium": 1, "high": 2}


def seed(database: Database, user_id: str, count: int, seed_value: int) -> None:
    """Tasks inserted directly: only 20 distinct creation instants, ids unrelated to creation time."""
    rng = random.Random(seed_value)
    rows = []
    for i in range(count):
        created = f"2026-01-01T00:00:{rng.randrange(20):02d}.000Z"
        completed = i % 5 < 2
        rows.append(
            {
                "id": queries.uuidv7(1_700_000_000_000 + rng.randrange(10**9)),
                "uid": user_id,
                "title": rng.choice(TITLES),
                "description": "mentions Alpha" if i % 7 == 0 else None,
                "completed": completed,
                "priority": rng.choice(list(RANK)),
                "due": rng.choice(DUES),
                "completed_at": created if completed else None,
                "created": created,
            }
        )
    with database.engine.begin() as connection:
        connection.execute(
            sql(
                "insert into task (id, user_id, title, description, completed, priority, due_at, completed_at, "
                "created_at, updated_at) values (:id, :uid, :title, :description, :completed, :priority, :due, "
                ":completed_at, :created, :created)"
            ),
            rows,
        )


def expected_order(tasks: List[Dict[str, Any]], sort: str, order: str) -> List[str]:
    """The documented order of each sort, computed in Python rather than SQL."""
    sign = 1 if order == "asc" else -1

    def key(task: Dict[str, Any]) -> Any:
        class K:
            def __init__(self, t: Dict[str, Any]):
                self.t = t

            def __lt__(self, other: "K") -> bool:
                return compare(self.t, other.t) < 0

        return K(task)

    def cmp(a: Any, b: Any) -> int:
        return (a > b) - (a < b)

    def compare(a: Dict[str, Any], b: Dict[str, Any]) -> int:
        if sort == "created":
            return sign * cmp(a["createdAt"], b["createdAt"]) or sign * cmp(a["id"], b["id"])
        if sort == "due":
            if (a["dueAt"] is None) != (b["dueAt"] is None):
                return 1 if a["dueAt"] is None else -1
            return sign * cmp(a["dueAt"] or "", b["dueAt"] or "") or sign * cmp(a["id"], b["id"])
        if sort == "priority":
            return (
                sign * cmp(RANK[a["priority"]], RANK[b["priority"]])
                or -cmp(a["createdAt"], b["createdAt"])
                or -cmp(a["id"], b["id"])
            )
        by_code_point = cmp(a["title"].lower().encode("utf-8"), b["title"].lower().encode("utf-8"))
        return sign * by_code_point or sign * cmp(a["id"], b["id"])

    return [t["id"] for t in sorted(tasks, key=key)]


def walk(database: Database, user_id: str, limit: int, **query: Any) -> List[str]:
    """Follows nextCursor to the end; every page but the last is full, none is empty."""
    base = {"status": "all", "q": None, "sort": "created", "order": "desc", "limit": limit, "cursor": None, **query}
    seen: List[str] = []
    while True:
        page = queries.list_tasks(database, user_id, base)
        assert page["items"] or not seen
        seen.extend(t["id"] for t in page["items"])
        if page["nextCursor"] is None:
            return seen
        assert len(page["items"]) == limit
        base["cursor"] = page["nextCursor"]


@pytest.fixture
def seeded(database: Database, user_factory: Callable[..., str]) -> str:
    owner = user_factory()
    seed(database, owner, 90, 42)
    seed(database, user_factory("Other"), 20, 7)
    return owner


@pytest.mark.parametrize("sort", ["created", "due", "priority", "title"])
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_keyset_pages_follow_each_sort_without_skipping_or_repeating(
    database: Database, seeded: str, sort: str, order: str
) -> None:
    everything = queries.list_tasks(
        database, seeded, {"status": "all", "q": None, "sort": "created", "order": "desc", "limit": 100, "cursor": None}
    )["items"]
    assert len(everything) == 90
    for status, keep in (("all", lambda t: True), ("completed", lambda t: t["completed"])):
        wanted = expected_order([t for t in everything if keep(t)], sort, order)
        assert walk(database, seeded, 7, sort=sort, order=order, status=status) == wanted


def test_search_is_case_insensitive_beyond_ascii_and_literal(database: Database, seeded: str) -> None:
    def titles(q: str) -> List[str]:
        page = queries.list_tasks(
            database, seeded, {"status": "all", "q": q, "sort": "title", "order": "asc", "limit": 100, "cursor": None}
        )
        return sorted({t["title"] for t in page["items"]})

    assert titles("ÉCOLE") == ["ÉCOLE primaire", "École", "école"]
    assert titles("%") == ["50% off"]
    assert titles("_") == ["_under"]
    assert titles("\\") == ["back\\slash"]
    stats = queries.task_stats(database, seeded, "alpha")
    assert stats["all"] == stats["active"] + stats["completed"] > 0


def test_stats_count_the_callers_tasks_only(database: Database, seeded: str, user_factory: Callable[..., str]) -> None:
    assert queries.task_stats(database, seeded, None) == {"all": 90, "active": 54, "completed": 36}
    assert queries.task_stats(database, user_factory("Empty"), None) == {"all": 0, "active": 0, "completed": 0}


def test_writes_keep_timestamps_and_completion_as_the_typescript_api_does(
    database: Database, user_factory: Callable[..., str]
) -> None:
    owner = user_factory()
    created = queries.create_task(
        database, owner, {"title": "Report", "completed": True, "dueAt": "2030-01-01T08:00:00.000Z", "priority": "high"}
    )
    assert created["completedAt"] == created["createdAt"] == created["updatedAt"]
    assert created["dueAt"] == "2030-01-01T08:00:00.000Z"
    assert queries.get_task(database, owner, created["id"]) == created
    again = queries.update_task(database, owner, created["id"], {"completed": True, "title": "Report!"})
    assert again is not None and again["completedAt"] == created["completedAt"]
    reopened = queries.toggle_task(database, owner, created["id"])
    assert reopened is not None and (reopened["completed"], reopened["completedAt"]) == (False, None)
    done = queries.toggle_task(database, owner, created["id"])
    assert done is not None and done["completed"] and done["completedAt"] == done["updatedAt"]
    replaced = queries.replace_task(database, owner, created["id"], {"title": "Bare"})
    assert replaced is not None
    assert {k: replaced[k] for k in ("title", "description", "completed", "completedAt", "priority", "dueAt")} == {
        "title": "Bare", "description": None, "completed": False, "completedAt": None, "priority": "medium", "dueAt": None,
    }  # fmt: skip
    assert queries.delete_task(database, owner, created["id"]) is True
    assert queries.delete_task(database, owner, created["id"]) is False


def test_another_users_task_is_as_absent_as_a_missing_one(database: Database, user_factory: Callable[..., str]) -> None:
    alice, bob = user_factory("Alice"), user_factory("Bob")
    task = queries.create_task(database, alice, {"title": "Alice's"})
    assert queries.get_task(database, bob, task["id"]) is None
    with pytest.raises(ApiError) as caught:
        queries.require_task(database, bob, task["id"])
    assert caught.value.code == "TASK_NOT_FOUND"
    assert queries.update_task(database, bob, task["id"], {"title": "mine"}) is None
    assert queries.toggle_task(database, bob, task["id"]) is None
    assert queries.delete_task(database, bob, task["id"]) is False
    assert queries.get_task(database, alice, task["id"]) == task


def test_a_task_for_a_deleted_user_is_a_foreign_key_violation(database: Database) -> None:
    from tandem_api.db import is_foreign_key_violation

    with pytest.raises(Exception) as caught:
        queries.create_task(database, "no-such-user", {"title": "ghost"})
    assert is_foreign_key_violation(caught.value)


# Cursors are the TypeScript API's, byte for byte (these strings come from its encodeCursor).
TS_TITLE_CURSOR = "eyJzIjoidGl0bGUiLCJvIjoiYXNjIiwidiI6WyLDqWNvbGUg8J-YgCIsIjAxOTNhMWIyLTAwMDAtNzAwMC04MDAwLTAwMDAwMDAwMDAwMSJdfQ"
TS_DUE_CURSOR = "eyJzIjoiZHVlIiwibyI6ImRlc2MiLCJ2IjpbMSwiMTk3MC0wMS0wMVQwMDowMDowMC4wMDBaIiwiMDE5M2ExYjItMDAwMC03MDAwLTgwMDAtMDAwMDAwMDAwMDAxIl19"
ID = "0193a1b2-0000-7000-8000-000000000001"


def test_cursors_are_interchangeable_with_the_typescript_api() -> None:
    assert encode_cursor("title", "asc", ["école 😀", ID]) == TS_TITLE_CURSOR
    assert encode_cursor("due", "desc", [1, "1970-01-01T00:00:00.000Z", ID]) == TS_DUE_CURSOR
    assert decode_cursor(TS_DUE_CURSOR, "due", "desc", ["rank", "instant", "text"]) == [1, "1970-01-01T00:00:00.000Z", ID]


@pytest.mark.parametrize(
    "values",
    [
        [3, "1970-01-01T00:00:00.000Z", ID],  # rank out of range
        [0.5, "1970-01-01T00:00:00.000Z", ID],
        [True, "1970-01-01T00:00:00.000Z", ID],
        [0, "2024-02-30T00:00:00.000Z", ID],  # impossible date
        [0, "0000-01-01T00:00:00.000Z", ID],
        [0, "2024-01-01T00:00:00Z", ID],  # not the stored shape
        [0, "1970-01-01T00:00:00.000Z", "a\u0000b"],
        [0, "1970-01-01T00:00:00.000Z", "x" * 1025],
        [0, "1970-01-01T00:00:00.000Z"],
    ],
)
def test_forged_cursors_are_refused_before_they_reach_sql(values: List[Any]) -> None:
    with pytest.raises(ApiError) as caught:
        decode_cursor(encode_cursor("due", "desc", values), "due", "desc", ["rank", "instant", "text"])
    assert caught.value.code == "INVALID_CURSOR"


@pytest.mark.parametrize("cursor", ["", "abc", "!!!", "bnVsbA", "W10", TS_TITLE_CURSOR])
def test_foreign_or_garbled_cursors_are_refused(cursor: str) -> None:
    with pytest.raises(ApiError) as caught:
        decode_cursor(cursor, "due", "desc", ["rank", "instant", "text"])
    assert caught.value.code == "INVALID_CURSOR"


