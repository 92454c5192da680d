import { randomBytes } from "node:crypto";
import { createServer, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import {
  type AuthConfig,
  createAuth,
  DEFAULT_AUDIENCE,
  type LockoutConfig,
  type TandemAuth,
} from "@tandem/auth";
import type { TandemDb } from "@tandem/db";
import { testPasswordHasher } from "./password-hasher.ts";

export const SESSION_COOKIE = "better-auth.session_token";

export interface StartAuthServerOptions {
  /** A migrated database (see createTestDatabase); the caller keeps ownership of it. */
  database: TandemDb;
  tokenLifetimeSeconds?: number;
  audience?: string;
  /** Defaults to a random one. */
  secret?: string;
  /** Better Auth's rate limiter (default off, so suites can sign up many users quickly). */
  rateLimit?: boolean;
  /** Headers trusted for the client address (AuthConfig.trustedIpHeaders; default none). */
  trustedIpHeaders?: string[];
  /** Per-account lockout thresholds (AuthConfig.lockout; default 10 failures / 15 min / 15 min). */
  lockout?: LockoutConfig;
  /** Email for the account flows (AuthConfig.email; default off). */
  email?: AuthConfig["email"];
  /** Sign-in providers (AuthConfig.federation; default none). */
  federation?: AuthConfig["federation"];
  /**
   * Better Auth's own password hashing (about 150 ms of CPU per sign-up or sign-in) instead of
   * the same scrypt at a test cost (decision 027). Default false.
   */
  productionPasswordHashing?: boolean;
}

export interface TestUser {
  id: string;
  name: string;
  email: string;
  password: string;
  sessionId: string;
  /** `better-auth.session_token=<value>`, ready for a `Cookie` header. */
  cookie: string;
  /** A JWT from `GET /api/auth/token`. */
  token: string;
}

export interface SignUpInput {
  name?: string;
  email?: string;
  password?: string;
}

export interface AuthServer {
  baseURL: string;
  /** The tokens' `iss` (equal to baseURL). */
  issuer: string;
  audience: string;
  jwksUrl: string;
  auth: TandemAuth;
  /** Signs a new user up through the HTTP API and returns their first session and token. */
  signUp(input?: SignUpInput): Promise<TestUser>;
  /** Opens another session for an existing user. */
  signIn(email: string, password: string): Promise<TestUser>;
  /** A fresh JWT for the session behind `cookie`. */
  mintToken(cookie: string): Promise<string>;
  /** Revokes the session behind `cookie`. */
  signOut(cookie: string): Promise<void>;
  close(): Promise<void>;
}

let userCounter = 0;

/**
 * A real Better Auth server (Tandem's configuration) on 127.0.0.1, on a free port. Passwords are
 * hashed at a test cost unless `productionPasswordHashing` is set (decision 027).
 *
 * @example
 * const server = await startAuthServer({ database });
 * const alice = await server.signUp();
 * await fetch(apiUrl, { headers: { authorization: `Bearer ${alice.token}` } });
 * await server.close();
 */
export async function startAuthServer(options: StartAuthServerOptions): Promise<AuthServer> {
  // The port, hence baseURL (the tokens' issuer), is only known once listening, and the auth
  // instance needs baseURL when created: requests arriving in between get 503.
  const pending: { auth?: TandemAuth } = {};
  const server = createAdaptorServer({
    fetch: (request) => pending.auth?.handler(request) ?? new Response("starting", { status: 503 }),
    createServer,
    // Keeps the test process's global Request/Response untouched.
    overrideGlobalObjects: false,
  });
  if (!(server instanceof Server)) throw new Error("expected a node:http server");
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });

  const { port } = server.address() as AddressInfo;
  const baseURL = `http://127.0.0.1:${port}`;
  const audience = options.audience ?? DEFAULT_AUDIENCE;
  const auth = createAuth({
    database: options.database,
    baseURL,
    secret: options.secret ?? randomBytes(32).toString("base64url"),
    audience,
    rateLimit: options.rateLimit ?? false,
    ...(options.trustedIpHeaders === undefined ? {} : { trustedIpHeaders: options.trustedIpHeaders }),
    tokenLifetimeSeconds: options.tokenLifetimeSeconds,
    ...(options.lockout === undefined ? {} : { lockout: options.lockout }),
    ...(options.email === undefined ? {} : { email: options.email }),
    ...(options.federation === undefined ? {} : { federation: options.federation }),
    ...(options.productionPasswordHashing === true ? {} : { passwordHasher: testPasswordHasher }),
  });
  pending.auth = auth;

  async function call(method: "GET" | "POST", path: string, init: { cookie?: string; body?: object } = {}) {
    const headers = new Headers({ origin: baseURL });
    if (init.cookie !== undefined) headers.set("cookie", init.cookie);
    if (init.body !== undefined) headers.set("content-type", "application/json");
    const response = await fetch(`${baseURL}/api/auth${path}`, {
      method,
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} /api/auth${path} failed: ${response.status} ${text}`);
    return { response, body: text === "" ? null : (JSON.parse(text) as unknown) };
  }

  async function mintToken(cookie: string): Promise<string> {
    const { body } = await call("GET", "/token", { cookie });
    return stringAt(body, ["token"], "GET /api/auth/token");
  }

  /** Completes a sign-up or sign-in response into a TestUser. */
  async function session(response: Response, password: string, step: string): Promise<TestUser> {
    const cookie = sessionCookie(response, step);
    const { body } = await call("GET", "/get-session", { cookie });
    const where = "GET /api/auth/get-session";
    return {
      id: stringAt(body, ["user", "id"], where),
      name: stringAt(body, ["user", "name"], where),
      email: stringAt(body, ["user", "email"], where),
      password,
      sessionId: stringAt(body, ["session", "id"], where),
      cookie,
      token: await mintToken(cookie),
    };
  }

  return {
    baseURL,
    issuer: baseURL,
    audience,
    jwksUrl: `${baseURL}/api/auth/jwks`,
    auth,
    async signUp(input = {}) {
      userCounter += 1;
      const body = {
        name: input.name ?? `Test User ${userCounter}`,
        email: input.email ?? `user-${randomBytes(6).toString("hex")}@example.test`,
        password: input.password ?? `Pw-${randomBytes(18).toString("base64url")}`,
      };
      const { response } = await call("POST", "/sign-up/email", { body });
      return session(response, body.password, "POST /api/auth/sign-up/email");
    },
    async signIn(email, password) {
      const { response } = await call("POST", "/sign-in/email", { body: { email, password } });
      return session(response, password, "POST /api/auth/sign-in/email");
    },
    mintToken,
    async signOut(cookie) {
      await call("POST", "/sign-out", { cookie, body: {} });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets (fetch pools them) would otherwise hold close() open for seconds.
        server.closeAllConnections();
      }),
  };
}

function sessionCookie(response: Response, step: string): string {
  for (const header of response.headers.getSetCookie()) {
    const pair = header.split(";", 1)[0] ?? "";
    if (pair.startsWith(`${SESSION_COOKIE}=`)) return pair;
  }
  throw new Error(`${step} set no ${SESSION_COOKIE} cookie (status ${response.status})`);
}

function stringAt(body: unknown, path: string[], where: string): string {
  let value = body;
  for (const key of path) {
    value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  }
  if (typeof value !== "string") {
    throw new Error(`${where}: expected a string at ${path.join(".")}, got ${JSON.stringify(body)}`);
  }
  return value;
}
