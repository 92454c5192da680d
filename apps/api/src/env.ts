import * as z from "zod";

const seconds = (label: string, fallback: number) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?$/, `${label} must be a number of seconds`)
    .transform(Number)
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
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Env = z.output<typeof EnvSchema>;

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
