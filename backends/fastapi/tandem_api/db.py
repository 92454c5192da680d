"""Opens Tandem's database from DATABASE_URL, like packages/db createDb (docs/decisions/002).

- unset, ``""`` or ``file:<path>`` → SQLite (WAL, foreign keys on, busy timeout, and a Unicode
  ``lower()`` so case-insensitive search folds like Postgres and like the TypeScript API);
- ``postgres://`` / ``postgresql://`` → psycopg2, the URL handed to libpq as it is.

The backend never creates or alters tables: the TypeScript migrations own the schema.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, List, Optional
from urllib.parse import urlsplit

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as SqlAlchemyTimeoutError
from sqlalchemy.pool import QueuePool
from sqlalchemy.sql.elements import TextClause

# The Tandem migrations (packages/db/src/migrate.ts) this backend's queries rely on (0004: team
# tasks, and Better Auth's organization tables before it; 0005: personal access tokens).
REQUIRED_MIGRATIONS = ("0001_create_task", "0002_security_events", "0004_teams", "0005_sign_in_methods")


def find_repo_root(start: Path) -> Path:
    """The nearest folder with a package-lock.json (the npm workspace root), as packages/db does."""
    for folder in [start, *start.parents]:
        if (folder / "package-lock.json").exists():
            return folder
    return Path.cwd()


REPO_ROOT = find_repo_root(Path(__file__).resolve().parent)
DEFAULT_SQLITE_PATH = REPO_ROOT / "data" / "tandem.db"


class DatabaseUrlError(ValueError):
    pass


@dataclass
class Database:
    engine: Engine
    dialect: str  # "sqlite" | "postgres"
    location: str  # without credentials

    def dispose(self) -> None:
        self.engine.dispose()


def js_lower(value: Any) -> Any:
    """SQLite's lower() folds ASCII only; this folds all of Unicode (like JavaScript's toLowerCase)."""
    return value.lower() if isinstance(value, str) else value


def sqlite_path(url: Optional[str]) -> Optional[Path]:
    """The SQLite file a DATABASE_URL names, or None for a Postgres URL."""
    if url is None or url == "":
        return DEFAULT_SQLITE_PATH
    if url.startswith("file:"):
        path = re.sub(r"^//(?=/)", "", url[len("file:") :])
        if path == "":
            raise DatabaseUrlError("DATABASE_URL file: needs a path, e.g. file:./data/tandem.db")
        return Path(os.path.abspath(path))
    if re.match(r"^postgres(ql)?://", url):
        return None
    raise DatabaseUrlError(
        "DATABASE_URL must start with file: (SQLite) or postgres:// (PostgreSQL); got a value of another kind"
    )


def open_database(url: Optional[str], pool_size: int = 10) -> Database:
    path = sqlite_path(url)
    if path is not None:
        return _open_sqlite(path)
    assert url is not None
    return _open_postgres(url, pool_size)


def _open_sqlite(path: Path) -> Database:
    path.parent.mkdir(parents=True, exist_ok=True)

    def connect() -> sqlite3.Connection:
        connection = sqlite3.connect(str(path), check_same_thread=False, timeout=5.0)
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA busy_timeout = 5000")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.create_function("lower", 1, js_lower, deterministic=True)
        return connection

    # A pool (SQLAlchemy 1.4 would open a new SQLite connection per checkout): each connection
    # keeps its pragmas and the lower() function for its lifetime.
    engine = create_engine(
        "sqlite://", creator=connect, poolclass=QueuePool, pool_size=8, max_overflow=32, future=True
    )
    return Database(engine=engine, dialect="sqlite", location=str(path))


def _open_postgres(url: str, pool_size: int) -> Database:
    import psycopg2  # only needed for Postgres

    def connect() -> Any:
        # Fail fast (and let /ready say so) rather than hang when the server is unreachable.
        return psycopg2.connect(url, connect_timeout=5)

    engine = create_engine(
        "postgresql+psycopg2://",
        creator=connect,
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=30,
        future=True,
    )
    parts = urlsplit(url)
    host = parts.hostname or ""
    location = f"postgres://{host}{':' + str(parts.port) if parts.port else ''}{parts.path}"
    return Database(engine=engine, dialect="postgres", location=location)


@lru_cache(maxsize=512)
def sql(statement: str) -> TextClause:
    """A compiled-once text() clause for a statement (queries are built from a few fixed shapes)."""
    return text(statement)


def pending_migrations(database: Database) -> List[str]:
    """Required Tandem migrations not yet applied (all of them on an empty database)."""
    try:
        with database.engine.connect() as connection:
            rows: Iterable[Any] = connection.execute(sql("select name from kysely_migration")).all()
            done = {row[0] for row in rows}
    except DBAPIError as error:
        if _is_missing_table(error):
            return list(REQUIRED_MIGRATIONS)
        raise
    return [name for name in REQUIRED_MIGRATIONS if name not in done]


def _is_missing_table(error: DBAPIError) -> bool:
    message = str(error.orig)
    return "no such table" in message or getattr(error.orig, "pgcode", None) == "42P01"


def is_foreign_key_violation(error: BaseException) -> bool:
    """True for a foreign-key violation on either engine (e.g. a personal task for a deleted user)."""
    orig = getattr(error, "orig", error)
    if getattr(orig, "pgcode", None) == "23503":
        return True
    return isinstance(orig, sqlite3.IntegrityError) and "FOREIGN KEY constraint failed" in str(orig)


# SQLSTATEs of a PostgreSQL server going away or not there yet: class 08 (connection exception),
# 57P01-57P03 (administrator shutdown, crash, "cannot connect now") and 53300 (too many connections).
_UNAVAILABLE_STATE = re.compile(r"^(08...|57P0[123]|53300)$")


def is_database_unavailable(error: BaseException) -> bool:
    """True when the database could not be asked at all (down, restarting, unreachable) rather than
    refusing the statement: a 503 with Retry-After, not a server fault (as the TypeScript API)."""
    if isinstance(error, SqlAlchemyTimeoutError):  # no pooled connection could be opened in time
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    orig = error.orig
    if _UNAVAILABLE_STATE.match(getattr(orig, "pgcode", None) or ""):
        return True
    # psycopg2 raises OperationalError without a code when it cannot connect or the socket drops.
    return type(orig).__name__ == "OperationalError" and getattr(orig, "pgcode", None) is None and not isinstance(
        orig, sqlite3.Error
    )
