import {
  ACCESS_TOKEN_MAX_DAYS,
  type AccessTokenScope,
  accessTokenNameProblem,
  isAccessTokenScope,
  latestAccessTokenExpiry,
} from "@tandem/contracts/access-tokens";
import { APIError } from "better-auth/api";
import { ACCESS_TOKEN_ERROR_CODES as CODES } from "../error-codes.ts";

export interface NewAccessTokenInput {
  name: string;
  scope: AccessTokenScope;
  expiresAt: Date;
}

const DAY_MS = 86_400_000;
// zod's z.iso.datetime({ offset: true }) format, as the task API's instants.
const ISO_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/;

function invalid(code: keyof typeof CODES, message: string): APIError {
  return new APIError("BAD_REQUEST", { code: CODES[code], message });
}

function field(body: unknown, key: string): unknown {
  return typeof body === "object" && body !== null ? (body as Record<string, unknown>)[key] : undefined;
}

function expiry(body: unknown, now: Date): Date {
  const days = field(body, "expiresInDays");
  const at = field(body, "expiresAt");
  const rule = `Choose an expiry between now and ${ACCESS_TOKEN_MAX_DAYS} days from now.`;
  if ((days === undefined) === (at === undefined)) {
    throw invalid("INVALID_ACCESS_TOKEN_EXPIRY", `Give either expiresInDays or expiresAt. ${rule}`);
  }
  let expiresAt: Date;
  if (days !== undefined) {
    if (typeof days !== "number" || !Number.isInteger(days) || days < 1 || days > ACCESS_TOKEN_MAX_DAYS) {
      throw invalid(
        "INVALID_ACCESS_TOKEN_EXPIRY",
        `expiresInDays must be a whole number from 1 to ${ACCESS_TOKEN_MAX_DAYS}.`,
      );
    }
    expiresAt = new Date(now.getTime() + days * DAY_MS);
  } else {
    if (typeof at !== "string" || !ISO_INSTANT.test(at) || Number.isNaN(Date.parse(at))) {
      throw invalid("INVALID_ACCESS_TOKEN_EXPIRY", "expiresAt must be an ISO 8601 date-time with an offset.");
    }
    expiresAt = new Date(at);
  }
  if (expiresAt.getTime() <= now.getTime() || expiresAt > latestAccessTokenExpiry(now)) {
    throw invalid("INVALID_ACCESS_TOKEN_EXPIRY", rule);
  }
  return expiresAt;
}

/**
 * The body of `/access-tokens/create`, checked here rather than by the endpoint's schema so that a
 * request without a session is answered 401 whatever its body, and each problem has its own code.
 */
export function parseNewAccessToken(body: unknown, now: Date): NewAccessTokenInput {
  const name = field(body, "name");
  if (typeof name !== "string") throw invalid("INVALID_ACCESS_TOKEN_NAME", "Name must not be empty");
  const problem = accessTokenNameProblem(name);
  if (problem !== null) throw invalid("INVALID_ACCESS_TOKEN_NAME", problem);
  const scope = field(body, "scope");
  if (!isAccessTokenScope(scope)) {
    throw invalid("INVALID_ACCESS_TOKEN_SCOPE", 'Scope must be "read" or "write".');
  }
  return { name: name.trim(), scope, expiresAt: expiry(body, now) };
}
