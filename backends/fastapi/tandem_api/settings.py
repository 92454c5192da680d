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
    web_origins: Tuple[str, ...]
    log_level: str


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
        web_origins=tuple(origins),
        log_level=log_level,
    )


def settings_from_environment() -> Settings:
    """The process's settings; on a bad value prints every problem (like env.ts) and exits 1."""
    try:
        return load_settings(os.environ)
    except ConfigError as error:
        lines = "\n".join(f"  - {name}: {message}" for name, message in error.issues)
        print(f"Tandem API: invalid configuration\n{lines}", file=sys.stderr, flush=True)
        raise SystemExit(1) from None
