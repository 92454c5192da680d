import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors.ts";
import type { AppEnv } from "../types.ts";
import { REALM } from "./auth-problems.ts";
import type { Identity } from "./identity.ts";

export interface RecentSignInOptions {
  /** How long ago the sign-in (the token's `auth_time`) may be, in seconds. */
  maxAgeSeconds: number;
  /** Also require two factors: the token's `amr` must contain `mfa`. */
  requireMfa?: boolean;
  /** Clock in ms (tests). */
  now?: () => number;
}

/** `600` → `10 minutes`, `90` → `90 seconds`. */
function duration(seconds: number): string {
  const [n, unit] = seconds >= 60 && seconds % 60 === 0 ? [seconds / 60, "minute"] : [seconds, "second"];
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

/** Why a caller is refused by a step-up guard, or null when the sign-in is recent (and strong) enough. */
export function stepUpRefusal(
  identity: Identity,
  options: RecentSignInOptions,
  nowMs: number,
): string | null {
  if (identity.credential.kind !== "session") {
    return "A personal access token cannot do this: sign in to the web app and use its token";
  }
  const within = `within the last ${duration(options.maxAgeSeconds)}`;
  // Ages are counted in whole seconds, as `auth_time` is; an auth_time ahead of the clock counts as now.
  if (identity.authTime === null || Math.floor(nowMs / 1000) - identity.authTime > options.maxAgeSeconds) {
    return `This needs a sign-in ${within}: sign in again, then retry with a new token`;
  }
  if (options.requireMfa === true && !identity.amr.includes("mfa")) {
    return `This needs a sign-in with two factors ${within}: sign in again with your authentication code`;
  }
  return null;
}

/**
 * A step-up guard for one route (decision 017): the caller must have signed in at most
 * `maxAgeSeconds` ago (the JWT's `auth_time`), with two factors when `requireMfa` (its `amr` holds
 * `mfa`). Anyone else gets 403 STEP_UP_REQUIRED, with an RFC 9470-style challenge naming the
 * maximum age; a personal access token is always refused (it proves no sign-in). Mount it after
 * `requireAuth`, on the route only.
 *
 * @example
 * app.delete("/api/tasks", requireRecentSignIn({ maxAgeSeconds: 600, requireMfa: true }), handler);
 */
export function requireRecentSignIn(options: RecentSignInOptions) {
  const now = options.now ?? Date.now;
  return createMiddleware<AppEnv>(async (c, next) => {
    const refusal = stepUpRefusal(c.get("identity"), options, now());
    if (refusal !== null) {
      throw new ApiError("STEP_UP_REQUIRED", {
        detail: refusal,
        headers: {
          "WWW-Authenticate":
            `Bearer realm="${REALM}", error="insufficient_user_authentication", ` +
            `error_description="${refusal}", max_age="${options.maxAgeSeconds}"`,
        },
      });
    }
    await next();
  });
}
