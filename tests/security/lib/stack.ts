// The system under attack: a real web app (its production server, real Better Auth) and a real API
// (`node dist/main.js`) on a database of their own, per test file and dialect, plus helpers that
// act as users (over HTTP) and as an insider who knows the secret (to mint tokens with the real key).
import { randomBytes } from "node:crypto";
import { createDb, type TandemDb } from "@tandem/db";
import { signToken } from "@tandem/testing";
import { symmetricDecrypt } from "better-auth/crypto";
import { type CryptoKey, importJWK } from "jose";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, inject } from "vitest";
import {
  type Backend,
  createStackDatabase,
  type Env,
  type StackDatabase,
  type StackDialect,
  TestStack,
} from "@tandem/stack";
import { http, type HttpInit, type HttpResponse } from "./http.ts";

/** SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (global-setup.ts insists on it in CI). */
export function dialects(): StackDialect[] {
  return process.env.TEST_DATABASE_URL ? ["sqlite", "postgres"] : ["sqlite"];
}

/** Which API serves a stack, on which database: `ts, sqlite` is what describe titles show. */
export interface SecurityTarget {
  backend: Backend;
  dialect: StackDialect;
  label: string;
}

/**
 * Every backend × dialect of this run, for the cases that attack the API (call at collection time).
 * The backends are chosen once in global-setup.ts, as the contract suite chooses them.
 */
export function targets(): SecurityTarget[] {
  return inject("securityBackends").flatMap((backend) =>
    dialects().map((dialect) => ({ backend, dialect, label: `${backend}, ${dialect}` })),
  );
}

/** A fresh client address; the stacks trust `X-Real-IP` (TRUST_PROXY=x-real-ip), as behind a proxy. */
export function newIp(): string {
  const [a, b, c] = randomBytes(3);
  return `10.${a}.${b}.${c ?? 1}`;
}

export interface Account {
  id: string;
  name: string;
  email: string;
  password: string;
  /** The address this user's requests come from (X-Real-IP). */
  ip: string;
  /** `better-auth.session_token=…` (or the `__Secure-` one), ready for a Cookie header. */
  cookie: string;
  sessionId: string;
  /** A JWT from GET /api/auth/token. */
  token: string;
}

export interface StackSettings {
  /** The task API behind the web app (default: the TypeScript one). */
  backend?: Backend;
  web?: Env;
  api?: Env;
  publicUrl?: string;
}

export interface ApiInit extends Omit<HttpInit, "headers"> {
  token?: string;
  headers?: Record<string, string>;
  /** Another API instance of the stack. */
  base?: string;
}

export interface WebInit extends Omit<HttpInit, "headers"> {
  cookie?: string;
  ip?: string;
  /** Default: the stack's public origin; `null` sends none. */
  origin?: string | null;
  headers?: Record<string, string>;
  /** Another web instance of the stack. */
  base?: string;
}

let counter = 0;

export class SecurityStack {
  constructor(
    readonly stack: TestStack,
    readonly database: StackDatabase,
    /** The stack's database, opened by the test as an insider would. */
    readonly db: TandemDb,
  ) {}

  get dialect(): StackDialect {
    return this.database.dialect;
  }
  get webUrl(): string {
    return this.stack.webUrl;
  }
  get apiUrl(): string {
    return this.stack.apiUrl;
  }
  /** The tokens' issuer and the origin the web app trusts. */
  get issuer(): string {
    return this.stack.publicUrl;
  }
  get audience(): string {
    return this.stack.audience;
  }

  api(path: string, { token, headers = {}, base, ...init }: ApiInit = {}): Promise<HttpResponse> {
    const all = { ...headers };
    if (token !== undefined) all.authorization ??= `Bearer ${token}`;
    return http(`${base ?? this.apiUrl}${path}`, { ...init, headers: all });
  }

  web(
    path: string,
    { cookie, ip, origin, headers = {}, base, ...init }: WebInit = {},
  ): Promise<HttpResponse> {
    const all: Record<string, string> = { ...headers };
    if (cookie !== undefined) all.cookie = cookie;
    if (ip !== undefined) all["x-real-ip"] = ip;
    const sendOrigin = origin === undefined ? new URL(this.issuer).origin : origin;
    if (sendOrigin !== null) all.origin = sendOrigin;
    return http(`${base ?? this.webUrl}${path}`, { ...init, headers: all });
  }

  /** Signs a new user up over HTTP (from a fresh address) and fetches their first token. */
  async signUp(
    input: { name?: string; password?: string; ip?: string; base?: string } = {},
  ): Promise<Account> {
    counter += 1;
    const ip = input.ip ?? newIp();
    const name = input.name ?? `Mallory ${counter}`;
    const email = `sec-${randomBytes(6).toString("hex")}@example.test`;
    const password = input.password ?? `Pw-${randomBytes(12).toString("base64url")}`;
    const base = input.base ?? this.webUrl;
    const response = await this.web("/api/auth/sign-up/email", { json: { name, email, password }, ip, base });
    if (response.status !== 200) throw new Error(`sign-up failed: ${response.status} ${response.text}`);
    const session = await this.completeSession(response, ip, base);
    return { name, email, password, ip, ...session };
  }

  /** Opens another session for an existing user (another device). */
  async signIn(
    email: string,
    password: string,
    { ip = newIp(), base = this.webUrl }: { ip?: string; base?: string } = {},
  ): Promise<{ id: string; cookie: string; sessionId: string; token: string }> {
    const response = await this.web("/api/auth/sign-in/email", { json: { email, password }, ip, base });
    if (response.status !== 200) throw new Error(`sign-in failed: ${response.status} ${response.text}`);
    return this.completeSession(response, ip, base);
  }

