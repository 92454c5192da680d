import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Hono } from "hono";
import { ApiError } from "../errors.ts";
import type { AppEnv } from "../types.ts";
import { buildOpenApiDocument } from "./openapi.ts";

// Swagger UI is served from the installed package, not a CDN: /docs works offline and under a
// strict Content-Security-Policy.
const swaggerDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
const ASSETS: Record<string, { file: string; type: string }> = {
  "swagger-ui.css": { file: "swagger-ui.css", type: "text/css; charset=utf-8" },
  "swagger-ui-bundle.js": { file: "swagger-ui-bundle.js", type: "text/javascript; charset=utf-8" },
};

const PAGE = `<!doctype html>
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
</html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });`;

const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** `GET /openapi.json` and the interactive docs at `GET /docs`; no authentication. */
export function docsRoutes() {
  const document = JSON.stringify(buildOpenApiDocument());
  const cache = new Map<string, string>();
  const asset = (name: string): string => {
    let body = cache.get(name);
    if (body === undefined) {
      body = readFileSync(join(swaggerDir, ASSETS[name]?.file ?? name), "utf8");
      cache.set(name, body);
    }
    return body;
  };
  return new Hono<AppEnv>()
    .get("/openapi.json", (c) => {
      c.header("Content-Type", "application/json; charset=utf-8");
      return c.body(document);
    })
    .get("/docs", (c) => {
      c.header("Content-Security-Policy", DOCS_CSP);
      return c.html(PAGE);
    })
    .get("/docs/init.js", (c) => {
      c.header("Content-Type", "text/javascript; charset=utf-8");
      return c.body(INIT);
    })
    .get("/docs/:asset", (c, next) => {
      const spec = ASSETS[c.req.param("asset")];
      if (!spec) return next();
      c.header("Content-Type", spec.type);
      c.header("Cache-Control", "public, max-age=86400");
      return c.body(asset(c.req.param("asset")));
    })
    .all("/openapi.json", onlyGet)
    .all("/docs", onlyGet)
    .all("/docs/init.js", onlyGet)
    .all("/docs/:asset", (c, next) => (ASSETS[c.req.param("asset")] ? onlyGet() : next()));
}

/** Every other method on a docs path: 405 naming GET (HEAD is served as GET). */
function onlyGet(): never {
  throw new ApiError("METHOD_NOT_ALLOWED", { headers: { Allow: "GET" } });
}
