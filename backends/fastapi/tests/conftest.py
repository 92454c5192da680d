"""Shared fixtures: real databases migrated by the TypeScript migrations (SQLite always, PostgreSQL
when TEST_DATABASE_URL is set), real Ed25519 keys and a JWKS served over HTTP on a free port."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Callable, Iterator, List
from urllib.parse import urlsplit, urlunsplit

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tandem_api.db import REPO_ROOT, Database, open_database  # noqa: E402

from .support import JwksServer, KeyPair, insert_user  # noqa: E402

TSX = REPO_ROOT / "node_modules" / ".bin" / "tsx"
ADMIN_URL = os.environ.get("TEST_DATABASE_URL")
DIALECTS: List[str] = ["sqlite"] + (["postgres"] if ADMIN_URL else [])
RUN = uuid.uuid4().hex[:8]


def migrate(url: str) -> None:
    """Applies Better Auth's and Tandem's migrations, as `npm run db:migrate` does."""
    env = {**os.environ, "DATABASE_URL": url}
    result = subprocess.run(
        [str(TSX), "scripts/db-migrate.ts"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    if result.returncode != 0:
        raise RuntimeError(f"migration failed:\n{result.stdout}\n{result.stderr}")


def postgres_url(name: str) -> str:
    assert ADMIN_URL is not None
    parts = urlsplit(ADMIN_URL)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def admin_execute(statement: str) -> None:
    import psycopg2

    connection = psycopg2.connect(ADMIN_URL)
    connection.autocommit = True
    try:
        connection.cursor().execute(statement)
    finally:
        connection.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate(f"file:{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    name = f"tandem_pytest_{RUN}_template"
    admin_execute(f'CREATE DATABASE "{name}"')
    try:
        migrate(postgres_url(name))
        yield name
    finally:
        admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=DIALECTS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh migrated database of each dialect, private to the test, removed afterwards."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"file:{path}"
        return
    template = request.getfixturevalue("postgres_template")
    name = f"tandem_pytest_{RUN}_{uuid.uuid4().hex[:10]}"
    admin_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield postgres_url(name)
    finally:
        admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = open_database(database_url)
    try:
        yield db
    finally:
        db.dispose()


@pytest.fixture
def user_factory(database: Database) -> Callable[..., str]:
    def make(name: str = "Ada") -> str:
        return insert_user(database, name)

    return make


@pytest.fixture
def keys() -> KeyPair:
    return KeyPair.generate()


@pytest.fixture
def jwks(keys: KeyPair) -> Iterator[JwksServer]:
    server = JwksServer({"keys": [keys.public_jwk]})
    try:
        yield server
    finally:
        server.close()
