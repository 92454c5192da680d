"""A team's task queries: the personal ones (tasks/queries.py) on ``team_id`` instead of
``user_id``, plus who created a task and whom it is assigned to (docs/decisions/016).

Every statement filters on ``team_id``, so another team's task (and every personal one) is as
absent as a missing one. An assignee (and, on create, the author) must be a member of the team when
the task is written: the membership is a condition of the write statement itself, not a read
before it, so a member removed at that moment is either refused or assigned before the removal
cleared their assignments (SQLite runs one write at a time; PostgreSQL locks the member rows).
Mirrors apps/api/src/teams/team-tasks.queries.ts.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from ..db import Database, sql
from ..errors import ApiError
from ..tasks.queries import COLUMNS, Scope, field_sets, now_iso, replacement, to_task, uuidv7

TEAM_COLUMNS = COLUMNS + ", team_id, created_by, assignee_id"


def to_team_task(row: Any) -> Dict[str, Any]:
    """A row as the API's TeamTask: the personal task, then the team's fields (teams.ts order)."""
    return {**to_task(row), "teamId": row[9], "createdBy": row[10], "assigneeId": row[11]}


def team_scope(team_id: str) -> Scope:
    return Scope("team_id", team_id, TEAM_COLUMNS, to_team_task)


def not_a_member() -> ApiError:
    return ApiError(
        "VALIDATION_FAILED",
        detail="The request body is invalid",
        errors=[{"path": "body.assigneeId", "message": "Not a member of this team"}],
    )


def team_not_found() -> ApiError:
    """The same answer for a missing team, a team the caller is not in and a malformed id."""
    return ApiError("TEAM_NOT_FOUND", detail="No such team")


def _member_lock(database: Database) -> str:
    # PostgreSQL: the member row is key-share locked until the write commits, so a removal (or the
    # team's or the account's deletion) waits for it, and then its clean-up of the user's
    # assignments, or its cascade, sees this task too. A role change (not a key) does not wait.
    return " for key share" if database.dialect == "postgres" else ""


def _assignee_is_member(database: Database) -> str:
    lock = _member_lock(database)
    return f'exists (select 1 from "member" where "organizationId" = :owner and "userId" = :assignee{lock})'


def is_member(database: Database, team_id: str, user_id: str) -> bool:
    """Whether the user is a member of the team right now (read now, not through the cache)."""
    with database.engine.connect() as connection:
        row = connection.execute(
            sql('select 1 from "member" where "organizationId" = :team and "userId" = :uid'),
            {"team": team_id, "uid": user_id},
        ).first()
    return row is not None


def create_team_task(database: Database, team_id: str, user_id: str, values: Dict[str, Any]) -> Dict[str, Any]:
    """A new task of the team, created by ``user_id``.

    One statement that also requires, at write time, that the author and the assignee (if any) are
    members: an author who left or was removed since the cached membership answer (or whose team
    went) gets the team's 404, as any non-member; an assignee who is not a member, the 400.
    """
    now = now_iso()
    completed = values.get("completed") or False
    assignee = values.get("assigneeId")
    params = {
        "id": uuidv7(),
        "owner": team_id,
        "creator": user_id,
        "assignee": assignee,
        "title": values["title"],
        "description": values.get("description"),
        "completed": completed,
        "priority": values.get("priority") or "medium",
        "due": values.get("dueAt"),
        "completed_at": now if completed else None,
        "now": now,
    }
    assigned = f" and {_assignee_is_member(database)}" if assignee is not None else ""
    statement = (
        "insert into task (id, team_id, created_by, assignee_id, title, description, completed, priority, due_at, "
        "completed_at, created_at, updated_at) select :id, :owner, :creator, :assignee, :title, :description, "
        ':completed, :priority, :due, :completed_at, :now, :now from "member" '
        f'where "organizationId" = :owner and "userId" = :creator{assigned}{_member_lock(database)} '
        f"returning {TEAM_COLUMNS}"
    )
    with database.engine.begin() as connection:
        row = connection.execute(sql(statement), params).first()
    if row is None:
        if not is_member(database, team_id, user_id):
            raise team_not_found()
        raise not_a_member()
    return to_team_task(row)


def update_team_task(
    database: Database, team_id: str, task_id: Optional[str], patch: Dict[str, Any]
) -> Optional[Dict[str, Any]]:
    """Applies the given fields; None when the team has no such task (``task_id`` None: the path's
    id cannot be a task's). An assignee who is not a member at write time is the 400, whether or
    not the task exists: input is checked before the task is looked for, as the other fields are."""
    row = None
    if task_id is not None:
        params: Dict[str, Any] = {"id": task_id, "owner": team_id, "now": now_iso()}
        sets = field_sets(patch, params)
        where = "id = :id and team_id = :owner"
        if "assigneeId" in patch:
            sets.insert(-1, "assignee_id = :assignee")  # before updated_at, which field_sets ends with
            params["assignee"] = patch["assigneeId"]
            if patch["assigneeId"] is not None:
                where += f" and {_assignee_is_member(database)}"
        statement = f"update task set {', '.join(sets)} where {where} returning {TEAM_COLUMNS}"
        with database.engine.begin() as connection:
            row = connection.execute(sql(statement), params).first()
    if row is None:
        assignee = patch.get("assigneeId")
        if assignee is not None and not is_member(database, team_id, assignee):
            raise not_a_member()
        return None
    return to_team_task(row)


def replace_team_task(
    database: Database, team_id: str, task_id: Optional[str], values: Dict[str, Any]
) -> Optional[Dict[str, Any]]:
    """PUT: every field is set; omitted optional fields (the assignee too) return to their defaults."""
    return update_team_task(database, team_id, task_id, {**replacement(values), "assigneeId": values.get("assigneeId")})
