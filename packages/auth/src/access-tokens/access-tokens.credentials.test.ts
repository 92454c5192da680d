// A personal access token is a credential for the task API only (decision 017): Better Auth reads
// sessions from its signed cookie alone, so a token — as a Bearer header, as the cookie, even as a
// cookie signed with the server's own secret — never is a session, never mints a JWT and never
// manages tokens. Nor is it ever logged. Against a real Better Auth server and real databases.
import { createHmac, randomBytes } from "node:crypto";
import type { CreatedAccessToken } from "@tandem/contracts";
import {
  type AuthServer,
  createTestDatabase,
  SESSION_COOKIE,
  startAuthServer,
  type TestDatabase,
  type TestUser,
  testDialects,
} from "@tandem/testing";
import { post } from "@tandem/testing/auth-requests";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

/** A session cookie as Better Auth signs it: value "." base64(HMAC-SHA256(secret, value)). */
function signedCookie(value: string, secret: string): string {
  const signature = createHmac("sha256", secret).update(value).digest("base64");
  return `${SESSION_COOKIE}=${encodeURIComponent(`${value}.${signature}`)}`;
}

describe.each(testDialects())("an access token is no session (%s)", (dialect) => {
  let database: TestDatabase;
  let auth: AuthServer;
  const secret = randomBytes(32).toString("base64url");

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    auth = await startAuthServer({ database, secret });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await auth.close();
    await database.cleanup();
  });

  async function tokenOf(user: TestUser, scope: "read" | "write" = "write"): Promise<CreatedAccessToken> {
    const answer = await post(
      auth,
      "/access-tokens/create",
      { name: "Script", scope, expiresInDays: 30 },
      { cookie: user.cookie },
    );
    expect(answer.status).toBe(200);
    return answer.body as CreatedAccessToken;
  }

  /** Every way a request could present the token, and what each Better Auth route answers it. */
  async function answersTo(headers: Record<string, string>, revokeId: string) {
    const get = async (path: string) => {
      const response = await fetch(`${auth.baseURL}/api/auth${path}`, { headers });
      return { status: response.status, body: await response.text() };
    };
    const send = async (path: string, body: object) => {
      const answer = await post(auth, path, body, headers);
      return { status: answer.status, body: JSON.stringify(answer.body) };
    };
    return {
      session: await get("/get-session"),
      token: await get("/token"),
      sessions: await get("/list-sessions"),
      list: await get("/access-tokens/list"),
      create: await send("/access-tokens/create", { name: "Minted", scope: "write", expiresInDays: 365 }),
      revoke: await send("/access-tokens/revoke", { id: revokeId }),
    };
  }

  function expectNothing(answers: Awaited<ReturnType<typeof answersTo>>) {
    expect(answers.session).toEqual({ status: 200, body: "null" });
    for (const [route, answer] of Object.entries(answers)) {
      if (route === "session") continue;
      expect(answer.status, `${route}: ${answer.body}`).toBe(401);
      expect(answer.body).not.toMatch(/eyJ/); // no JWT of any kind
    }
  }

  it("gets nothing from /token, /get-session or /access-tokens/* as a Bearer header or cookie", async () => {
    const user = await auth.signUp();
    const { secret: pat, accessToken } = await tokenOf(user);
    const ways: Record<string, Record<string, string>> = {
      bearer: { authorization: `Bearer ${pat}` },
      "api key header": { "x-api-key": pat },
      "raw cookie": { cookie: `${SESSION_COOKIE}=${pat}` },
      "cookie signed with the server's secret": { cookie: signedCookie(pat, secret) },
      "cookie and bearer": { cookie: `${SESSION_COOKIE}=${pat}`, authorization: `Bearer ${pat}` },
    };
    for (const [way, headers] of Object.entries(ways)) {
      const answers = await answersTo(headers, accessToken.id);
      try {
        expectNothing(answers);
      } catch (error) {
        throw new Error(`${way}: ${(error as Error).message}`);
      }
    }
    const rows = await database.db.selectFrom("access_token").select(["name", "revoked_at"]).execute();
    expect(rows).toEqual([{ name: "Script", revoked_at: null }]);
    const sessions = await database.db
      .selectFrom("session")
      .select("id")
      .where("userId", "=", user.id)
      .execute();
    expect(sessions).toHaveLength(1);
  });

  it("signs cookies the way the control case shows Better Auth accepts", async () => {
    // Without this, the signed-cookie case above could pass because the signing is wrong.
    const user = await auth.signUp();
    const { token } = await database.db
      .selectFrom("session")
      .select("token")
      .where("id", "=", user.sessionId)
      .executeTakeFirstOrThrow();
    const response = await fetch(`${auth.baseURL}/api/auth/get-session`, {
      headers: { cookie: signedCookie(token, secret) },
    });
    const body = (await response.json()) as { user?: { id: string } } | null;
    expect(body?.user?.id).toBe(user.id);
  });

  it("is ignored beside a real session: the cookie's user is who answers", async () => {
    const owner = await auth.signUp();
    const other = await auth.signUp();
    const { secret: pat, accessToken } = await tokenOf(owner);
    const headers = { cookie: other.cookie, authorization: `Bearer ${pat}` };
    const session = await fetch(`${auth.baseURL}/api/auth/get-session`, { headers });
    expect(((await session.json()) as { user: { id: string } }).user.id).toBe(other.id);
    const list = await fetch(`${auth.baseURL}/api/auth/access-tokens/list`, { headers });
    expect(await list.json()).toEqual([]);
    const revoke = await post(auth, "/access-tokens/revoke", { id: accessToken.id }, headers);
    expect(revoke.status).toBe(404);
  });

  it("is never logged", async () => {
    const written: string[] = [];
    const capture = (...args: unknown[]) => {
      written.push(args.map((a) => (typeof a === "string" ? a : (JSON.stringify(a) ?? String(a)))).join(" "));
    };
    for (const method of ["log", "info", "warn", "error", "debug", "trace"] as const) {
      vi.spyOn(console, method).mockImplementation(capture);
    }
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => {
        written.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
        return true;
      });
    }
    const user = await auth.signUp();
    const { secret: pat, accessToken } = await tokenOf(user, "read");
    await answersTo({ authorization: `Bearer ${pat}`, cookie: `${SESSION_COOKIE}=${pat}` }, accessToken.id);
    await post(auth, "/access-tokens/revoke", { id: accessToken.id }, { cookie: user.cookie });
    await post(
      auth,
      "/access-tokens/create",
      { name: "\u0000", scope: "read", expiresInDays: 1 },
      {
        cookie: user.cookie,
      },
    );
    vi.restoreAllMocks();
    expect(written.join("\n")).not.toContain(pat.slice(15));
  });
});
