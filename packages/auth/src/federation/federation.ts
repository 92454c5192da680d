import type { RecordSignInMethodChange } from "../sign-in-methods/changes.ts";

/**
 * Sign-in with OpenID Connect providers (decision 017). Filled in by the federation work; empty
 * configuration means no provider and no button.
 */
export interface FederationConfig {
  placeholder?: never;
}

export function tandemFederation(_config: FederationConfig | undefined, _changes: RecordSignInMethodChange) {
  return { plugins: [] as const, socialProviders: {} };
}
