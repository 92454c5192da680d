"""The backend's configuration: the same variables, defaults and validation as apps/api/src/env.ts.

This is the only module that reads ``os.environ``. A bad value is reported with every problem at
once, in the TypeScript API's words, and the process exits before it serves anything.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from typing import Callable, List, Mapping, Optional, Tuple
from urllib.parse import urlsplit

# The Python backend's own defaults where the brief differs from the TypeScript API (port 8000,
# all interfaces): it usually runs next to it on a developer's machine.
DEFAULT_PORT = 8001
DEFAULT_HOST = "127.0.0.1"

LOG_LEVELS = ("fatal", "error", "warn", "info", "debug", "trace", "silent")
NODE_ENVS = ("development", "production", "test")

_SECONDS = re.compile(r"^[0-9]+(\.[0-9]+)?$")
_PORT = re.compile(r"^[0-9]{1,5}$")
_WHOLE = re.compile(r"^[0-9]{1,9}$")


@dataclass(frozen=True)
class Settings:
    node_env: str
    port: int
    host: str
    database_url: Optional[str]
    jwks_url: str
    issuer: str
    audience: str
    clock_skew_seconds: float
    max_token_age_seconds: float
    jwks_timeout_seconds: float
    jwks_cooldown_seconds: float
    jwks_max_age_seconds: float
    revocation_check_seconds: float
    quota_requests: int
    quota_window_seconds: float
    # "memory" (this process) or "database" (the api_quota table shared with the TypeScript API).
    quota_store: str
    web_origins: Tuple[str, ...]
    log_level: str
    # Prometheus metrics on their own port (off when None), optionally behind a bearer token.
    metrics_port: Optional[int] = None
    metrics_host: str = "127.0.0.1"
    metrics_token: Optional[str] = None
    # On SIGTERM: /ready fails this long while requests are still served (shutdown.py), then
    # in-flight requests get the timeout.
    shutdown_drain_seconds: int = 0
    shutdown_timeout_seconds: int = 10
    keep_alive_timeout_seconds: int = 65


class ConfigError(Exception):
    """Every problem found, as ``(variable, message)`` pairs."""

    def __init__(self, issues: List[Tuple[str, str]]):
        super().__init__("; ".join(f"{k}: {m}" for k, m in issues))
        self.issues = issues


def _enum_message(options: Tuple[str, ...]) -> str:
    return "Invalid option: expected one of " + "|".join(f'"{o}"' for o in options)


def is_http_url(value: str) -> bool:
    """What zod's ``z.url({ protocol: /^https?$/ })`` accepts: an absolute http(s) URL with a host."""
    if value != value.strip() or any(c in value for c in " \t\r\n"):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def origin_of(value: str) -> str:
    """The WHATWG URL origin of an http(s) URL: lower-case scheme and host, default port dropped."""
    parts = urlsplit(value)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    default = 80 if scheme == "http" else 443
    return f"{scheme}://{host}" + ("" if port is None or port == default else f":{port}")


