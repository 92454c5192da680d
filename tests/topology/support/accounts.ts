// Users as a browser makes them, through a web frontend (the balancer's, or one instance's):
// sign up or in, keep the session cookie, and exchange it for a JWT at /api/auth/token.
import { randomBytes } from "node:crypto";
import type { TestUser } from "@tandem/testing";
import type { SmokeApi } from "../../contract/smoke.ts";
import type { RequestOptions } from "../../contract/support/server.ts";
import { http, type HttpResponse } from "../../security/lib/http.ts";
import { newIp, sessionCookie } from "../../security/lib/stack.ts";
import type { Topology } from "./topology.ts";

/** Headers of a browser on the web app's origin (Better Auth checks the Origin of a POST). */
export function browser(webUrl: string, cookie?: string): Record<string, string> {
  return { origin: new URL(webUrl).origin, ...(cookie === undefined ? {} : { cookie }) };
}

/** A POST to a Better Auth route of `base` as a browser on `origin` would send it. */
export function authPost(base: string, path: string, json: unknown, origin: string, cookie?: string) {
  return http(`${base}${path}`, { json, headers: browser(origin, cookie) });
}

async function completeSession(base: string, origin: string, response: HttpResponse) {
  const cookie = sessionCookie(response);
  const session = await http(`${base}/api/auth/get-session`, { headers: browser(origin, cookie) });
  const { user, session: current } = session.json<{ user: { id: string }; session: { id: string } }>();
  return { id: user.id, cookie, sessionId: current.id, token: await tokenFor(base, origin, cookie) };
}

/** A fresh JWT for the session behind `cookie`. */
export async function tokenFor(base: string, origin: string, cookie: string): Promise<string> {
  const response = await http(`${base}/api/auth/token`, { headers: browser(origin, cookie) });
  if (response.status !== 200) throw new Error(`GET /api/auth/token: ${response.status} ${response.text}`);
  return response.json<{ token: string }>().token;
}

/**
 * Signs a new user up at `base` (default: the balancer's web frontend), as a browser on the
 * public origin does, and fetches their first token.
 */
export async function signUp(topology: Topology, name = "Topo", base = topology.webUrl): Promise<TestUser> {
  const email = `topo-${randomBytes(6).toString("hex")}@example.test`;
  const password = `Pw-${randomBytes(12).toString("base64url")}`;
  // Straight to an instance, a client address of its own (the instances trust X-Real-IP, which
  // HAProxy sets): sign-ups in a test need not share the limiter's budget of the test's address.
  const ip: Record<string, string> = base === topology.webUrl ? {} : { "x-real-ip": newIp() };
  const response = await http(`${base}/api/auth/sign-up/email`, {
    json: { name, email, password },
    headers: { ...browser(topology.webUrl), ...ip },
  });
  if (response.status !== 200) throw new Error(`sign-up failed: ${response.status} ${response.text}`);
  return { name, email, password, ...(await completeSession(base, topology.webUrl, response)) };
}

/** Another session (another device) for an existing user. */
export async function signIn(topology: Topology, user: Pick<TestUser, "email" | "password">) {
  const { email, password } = user;
  const response = await authPost(
    topology.webUrl,
    "/api/auth/sign-in/email",
    { email, password },
    topology.webUrl,
  );
  if (response.status !== 200) throw new Error(`sign-in failed: ${response.status} ${response.text}`);
  return completeSession(topology.webUrl, topology.webUrl, response);
}

/** `request` of the contract suite, against `base`. */
export function send(
  base: string,
  method: string,
  path: string,
  init: RequestOptions = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== undefined) headers.authorization ??= `Bearer ${init.token}`;
  const body =
    init.body === undefined || typeof init.body === "string" ? init.body : JSON.stringify(init.body);
  if (body !== undefined) headers["content-type"] ??= "application/json";
  return fetch(`${base}${path}`, {
    method,
    headers,
    redirect: "manual",
    signal: AbortSignal.timeout(30_000),
    ...(body === undefined ? {} : { body }),
  });
}

/** The contract suite's view of an API, with the balancer as the API and its web frontend as the issuer. */
export function balancedApi(topology: () => Topology): SmokeApi {
  return {
    get url() {
      return topology().apiUrl;
    },
    request: (method, path, init) => send(topology().apiUrl, method, path, init),
    signUp: (name) => signUp(topology(), name),
  };
}
