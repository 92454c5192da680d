"""Issue 17: the Prometheus metrics move with traffic, under the TypeScript API's names, on a
port of their own behind the optional bearer token."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request

import pytest

pytest.importorskip("prometheus_client")

from tandem_api.metrics import ApiMetrics, serve_metrics  # noqa: E402

from .support import JwksServer, KeyPair  # noqa: E402
from .test_app import Api  # noqa: E402


def sample(text: str, line: str) -> float:
    for candidate in text.splitlines():
        if candidate.startswith(line + " "):
            return float(candidate[len(line) + 1 :])
    return 0.0


def test_requests_by_route_pattern_and_auth_failures_move_with_traffic(
    database: object, jwks: JwksServer, keys: KeyPair
) -> None:
    metrics = ApiMetrics()
    api = Api(database, jwks, keys, metrics=metrics)  # type: ignore[arg-type]
    _, token = api.sign_up()
    created = api.call("POST", "/api/tasks", token, {"title": "one"})
    assert created.status_code == 201
    task_id = created.json()["id"]
    assert api.call("GET", f"/api/tasks/{task_id}", token).status_code == 200
    assert api.call("GET", f"/api/tasks/{task_id}", token).status_code == 200
    assert api.call("GET", "/api/tasks").status_code == 401

    from prometheus_client import generate_latest

    text = generate_latest(metrics.registry).decode()
    assert task_id not in text, text
    assert sample(text, 'tandem_http_requests_total{method="GET",route="/api/tasks/:id",status="200"}') == 2
    assert (
        sample(text, 'tandem_http_request_duration_seconds_count{method="GET",route="/api/tasks/:id",status="200"}')
        == 2
    )
    assert sample(text, 'tandem_http_requests_total{method="POST",route="/api/tasks",status="201"}') == 1
    assert sample(text, 'tandem_jwks_fetches_total{outcome="ok"}') >= 1
    assert sample(text, 'tandem_cache_lookups_total{cache="revocation",result="miss"}') >= 1
    assert any(
        line.startswith("tandem_auth_failures_total{reason=") and line.endswith(" 1.0") for line in text.splitlines()
    ), [line for line in text.splitlines() if line.startswith("tandem_") and "bucket" not in line]


def test_the_metrics_port_answers_only_with_the_token() -> None:
    metrics = ApiMetrics()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = serve_metrics(metrics, port, "127.0.0.1", token="t" * 32)
    try:
        url = f"http://127.0.0.1:{port}/metrics"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url, timeout=5)
        assert refused.value.code == 401
        request = urllib.request.Request(url, headers={"Authorization": "Bearer " + "t" * 32})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200
            assert "tandem_http_requests" in response.read().decode()
    finally:
        server.shutdown()
        server.server_close()