def load_settings(env: Mapping[str, str]) -> Settings:
    """Validates ``env``; raises ConfigError naming every bad variable."""
    issues: List[Tuple[str, str]] = []

    def get(name: str, fallback: str) -> str:
        value = env.get(name)
        return fallback if value is None else value

    def seconds(name: str, fallback: float, check: Optional[Callable[[float], Optional[str]]] = None) -> float:
        raw = get(name, str(fallback))
        if not _SECONDS.match(raw):
            issues.append((name, f"{name} must be a number of seconds"))
            return fallback
        value = float(raw)
        problem = check(value) if check else None
        if problem:
            issues.append((name, problem))
        return value

    node_env = get("NODE_ENV", "development")
    if node_env not in NODE_ENVS:
        issues.append(("NODE_ENV", _enum_message(NODE_ENVS)))

    port_raw = get("PORT", str(DEFAULT_PORT))
    port = DEFAULT_PORT
    if not _PORT.match(port_raw):
        issues.append(("PORT", "PORT must be a port number"))
    elif not 0 < int(port_raw) < 65536:
        issues.append(("PORT", "PORT must be between 1 and 65535"))
    else:
        port = int(port_raw)

    host = get("HOST", DEFAULT_HOST)
    if host == "":
        issues.append(("HOST", "Too small: expected string to have >=1 characters"))

    jwks_url = get("AUTH_JWKS_URL", "http://localhost:3000/api/auth/jwks")
    if not is_http_url(jwks_url):
        issues.append(("AUTH_JWKS_URL", "Invalid URL"))
    issuer = get("AUTH_ISSUER", "http://localhost:3000")
    if issuer == "":
        issues.append(("AUTH_ISSUER", "Too small: expected string to have >=1 characters"))
    audience = get("AUTH_AUDIENCE", "tandem-api")
    if audience == "":
        issues.append(("AUTH_AUDIENCE", "Too small: expected string to have >=1 characters"))

    skew = seconds("AUTH_CLOCK_SKEW_SECONDS", 5)
    max_age = seconds("AUTH_MAX_TOKEN_AGE_SECONDS", 24 * 60 * 60)
    timeout = seconds("AUTH_JWKS_TIMEOUT_SECONDS", 3)
    # A token with an unknown kid waits up to this long for the next key-set fetch.
    cooldown = seconds(
        "AUTH_JWKS_COOLDOWN_SECONDS",
        1,
        lambda n: None
        if n <= 30
        else "AUTH_JWKS_COOLDOWN_SECONDS must be at most 30 (requests with a new key wait up to this long)",
    )
    jwks_max_age = seconds("AUTH_JWKS_MAX_AGE_SECONDS", 600)
    revocation = seconds("AUTH_REVOCATION_CHECK_SECONDS", 5)

    quota_raw = get("API_QUOTA_REQUESTS", "600")
    quota_requests = 600
    if not _WHOLE.match(quota_raw):
        issues.append(
            ("API_QUOTA_REQUESTS", "API_QUOTA_REQUESTS must be a whole number of requests (0 = no quota)")
        )
    else:
        quota_requests = int(quota_raw)
    window = seconds(
        "API_QUOTA_WINDOW_SECONDS",
        60,
        lambda n: None
        if 0 < n <= 86_400
        else "API_QUOTA_WINDOW_SECONDS must be more than 0 and at most 86400",
    )

    # Unset: shared through the database on PostgreSQL, per process on SQLite (decision 018).
    database_url = env.get("DATABASE_URL")
    on_postgres = re.match(r"^postgres(ql)?://", database_url or "") is not None
    quota_store = get("API_QUOTA_STORE", "database" if on_postgres else "memory")
    if quota_store not in ("memory", "database"):
        issues.append(("API_QUOTA_STORE", _enum_message(("memory", "database"))))
    elif quota_store == "database" and not on_postgres:
        issues.append(("API_QUOTA_STORE", "API_QUOTA_STORE=database needs DATABASE_URL=postgres://…"))

    origins: List[str] = []
    entries = [o.strip() for o in get("WEB_ORIGIN", "http://localhost:3000").split(",")]
    for i, entry in enumerate(o for o in entries if o):
        if not is_http_url(entry):
            issues.append((f"WEB_ORIGIN.{i}", "Invalid URL"))
        elif origin_of(entry) != entry:
            issues.append(
                (
                    f"WEB_ORIGIN.{i}",
                    "each WEB_ORIGIN entry must be a bare origin like https://app.example.com (no path or slash)",
                )
            )
        else:
            origins.append(entry)

    log_level = get("LOG_LEVEL", "info")
    if log_level not in LOG_LEVELS:
        issues.append(("LOG_LEVEL", _enum_message(LOG_LEVELS)))

    metrics_port: Optional[int] = None
    metrics_port_raw = env.get("METRICS_PORT")
    if metrics_port_raw is not None:
        if not _PORT.match(metrics_port_raw) or not 0 < int(metrics_port_raw) < 65536:
            issues.append(("METRICS_PORT", "METRICS_PORT must be a port number between 1 and 65535"))
        else:
            metrics_port = int(metrics_port_raw)
    metrics_token = env.get("METRICS_TOKEN")
    if metrics_token is not None and len(metrics_token) < 16:
        issues.append(("METRICS_TOKEN", "METRICS_TOKEN must be at least 16 characters"))

    def whole_seconds(name: str, fallback: int, low: int, high: int) -> int:
        raw = get(name, str(fallback))
        if not _WHOLE.match(raw):
            issues.append((name, f"{name} must be a whole number of seconds"))
            return fallback
        if not low <= int(raw) <= high:
            issues.append((name, f"{name} must be between {low} and {high}"))
            return fallback
        return int(raw)

    shutdown_drain = whole_seconds("SHUTDOWN_DRAIN_SECONDS", 0, 0, 120)
    shutdown_timeout = whole_seconds("SHUTDOWN_TIMEOUT_SECONDS", 10, 1, 120)
    keep_alive_timeout = whole_seconds("KEEP_ALIVE_TIMEOUT_SECONDS", 65, 1, 600)

    if issues:
        raise ConfigError(issues)
    return Settings(
        node_env=node_env,
        port=port,
        host=host,
        database_url=env.get("DATABASE_URL"),
        jwks_url=jwks_url,
        issuer=issuer,
        audience=audience,
        clock_skew_seconds=skew,
        max_token_age_seconds=max_age,
        jwks_timeout_seconds=timeout,
        jwks_cooldown_seconds=cooldown,
        jwks_max_age_seconds=jwks_max_age,
        revocation_check_seconds=revocation,
        quota_requests=quota_requests,
        quota_window_seconds=window,
        quota_store=quota_store,
        web_origins=tuple(origins),
        log_level=log_level,
        metrics_port=metrics_port,
        metrics_host=env.get("METRICS_HOST") or "127.0.0.1",
        metrics_token=metrics_token,
        shutdown_drain_seconds=shutdown_drain,
        shutdown_timeout_seconds=shutdown_timeout,
        keep_alive_timeout_seconds=keep_alive_timeout,
    )


def settings_from_environment() -> Settings:
    """The process's settings; on a bad value prints every problem (like env.ts) and exits 1."""
    try:
        return load_settings(os.environ)
    except ConfigError as error:
        lines = "\n".join(f"  - {name}: {message}" for name, message in error.issues)
        print(f"Tandem API: invalid configuration\n{lines}", file=sys.stderr, flush=True)
        raise SystemExit(1) from None
