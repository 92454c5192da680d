"""``python -m tandem_api``: serves the app on HOST:PORT (default 127.0.0.1:8001)."""

from __future__ import annotations

import uvicorn

from .header_limit import BoundedH11Protocol
from .main import app, settings

uvicorn.run(
    app,
    host=settings.host,
    port=settings.port,
    server_header=False,
    http=BoundedH11Protocol,  # problem+json for requests h11 cannot parse (header_limit.py)
    access_log=False,
    timeout_keep_alive=settings.keep_alive_timeout_seconds,
    log_level="warning",
)
