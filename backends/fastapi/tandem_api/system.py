"""Operations and documentation: ``/health``, ``/ready``, ``/openapi.json`` and Swagger UI at
``/docs``, none of them authenticated.

``/openapi.json`` is the TypeScript API's document (generated from the zod contracts by
``scripts/openapi-json.ts``), so both backends publish one description of one API. Swagger UI is
served from the repository's ``swagger-ui-dist`` package, never a CDN: /docs works offline and
under a strict Content-Security-Policy.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Optional

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from .db import REPO_ROOT, sql
from .errors import ApiError

OPENAPI_FILE = Path(__file__).with_name("openapi.json")
SWAGGER_DIRS = (REPO_ROOT / "node_modules" / "swagger-ui-dist", Path("/usr/share/javascript/swagger-ui"))
ASSETS = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
}
PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Tandem API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>"""
INIT = 'window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });'
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)

router = APIRouter()


@lru_cache(maxsize=1)
def openapi_document() -> bytes:
    # Compact, as the TypeScript API sends it.
    document = json.loads(OPENAPI_FILE.read_text("utf-8"))
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@lru_cache(maxsize=4)
def asset(name: str) -> Optional[bytes]:
    for folder in SWAGGER_DIRS:
        path = folder / name
        if path.is_file():
            return path.read_bytes()
    return None


def _json(body: bytes, content_type: str = "application/json") -> Response:
    return Response(body, headers={"Content-Type": content_type})


@router.get("/health", include_in_schema=False)
async def health() -> Response:
    return _json(b'{"status":"ok"}')


@router.get("/ready", include_in_schema=False)
def ready(request: Request) -> Response:
    is_draining = request.app.state.deps.is_draining
    if is_draining is not None and is_draining():
        raise ApiError("SERVICE_UNAVAILABLE", detail="The instance is shutting down")
    try:
        with request.app.state.deps.database.engine.connect() as connection:
            connection.execute(sql("select 1"))
    except Exception as error:  # noqa: BLE001 - any failure means "not ready"
        request.state.logger.error("database unreachable", err=str(error))
        raise ApiError("SERVICE_UNAVAILABLE", detail="The database is unreachable") from None
    return _json(b'{"status":"ready"}')


@router.get("/openapi.json", include_in_schema=False)
async def openapi() -> Response:
    return _json(openapi_document(), "application/json; charset=utf-8")


@router.get("/docs", include_in_schema=False)
async def docs() -> Response:
    return Response(
        PAGE, headers={"Content-Type": "text/html; charset=UTF-8", "Content-Security-Policy": DOCS_CSP}
    )


@router.get("/docs/init.js", include_in_schema=False)
async def init_js() -> Response:
    return Response(INIT, headers={"Content-Type": "text/javascript; charset=utf-8"})


@router.get("/docs/{name}", include_in_schema=False)
async def docs_asset(name: str) -> Response:
    body = asset(name) if name in ASSETS else None
    if body is None:
        raise ApiError("NOT_FOUND", detail="No such route")
    return Response(body, headers={"Content-Type": ASSETS[name], "Cache-Control": "public, max-age=86400"})
