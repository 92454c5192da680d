"""Personal access tokens (docs/decisions/017), verified against the shared database exactly as
apps/api/src/auth/access-token.ts does:

1. the format (``tandem_pat_`` + 43 base64url characters) before anything else: a malformed one is
   refused like a malformed JWT, with no lookup;
2. the lowercase hex SHA-256 of the whole token, looked up with its owner (the user row must still
   exist) and not revoked; answers (found or not) cached per hash for ``cache_seconds``, the
   revocation bound (AUTH_REVOCATION_CHECK_SECONDS) the session check uses;
3. not expired, checked on every request against the cached instant.

One refusal for an unknown, expired or revoked token: a guesser learns nothing. A table that cannot
be read raises ``AccessTokenStoreUnavailableError`` (fail closed: 503).

A use is recorded by ``AccessTokenUsage`` on a single background thread: ``last_used_at`` at most
once a minute per token, and the first use (the ``UPDATE ... WHERE last_used_at IS NULL`` that
flips it) adds ``access_token_first_used`` to the owner's history, exactly once.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
import uuid
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, List, Optional

from ..db import Database, sql
from ..instants import to_iso
from ..logs import Logger
from ..request_context import ACCESS_TOKEN_PREFIX
from .bounded_cache import BoundedCache
from .session_check import DEFAULT_REVOCATION_CHECK_SECONDS, instant_ms
from .verifier import Identity, InvalidTokenError

# packages/contracts/src/access-tokens.ts (tests/test_parity.py holds them equal).
ACCESS_TOKEN_PATTERN = re.compile(r"tandem_pat_[A-Za-z0-9_-]{43}")
ACCESS_TOKEN_SCOPES = ("read", "write")

MALFORMED_TOKEN = "The access token is malformed"
REFUSED_ACCESS_TOKEN = "The personal access token is unknown, expired or revoked"
LAST_USED_INTERVAL_MS = 60_000
MAX_USER_AGENT_LENGTH = 512

_LOOKUP = (
    'select t."id", t."user_id", t."name", t."scope", t."expires_at", t."last_used_at", u."name" '
    'from "access_token" t join "user" u on u."id" = t."user_id" '
    'where t."token_hash" = :hash and t."revoked_at" is null'
)
_LOCK_OWNER = 'select 1 from "user" where "id" = :uid for key share'
_FIRST_USE = 'update "access_token" set "last_used_at" = :at where "id" = :id and "last_used_at" is null'
_USE = 'update "access_token" set "last_used_at" = :at where "id" = :id'
_EVENT = (
    'insert into "security_event" ("id", "user_id", "type", "ip", "user_agent", "created_at", "detail") '
    "values (:id, :uid, 'access_token_first_used', null, :ua, :at, :detail)"
)


class AccessTokenStoreUnavailableError(Exception):
    """The access-token table could not be read; the request must fail closed (503), not pass."""


def is_personal_access_token(bearer: str) -> bool:
    """True when a bearer value is meant as a personal access token (by its prefix)."""
    return bearer.startswith(ACCESS_TOKEN_PREFIX)


def access_token_hash(token: str) -> str:
    """What the database stores: the lowercase hex SHA-256 of the whole token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class StoredToken:
    id: str
    user_id: str
    token_name: str
    used: bool  # last_used_at was set when the row was read
    owner_name: str
    scope: str
    expires_at_ms: float


def uuidv7(ms: int) -> str:
    """packages/db ids.ts: a 48-bit millisecond timestamp, then random bits (version 7, variant 10)."""
    raw = bytearray(uuid.uuid4().bytes)
    raw[0:6] = ms.to_bytes(6, "big")
    raw[6] = (raw[6] & 0x0F) | 0x70
    raw[8] = (raw[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(raw)))


