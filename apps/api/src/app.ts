import type { TandemDb } from "@tandem/db";
import { sql } from "kysely";
import { Hono } from "hono";
import type { Logger } from "pino";
import { createAccessTokenCheck } from "./auth/access-token.ts";
import { createAccessTokenUsage } from "./auth/access-token-usage.ts";
import { toMe } from "./auth/me.ts";
import { requireAuth } from "./auth/middleware.ts";
import { createSessionCheck } from "./auth/session-check.ts";
import type { Verifier } from "./auth/verifier.ts";
import { docsRoutes } from "./docs/docs.routes.ts";
import { ApiError, problemResponse } from "./errors.ts";
import { bodyLimit } from "./http/body-limit.ts";
import { corsAllowlist } from "./http/cors.ts";
import { onError } from "./http/error-handler.ts";
import { requestEnvelope, requestLogger } from "./http/middleware.ts";
import { routerOf } from "./http/route-table.ts";
import { QUOTA_HEADERS, type QuotaConfig, requestQuota } from "./http/quota.ts";
import type { ApiMetrics } from "./metrics/metrics.ts";
import { MOUNTS } from "./routes.ts";
import { createTaskListCache } from "./tasks/tasks.list-cache.ts";
import { requirePathOwner, taskRoutes } from "./tasks/tasks.routes.ts";
import { createTeamAccess, requireTeamMember } from "./teams/team-access.ts";
import { teamTaskRoutes } from "./teams/team-tasks.routes.ts";
import type { AppEnv } from "./types.ts";

export interface AppConfig {
  /** Exact origins allowed to call the API from a browser (CORS). */
  webOrigins: string[];
  /**
   * Seconds a session check, a personal access token or a team membership is cached: the bound on
   * how late a revoked session or token, or a removed or downgraded team member, is refused
   * (default 5; 0 = check every request).
   */
  revocationCheckSeconds?: number;
  /** Clock for the session-check, team-membership and access-token caches and usage record (tests). */
  now?: () => number;
  /** Memory for the personal list's kept pages, in bytes (default 16 MiB; 0 = none). */
  listCacheBytes?: number;
  /** Largest request body accepted, in bytes (default 64 KiB). */
  bodyLimitBytes?: number;
  /** Per-user request quota on `/api/*`; absent or `requests: 0` = none. */
  quota?: QuotaConfig;
  /**
   * True once the instance is shutting down (main.ts's graceful shutdown): `/ready` then answers
   * 503 so the load balancer stops sending requests, while every other route is still served.
   */
  isDraining?: () => boolean;
}

export interface AppDeps {
  database: Pick<TandemDb, "db" | "dialect" | "committedReads">;
  verifier: Verifier;
  logger: Logger;
  config: AppConfig;
  /** Prometheus metrics to record into (served by main.ts on its own port); absent = none. */
  metrics?: ApiMetrics;
}

export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

/**
 * The Tandem API as a Hono app, from explicit dependencies (tests pass a fresh database and a
 * verifier pointed at a real Better Auth).
 *
 * @example
 * const app = createApp({ database, verifier, logger, config: { webOrigins: ["http://localhost:3000"] } });
 * serve({ fetch: app.fetch, port: 8000 });
 */
export function createApp({ database, verifier, logger, config, metrics }: AppDeps) {
  const app = new Hono<AppEnv>();
  const origins = new Set(config.webOrigins);

  app.use(requestEnvelope(logger));
  if (metrics !== undefined) app.use(metrics.middleware());
  app.use(
    "/api/*",
    corsAllowlist({
      origins,
      allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE"],
      allowHeaders: ["Authorization", "Content-Type"],
      exposeHeaders: ["Location", "Retry-After", "WWW-Authenticate", "X-Request-Id", ...QUOTA_HEADERS],
      maxAgeSeconds: 600,
    }),
  );

  app.route(
    MOUNTS.service.prefix,
    routerOf(
      MOUNTS.service.table,
      {
        health: (c) => c.json({ status: "ok" }),
        ready: async (c) => {
          if (config.isDraining?.()) {
            throw new ApiError("SERVICE_UNAVAILABLE", { detail: "The instance is shutting down" });
          }
          try {
            await sql`select 1`.execute(database.db);
          } catch (error) {
            requestLogger(c).error(
              { err: error instanceof Error ? error.message : String(error) },
              "database unreachable",
            );
            throw new ApiError("SERVICE_UNAVAILABLE", { detail: "The database is unreachable" });
          }
          return c.json({ status: "ready" });
        },
      },
      { methodNotAllowed: true },
    ),
  );
  app.route("/", docsRoutes());

  const limitBody = bodyLimit({ maxBytes: config.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES });
  // Only the methods whose bodies the API reads. Hono's check reads `c.req.raw.body`, which makes
  // @hono/node-server build a full WHATWG Request (with an AbortController) — about a tenth of the
  // cost of a small GET, for a body no GET handler would ever read.
  const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);
  app.use("/api/*", (c, next) => (BODY_METHODS.has(c.req.method) ? limitBody(c, next) : next()));
  const bound = {
    ...(config.revocationCheckSeconds === undefined ? {} : { cacheSeconds: config.revocationCheckSeconds }),
    ...(config.now === undefined ? {} : { now: config.now }),
  };
  const sessions = createSessionCheck({
    database,
    ...bound,
    ...(metrics === undefined ? {} : { onLookup: (hit: boolean) => metrics.cacheLookup("revocation", hit) }),
  });
  // Personal access tokens share the bound: a revoked token, or one whose owner is gone, is
  // refused within it.
  const accessTokens = createAccessTokenCheck({
    database,
    ...bound,
    usage: createAccessTokenUsage({ database, ...(config.now === undefined ? {} : { now: config.now }) }),
  });
  app.use("/api/*", requireAuth(verifier, sessions, accessTokens));
  app.use("/api/*", requestQuota(config.quota));

  app.route(
    MOUNTS.identity.prefix,
    routerOf(
      MOUNTS.identity.table,
      {
        me: (c) => c.json(toMe(c.get("identity"))),
      },
      { methodNotAllowed: true },
    ),
  );
  const listCache = createTaskListCache({
    database,
    ...(config.listCacheBytes === undefined ? {} : { maxBytes: config.listCacheBytes }),
    ...(metrics === undefined ? {} : { onLookup: (hit: boolean) => metrics.cacheLookup("task_list", hit) }),
  });
  app.route(MOUNTS.tasks.prefix, taskRoutes(database, listCache));
  // Before the compatibility mount, whose `/api/:user_id/tasks/:id` also matches
  // `/api/teams/tasks/tasks`: a team path is always answered as one.
  // `/*` also matches the mount itself: registered once, so the membership is asked once.
  app.use(`${MOUNTS.teamTasks.prefix}/*`, requireTeamMember(createTeamAccess({ database, ...bound })));
  app.route(MOUNTS.teamTasks.prefix, teamTaskRoutes(database));
  app.use(MOUNTS.userTasks.prefix, requirePathOwner);
  app.use(`${MOUNTS.userTasks.prefix}/*`, requirePathOwner);
  app.route(MOUNTS.userTasks.prefix, taskRoutes(database, listCache));

  app.notFound((c) => problemResponse(c, new ApiError("NOT_FOUND", { detail: "No such route" })));
  app.onError(onError);
  return app;
}

export type TandemApp = ReturnType<typeof createApp>;
