import type { Me } from "@tandem/contracts";
import type { Identity } from "./identity.ts";

/**
 * `GET /api/me`: who the caller is and how they proved it. A session's token says how and when the
 * user signed in (`amr`, `authTime` from `auth_time`); a personal access token says its scope, and
 * no sign-in (`amr` empty, `authTime` null).
 */
export function toMe(identity: Identity): Me {
  const { credential } = identity;
  return {
    id: identity.userId,
    name: identity.name,
    via: credential.kind,
    scope: credential.kind === "access_token" ? credential.scope : null,
    amr: identity.amr,
    authTime: identity.authTime === null ? null : new Date(identity.authTime * 1000).toISOString(),
  };
}
