// The session token stays in its HttpOnly cookie: a real Better Auth (Tandem's configuration) over
// HTTP, every route the web app uses scanned for the cookie's token; revocation by session id.
import {
  type AuthServer,
  createTestDatabase,
  startAuthServer,
  type TestDatabase,
  testDialects,
} from "@tandem/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe.each(testDialects())("session tokens stay in the cookie (%s)", (dialect) => {
  let database: TestDatabase;
  let server: AuthServer;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    server = await startAuthServer({ database });
  });
  afterAll(async () => {
    await server.close();
    await database.cleanup();
  });

  async function call(method: string, path: string, cookie?: string, body?: object) {
    const headers = new Headers({ origin: server.baseURL });
    if (cookie !== undefined) headers.set("cookie", cookie);
    if (body !== undefined) headers.set("content-type", "application/json");
    const response = await fetch(`${server.baseURL}/api/auth${path}`, {
      method,
      headers,
      redirect: "manual",
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { response, text: await response.text() };
  }

  /** The cookie pair and the raw session token inside its signed value. */
  function sessionOf(response: Response): { cookie: string; token: string } {
    const line = response.headers.getSetCookie().find((c) => c.includes("session_token="));
    if (line === undefined) throw new Error("no session cookie");
    const pair = line.split(";")[0] ?? "";
    const value = decodeURIComponent(pair.slice(pair.indexOf("=") + 1));
    return { cookie: pair, token: value.split(".")[0] ?? "" };
  }

  /** Nothing but Set-Cookie may carry the token: not the body, not another header, not a Location. */
  function expectNoToken(label: string, answer: { response: Response; text: string }, token: string) {
    expect(token.length, label).toBeGreaterThan(16);
    expect(answer.text, label).not.toContain(token);
    for (const [name, value] of answer.response.headers) {
      if (name !== "set-cookie") expect(value, `${label}: ${name}`).not.toContain(token);
    }
  }

  const email = () => `tokens-${Math.random().toString(36).slice(2)}@example.test`;

  it("sign-up, sign-in, get-session, list-sessions, token, update-user, change-password and sign-out never show it", async () => {
    const address = email();
    const password = "correct horse battery";
    const signUp = await call("POST", "/sign-up/email", undefined, { name: "Ada", email: address, password });
    expect(signUp.response.status).toBe(200);
    const first = sessionOf(signUp.response);
    expectNoToken("sign-up", signUp, first.token);
    expect(JSON.parse(signUp.text)).toMatchObject({ user: { email: address } });

    const signIn = await call("POST", "/sign-in/email", undefined, { email: address, password });
    expect(signIn.response.status).toBe(200);
    const second = sessionOf(signIn.response);
    expectNoToken("sign-in", signIn, second.token);

    const getSession = await call("GET", "/get-session", second.cookie);
    const current = JSON.parse(getSession.text) as { session: { id: string; token?: string } };
    expect(current.session.id).not.toBe("");
    expect(current.session).not.toHaveProperty("token");
    expectNoToken("get-session", getSession, second.token);

    const list = await call("GET", "/list-sessions", second.cookie);
    const sessions = JSON.parse(list.text) as { id: string }[];
    expect(sessions.map((s) => s.id)).toContain(current.session.id);
    for (const s of sessions) expect(s).not.toHaveProperty("token");
    for (const token of [first.token, second.token]) expectNoToken("list-sessions", list, token);

    const jwt = await call("GET", "/token", second.cookie);
    expect((JSON.parse(jwt.text) as { token: string }).token.split(".")).toHaveLength(3); // the API JWT stays
    expectNoToken("token", jwt, second.token);

    expectNoToken(
      "update-user",
      await call("POST", "/update-user", second.cookie, { name: "Ada L." }),
      second.token,
    );
    const changed = await call("POST", "/change-password", second.cookie, {
      currentPassword: password,
      newPassword: "another correct horse",
      revokeOtherSessions: true,
    });
    expect(changed.response.status).toBe(200);
    const renewed = sessionOf(changed.response);
    expectNoToken("change-password", changed, renewed.token);
    expectNoToken("change-password (old)", changed, second.token);
    expectNoToken("sign-out", await call("POST", "/sign-out", renewed.cookie, {}), renewed.token);
  });

  it("revoke by id ends exactly that session of the caller; another user's id or a made-up one is 404 and changes nothing", async () => {
    const ada = await server.signUp({ name: "Ada" });
    const adaPhone = await server.signIn(ada.email, ada.password);
    const bob = await server.signUp({ name: "Bob" });

    for (const sessionId of [bob.sessionId, "no-such-session"]) {
      const refused = await call("POST", "/revoke-session-by-id", ada.cookie, { sessionId });
      expect(refused.response.status, sessionId).toBe(404);
      expect(refused.text).not.toContain(bob.cookie.split("=")[1] ?? "");
    }
    expect(JSON.parse((await call("GET", "/get-session", bob.cookie)).text)).not.toBeNull();

    const revoked = await call("POST", "/revoke-session-by-id", ada.cookie, {
      sessionId: adaPhone.sessionId,
    });
    expect(revoked.response.status).toBe(200);
    expect(JSON.parse((await call("GET", "/get-session", adaPhone.cookie)).text)).toBeNull();
    expect(JSON.parse((await call("GET", "/get-session", ada.cookie)).text)).not.toBeNull();

    expect(
      (await call("POST", "/revoke-session-by-id", undefined, { sessionId: ada.sessionId })).response.status,
    ).toBe(401);
    expect((await call("POST", "/revoke-session-by-id", ada.cookie, {})).response.status).toBe(400);
  });

  it("revoke by token is refused over HTTP (404), even with a valid token of the caller's own", async () => {
    const ada = await server.signUp({ name: "Ada" });
    const own = decodeURIComponent(ada.cookie.split("=")[1] ?? "").split(".")[0] ?? "";
    const refused = await call("POST", "/revoke-session", ada.cookie, { token: own });
    expect(refused.response.status).toBe(404);
    expect(JSON.parse((await call("GET", "/get-session", ada.cookie)).text)).not.toBeNull();
  });
});
