"""Team task writes against a membership change happening at the same moment (teams/queries.py):
the member row is a condition of the write statement itself, so a write that races a removal is
either refused or committed before the removal (whose clean-up then sees it), never a task
assigned to, or created by, someone who is no longer a member."""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, Dict, List

import pytest

from tandem_api.db import Database, sql
from tandem_api.errors import ApiError
from tandem_api.teams import queries

from .support import insert_member, insert_team


def race_with_removal(database: Database, team: str, removed: str, write: Callable[[], Any]) -> Dict[str, Any]:
    """Runs ``write`` while another transaction has deleted ``removed``'s member row but not yet
    committed; returns what the write did (its result or error) once that transaction commits."""
    outcome: Dict[str, Any] = {}
    with database.engine.connect() as connection:
        transaction = connection.begin()
        connection.execute(sql('delete from "member" where "organizationId" = :t and "userId" = :u'), {"t": team, "u": removed})

        def run() -> None:
            try:
                outcome["result"] = write()
            except Exception as error:  # noqa: BLE001 - inspected by the test
                outcome["error"] = error

        writer = threading.Thread(target=run)
        writer.start()
        time.sleep(0.5)
        # The write waits for the removal: PostgreSQL's key-share lock on the member row, SQLite's
        # single writer.
        outcome["waited"] = writer.is_alive()
        transaction.commit()
    writer.join(10)
    assert not writer.is_alive()
    return outcome


def refused(outcome: Dict[str, Any]) -> str:
    error = outcome.get("error")
    assert isinstance(error, ApiError), outcome
    return error.code


def test_an_assignee_removed_during_the_write_is_refused(database: Database, user_factory: Callable[..., str]) -> None:
    team, author, assignee = insert_team(database), user_factory("Author"), user_factory("Assignee")
    insert_member(database, team, author, "member")
    insert_member(database, team, assignee, "member")
    outcome = race_with_removal(
        database, team, assignee, lambda: queries.create_team_task(database, team, author, {"title": "x", "assigneeId": assignee})
    )
    assert outcome["waited"]
    assert refused(outcome) == "VALIDATION_FAILED"
    task = queries.create_team_task(database, team, author, {"title": "y"})
    insert_member(database, team, assignee, "member")
    outcome = race_with_removal(
        database, team, assignee, lambda: queries.update_team_task(database, team, task["id"], {"assigneeId": assignee})
    )
    assert outcome["waited"] and refused(outcome) == "VALIDATION_FAILED"
    assert queries.update_team_task(database, team, task["id"], {"title": "z"})["assigneeId"] is None  # type: ignore[index]


def test_an_author_removed_during_the_create_gets_the_teams_404(database: Database, user_factory: Callable[..., str]) -> None:
    team, author = insert_team(database), user_factory("Author")
    insert_member(database, team, author, "member")
    outcome = race_with_removal(database, team, author, lambda: queries.create_team_task(database, team, author, {"title": "x"}))
    assert outcome["waited"] and refused(outcome) == "TEAM_NOT_FOUND"
    with database.engine.connect() as connection:
        rows: List[Any] = connection.execute(sql("select id from task where team_id = :t"), {"t": team}).all()
    assert rows == []


@pytest.mark.parametrize("stored", ["owner", "viewer"])
def test_the_write_checks_membership_not_role(database: Database, user_factory: Callable[..., str], stored: str) -> None:
    # Who may write is the route's check (the cached role); the statement only asks "still a member?".
    team, author, assignee = insert_team(database), user_factory("Author"), user_factory("Assignee")
    insert_member(database, team, author, stored)
    insert_member(database, team, assignee, "guest")
    task = queries.create_team_task(database, team, author, {"title": "x", "assigneeId": assignee})
    assert (task["createdBy"], task["assigneeId"], task["teamId"]) == (author, assignee, team)
