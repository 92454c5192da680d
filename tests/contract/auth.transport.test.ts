import { decodeToken, SESSION_COOKIE, type TestUser, tamperToken } from "@tandem/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { requestLog } from "./support/logs.ts";
import { expectInvalidToken, expectUnauthenticated } from "./support/problems.ts";
import { sendRaw } from "./support/raw-http.ts";
import { logsThrough, useApi } from "./support/server.ts";
import { targets } from "./support/targets.ts";

// Token transport (requirements group 1) with real Better Auth tokens, over HTTP.
describe.each(targets())("bearer token transport ($label)", (target) => {
  const h = useApi(target);
  let alice: TestUser;
  beforeEach(async () => {
    alice = await h.signUp("Alice");
  });

  const me = (headers: Record<string, string>) => h.request("GET", "/api/me", { headers });

  it("a valid Better Auth token in `Authorization: Bearer` → 200 with the caller's id and name", async () => {
    const response = await h.request("GET", "/api/me", { token: alice.token });
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await response.json()).toMatchObject({ id: alice.id, name: "Alice" });
  });

  it.each(["bearer", "BEARER", "BeArEr"])(
    "the scheme is case-insensitive: `%s <token>` → 200",
    async (scheme) => {
      const response = await me({ authorization: `${scheme} ${alice.token}` });
      expect(response.status, await response.clone().text()).toBe(200);
      expect(await response.json()).toMatchObject({ id: alice.id, name: "Alice" });
    },
  );

  it("no Authorization header → 401 UNAUTHENTICATED with a bare `Bearer realm` challenge (no error=)", async () => {
    await expectUnauthenticated(await h.request("GET", "/api/me"));
  });

  it.each([
    [
      "Basic credentials",
      () => `Basic ${Buffer.from(`${alice.email}:${alice.password}`).toString("base64")}`,
    ],
    ["the token with no scheme", () => alice.token],
    ["an empty bearer", () => "Bearer "],
    ["a bearer of only spaces", () => "Bearer      "],
    ["a scheme glued to the token", () => `Bearer${alice.token}`],
    ["the token followed by garbage", () => `Bearer ${alice.token} garbage`],
    ["two tokens in one header", () => `Bearer ${alice.token} ${alice.token}`],
    ["two Bearer credentials joined by a comma", () => `Bearer ${alice.token}, Bearer ${alice.token}`],
    ["a token-like scheme name", () => `Token ${alice.token}`],
  ])("%s → 401 UNAUTHENTICATED, never 200 or 500", async (_label, header) => {
    await expectUnauthenticated(await me({ authorization: header() }));
  });

  it("two separate Authorization headers → 401, the valid token is not picked out of them", async () => {
    const twice = [`Bearer ${alice.token}`, `Bearer ${alice.token}`];
    await expectUnauthenticated(
      await sendRaw(h.url, { method: "GET", path: "/api/me", headers: { authorization: twice } }),
    );
  });

  it('a sent but invalid token → 401 INVALID_TOKEN with `error="invalid_token"`', async () => {
    for (const token of ["not-a-jwt", "a.b.c", `${alice.token}x`, alice.token.slice(0, -10), "a.b.c.d.e"]) {
      await expectInvalidToken(await me({ authorization: `Bearer ${token}` }));
    }
  });

  it("the refusal's description never echoes the token", async () => {
    const tampered = tamperToken(alice.token, { payload: { name: "<script>" } });
    const response = await me({ authorization: `Bearer ${tampered}` });
    await expectInvalidToken(response.clone());
    const text = `${response.headers.get("www-authenticate")} ${await response.text()}`;
    expect(text).not.toContain(decodeToken(tampered).signature);
    expect(text).not.toContain("<script>");
  });

  it("an oversized (10 KB) token → 401 INVALID_TOKEN, not 500", async () => {
    const huge = tamperToken(alice.token, { payload: { pad: "A".repeat(10_000) } });
    expect(huge.length).toBeGreaterThan(10_000);
    await expectInvalidToken(await me({ authorization: `Bearer ${huge}` }));
  });

  it("an oversized (10 KB) validly-shaped token with the real signature → 401 INVALID_TOKEN", async () => {
    const { signature } = decodeToken(alice.token);
    const huge = `${alice.token.split(".")[0]}.${"A".repeat(10_000)}.${signature}`;
    await expectInvalidToken(await me({ authorization: `Bearer ${huge}` }));
  });

  it("a token in the query string (`?access_token=`) is ignored → 401 UNAUTHENTICATED", async () => {
    await expectUnauthenticated(await h.request("GET", `/api/me?access_token=${alice.token}`));
    await expectUnauthenticated(
      await h.request("GET", `/api/tasks?access_token=${alice.token}&token=${alice.token}`),
    );
  });

  it("a token in a cookie, even Better Auth's own session cookie, is ignored → 401 UNAUTHENTICATED", async () => {
    const cookie = `access_token=${alice.token}; token=${alice.token}; jwt=${alice.token}; ${alice.cookie}`;
    expect(cookie).toContain(`${SESSION_COOKIE}=`);
    await expectUnauthenticated(await me({ cookie }));
  });

  it("a token in a JSON body is ignored → 401 UNAUTHENTICATED and nothing is created", async () => {
    const response = await h.request("POST", "/api/tasks", {
      body: { title: "x", access_token: alice.token, token: alice.token },
    });
    await expectUnauthenticated(response);
    const list = await h.request("GET", "/api/tasks", { token: alice.token });
    expect(list.status).toBe(200);
    expect(JSON.stringify(await list.json())).not.toContain('"title":"x"');
  });
});

// Logging (ASVS V16): a token must never reach the logs, whatever the outcome of the request.
describe.each(targets())("tokens never reach the logs ($label)", (target) => {
  const h = useApi(target);

  /** The token, its signature and every 12-character slice of the signature. */
  function secrets(token: string): string[] {
    const { signature } = decodeToken(token);
    const slices = [];
    for (let i = 0; i + 12 <= signature.length; i += 6) slices.push(signature.slice(i, i + 12));
    return [token, signature, ...slices];
  }

  it("after accepted, refused and misplaced tokens, no log line contains the token or part of its signature", async () => {
    const alice = await h.signUp("Alice");
    const bob = await h.signUp("Bob");
    const tampered = tamperToken(alice.token, { payload: { sub: bob.id } });
    const responses = [
      await h.request("GET", "/api/me", { token: alice.token }),
      await h.request("GET", "/api/tasks", { token: alice.token }),
      await h.request("GET", "/api/me", { token: tampered }),
      await h.request("GET", `/api/me?access_token=${bob.token}`),
      await h.request("GET", "/api/me", { headers: { cookie: `token=${bob.token}` } }),
      await h.request("GET", "/api/me", { headers: { authorization: `Basic ${bob.token}` } }),
      await h.request("GET", "/api/nope", { token: bob.token }),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 200, 401, 401, 401, 401, 404]);

    // The capture works: every request above was logged, with its status.
    const ids = responses.map((r) => r.headers.get("x-request-id") ?? "");
    const lines = await logsThrough(h, ids.at(-1) ?? "");
    expect(ids.map((id) => requestLog(lines, id)?.status)).toEqual([200, 200, 401, 401, 401, 401, 404]);
    const logs = lines.join("\n");
    for (const secret of [...secrets(alice.token), ...secrets(bob.token), ...secrets(tampered)]) {
      expect(logs).not.toContain(secret);
    }
  });
});
