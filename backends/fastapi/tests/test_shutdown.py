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
from typing import Any, Callable, List

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


class RecordingLogger(Logger):
    def __init__(self) -> None:
        super().__init__("silent")
        self.lines: List[str] = []

    def info(self, msg: str, **fields: Any) -> None:
        self.lines.append(f"info: {msg}")

    def warn(self, msg: str, **fields: Any) -> None:
        self.lines.append(f"warn: {msg}")


def drain_under(path: str, every: float, send_for: float, drain_seconds: float) -> "tuple[List[str], float, float]":
    """Starts a drain while `path` is requested every `every` s for `send_for` s; returns the log,
    when the last request arrived and when the drain handed on (seconds after SIGTERM)."""
    logger = RecordingLogger()
    handed_on: List[float] = []

    async def scenario() -> float:
        loop = asyncio.get_running_loop()
        drain = Drain(drain_seconds, 5, logger, exit_process=lambda code: None)
        started = time.monotonic()
        drain.begin(loop, lambda: handed_on.append(time.monotonic() - started))
        last = 0.0
        while time.monotonic() - started < send_for and not handed_on:
            drain.note_request(path)
            last = time.monotonic() - started
            await asyncio.sleep(every)
        while not handed_on:
            await asyncio.sleep(0.01)
        return last

    last = asyncio.run(scenario())
    return logger.lines, last, handed_on[0]


def test_the_drain_goes_on_while_requests_still_arrive_and_ends_once_none_has_for_a_moment() -> None:
    lines, last, handed_on = drain_under("/api/tasks", 0.05, 1.4, drain_seconds=1)
    assert last > 1.2  # requests were still served past the second of drain
    assert handed_on >= last + 0.5
    assert "info: requests still arriving; draining until none has for 500 ms" in lines
    assert not [line for line in lines if line.startswith("warn:")]


def test_health_checks_do_not_keep_the_drain_going() -> None:
    lines, _, handed_on = drain_under("/ready", 0.02, 5, drain_seconds=0.5)
    assert handed_on < 1
    assert not [line for line in lines if "still arriving" in line]


def test_the_drain_ends_after_twice_its_length_when_requests_never_stop_and_says_so() -> None:
    lines, _, handed_on = drain_under("/api/tasks", 0.02, 5, drain_seconds=0.3)
    assert handed_on < 1
    assert "warn: requests still arriving 0.6 s after SIGTERM; closing anyway (does the balancer check /ready?)" in lines


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
    assert defaults.keep_alive_timeout_seconds == 65
    with pytest.raises(ConfigError) as no_keep_alive:
        load_settings({"KEEP_ALIVE_TIMEOUT_SECONDS": "0"})
    assert no_keep_alive.value.issues == [("KEEP_ALIVE_TIMEOUT_SECONDS", "KEEP_ALIVE_TIMEOUT_SECONDS must be between 1 and 600")]
    assert load_settings({"SHUTDOWN_DRAIN_SECONDS": "120"}).shutdown_drain_seconds == 120
    with pytest.raises(ConfigError) as refused_settings:
        load_settings({"SHUTDOWN_DRAIN_SECONDS": "1.5", "SHUTDOWN_TIMEOUT_SECONDS": "0"})
    assert refused_settings.value.issues == [
        ("SHUTDOWN_DRAIN_SECONDS", "SHUTDOWN_DRAIN_SECONDS must be a whole number of seconds"),
        ("SHUTDOWN_TIMEOUT_SECONDS", "SHUTDOWN_TIMEOUT_SECONDS must be between 1 and 120"),
    ]


def test_an_idle_keep_alive_connection_closes_after_keep_alive_timeout_seconds(database_url: str) -> None:
    # Behind a balancer the instance's idle timeout must outlast the balancer's (deploy/haproxy.cfg);
    # here a short one shows the setting is what closes an idle connection (uvicorn's own is 5 s).
    port = free_port()
    env = environment(DATABASE_URL=database_url, KEEP_ALIVE_TIMEOUT_SECONDS="1")
    process = subprocess.Popen(uvicorn(port), cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for(f"http://127.0.0.1:{port}/health", process)
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        client.request("GET", "/health")
        answer = client.getresponse()
        assert (answer.status, answer.read()) == (200, b'{"status":"ok"}')
        answered = time.monotonic()
        connection = client.sock  # kept open for the next request
        assert connection is not None
        connection.settimeout(3.5)
        assert connection.recv(1) == b""  # closed by the server, not timed out here
        assert time.monotonic() - answered >= 0.9
        client.close()
    finally:
        process.kill()
        process.wait()