class AccessTokenUsage:
    """``last_used_at`` and the first-use history entry, written off the request's thread."""

    def __init__(
        self,
        database: Database,
        now: Optional[Callable[[], float]] = None,
        interval_ms: float = LAST_USED_INTERVAL_MS,
        max_entries: int = 10_000,
    ):
        self._database = database
        self._now = now or (lambda: time.time() * 1000)
        self._interval_ms = interval_ms
        self._max_entries = max_entries
        self._last_written: "OrderedDict[str, float]" = OrderedDict()
        self._lock = threading.Lock()
        # One thread: the writes are rare (a minute apart per token) and never compete with requests
        # for the pool's threads.
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="access-token-usage")
        self._pending: List[Future] = []

    def record(self, token: StoredToken, user_agent: Optional[str], logger: Logger) -> None:
        """Notes a use; never raises and never waits for the database."""
        at = self._now()
        with self._lock:
            previous = self._last_written.get(token.id)
            if previous is not None and at - previous < self._interval_ms:
                return
            self._last_written.pop(token.id, None)
            self._last_written[token.id] = at
            while len(self._last_written) > self._max_entries:
                self._last_written.popitem(last=False)
            self._pending = [f for f in self._pending if not f.done()]
            self._pending.append(self._writer.submit(self._write_logged, token, int(at), user_agent, logger))

    def settled(self) -> None:
        """Waits for every write started so far (tests)."""
        with self._lock:
            pending = list(self._pending)
        for future in pending:
            future.result()

    def close(self) -> None:
        self._writer.shutdown(wait=True)

    def _write_logged(self, token: StoredToken, at: int, user_agent: Optional[str], logger: Logger) -> None:
        try:
            self._write(token, at, user_agent)
        except Exception as error:  # noqa: BLE001 - tried again at the next use after the interval
            logger.warn("access token use not recorded", err=_db_message(error), tokenId=token.id)

    def _write(self, token: StoredToken, at: int, user_agent: Optional[str]) -> None:
        stamp = to_iso(at)
        with self._database.engine.begin() as connection:
            if not token.used:
                if self._database.dialect == "postgres":
                    # The owner's row first, as the history insert's foreign key will want it: an
                    # account deletion locks the user, then the token (cascade); the same order
                    # means one waits for the other instead of a deadlock.
                    connection.execute(sql(_LOCK_OWNER), {"uid": token.user_id})
                first = connection.execute(sql(_FIRST_USE), {"at": stamp, "id": token.id})
                if first.rowcount > 0:
                    connection.execute(
                        sql(_EVENT),
                        {
                            "id": uuidv7(at),
                            "uid": token.user_id,
                            "ua": None if user_agent is None else user_agent[:MAX_USER_AGENT_LENGTH],
                            "at": stamp,
                            "detail": token.token_name,
                        },
                    )
                    return
            connection.execute(sql(_USE), {"at": stamp, "id": token.id})


def _db_message(error: BaseException) -> str:
    """The driver's message, without SQLAlchemy's echo of the statement and its parameters."""
    return str(getattr(error, "orig", None) or error)


class AccessTokenCheck:
    """
    >>> tokens = AccessTokenCheck(database, cache_seconds=5)
    >>> identity = tokens.verify(bearer, user_agent, logger)
    """

    def __init__(
        self,
        database: Database,
        cache_seconds: float = DEFAULT_REVOCATION_CHECK_SECONDS,
        max_entries: int = 10_000,
        now: Optional[Callable[[], float]] = None,
        usage: Optional[AccessTokenUsage] = None,
    ):
        self._database = database
        self._now = now or (lambda: time.time() * 1000)
        self._cache: BoundedCache[Optional[StoredToken]] = BoundedCache(cache_seconds * 1000, max_entries, self._now)
        self.usage = usage if usage is not None else AccessTokenUsage(database, now=now)

    def verify(self, token: str, user_agent: Optional[str], logger: Logger) -> Identity:
        """The identity behind a personal access token; raises InvalidTokenError or
        AccessTokenStoreUnavailableError."""
        if ACCESS_TOKEN_PATTERN.fullmatch(token) is None:
            raise InvalidTokenError(MALFORMED_TOKEN)
        token_hash = access_token_hash(token)
        # self._look_up is read on each call, not bound once: the tests count queries by wrapping it.
        stored = self._cache.get(token_hash, lambda: self._look_up(token_hash))
        if stored is None or not stored.expires_at_ms > self._now():
            raise InvalidTokenError(REFUSED_ACCESS_TOKEN)
        self.usage.record(stored, user_agent, logger)
        return Identity(
            user_id=stored.user_id,
            session_id=None,
            name=stored.owner_name,
            expires_at=float(int(stored.expires_at_ms // 1000)),
            amr=(),
            auth_time=None,
            via="access_token",
            scope=stored.scope,
            token_id=stored.id,
        )

    def _look_up(self, token_hash: str) -> Optional[StoredToken]:
        try:
            with self._database.engine.connect() as connection:
                row: Any = connection.execute(sql(_LOOKUP), {"hash": token_hash}).first()
        except Exception as error:  # noqa: BLE001 - any failure to read is "unavailable"
            raise AccessTokenStoreUnavailableError(
                f"the access-token store cannot be read: {_db_message(error)}"
            ) from error
        # A scope Tandem does not know grants nothing: a hand-edited row fails closed.
        if row is None or row[3] not in ACCESS_TOKEN_SCOPES:
            return None
        return StoredToken(
            id=row[0],
            user_id=row[1],
            token_name=row[2],
            used=row[5] is not None,
            owner_name=row[6],
            scope=row[3],
            expires_at_ms=instant_ms(row[4]),
        )