  private async completeSession(response: HttpResponse, ip: string, base: string) {
    const cookie = sessionCookie(response);
    const session = await this.web("/api/auth/get-session", { cookie, ip, base });
    const body = session.json<{ user: { id: string }; session: { id: string } }>();
    return {
      id: body.user.id,
      cookie,
      sessionId: body.session.id,
      token: await this.token(cookie, ip, base),
    };
  }

  /** A fresh JWT for the session behind `cookie`. */
  async token(cookie: string, ip = newIp(), base = this.webUrl): Promise<string> {
    const response = await this.web("/api/auth/token", { cookie, ip, base });
    if (response.status !== 200) throw new Error(`GET /api/auth/token: ${response.status} ${response.text}`);
    return response.json<{ token: string }>().token;
  }

  /** The newest signing key, decrypted with the stack's secret: what a token forger would need. */
  async realKey(): Promise<{ kid: string; privateKey: CryptoKey }> {
    const { rows } = await sql<{ id: string; privateKey: string; expiresAt: Date | string | null }>`
      select id, "privateKey", "expiresAt", "createdAt" from jwks order by "createdAt" desc`.execute(
      this.db.db,
    );
    const now = Date.now();
    const live = rows.find((row) => row.expiresAt === null || new Date(row.expiresAt).getTime() > now);
    if (live === undefined) throw new Error("the stack has no signing key yet");
    const jwk = JSON.parse(
      await symmetricDecrypt({ key: this.stack.secret, data: JSON.parse(live.privateKey) as string }),
    ) as Record<string, string>;
    const privateKey = await importJWK(jwk, "EdDSA");
    if (privateKey instanceof Uint8Array) throw new Error("expected an Ed25519 private key");
    return { kid: live.id, privateKey };
  }

  /** Claims as the web app issues them for `account`, with `overrides` (undefined deletes a claim). */
  claimsFor(account: Pick<Account, "id" | "sessionId" | "name">, overrides: Record<string, unknown> = {}) {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      sid: account.sessionId,
      name: account.name,
      // A password sign-in a minute ago (decision 017).
      amr: ["pwd"],
      auth_time: now - 60,
      iat: now,
      iss: this.issuer,
      aud: this.audience,
      sub: account.id,
      exp: now + 600,
      ...overrides,
    };
    return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
  }

  /** A token signed with the REAL current key: any header and claims an insider could produce. */
  async mint(payload: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
    const { kid, privateKey } = await this.realKey();
    return signToken(privateKey, { header: { alg: "EdDSA", kid, ...header }, payload });
  }

  /** Every service's output so far. */
  logs(): string[] {
    return this.stack.logs();
  }

  /**
   * Every service's output up to the API's line for `requestId`. The API batches its log writes
   * (a 4 KiB buffer flushed at least every 100 ms), so a line can arrive after the response; the
   * API writes in order, so once that line is here, so is everything it logged before.
   */
  async logsThrough(requestId: string, timeoutMs = 5_000): Promise<string[]> {
    if (requestId === "") throw new Error("logsThrough needs the request id of a response");
    const deadline = Date.now() + timeoutMs;
    while (!this.logs().some((line) => line.includes(requestId))) {
      if (Date.now() > deadline)
        throw new Error(`no log line mentions request ${requestId} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.logs();
  }
}

/** The session cookie a sign-up/sign-in response set (`name=value`). */
export function sessionCookie(response: HttpResponse): string {
  for (const header of response.cookies) {
    const pair = header.split(";", 1)[0] ?? "";
    if (/^(__Secure-)?better-auth\.session_token=/.test(pair)) return pair;
  }
  throw new Error(`no session cookie in the response (status ${response.status})`);
}

/**
 * A stack for the enclosing `describe`: started before its cases, stopped (and its database
 * dropped) after them. Stacks trust X-Real-IP, keep Better Auth's limiter on and log every API
 * request, as in production behind a proxy; `settings` adds to or overrides that.
 */
export function useStack(dialect: StackDialect, settings: StackSettings = {}): () => SecurityStack {
  let current: SecurityStack | undefined;
  beforeAll(async () => {
    const database = await createStackDatabase(dialect, {
      adminUrl: process.env.TEST_DATABASE_URL,
      template: inject("securityTemplates")[dialect],
    });
    try {
      const backend = settings.backend ?? "ts";
      const stack = await TestStack.start({
        name: backend === "ts" ? dialect : `${backend}-${dialect}`,
        backend,
        databaseUrl: database.url,
        ...(settings.publicUrl === undefined ? {} : { publicUrl: settings.publicUrl }),
        web: { TRUST_PROXY: "x-real-ip", AUTH_RATE_LIMIT: "on", ...settings.web },
        api: { LOG_LEVEL: "info", ...settings.api },
        output: "buffer",
      });
      current = new SecurityStack(stack, database, createDb(database.url));
    } catch (error) {
      await database.remove();
      throw error;
    }
  }, 180_000);
  afterEach((context) => {
    if (context.task.result?.state !== "fail" || current === undefined) return;
    const tail = current.logs().slice(-25);
    if (tail.length > 0) console.error(`Last service output (${dialect}):\n${tail.join("\n")}`);
  });
  afterAll(async () => {
    if (current === undefined) return;
    // Nothing to drain: kill the web app half a second after asking it to stop.
    await current.stack.stop(500);
    await current.db.destroy();
    await current.database.remove();
  }, 60_000);
  return () => {
    if (current === undefined) throw new Error("the stack did not start (see the beforeAll error)");
    return current;
  };
}
