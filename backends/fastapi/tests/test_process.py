"""The real entry points in child processes: configuration checks, start-up, logs and SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Dict, List

import pytest

from tandem_api.db import REPO_ROOT

PYTHON = "/usr/bin/python3"
APP_DIR = str(Path(__file__).resolve().parents[1])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(**values: str) -> Dict[str, str]:
    return {"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1", **values}


def uvicorn(port: int) -> List[str]:
    return [PYTHON, "-m", "uvicorn", "tandem_api.main:app", "--app-dir", APP_DIR, "--host", "127.0.0.1", "--port", str(port)]


def wait_for(url: str, process: subprocess.Popen) -> urllib.request.addinfourl:
    for _ in range(200):
        try:
            return urllib.request.urlopen(url, timeout=2)
        except OSError:
            if process.poll() is not None:
                raise AssertionError(f"exited early:\n{process.stdout.read() if process.stdout else ''}")
            time.sleep(0.05)
    raise AssertionError("did not start")


def test_refuses_to_start_on_invalid_configuration_naming_every_bad_variable() -> None:
    env = environment(
        PORT="eighty",
        WEB_ORIGIN="http://localhost:3000/app",
        AUTH_JWKS_URL="ftp://x",
        API_QUOTA_REQUESTS="lots",
        API_QUOTA_WINDOW_SECONDS="0",
        LOG_LEVEL="verbose",
    )
    result = subprocess.run(uvicorn(free_port()), cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith("Tandem API: invalid configuration\n")
    for line in [
        "  - PORT: PORT must be a port number",
        "  - AUTH_JWKS_URL: Invalid URL",
        "  - API_QUOTA_REQUESTS: API_QUOTA_REQUESTS must be a whole number of requests (0 = no quota)",
        "  - API_QUOTA_WINDOW_SECONDS: API_QUOTA_WINDOW_SECONDS must be more than 0 and at most 86400",
        "  - WEB_ORIGIN.0: each WEB_ORIGIN entry must be a bare origin like https://app.example.com (no path or slash)",
        '  - LOG_LEVEL: Invalid option: expected one of "fatal"|"error"|"warn"|"info"|"debug"|"trace"|"silent"',
    ]:
        assert line in result.stderr.splitlines()
    assert "Traceback" not in result.stderr


def test_refuses_an_unmigrated_database_and_says_which_command_to_run(tmp_path: Path) -> None:
    env = environment(DATABASE_URL=f"file:{tmp_path / 'empty.db'}")
    result = subprocess.run(uvicorn(free_port()), cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "npm run db:migrate" in result.stdout
    bad_url = subprocess.run(
        uvicorn(free_port()), cwd=REPO_ROOT, env=environment(DATABASE_URL="mysql://x"), capture_output=True, text=True, timeout=60
    )
    assert bad_url.returncode == 1
    assert json.loads(bad_url.stdout.splitlines()[-1])["msg"] == "cannot open the database"


@pytest.mark.parametrize("entry", ["uvicorn", "module"])
def test_serves_on_a_migrated_database_then_stops_cleanly_on_sigterm(database_url: str, entry: str) -> None:
    port = free_port()
    if entry == "uvicorn":
        command, cwd, env = uvicorn(port), REPO_ROOT, environment(DATABASE_URL=database_url)
    else:
        command, cwd, env = [PYTHON, "-m", "tandem_api"], Path(APP_DIR), environment(DATABASE_URL=database_url, PORT=str(port))
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        health = wait_for(f"http://127.0.0.1:{port}/health", process)
        assert health.status == 200
        assert health.headers.get("server") is None  # no banner
        assert urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=5).status == 200
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    output = process.stdout.read() if process.stdout else ""
    lines = [json.loads(line) for line in output.splitlines()]  # every line is a JSON object
    assert any(line["msg"] == "stopped" for line in lines)
    assert any(line.get("path") == "/health" and line.get("status") == 200 for line in lines)
