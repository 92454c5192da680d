import { errors as joseErrors, type JWTVerifyGetKey, jwtVerify } from "jose";
import * as z from "zod";
import { KeySetUnavailableError, RemoteKeySet, type RemoteKeySetOptions } from "./key-set.ts";
import { type Identity, SESSION_CREDENTIAL } from "./identity.ts";
import type { TokenCache } from "./token-cache.ts";

export interface VerifierConfig {
  jwks: RemoteKeySetOptions;
  issuer: string;
  audience: string;
  /** Accepted clock difference for exp/nbf/iat, in seconds. */
  clockToleranceSeconds: number;
  /** Refuse tokens issued longer ago than this, whatever their exp (default 24 h). */
  maxTokenAgeSeconds?: number;
  /**
   * Verified tokens to reuse (see token-cache.ts); absent = verify the signature on every call.
   * Only tokens that pass every check are stored, until their `exp` or maximum age.
   */
  tokenCache?: TokenCache;
}

export interface Verifier {
  verify(token: string): Promise<Identity>;
}

/** The token was refused; `reason` is safe to show the client (it never echoes the token). */
export class InvalidTokenError extends Error {
  override name = "InvalidTokenError";
}

export { KeySetUnavailableError };

/** Upper bound on a compact JWS we are willing to parse; real Tandem tokens are ~400 bytes. */
export const MAX_TOKEN_LENGTH = 4096;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** One `amr` value: RFC 8176 names are short ASCII words (`pwd`, `mfa`…). */
const AMR_VALUE = /^[\x21-\x7e]{1,32}$/;
const MAX_AMR_VALUES = 16;
/** 9999-12-31T23:59:59Z: the last instant an ISO 8601 date-time can write with four digits. */
export const MAX_AUTH_TIME = 253_402_300_799;

const ClaimsSchema = z.object({
  sub: z.string().min(1).max(255),
  exp: z.number(),
  iat: z.number(),
  sid: z.string().min(1).max(255).optional(),
  name: z.string().max(1000).optional(),
  // How and when the user signed in (decision 017); absent from tokens minted before it, so
  // optional, but a present one must be well formed. auth_time is bounded so that it is always an
  // instant the API can write (years 1970–9999).
  amr: z.array(z.string().regex(AMR_VALUE)).max(MAX_AMR_VALUES).optional(),
  auth_time: z.number().int().min(0).max(MAX_AUTH_TIME).optional(),
});

/**
 * Verifies Better Auth access tokens: EdDSA only, keys only from the configured JWKS, exact
 * issuer and audience, `exp`/`iat`/`sub` required, explicit clock tolerance. Header fields
 * that point at keys (`jku`, `x5u`, `jwk`, `x5c`) are never used.
 *
 * @example
 * const verifier = createVerifier({ jwks: { url }, issuer, audience, clockToleranceSeconds: 5 });
 * const { userId } = await verifier.verify(token);
 */
/**
 * Better Auth sets no `typ`; one that is present must say JWT (RFC 7519 §5.1, case-insensitive, the
 * `application/` prefix optional), so a token minted for another purpose (`at+jwt`, `dpop+jwt`,
 * a logout token…) by a key we trust is never taken for an access token here.
 */
function isJwtType(typ: unknown): boolean {
  return typeof typ === "string" && ["jwt", "application/jwt"].includes(typ.toLowerCase());
}

export function createVerifier(config: VerifierConfig): Verifier {
  const maxTokenAgeSeconds = config.maxTokenAgeSeconds ?? 24 * 60 * 60;
  const cache = config.tokenCache;
  const keySet = new RemoteKeySet(config.jwks);
  const getKey: JWTVerifyGetKey = async (header) => {
    if (header.alg !== "EdDSA") {
      throw new InvalidTokenError("The token's algorithm is not accepted");
    }
    if (header.typ !== undefined && !isJwtType(header.typ)) {
      throw new InvalidTokenError("The token is not a JWT");
    }
    if (typeof header.kid !== "string" || header.kid.length === 0 || header.kid.length > 256) {
      throw new InvalidTokenError("The token names no usable signing key");
    }
    const result = await keySet.getKey(header.kid);
    if (result.kind === "unknown-kid") throw new InvalidTokenError("The token's signing key is unknown");
    return result.key;
  };

  return {
    async verify(token) {
      if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
        throw new InvalidTokenError("The access token is malformed");
      }
      const cached = cache?.get(token, (kid) => keySet.hasKey(kid));
      if (cached !== undefined) return cached;
      let payload: unknown;
      let keyId: string | undefined;
      try {
        let protectedHeader: { kid?: string | undefined };
        ({ payload, protectedHeader } = await jwtVerify(token, getKey, {
          algorithms: ["EdDSA"],
          issuer: config.issuer,
          audience: config.audience,
          requiredClaims: ["exp", "iat", "sub"],
          clockTolerance: config.clockToleranceSeconds,
          maxTokenAge: maxTokenAgeSeconds,
        }));
        keyId = protectedHeader.kid;
      } catch (error) {
        throw translate(error);
      }
      const claims = ClaimsSchema.safeParse(payload);
      if (!claims.success) throw new InvalidTokenError("The access token's claims are malformed");
      const identity: Identity = {
        userId: claims.data.sub,
        sessionId: claims.data.sid ?? null,
        name: claims.data.name ?? null,
        expiresAt: claims.data.exp,
        amr: claims.data.amr ?? [],
        authTime: claims.data.auth_time ?? null,
        credential: SESSION_CREDENTIAL,
      };
      // Without the clock tolerance, so a cached answer is never more lenient than verifying again.
      const validUntilMs = Math.min(claims.data.exp, claims.data.iat + maxTokenAgeSeconds) * 1000;
      if (keyId !== undefined) cache?.set(token, identity, validUntilMs, keyId);
      return identity;
    },
  };
}

function translate(error: unknown): Error {
  if (error instanceof KeySetUnavailableError || error instanceof InvalidTokenError) return error;
  if (error instanceof joseErrors.JWTExpired) return new InvalidTokenError("The access token expired");
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return new InvalidTokenError(claimMessage(error.claim, error.reason));
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
    return new InvalidTokenError("The access token's signature is invalid");
  }
  if (error instanceof joseErrors.JOSEError) return new InvalidTokenError("The access token is invalid");
  // A TypeError or similar from parsing hostile input is still the client's token at fault.
  return new InvalidTokenError("The access token is invalid");
}

function claimMessage(claim: string, reason: string): string {
  switch (claim) {
    case "iss":
      return "The access token has the wrong issuer";
    case "aud":
      return "The access token has the wrong audience";
    case "nbf":
      return "The access token is not valid yet";
    case "iat":
      return "The access token's issue time is invalid";
    default:
      return reason === "missing"
        ? `The access token lacks the ${claim} claim`
        : "The access token is invalid";
  }
}
