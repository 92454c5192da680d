"""Team roles (packages/contracts/src/teams.ts): what a stored membership lets its holder do."""

from __future__ import annotations

from typing import Optional

from ..validation import JS_WHITESPACE

# Lowest first: viewers read the team's tasks; members also write them; admins and the owner
# manage people and the team (Better Auth), and write tasks like members.
TEAM_ROLES = ("viewer", "member", "admin", "owner")


def parse_team_role(stored: Optional[str]) -> Optional[str]:
    """The role a stored membership grants: Better Auth stores a comma-separated list, the highest
    known role counts, and a list with none Tandem knows grants nothing (None), so a hand-edited
    row fails closed (parseTeamRole)."""
    if stored is None:
        return None
    known = [TEAM_ROLES.index(r) for r in (part.strip(JS_WHITESPACE) for part in stored.split(",")) if r in TEAM_ROLES]
    return TEAM_ROLES[max(known)] if known else None


def can_write_team_tasks(role: Optional[str]) -> bool:
    """True when ``role`` may create, edit, complete and delete the team's tasks."""
    return role is not None and role != "viewer"
