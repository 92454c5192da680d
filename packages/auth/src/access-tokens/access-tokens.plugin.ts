import type { TandemDb } from "@tandem/db";
import type { BetterAuthPlugin } from "better-auth";
import type { RecordSignInMethodChange } from "../sign-in-methods/changes.ts";

/** Personal access tokens for scripts (decision 017): created, listed and revoked here. */
export function accessTokensPlugin(_options: { database: TandemDb; changes: RecordSignInMethodChange }) {
  return { id: "tandem-access-tokens" } satisfies BetterAuthPlugin;
}
