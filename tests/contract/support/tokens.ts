// Tokens for the authentication tests: claims chosen by the test but signed by the REAL Better
// Auth key, so only the backend's claim checks stand between them and a 200.
import type { Api } from "./server.ts";

export { nowSeconds } from "@tandem/testing";

/** The real Better Auth key (its kid and public `x`); call after a sign-up so the key exists. */
export async function realKey(api: Api): Promise<{ kid: string; x: string }> {
  const response = await fetch(api.auth.jwksUrl);
  const { keys } = (await response.json()) as { keys: { kid: string; x: string }[] };
  const key = keys[0];
  if (key === undefined) throw new Error("Better Auth published no key yet");
  return key;
}

/**
 * A token signed by the REAL Better Auth key through its server-only `signJWT` endpoint. The payload
 * is signed as given (no `iat` unless present; `exp` defaults to 15 min); `jwt` overrides issuer,
 * audience or lifetime (when absent, Tandem's configured issuer and audience apply).
 */
export async function mintReal(
  api: Api,
  payload: Record<string, unknown>,
  jwt?: { issuer?: string; audience?: string | string[]; expirationTime?: string },
): Promise<string> {
  const { token } = await api.auth.auth.api.signJWT({
    body: { payload, ...(jwt === undefined ? {} : { overrideOptions: { jwt } }) },
  });
  return token;
}
