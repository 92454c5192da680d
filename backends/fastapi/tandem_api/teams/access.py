"""Who may use ``/api/teams/{teamId}/tasks…`` (docs/decisions/016, routes), checked after
authentication and the quota, before anything about the request itself:

1. the team: an id that cannot be a team id, a missing team and a team the caller is not a member
   of all answer the same 404 TEAM_NOT_FOUND, so an outsider learns nothing about which ids exist;
2. the role: a membership whose role Tandem does not know grants nothing (403 on every method);
   a viewer's POST, PUT, PATCH or DELETE is 403 — decided by the method alone, as the TypeScript
   API's middleware does, so a viewer is refused before the body or the task is looked at.

Mirrors apps/api/src/teams/team-access.ts.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Depends
from starlette.requests import Request

from ..auth.dependency import KEY_SET_RETRY_AFTER_SECONDS, current_user
from ..auth.verifier import Identity
from ..errors import ApiError
from ..paths import decode_uri_component
from ..validation import ID_PATTERN
from .membership import MembershipStoreUnavailableError
from .queries import team_not_found
from .roles import can_write_team_tasks

WRITE_METHODS = frozenset(("POST", "PUT", "PATCH", "DELETE"))
VIEWER_DETAIL = "Viewers can read this team's tasks but not change them"
NO_ROLE_DETAIL = "Your role in this team gives no access to its tasks"


@dataclass(frozen=True)
class TeamCaller:
    """A member of the team in the path, with the role the database gave at most the bound ago."""

    user_id: str
    team_id: str
    role: str


def check_team(request: Request, user: Identity, raw_team_id: str) -> TeamCaller:
    """Steps 1 and 2 above for the path's (still encoded) team id."""
    team_id = decode_uri_component(raw_team_id)
    # Checked before any query: some strings cannot even be a query parameter (a NUL on PostgreSQL).
    if ID_PATTERN.fullmatch(team_id) is None:
        raise team_not_found()
    try:
        membership = request.app.state.deps.memberships.membership(user.user_id, team_id)
    except MembershipStoreUnavailableError as error:
        request.state.logger.error("team membership store unavailable", err=str(error))
        raise ApiError(
            "SERVICE_UNAVAILABLE",
            detail="Your team membership cannot be checked right now; retry shortly",
            headers={"Retry-After": str(KEY_SET_RETRY_AFTER_SECONDS)},
        ) from None
    if not membership.member:
        raise team_not_found()
    if membership.role is None:
        raise ApiError("FORBIDDEN", detail=NO_ROLE_DETAIL)
    # request.method, not the scope's: HEAD is served as GET, and is a read either way.
    if request.method in WRITE_METHODS and not can_write_team_tasks(membership.role):
        raise ApiError("FORBIDDEN", detail=VIEWER_DETAIL)
    return TeamCaller(user_id=user.user_id, team_id=team_id, role=membership.role)


def team_caller(request: Request, user: Identity = Depends(current_user)) -> TeamCaller:
    """The FastAPI dependency of every team task route."""
    return check_team(request, user, request.path_params["team_id"])
