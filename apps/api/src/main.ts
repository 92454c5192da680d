import { serve } from "@hono/node-server";
import { createDb, pendingMigrations } from "@tandem/db";
import pino from "pino";
import { createApp } from "./app.ts";
import { answerClientErrors, HEADER_LIMIT_BYTES } from "./http/client-errors.ts";
import { createTokenCache } from "./auth/token-cache.ts";
import { createVerifier } from "./auth/verifier.ts";
import { loadEnv } from "./env.ts";

const env = loadEnv();
const logger = pino(
  {
    level: env.LOG_LEVEL,
    base: { service: "tandem-api" },
    // Defence in depth: nothing logs headers today, but if someone adds them, tokens stay out.
    redact: ["req.headers.authorization", "req.headers.cookie", "*.authorization", "*.token"],
  },
  // Lines go out in batches (4 KiB, or every 100 ms) rather than one write(2) per request (why:
  // docs/decisions/007-list-path-database-tuning.md). pino flushes the rest when the process exits;
  // a SIGKILL can lose the last 100 ms.
  pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 100 }),
);

let database: ReturnType<typeof createDb>;
try {
  database = createDb(env.DATABASE_URL, {
    isoInstants: true,
    preparedStatements: env.DATABASE_PREPARED_STATEMENTS === "on",
  });
  const pending = await pendingMigrations(database.db);
  if (pending.length > 0) {
    logger.fatal(
      { pending },
      "the database is not migrated: run `npm run db:migrate` (npm start does it for you)",
    );
    process.exit(1);
  }
} catch (error) {
  logger.fatal({ err: error instanceof Error ? error.message : String(error) }, "cannot open the database");
  process.exit(1);
}

const verifier = createVerifier({
  jwks: {
    url: env.AUTH_JWKS_URL,
    timeoutMs: env.AUTH_JWKS_TIMEOUT_SECONDS * 1000,
    cooldownMs: env.AUTH_JWKS_COOLDOWN_SECONDS * 1000,
    maxAgeMs: env.AUTH_JWKS_MAX_AGE_SECONDS * 1000,
  },
  issuer: env.AUTH_ISSUER,
  audience: env.AUTH_AUDIENCE,
  clockToleranceSeconds: env.AUTH_CLOCK_SKEW_SECONDS,
  maxTokenAgeSeconds: env.AUTH_MAX_TOKEN_AGE_SECONDS,
  ...(env.AUTH_TOKEN_CACHE === "on" ? { tokenCache: createTokenCache() } : {}),
});

const app = createApp({
  database,
  verifier,
  logger,
  config: {
    webOrigins: env.WEB_ORIGIN,
    revocationCheckSeconds: env.AUTH_REVOCATION_CHECK_SECONDS,
    quota: { requests: env.API_QUOTA_REQUESTS, windowSeconds: env.API_QUOTA_WINDOW_SECONDS },
  },
});

const server = serve(
  {
    fetch: app.fetch,
    port: env.PORT,
    hostname: env.HOST,
    serverOptions: { maxHeaderSize: HEADER_LIMIT_BYTES },
  },
  (info) => {
    logger.info(
      { port: info.port, database: `${database.dialect}: ${database.location}`, issuer: env.AUTH_ISSUER },
      `Tandem API listening on http://localhost:${info.port} (docs at /docs)`,
    );
  },
);
answerClientErrors(server);
server.on("error", (error) => {
  logger.fatal({ err: error.message }, "cannot listen");
  process.exit(1);
});

let stopping = false;
function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down: finishing in-flight requests");
  // Stop accepting connections, let in-flight requests finish, then close the pool.
  const force = setTimeout(() => {
    logger.warn("in-flight requests did not finish in 10 s; exiting");
    process.exit(1);
  }, 10_000);
  force.unref();
  server.close(() => {
    void database.destroy().finally(() => {
      logger.info("stopped");
      process.exit(0);
    });
  });
  if ("closeIdleConnections" in server) server.closeIdleConnections();
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
