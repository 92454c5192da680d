"""The ASGI app ``tandem_api.main:app``, configured from the environment (the variables of
apps/api/src/env.ts). Importing this module validates the configuration and the database and
exits the process on a problem, so a misconfigured instance never starts serving:

    /usr/bin/python3 -m uvicorn tandem_api.main:app --app-dir backends/fastapi --port 8001
"""

from __future__ import annotations

import sys
from typing import Any, Optional

from .app import Deps, create_app
from .auth.access_token import AccessTokenCheck
from .auth.key_set import RemoteKeySet
from .auth.session_check import SessionCheck
from .auth.verifier import Verifier
from .db import Database, open_database, pending_migrations
from .header_limit import bound_loading_server
from .logs import Logger, route_server_logs
from .quota import MemoryQuotaStore, PostgresQuotaStore, QuotaStore
from .settings import Settings, settings_from_environment
from .shutdown import CloseAfterDrain, Drain
from .teams.membership import MembershipCheck


def _configure_loading_server(settings: Settings) -> None:
    """uvicorn computed its config before importing this module: on the config that is loading us,
    drop the ``server: uvicorn`` banner (the TypeScript API sends none), bound the header block
    (header_limit.py) and keep idle connections open as env.ts does (KEEP_ALIVE_TIMEOUT_SECONDS:
    longer than a balancer keeps its own, so the balancer always closes first)."""
    frame: Any = sys._getframe()
    while frame is not None:
        config = frame.f_locals.get("self")
        if type(config).__name__ == "Config" and hasattr(config, "encoded_headers"):
            config.encoded_headers = [h for h in config.encoded_headers if h[0] != b"server"]
            config.server_header = False
            bound_loading_server(config)
            config.timeout_keep_alive = settings.keep_alive_timeout_seconds
            return
        frame = frame.f_back


def open_checked_database(settings: Settings, logger: Logger) -> Database:
    try:
        database = open_database(settings.database_url)
        pending = pending_migrations(database)
    except Exception as error:  # noqa: BLE001 - reported in one line, then exit
        logger.fatal("cannot open the database", err=str(error))
        raise SystemExit(1) from None
    if pending:
        logger.fatal(
            "the database is not migrated: run `npm run db:migrate` (npm start does it for you)", pending=pending
        )
        raise SystemExit(1)
    return database


def build(settings: Settings) -> Any:
    logger = Logger(settings.log_level)
    route_server_logs(logger)
    database = open_checked_database(settings, logger)
    key_set = RemoteKeySet(
        settings.jwks_url,
        timeout=settings.jwks_timeout_seconds,
        cooldown=settings.jwks_cooldown_seconds,
        max_age=settings.jwks_max_age_seconds,
    )
    verifier = Verifier(
        key_set,
        issuer=settings.issuer,
        audience=settings.audience,
        clock_tolerance_seconds=settings.clock_skew_seconds,
        max_token_age_seconds=settings.max_token_age_seconds,
    )
    quota: Optional[QuotaStore] = None
    if settings.quota_requests > 0 and settings.quota_store == "database":
        quota = PostgresQuotaStore(database.engine, settings.quota_requests, settings.quota_window_seconds)
    elif settings.quota_requests > 0:
        quota = MemoryQuotaStore(settings.quota_requests, settings.quota_window_seconds)
    drain = Drain(settings.shutdown_drain_seconds, settings.shutdown_timeout_seconds, logger)
    deps = Deps(
        database=database,
        verifier=verifier,
        sessions=SessionCheck(database, cache_seconds=settings.revocation_check_seconds),
        # Team membership is bounded by the same setting as the session check (decision 016).
        memberships=MembershipCheck(database, cache_seconds=settings.revocation_check_seconds),
        # So are personal access tokens: a revoked one is refused within the bound (decision 017).
        access_tokens=AccessTokenCheck(database, cache_seconds=settings.revocation_check_seconds),
        logger=logger,
        quota=quota,
        is_draining=lambda: drain.draining,
    )
    metrics = None
    if settings.metrics_port is not None:
        from .metrics import ApiMetrics, serve_metrics

        metrics = ApiMetrics()
        serve_metrics(metrics, settings.metrics_port, settings.metrics_host, settings.metrics_token)
    application = create_app(deps, web_origins=settings.web_origins, metrics=metrics)

    @application.on_event("startup")
    def announce() -> None:
        logger.info(
            f"Tandem API listening on http://localhost:{settings.port} (docs at /docs)",
            database=f"{database.dialect}: {database.location}",
            issuer=settings.issuer,
        )

    # After uvicorn's own signal handlers are in place: the drain takes SIGTERM over.
    application.add_event_handler("startup", drain.take_over_sigterm)
    application.add_middleware(CloseAfterDrain, drain=drain)

    @application.on_event("shutdown")
    def stop() -> None:
        # The last uses are written before the database goes.
        if deps.access_tokens is not None:
            deps.access_tokens.usage.close()
        database.dispose()
        logger.info("stopped")

    return application


settings = settings_from_environment()
_configure_loading_server(settings)
app = build(settings)
