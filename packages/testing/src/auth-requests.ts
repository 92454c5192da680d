// Requests to Better Auth as a browser on the app's origin sends them, for tests of its hooks
// (lockout, security events, password checks) against a real auth server.
import type { AuthServer } from "./auth-server.ts";

export interface AuthAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

/** A POST to Better Auth, as a browser on the app's origin would send it. */
export async function post(
  server: AuthServer,
  path: string,
  body: object,
  headers: Record<string, string> = {},
): Promise<AuthAnswer> {
  const response = await fetch(`${server.baseURL}/api/auth${path}`, {
    method: "POST",
    headers: { origin: server.baseURL, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text === "" ? null : (JSON.parse(text) as unknown),
    headers: response.headers,
  };
}

export function signIn(
  server: AuthServer,
  email: string,
  password: string,
  headers: Record<string, string> = {},
) {
  return post(server, "/sign-in/email", { email, password }, headers);
}

/** What a client can tell two failures apart by: status, code and message. */
export function shape(answer: AuthAnswer): { status: number; code: unknown; message: unknown } {
  const body =
    typeof answer.body === "object" && answer.body !== null ? (answer.body as Record<string, unknown>) : {};
  return { status: answer.status, code: body.code, message: body.message };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
