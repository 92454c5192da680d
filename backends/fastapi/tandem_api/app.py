"""The Tandem API as a FastAPI app, from explicit dependencies (tests pass a fresh database and a
verifier pointed at a local key set).

>>> deps = Deps(database, verifier, SessionCheck(database), Logger())
>>> app = create_app(deps, web_origins=("http://localhost:3000",))

Without ``memberships`` or ``access_tokens``, the team membership check and the personal access
token check get the session check's bound (AUTH_REVOCATION_CHECK_SECONDS), as decisions 016 and
017 ask.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Optional, Tuple

from fastapi import Depends, FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response

from .auth.access_token import AccessTokenCheck
from .auth.dependency import current_user
from .auth.session_check import SessionCheck
from .auth.verifier import Identity, Verifier
from .db import Database
from .errors import ApiError
from .http_layer import HttpLayer
from .instants import to_iso
from .logs import Logger
from .paths import is_api_path
from .quota import QuotaStore
from .system import router as system_router
from .tasks.routes import METHODS, fallback, json_response, task_router
from .teams.membership import MembershipCheck
from .teams.routes import team_fallback, team_task_router

if TYPE_CHECKING:
    from .metrics import ApiMetrics

DEFAULT_BODY_LIMIT_BYTES = 64 * 1024


@dataclass
class Deps:
    database: Database
    verifier: Verifier
    sessions: SessionCheck
    logger: Logger
    quota: Optional[QuotaStore] = None
    memberships: Optional[MembershipCheck] = None
    access_tokens: Optional[AccessTokenCheck] = None
    # True once the process is shutting down (shutdown.py): /ready then answers 503.
    is_draining: Optional[Callable[[], bool]] = None


def me_body(user: Identity) -> dict:
    """``GET /api/me`` (apps/api/src/auth/me.ts): who the caller is and how they proved it."""
    return {
        "id": user.user_id,
        "name": user.name,
        "via": user.via,
        "scope": user.scope,
        "amr": list(user.amr),
        "authTime": None if user.auth_time is None else to_iso(user.auth_time * 1000),
    }


def _fallback(request: Request, user: Identity) -> ApiError:
    """The answer for an /api path and method no operation serves: a team path's team check
    first, then the task routes' 405/404."""
    return team_fallback(request, user) or fallback(request, user)


def create_app(
    deps: Deps,
    web_origins: Tuple[str, ...],
    body_limit_bytes: int = DEFAULT_BODY_LIMIT_BYTES,
    metrics: Optional["ApiMetrics"] = None,
) -> FastAPI:
    # The OpenAPI document and docs are the shared ones (system.py), not FastAPI's generated ones.
    app = FastAPI(title="Tandem API", openapi_url=None, docs_url=None, redoc_url=None)
    if deps.memberships is None:
        deps.memberships = MembershipCheck(deps.database, cache_seconds=deps.sessions.cache_seconds)
    if deps.access_tokens is None:
        deps.access_tokens = AccessTokenCheck(deps.database, cache_seconds=deps.sessions.cache_seconds)
    app.state.deps = deps
    app.include_router(system_router)

    @app.get("/api/me", include_in_schema=False)
    def me(user: Identity = Depends(current_user)) -> Response:
        return json_response(me_body(user))

    app.include_router(task_router("/api/tasks", owner_check=False))
    # Before the compatibility mount, whose /api/{user_id}/tasks/{id} also matches
    # /api/teams/tasks/tasks: a team path is always answered as one (as in the TypeScript API).
    app.include_router(team_task_router())
    app.include_router(task_router("/api/{user_id}/tasks", owner_check=True))

    @app.api_route("/api/{rest:path}", methods=list(METHODS), include_in_schema=False)
    def unknown(request: Request, user: Identity = Depends(current_user)) -> Response:
        raise _fallback(request, user)

    @app.api_route("/api", methods=list(METHODS), include_in_schema=False)
    def api_root(request: Request, user: Identity = Depends(current_user)) -> Response:
        raise _fallback(request, user)

    async def routing_error(request: Request, error: Exception) -> Response:
        # No route (404) or an unusual method on a known path (405): under /api the caller is
        # authenticated first, as everywhere under /api; elsewhere it is simply not found.
        if is_api_path(request.state.path):
            user = await run_in_threadpool(current_user, request)
            raise _fallback(request, user)
        if isinstance(error, StarletteHTTPException) and error.status_code == 405:
            # A public path (health, docs) with another method: name the served ones as the TS API
            # does (HEAD is served as GET, so not listed).
            served = (error.headers or {}).get("Allow", "").replace(" ", "").split(",")
            allow = ", ".join(m for m in ("GET", "POST", "PUT", "PATCH", "DELETE") if m in served)
            raise ApiError("METHOD_NOT_ALLOWED", headers={"Allow": allow})
        raise ApiError("NOT_FOUND", detail="No such route")

    app.add_exception_handler(StarletteHTTPException, routing_error)
    if metrics is not None:
        # Imported only when asked for, so the API runs without prometheus_client installed.
        from .metrics import MetricsLayer

        # Inside HttpLayer: it sees the normalised path and the matched route.
        app.add_middleware(MetricsLayer, metrics=metrics)
        metrics.observe(deps)
    app.add_middleware(
        HttpLayer, logger=deps.logger, web_origins=web_origins, body_limit_bytes=body_limit_bytes
    )
    return app
