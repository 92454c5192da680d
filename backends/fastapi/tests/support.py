"""Test helpers: a controllable JWKS endpoint, Ed25519 keys that mint tokens like Better Auth's,
and rows in Better Auth's tables."""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Optional

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from tandem_api.db import Database, sql

ISSUER = "http://localhost:3000"
AUDIENCE = "tandem-api"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass
class KeyPair:
    private: Ed25519PrivateKey
    kid: str

    @staticmethod
    def generate() -> "KeyPair":
        return KeyPair(Ed25519PrivateKey.generate(), secrets.token_urlsafe(24))

    @property
    def public_jwk(self) -> Dict[str, str]:
        raw = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        # What Better Auth publishes: alg, crv, x, kty, kid.
        return {"alg": "EdDSA", "crv": "Ed25519", "x": b64url(raw), "kty": "OKP", "kid": self.kid}

    def token(self, claims: Optional[Dict[str, Any]] = None, header: Optional[Dict[str, Any]] = None, **overrides: Any) -> str:
        """A token as Better Auth signs it (header: alg and kid, no typ), with chosen claims."""
        now = int(time.time())
        payload: Dict[str, Any] = {
            "iat": now,
            "sid": "session-1",
            "name": "Ada",
            "sub": "user-1",
            "exp": now + 900,
            "iss": ISSUER,
            "aud": AUDIENCE,
            **(claims or {}),
            **overrides,
        }
        payload = {k: v for k, v in payload.items() if v is not ...}
        return jwt.encode(payload, self.private, algorithm="EdDSA", headers={"kid": self.kid, "typ": None, **(header or {})})

    def sign_raw(self, header: Dict[str, Any], payload: Any) -> str:
        """A compact JWS over arbitrary header and payload JSON (for malformed-token cases)."""
        encoded = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(payload).encode())}"
        return f"{encoded}.{b64url(self.private.sign(encoded.encode()))}"


@dataclass
class JwksServer:
    """A JWKS endpoint on 127.0.0.1 whose behaviour a test switches, counting its requests.

    Behaviours: ``{"keys": [...]}`` (any JSON body), or ("status", code, text), ("reset",),
    ("hang",), ("delay", seconds, then), ("stall-body",).
    """

    behaviour: Any
    requests: int = 0
    _server: ThreadingHTTPServer = field(init=False)

    def __post_init__(self) -> None:
        outer = self
        stop = threading.Event()
        self._stop = stop

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                outer.requests += 1
                self._answer(outer.behaviour)

            def _answer(self, behaviour: Any) -> None:
                if isinstance(behaviour, tuple):
                    kind = behaviour[0]
                    if kind == "status":
                        self._send(behaviour[1], behaviour[2].encode(), "text/plain")
                    elif kind == "reset":
                        self.connection.close()
                    elif kind == "hang":
                        stop.wait(30)
                    elif kind == "delay":
                        stop.wait(behaviour[1])
                        self._answer(behaviour[2])
                    elif kind == "stall-body":
                        self.send_response(200)
                        self.send_header("Content-Type", "application/json")
                        self.send_header("Content-Length", "4096")
                        self.end_headers()
                        self.wfile.write(b'{"keys":[')
                        self.wfile.flush()
                        stop.wait(30)
                    return
                self._send(200, json.dumps(behaviour).encode(), "application/json")

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/jwks"

    def close(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def insert_user(database: Database, name: str = "Ada") -> str:
    """A row in Better Auth's ``user`` table (tasks reference it)."""
    user_id = secrets.token_urlsafe(24)
    now = iso(datetime.now(timezone.utc))
    with database.engine.begin() as connection:
        connection.execute(
            sql(
                'insert into "user" ("id", "name", "email", "emailVerified", "createdAt", "updatedAt") '
                "values (:id, :name, :email, :verified, :now, :now)"
            ),
            {"id": user_id, "name": name, "email": f"{user_id}@example.test", "verified": False, "now": now},
        )
    return user_id


def insert_session(database: Database, user_id: str, expires_in: timedelta = timedelta(days=7)) -> str:
    """A row in Better Auth's ``session`` table, dated as Better Auth writes it."""
    session_id = secrets.token_urlsafe(24)
    now = datetime.now(timezone.utc)
    with database.engine.begin() as connection:
        connection.execute(
            sql(
                'insert into "session" ("id", "expiresAt", "token", "createdAt", "updatedAt", "userId") '
                "values (:id, :expires, :token, :now, :now, :uid)"
            ),
            {"id": session_id, "expires": iso(now + expires_in), "token": secrets.token_urlsafe(24), "now": iso(now), "uid": user_id},
        )
    return session_id


def insert_team(database: Database, name: str = "Launch") -> str:
    """A row in Better Auth's ``organization`` table (a Tandem team)."""
    team_id = secrets.token_urlsafe(24)
    with database.engine.begin() as connection:
        connection.execute(
            sql('insert into "organization" ("id", "name", "slug", "createdAt") values (:id, :name, :slug, :now)'),
            {"id": team_id, "name": name, "slug": f"t-{team_id}", "now": iso(datetime.now(timezone.utc))},
        )
    return team_id


def insert_member(database: Database, team_id: str, user_id: str, role: str) -> str:
    """A row in Better Auth's ``member`` table; ``role`` as stored (it may be a comma-separated list)."""
    member_id = secrets.token_urlsafe(24)
    with database.engine.begin() as connection:
        connection.execute(
            sql(
                'insert into "member" ("id", "organizationId", "userId", "role", "createdAt") '
                "values (:id, :team, :uid, :role, :now)"
            ),
            {"id": member_id, "team": team_id, "uid": user_id, "role": role, "now": iso(datetime.now(timezone.utc))},
        )
    return member_id


def insert_access_token(
    database: Database,
    user_id: str,
    scope: str = "write",
    name: str = "test token",
    expires_in: timedelta = timedelta(days=30),
    revoked: bool = False,
) -> "tuple[str, str]":
    """A personal access token row as the auth server writes one (packages/testing seedAccessToken):
    returns its id and the token, of which only the SHA-256 is stored."""
    from tandem_api.auth.access_token import access_token_hash

    token = "tandem_pat_" + b64url(secrets.token_bytes(32))
    token_id = secrets.token_urlsafe(16)
    now = datetime.now(timezone.utc)
    with database.engine.begin() as connection:
        connection.execute(
            sql(
                'insert into "access_token" ("id", "user_id", "name", "token_hash", "token_hint", "scope", '
                '"created_at", "expires_at", "last_used_at", "revoked_at") '
                "values (:id, :uid, :name, :hash, :hint, :scope, :now, :expires, null, :revoked)"
            ),
            {
                "id": token_id,
                "uid": user_id,
                "name": name,
                "hash": access_token_hash(token),
                "hint": token[:15],
                "scope": scope,
                "now": iso(now),
                "expires": iso(now + expires_in),
                "revoked": iso(now) if revoked else None,
            },
        )
    return token_id, token
