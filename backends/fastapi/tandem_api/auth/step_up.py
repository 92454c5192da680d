"""A step-up guard for one route (docs/decisions/017), the twin of apps/api/src/auth/step-up.ts:
the caller must have signed in at most ``max_age_seconds`` ago (the JWT's ``auth_time``), with two
factors when ``require_mfa`` (its ``amr`` holds ``mfa``). Anyone else gets 403 STEP_UP_REQUIRED
with an RFC 9470-style challenge naming the maximum age; a personal access token is always refused
(it proves no sign-in).

>>> @router.delete("/api/tasks")
... def delete_all(user: Identity = Depends(require_recent_sign_in(600, require_mfa=True))) -> Response:
...     ...
"""

from __future__ import annotations

import math
import time
from typing import Callable, Optional

from fastapi import Depends

from ..errors import ApiError
from .dependency import REALM, current_user
from .verifier import Identity


def _duration(seconds: int) -> str:
    """``600`` → ``10 minutes``, ``90`` → ``90 seconds``."""
    n, unit = (seconds // 60, "minute") if seconds >= 60 and seconds % 60 == 0 else (seconds, "second")
    return f"{n} {unit}{'' if n == 1 else 's'}"


def step_up_refusal(identity: Identity, max_age_seconds: int, require_mfa: bool, now_ms: float) -> Optional[str]:
    """Why a caller is refused, or None when the sign-in is recent (and strong) enough."""
    if identity.via != "session":
        return "A personal access token cannot do this: sign in to the web app and use its token"
    within = f"within the last {_duration(max_age_seconds)}"
    # Ages are counted in whole seconds, as auth_time is; an auth_time ahead of the clock counts as now.
    if identity.auth_time is None or math.floor(now_ms / 1000) - identity.auth_time > max_age_seconds:
        return f"This needs a sign-in {within}: sign in again, then retry with a new token"
    if require_mfa and "mfa" not in identity.amr:
        return f"This needs a sign-in with two factors {within}: sign in again with your authentication code"
    return None


def require_recent_sign_in(
    max_age_seconds: int, require_mfa: bool = False, now: Optional[Callable[[], float]] = None
) -> Callable[[Identity], Identity]:
    """The dependency: the caller's identity once the guard lets it through."""
    clock = now or (lambda: time.time() * 1000)

    def guard(user: Identity = Depends(current_user)) -> Identity:
        refusal = step_up_refusal(user, max_age_seconds, require_mfa, clock())
        if refusal is not None:
            raise ApiError(
                "STEP_UP_REQUIRED",
                detail=refusal,
                headers={
                    "WWW-Authenticate": (
                        f'Bearer realm="{REALM}", error="insufficient_user_authentication", '
                        f'error_description="{refusal}", max_age="{max_age_seconds}"'
                    )
                },
            )
        return user

    return guard
