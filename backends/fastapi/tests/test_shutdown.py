"""Rolling restarts behind a load balancer (issue #17): SIGTERM fails /ready for the drain while
every other request is served, then uvicorn finishes the write in flight and exits 0."""

from __future__ import annotations

import asyncio
import http.client
import json
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from typing import Callable, List

import pytest

from tandem_api.db import REPO_ROOT, Database, sql
from tandem_api.logs import Logger
from tandem_api.settings import ConfigError, load_settings
from tandem_api.shutdown import Drain

from .support import insert_access_token, insert_user
from .test_process import environment, free_port, uvicorn, wait_for


def test_the_drain_fails_ready_at_once_then_hands_on_and_bounds_the_shutdown() -> None:
    events: List[str] = []

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        drain = Drain(0.05, 0.05, Logger("silent"), exit_process=lambda code: events.append(f"exit {code}"))
        drain.begin(loop, lambda: events.append("stop"))
        drain.begin(loop, lambda: events.append("stop again"))  # a repeated SIGTERM changes nothing
        assert drain.draining and events == []
        await asyncio.sleep(0.08)
        assert events == ["stop"]
        await asyncio.sleep(0.08)

    asyncio.run(scenario())
    assert events == ["stop", "exit 1"]


def status_of(url: str, headers: "dict[str, str] | None" = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def eventually(check: Callable[[], bool], what: str) -> None:
    for _ in range(100):
        if check():
            return
        time.sleep(0.03)
    raise AssertionError(f"never: {what}")


def refused(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_sigterm_drains_then_finishes_the_write_in_flight(database: Database, database_url: str) -> None:
    user_id = insert_user(database)
    _, token = insert_access_token(database, user_id)
    authorization = {"Authorization": f"Bearer {token}"}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = environment(DATABASE_URL=database_url, SHUTDOWN_DRAIN_SECONDS="1")
    process = subprocess.Popen(uvicorn(port), cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for(f"{base}/health", process)
        assert status_of(f"{base}/ready") == 200
        process.send_signal(signal.SIGTERM)
        eventually(lambda: status_of(f"{base}/ready") == 503, "/ready answers 503")
        assert status_of(f"{base}/health") == 200
        assert status_of(f"{base}/api/tasks", authorization) == 200

        # A create whose body is still arriving when the drain ends (a slow client upload).
        upload = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        upload.putrequest("POST", "/api/tasks")
        for name, value in {**authorization, "Content-Type": "application/json", "Transfer-Encoding": "chunked"}.items():
            upload.putheader(name, value)
        upload.endheaders()
        first, rest = b'{"title":"in ', b'flight"}'
        upload.send(b"%x\r\n%s\r\n" % (len(first), first))
        eventually(lambda: refused(port), "new connections are refused")
        upload.send(b"%x\r\n%s\r\n0\r\n\r\n" % (len(rest), rest))
        created = upload.getresponse()
        assert created.status == 201
        assert created.getheader("connection") == "close"
        created.read()
        upload.close()
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    messages = [json.loads(line)["msg"] for line in (process.stdout.read() if process.stdout else "").splitlines()]
    drained = messages.index("shutting down (SIGTERM): not ready, draining 1 s")
    assert drained < messages.index("shutting down: not accepting, finishing in-flight requests") < messages.index("stopped")
    with database.engine.connect() as connection:
        rows = connection.execute(sql('select "title" from "task" where "user_id" = :uid'), {"uid": user_id}).fetchall()
    assert [row[0] for row in rows] == ["in flight"]


def test_the_shutdown_settings_are_whole_seconds_in_range_as_in_env_ts() -> None:
    defaults = load_settings({})
    assert (defaults.shutdown_drain_seconds, defaults.shutdown_timeout_seconds) == (0, 10)
    assert load_settings({"SHUTDOWN_DRAIN_SECONDS": "120"}).shutdown_drain_seconds == 120
    with pytest.raises(ConfigError) as refused_settings:
        load_settings({"SHUTDOWN_DRAIN_SECONDS": "1.5", "SHUTDOWN_TIMEOUT_SECONDS": "0"})
    assert refused_settings.value.issues == [
        ("SHUTDOWN_DRAIN_SECONDS", "SHUTDOWN_DRAIN_SECONDS must be a whole number of seconds"),
        ("SHUTDOWN_TIMEOUT_SECONDS", "SHUTDOWN_TIMEOUT_SECONDS must be between 1 and 120"),
    ]
