import * as z from "zod";

const seconds = (label: string, fallback: number) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?$/, `${label} must be a number of seconds`)
    .transform(Number)
    .prefault(String(fallback));

const wholeSeconds = (label: string, fallback: number, min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, `${label} must be a whole number of seconds`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${label} must be between ${min} and ${max}`)
    .prefault(String(fallback));

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z
    .string()
    .regex(/^\d{1,5}$/, "PORT must be a port number")
    .transform(Number)
    .refine((n) => n > 0 && n < 65536, "PORT must be between 1 and 65535")
    .prefault("8000"),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: z.string().optional(),
  // Named prepared statements on Postgres (docs/decisions/007); "off" behind a pooler without them.
  DATABASE_PREPARED_STATEMENTS: z.enum(["on", "off"]).default("on"),
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/ }).default("http://localhost:3000/api/auth/jwks"),
  AUTH_ISSUER: z.string().min(1).default("http://localhost:3000"),
  AUTH_AUDIENCE: z.string().min(1).default("tandem-api"),
  AUTH_CLOCK_SKEW_SECONDS: seconds("AUTH_CLOCK_SKEW_SECONDS", 5),
  AUTH_MAX_TOKEN_AGE_SECONDS: seconds("AUTH_MAX_TOKEN_AGE_SECONDS", 24 * 60 * 60),
  AUTH_JWKS_TIMEOUT_SECONDS: seconds("AUTH_JWKS_TIMEOUT_SECONDS", 3),
  // A token with an unknown kid waits up to this long for the next key-set fetch.
  AUTH_JWKS_COOLDOWN_SECONDS: seconds("AUTH_JWKS_COOLDOWN_SECONDS", 1).refine(
    (n) => n <= 30,
    "AUTH_JWKS_COOLDOWN_SECONDS must be at most 30 (requests with a new key wait up to this long)",
  ),
  AUTH_JWKS_MAX_AGE_SECONDS: seconds("AUTH_JWKS_MAX_AGE_SECONDS", 600),
  AUTH_REVOCATION_CHECK_SECONDS: seconds("AUTH_REVOCATION_CHECK_SECONDS", 5),
  // Memory for the personal list's pages, checked against the database on every request
  // (docs/decisions/029-task-list-cache.md); 0 turns the cache off.
  API_LIST_CACHE_MB: z
    .string()
    .regex(/^\d{1,5}$/, "API_LIST_CACHE_MB must be a whole number of MiB (0 = no list cache)")
    .transform(Number)
    .prefault("16"),
  // Reuse verified tokens until their exp (docs/decisions/006); "off" verifies every request.
  AUTH_TOKEN_CACHE: z.enum(["on", "off"]).default("on"),
  API_QUOTA_REQUESTS: z
    .string()
    .regex(/^\d{1,9}$/, "API_QUOTA_REQUESTS must be a whole number of requests (0 = no quota)")
    .transform(Number)
    .prefault("600"),
  API_QUOTA_WINDOW_SECONDS: seconds("API_QUOTA_WINDOW_SECONDS", 60).refine(
    (n) => n > 0 && n <= 86_400,
    "API_QUOTA_WINDOW_SECONDS must be more than 0 and at most 86400",
  ),
  // Where the quota is counted: "memory" per instance, "database" shared by every instance on
  // PostgreSQL, "redis" shared on REDIS_URL (docs/decisions/018-shared-quota.md). Unset: "redis"
  // with REDIS_URL, else "database" on PostgreSQL, else "memory".
  API_QUOTA_STORE: z.enum(["memory", "database", "redis"]).optional(),
  REDIS_URL: z
    .url({ protocol: /^rediss?$/, message: "REDIS_URL must be a redis:// or rediss:// URL" })
    .optional(),
  WEB_ORIGIN: z
    .string()
    .prefault("http://localhost:3000")
    .transform((s) =>
      s
        .split(",")
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z.url({ protocol: /^https?$/ }).refine((o) => new URL(o).origin === o, {
          message:
            "each WEB_ORIGIN entry must be a bare origin like https://app.example.com (no path or slash)",
        }),
      ),
    ),
  // On SIGTERM: /ready fails for this long while requests are still served, so the load balancer
  // stops sending new ones before the server stops accepting (@tandem/server's gracefulShutdown).
  SHUTDOWN_DRAIN_SECONDS: wholeSeconds("SHUTDOWN_DRAIN_SECONDS", 0, 0, 120),
  // Then in-flight requests get this long to finish before the process exits anyway.
  SHUTDOWN_TIMEOUT_SECONDS: wholeSeconds("SHUTDOWN_TIMEOUT_SECONDS", 10, 1, 120),
  // An idle keep-alive connection stays open this long: longer than a balancer keeps its idle
  // connections to an instance, so the balancer always closes first (see deploy/haproxy.cfg).
  KEEP_ALIVE_TIMEOUT_SECONDS: wholeSeconds("KEEP_ALIVE_TIMEOUT_SECONDS", 65, 1, 600),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // Prometheus metrics on their own port, never the public one; unset = no metrics (docs/operations.md).
  METRICS_PORT: z
    .string()
    .regex(/^\d{1,5}$/, "METRICS_PORT must be a port number")
    .transform(Number)
    .refine((n) => n > 0 && n < 65536, "METRICS_PORT must be between 1 and 65535")
    .optional(),
  METRICS_HOST: z.string().min(1).default("127.0.0.1"),
  // Optional: a scrape must then send `Authorization: Bearer <METRICS_TOKEN>`.
  METRICS_TOKEN: z.string().min(16, "METRICS_TOKEN must be at least 16 characters").optional(),
});

export type Env = z.output<typeof EnvSchema>;

export type QuotaStoreKind = "memory" | "database" | "redis";

/** The quota store in effect: the explicit API_QUOTA_STORE, else Redis, else shared on PostgreSQL. */
export function quotaStoreKind(
  env: Pick<Env, "API_QUOTA_STORE" | "DATABASE_URL" | "REDIS_URL">,
): QuotaStoreKind {
  if (env.API_QUOTA_STORE !== undefined) return env.API_QUOTA_STORE;
  if (env.REDIS_URL !== undefined) return "redis";
  return /^postgres(ql)?:\/\//.test(env.DATABASE_URL ?? "") ? "database" : "memory";
}

/**
 * Reads and validates the API's configuration. On a bad value it prints every problem and
 * exits, so a misconfigured instance never starts serving.
 */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  - ${i.path.join(".") || "(env)"}: ${i.message}`);
  console.error(`Tandem API: invalid configuration\n${lines.join("\n")}`);
  process.exit(1);
}
