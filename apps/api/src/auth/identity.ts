import type { AccessTokenScope } from "@tandem/contracts";

/**
 * What proved the caller: a session's short-lived JWT from the web app, or a personal access token
 * (decision 017), which carries its own scope.
 */
export type Credential =
  { kind: "session" } | { kind: "access_token"; tokenId: string; scope: AccessTokenScope };

/** Who is calling, as proven by a verified access token. */
export interface Identity {
  userId: string;
  /** Better Auth session id, for revocation checks; null for a personal access token. */
  sessionId: string | null;
  name: string | null;
  /** Token expiry, epoch seconds. */
  expiresAt: number;
  /**
   * How the user signed in (RFC 8176 values, the JWT's `amr`): `pwd`, `otp`, `hwk`, `swk`, `fed`,
   * `mfa`. Empty when the token says nothing, and always for a personal access token, which
   * proves no sign-in at all.
   */
  amr: string[];
  /** When the user signed in, epoch seconds (the JWT's `auth_time`); null when unknown. */
  authTime: number | null;
  credential: Credential;
}

/** The credential every JWT verified by `verifier.ts` stands for. */
export const SESSION_CREDENTIAL: Credential = Object.freeze({ kind: "session" });
