"""The team task routes over HTTP (in process), on real databases (docs/decisions/016): the round
trip, every role × route × method, the one 404 for missing, foreign and malformed teams, isolation
from personal tasks and other teams, and the assignee rule."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest

from tandem_api.db import Database, sql

from .support import JwksServer, KeyPair, insert_member, insert_team
from .test_app import Api, problem

VIEWER_DETAIL = "Viewers can read this team's tasks but not change them"
WRITES = ("POST", "PUT", "PATCH", "DELETE")


@dataclass
class Crew:
    team: str
    users: Dict[str, Tuple[str, str]]  # role → (user id, token)

    def token(self, role: str) -> str:
        return self.users[role][1]

    def id(self, role: str) -> str:
        return self.users[role][0]


@pytest.fixture
def api(database: Database, jwks: JwksServer, keys: KeyPair) -> Iterator[Api]:
    yield Api(database, jwks, keys)


@pytest.fixture
def crew(api: Api) -> Crew:
    """A team with one user in each role, and an outsider who has a team of their own."""
    team = insert_team(api.database, "Crew")
    users = {}
    for role in ("owner", "admin", "member", "viewer", "outsider"):
        users[role] = api.sign_up(role.title())
        if role != "outsider":
            insert_member(api.database, team, users[role][0], role)
    insert_member(api.database, insert_team(api.database, "Elsewhere"), users["outsider"][0], "owner")
    return Crew(team, users)


def tasks_path(team: str) -> str:
    return f"/api/teams/{team}/tasks"


def create(api: Api, crew: Crew, role: str = "owner", **body: Any) -> Dict[str, Any]:
    answer = api.call("POST", tasks_path(crew.team), crew.token(role), {"title": "Plan", **body})
    assert answer.status_code == 201, answer.text
    return answer.json()


def routes(team: str, task_id: str) -> List[Tuple[str, str, Optional[Dict[str, Any]], int]]:
    """Every team route × method: (method, path, body, a member's status)."""
    one = f"{tasks_path(team)}/{task_id}"
    return [
        ("GET", tasks_path(team), None, 200),
        ("GET", f"{tasks_path(team)}/stats", None, 200),
        ("GET", one, None, 200),
        ("POST", tasks_path(team), {"title": "Written"}, 201),
        ("PATCH", one, {"title": "Patched"}, 200),
        ("PUT", one, {"title": "Replaced"}, 200),
        ("PATCH", f"{one}/complete", None, 200),
        ("DELETE", one, None, 204),
    ]


def rows(database: Database) -> List[Any]:
    with database.engine.connect() as connection:
        return [tuple(r) for r in connection.execute(sql("select * from task order by id")).all()]


def test_a_team_task_round_trip(api: Api, crew: Crew) -> None:
    created = api.call("POST", tasks_path(crew.team), crew.token("member"), {"title": "  Ship  ", "assigneeId": crew.id("viewer")})
    assert created.status_code == 201, created.text
    task = created.json()
    assert list(task)[-3:] == ["teamId", "createdBy", "assigneeId"]
    assert (task["title"], task["teamId"], task["createdBy"], task["assigneeId"]) == ("Ship", crew.team, crew.id("member"), crew.id("viewer"))
    one = f"{tasks_path(crew.team)}/{task['id']}"
    assert created.headers["location"] == one
    assert api.call("GET", one, crew.token("viewer")).json() == task
    patched = api.call("PATCH", one, crew.token("admin"), {"assigneeId": None, "priority": "high"}).json()
    assert (patched["assigneeId"], patched["priority"], patched["createdBy"]) == (None, "high", crew.id("member"))
    assigned = api.call("PATCH", one, crew.token("admin"), {"assigneeId": crew.id("owner")}).json()
    assert assigned["assigneeId"] == crew.id("owner") and assigned["title"] == "Ship"
    replaced = api.call("PUT", one, crew.token("owner"), {"title": "Bare"}).json()
    assert (replaced["assigneeId"], replaced["priority"], replaced["createdBy"]) == (None, "medium", crew.id("member"))
    toggled = api.call("PATCH", f"{one}/complete", crew.token("member")).json()
    assert toggled["completed"] is True and toggled["completedAt"] == toggled["updatedAt"]
    assert api.call("GET", f"{tasks_path(crew.team)}/stats", crew.token("viewer")).json() == {"all": 1, "active": 0, "completed": 1}
    assert api.call("GET", f"{tasks_path(crew.team)}?status=completed", crew.token("viewer")).json() == {"items": [toggled], "nextCursor": None}
    assert api.call("DELETE", one, crew.token("member")).status_code == 204
    problem(api.call("GET", one, crew.token("owner")), 404, "TASK_NOT_FOUND")


@pytest.mark.parametrize("role", ["owner", "admin", "member", "viewer"])
def test_every_role_on_every_route(api: Api, crew: Crew, role: str) -> None:
    for method, path, body, ok in routes(crew.team, create(api, crew)["id"]):
        before = rows(api.database)
        answer = api.call(method, path, crew.token(role), body)
        if role == "viewer" and method in WRITES:
            assert problem(answer, 403, "FORBIDDEN")["detail"] == VIEWER_DETAIL, (method, path)
            assert rows(api.database) == before
        else:
            assert answer.status_code == ok, (role, method, path, answer.text)


def test_a_viewer_is_refused_before_the_body_or_the_task_is_looked_at(api: Api, crew: Crew) -> None:
    task = create(api, crew)["id"]
    for method, path, _, _ in routes(crew.team, task):
        if method not in WRITES:
            continue
        for body in ({"title": 42, "extra": True}, "{"):
            refused = problem(api.call(method, path, crew.token("viewer"), body), 403, "FORBIDDEN")
            assert refused["detail"] == VIEWER_DETAIL
        missing = path.replace(task, str(uuid.uuid4()))
        problem(api.call(method, missing, crew.token("viewer")), 403, "FORBIDDEN")
    # A write method on a path that serves no such method is the viewer's 403 as well.
    problem(api.call("POST", f"{tasks_path(crew.team)}/stats", crew.token("viewer")), 403, "FORBIDDEN")
    not_allowed = api.call("POST", f"{tasks_path(crew.team)}/stats", crew.token("member"))
    problem(not_allowed, 405, "METHOD_NOT_ALLOWED")
    assert not_allowed.headers["allow"] == "GET"


@pytest.mark.parametrize(("stored", "writes"), [("viewer,admin", True), ("admin, viewer", True), ("member", True), ("guest", None), ("", None), ("viewer,guest", False)])
def test_a_stored_role_list_grants_its_highest_known_role(api: Api, crew: Crew, stored: str, writes: Optional[bool]) -> None:
    user_id, token = api.sign_up("Listed")
    insert_member(api.database, crew.team, user_id, stored)
    read = api.call("GET", tasks_path(crew.team), token)
    write = api.call("POST", tasks_path(crew.team), token, {"title": "x"})
    if writes is None:  # no role Tandem knows: no rights at all
        for answer in (read, write):
            assert problem(answer, 403, "FORBIDDEN")["detail"] == "Your role in this team gives no access to its tasks"
    else:
        assert read.status_code == 200
        assert write.status_code == (201 if writes else 403)


def comparable(answer: Any) -> Tuple[int, Dict[str, str], Dict[str, Any]]:
    body = answer.json()
    body.pop("instance"), body.pop("requestId")
    headers = {k: v for k, v in answer.headers.items() if k not in ("x-request-id", "date", "content-length")}
    return answer.status_code, headers, body


MALFORMED = ["not%20a%20team", "x" * 65, "%00", "a%00b", "..%2F..%2Fetc", "%25", "caf%C3%A9", "a.b", "%F0%9F%98%80", "abc%0A"]


def test_missing_foreign_and_malformed_teams_answer_one_identical_404(api: Api, crew: Crew) -> None:
    task = create(api, crew, description="secret")["id"]
    before = rows(api.database)
    outsider = crew.token("outsider")
    for method, path, body, _ in routes(crew.team, task):
        reference = comparable(api.call(method, path, outsider, body))
        assert reference[0] == 404 and reference[2]["code"] == "TEAM_NOT_FOUND"
        assert reference[2]["detail"] == "No such team" and reference[2]["title"] == "Team not found"
        others = [str(uuid.uuid4()).replace("-", ""), crew.id("outsider"), crew.id("owner")] + MALFORMED
        for team in others:
            assert comparable(api.call(method, path.replace(crew.team, team, 1), outsider, body)) == reference, team
        # An outsider's bad body, a method no route serves, an unknown path: still the team's 404.
        for other_method, other_path, other_body in [(method, path, "{"), ("TRACE", path, None), ("POST", path + "/x/y", None), ("GET", path + "/", None)]:
            assert comparable(api.call(other_method, other_path, outsider, other_body)) == reference
    assert rows(api.database) == before


def test_authentication_comes_before_the_team(api: Api, crew: Crew) -> None:
    for team in (crew.team, "NoSuchTeam", "%00"):
        problem(api.call("GET", tasks_path(team)), 401, "UNAUTHENTICATED")
        problem(api.call("POST", tasks_path(team), body={"title": "x"}), 401, "UNAUTHENTICATED")


def test_routing_under_a_team_matches_the_personal_routes(api: Api, crew: Crew) -> None:
    member = crew.token("member")
    for method, path, allow in [
        ("PUT", tasks_path(crew.team), "GET, POST"),
        ("GET", f"{tasks_path(crew.team)}/some-id/complete", "PATCH"),
        ("POST", f"{tasks_path(crew.team)}/some-id", "GET, PATCH, PUT, DELETE"),
        ("TRACE", f"{tasks_path(crew.team)}/stats", "GET"),
    ]:
        answer = api.call(method, path, member)
        problem(answer, 405, "METHOD_NOT_ALLOWED")
        assert answer.headers["allow"] == allow
    for path in [f"{tasks_path(crew.team)}/", f"{tasks_path(crew.team)}/a/b", f"/api/teams/{crew.team}", f"/api/teams/{crew.team}/other"]:
        problem(api.call("GET", path, member), 404, "NOT_FOUND")
    problem(api.call("GET", f"{tasks_path(crew.team)}/not-a-uuid", member), 404, "TASK_NOT_FOUND")
    problem(api.call("GET", f"{tasks_path(crew.team)}?limit=0", member), 400, "VALIDATION_FAILED")
    problem(api.call("GET", f"{tasks_path(crew.team)}?cursor=abc", member), 400, "INVALID_CURSOR")
    problem(api.call("GET", f"{tasks_path(crew.team)}/stats?status=all", member), 400, "VALIDATION_FAILED")
    problem(api.call("POST", tasks_path(crew.team), member, '{"title":"x"}', content_type="text/plain"), 415, "UNSUPPORTED_MEDIA_TYPE")
    unknown = problem(api.call("POST", tasks_path(crew.team), member, {"title": "x", "userId": "u", "teamId": "t", "createdBy": "c"}), 400, "VALIDATION_FAILED")
    assert unknown["errors"] == [{"path": f"body.{k}", "message": "Unknown field"} for k in ("userId", "teamId", "createdBy")]


def test_team_lists_page_search_and_sort_like_the_personal_ones(api: Api, crew: Crew) -> None:
    titles = ["delta", "Alpha", "charlie", "bravo", "echo"]
    for title in titles:
        create(api, crew, title=title)
    viewer = crew.token("viewer")
    seen: List[str] = []
    query = f"{tasks_path(crew.team)}?sort=title&limit=2"
    while True:
        page = api.call("GET", query, viewer).json()
        seen.extend(t["title"] for t in page["items"])
        if page["nextCursor"] is None:
            break
        query = f"{tasks_path(crew.team)}?sort=title&limit=2&cursor={page['nextCursor']}"
    assert seen == sorted(titles, key=str.lower)
    found = api.call("GET", f"{tasks_path(crew.team)}?q=ALPHA", viewer).json()["items"]
    assert [t["title"] for t in found] == ["Alpha"]
    assert api.call("GET", f"{tasks_path(crew.team)}/stats?q=a", viewer).json()["all"] == 4


def test_team_and_personal_tasks_never_meet(api: Api, crew: Crew) -> None:
    team_task = create(api, crew, title="Team only")
    other_team = insert_team(api.database, "Other")
    insert_member(api.database, other_team, crew.id("owner"), "owner")
    other_task = api.call("POST", tasks_path(other_team), crew.token("owner"), {"title": "Other team's"}).json()
    personal = api.call("POST", "/api/tasks", crew.token("owner"), {"title": "Mine"}).json()
    assert set(personal) == {"id", "title", "description", "completed", "priority", "dueAt", "completedAt", "createdAt", "updatedAt"}
    owner, owner_id = crew.token("owner"), crew.id("owner")
    # The team task through the personal, compatibility and other team's routes: absent.
    for path in (f"/api/tasks/{team_task['id']}", f"/api/{owner_id}/tasks/{team_task['id']}", f"{tasks_path(other_team)}/{team_task['id']}"):
        problem(api.call("GET", path, owner), 404, "TASK_NOT_FOUND")
        problem(api.call("PATCH", path, owner, {"title": "stolen"}), 404, "TASK_NOT_FOUND")
        problem(api.call("PATCH", f"{path}/complete", owner), 404, "TASK_NOT_FOUND")
        problem(api.call("DELETE", path, owner), 404, "TASK_NOT_FOUND")
    # The personal task through a team's routes: absent too.
    problem(api.call("GET", f"{tasks_path(crew.team)}/{personal['id']}", owner), 404, "TASK_NOT_FOUND")
    problem(api.call("DELETE", f"{tasks_path(crew.team)}/{personal['id']}", owner), 404, "TASK_NOT_FOUND")
    assert [t["id"] for t in api.call("GET", "/api/tasks", owner).json()["items"]] == [personal["id"]]
    assert api.call("GET", "/api/tasks/stats", owner).json()["all"] == 1
    assert [t["id"] for t in api.call("GET", tasks_path(crew.team), owner).json()["items"]] == [team_task["id"]]
    assert [t["id"] for t in api.call("GET", tasks_path(other_team), owner).json()["items"]] == [other_task["id"]]
    assert api.call("GET", f"{tasks_path(crew.team)}/{team_task['id']}", owner).json() == team_task


def test_the_assignee_must_be_a_member_when_the_task_is_written(api: Api, crew: Crew) -> None:
    not_member = [{"path": "body.assigneeId", "message": "Not a member of this team"}]
    member = crew.token("member")
    for assignee in (crew.id("outsider"), "no-such-user", crew.id("outsider")):
        refused = problem(api.call("POST", tasks_path(crew.team), member, {"title": "x", "assigneeId": assignee}), 400, "VALIDATION_FAILED")
        assert refused["errors"] == not_member
    malformed = problem(api.call("POST", tasks_path(crew.team), member, {"title": "x", "assigneeId": "a b"}), 400, "VALIDATION_FAILED")
    assert malformed["errors"] == [{"path": "body.assigneeId", "message": "assigneeId must be a user id"}]
    task = create(api, crew, assigneeId=crew.id("member"))
    one = f"{tasks_path(crew.team)}/{task['id']}"
    before = rows(api.database)
    for method in ("PATCH", "PUT"):
        assert problem(api.call(method, one, member, {"title": "x", "assigneeId": crew.id("outsider")}), 400, "VALIDATION_FAILED")["errors"] == not_member
        # Validation comes before the task: a missing task with a bad assignee is the 400 too.
        missing = one.replace(task["id"], str(uuid.uuid4()))
        problem(api.call(method, missing, member, {"title": "x", "assigneeId": crew.id("outsider")}), 400, "VALIDATION_FAILED")
        problem(api.call(method, missing, member, {"title": "x", "assigneeId": crew.id("admin")}), 404, "TASK_NOT_FOUND")
        malformed_id = one.replace(task["id"], "not-a-task")
        problem(api.call(method, malformed_id, member, {"title": "x", "assigneeId": crew.id("outsider")}), 400, "VALIDATION_FAILED")
        problem(api.call(method, malformed_id, member, {"title": "x", "assigneeId": None}), 404, "TASK_NOT_FOUND")
    assert rows(api.database) == before
    # A member of another team is not a member of this one; a removed member no longer counts.
    with api.database.engine.begin() as connection:
        connection.execute(sql('delete from "member" where "userId" = :uid'), {"uid": crew.id("admin")})
    problem(api.call("PATCH", one, member, {"assigneeId": crew.id("admin")}), 400, "VALIDATION_FAILED")
    assert api.call("PATCH", one, member, {"assigneeId": crew.id("viewer")}).json()["assigneeId"] == crew.id("viewer")


def test_a_team_deleted_within_the_cache_bound_is_not_found_not_a_401(database: Database, jwks: JwksServer, keys: KeyPair) -> None:
    api = Api(database, jwks, keys, revocation_seconds=3600)
    team = insert_team(database)
    user_id, token = api.sign_up()
    insert_member(database, team, user_id, "owner")
    task = api.call("POST", tasks_path(team), token, {"title": "Doomed"}).json()
    with database.engine.begin() as connection:
        connection.execute(sql('delete from "organization" where id = :id'), {"id": team})
    assert rows(database) == []  # the team's tasks went with it
    gone = problem(api.call("POST", tasks_path(team), token, {"title": "Late"}), 404, "TEAM_NOT_FOUND")
    assert gone["detail"] == "No such team"
    problem(api.call("PATCH", f"{tasks_path(team)}/{task['id']}", token, {"title": "Late"}), 404, "TASK_NOT_FOUND")
    assert json.loads(api.call("GET", tasks_path(team), token).text) == {"items": [], "nextCursor": None}


def test_an_author_removed_within_the_cache_bound_cannot_create(database: Database, jwks: JwksServer, keys: KeyPair) -> None:
    api = Api(database, jwks, keys, revocation_seconds=3600)
    team = insert_team(database)
    user_id, token = api.sign_up()
    insert_member(database, team, user_id, "member")
    assert api.call("POST", tasks_path(team), token, {"title": "Before"}).status_code == 201
    with database.engine.begin() as connection:
        connection.execute(sql('delete from "member" where "userId" = :uid'), {"uid": user_id})
    # Reads are served from the cached membership, within the bound; a create checks the author
    # in its own statement, so it answers as for any non-member.
    assert api.call("GET", tasks_path(team), token).status_code == 200
    problem(api.call("POST", tasks_path(team), token, {"title": "After"}), 404, "TEAM_NOT_FOUND")
    assert [r for r in rows(database) if "After" in r] == []
