import type { BetterAuthOptions } from "better-auth";
import { getIP } from "better-auth/api";
import type { NewSecurityEvent } from "./security/events.ts";

/** A string field of a request body Better Auth has not validated yet (hooks run before it). */
export function bodyString(body: unknown, key: string): string | undefined {
  if (typeof body !== "object" || body === null || !(key in body)) return undefined;
  const value: unknown = (body as Record<string, unknown>)[key];
  return typeof value === "string" ? value : undefined;
}

/** Where a request came from, as Better Auth resolves it (its trusted IP headers only). */
export function requestOrigin(ctx: {
  request?: Request | undefined;
  headers?: Headers | undefined;
  context: { options: BetterAuthOptions };
}): Pick<NewSecurityEvent, "ip" | "userAgent"> {
  const headers = ctx.request?.headers ?? ctx.headers;
  if (headers === undefined) return { ip: null, userAgent: null };
  return { ip: getIP(headers, ctx.context.options), userAgent: headers.get("user-agent") };
}
