// Which sign-in providers the web app offers, from its configuration: an OpenID Connect provider
// (OIDC_*), GitHub (GITHUB_*) and Google (GOOGLE_*). Each group is all or nothing, so a half
// configured provider stops the server with one line instead of a button that fails. Server code
// (zod), but no `server-only` import and no process.env: env.ts calls it, and so do its tests.
import type { FederationConfig } from "@tandem/auth";
import * as z from "zod";

export interface FederationSource {
  OIDC_ISSUER?: string | undefined;
  OIDC_CLIENT_ID?: string | undefined;
  OIDC_CLIENT_SECRET?: string | undefined;
  OIDC_NAME?: string | undefined;
  GITHUB_CLIENT_ID?: string | undefined;
  GITHUB_CLIENT_SECRET?: string | undefined;
  GOOGLE_CLIENT_ID?: string | undefined;
  GOOGLE_CLIENT_SECRET?: string | undefined;
}

/** A configuration problem, as one line for the start-up message (never a secret's value). */
export class FederationConfigError extends Error {}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

// Zod runs every check even after one fails: the refinements must not throw on what is no URL.
const asUrl = (raw: string): URL | null => (URL.canParse(raw) ? new URL(raw) : null);

const IssuerSchema = z
  .url({
    protocol: /^https?$/,
    error: "OIDC_ISSUER must be the provider's issuer URL, e.g. https://id.example.com",
  })
  .refine((raw) => {
    const url = asUrl(raw);
    return url === null || url.protocol === "https:" || LOOPBACK.has(url.hostname);
  }, "OIDC_ISSUER must use https (plain http only for a provider on this machine: localhost or 127.0.0.1)")
  .refine((raw) => {
    const url = asUrl(raw);
    return url === null || (url.search === "" && url.hash === "" && !raw.includes("?") && !raw.includes("#"));
  }, "OIDC_ISSUER must not have a query or a fragment");

const NameSchema = z
  .string()
  .trim()
  .min(1)
  .max(40, "OIDC_NAME must be at most 40 characters (it is shown as “Continue with <name>”)")
  .regex(/^[^\p{Cc}]*$/u, "OIDC_NAME must not contain control characters");

const ClientValue = z.string().trim().min(1);

type Key = keyof FederationSource;

/**
 * The group's values when every variable is set, null when none is; a partial group is refused
 * with the missing names.
 */
function group<K extends Key>(
  source: FederationSource,
  keys: readonly K[],
  what: string,
): Record<K, string> | null {
  const present = keys.filter((key) => (source[key] ?? "").trim() !== "");
  if (present.length === 0) return null;
  const missing = keys.filter((key) => !present.includes(key));
  if (missing.length > 0) {
    throw new FederationConfigError(
      `${what} needs ${keys.join(", ")} together: ${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} not set`,
    );
  }
  return Object.fromEntries(keys.map((key) => [key, (source[key] ?? "").trim()])) as Record<K, string>;
}

function check<T>(schema: z.ZodType<T>, value: string, name: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new FederationConfigError(parsed.error.issues[0]?.message ?? `${name} is not valid`);
  }
  return parsed.data;
}

/**
 * The providers to offer. None configured is fine (password and passkeys only).
 *
 * @example
 * resolveFederation({ GITHUB_CLIENT_ID: "Iv1.abc", GITHUB_CLIENT_SECRET: "…" })
 * // { github: { clientId: "Iv1.abc", clientSecret: "…" } }
 */
export function resolveFederation(source: FederationSource): FederationConfig {
  const config: FederationConfig = {};
  const oidc = group(
    source,
    ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_NAME"],
    "An OpenID Connect provider",
  );
  if (oidc !== null) {
    config.oidc = {
      issuer: check(IssuerSchema, oidc.OIDC_ISSUER, "OIDC_ISSUER"),
      clientId: check(ClientValue, oidc.OIDC_CLIENT_ID, "OIDC_CLIENT_ID"),
      clientSecret: oidc.OIDC_CLIENT_SECRET,
      name: check(NameSchema, oidc.OIDC_NAME, "OIDC_NAME"),
    };
  }
  const github = group(source, ["GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET"], "Sign-in with GitHub");
  if (github !== null)
    config.github = { clientId: github.GITHUB_CLIENT_ID, clientSecret: github.GITHUB_CLIENT_SECRET };
  const google = group(source, ["GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET"], "Sign-in with Google");
  if (google !== null)
    config.google = { clientId: google.GOOGLE_CLIENT_ID, clientSecret: google.GOOGLE_CLIENT_SECRET };
  return config;
}
