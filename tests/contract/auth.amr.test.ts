import { MeSchema } from "@tandem/contracts";
import { decodeToken, type TestUser } from "@tandem/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { expectInvalidToken } from "./support/problems.ts";
import { useApi } from "./support/server.ts";
import { targets } from "./support/targets.ts";
import { mintReal, nowSeconds } from "./support/tokens.ts";

// How the user signed in (decision 017): Better Auth's tokens carry `amr` (RFC 8176 values) and
// `auth_time` (the session's creation, in seconds), and /api/me answers them on every backend as
// `amr` and `authTime` (ISO 8601), with `via: "session"`.

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

describe.each(targets())("amr and auth_time in /api/me ($label)", (target) => {
  const h = useApi(target);
  let ada: TestUser;
  beforeAll(async () => {
    ada = await h.signUp("Ada");
  });
  const me = async (token: string) => {
    const response = await h.request("GET", "/api/me", { token });
    expect(response.status, await response.clone().text()).toBe(200);
    return MeSchema.strict().parse(await response.json());
  };
  const sessionCreated = async (sessionId: string) => {
    const row = await h.database.db
      .selectFrom("session")
      .select("createdAt")
      .where("id", "=", sessionId)
      .executeTakeFirstOrThrow();
    return Math.floor(new Date(row.createdAt).getTime() / 1000);
  };

  it("a password sign-up: the token says pwd and the session's creation; /api/me says the same", async () => {
    const { payload } = decodeToken(ada.token);
    const created = await sessionCreated(ada.sessionId);
    expect(payload).toMatchObject({ amr: ["pwd"], auth_time: created });
    expect(await me(ada.token)).toEqual({
      id: ada.id,
      name: "Ada",
      via: "session",
      scope: null,
      amr: ["pwd"],
      authTime: iso(created),
    });
  });

  it("a password sign-in opens a session of its own: its time, not the first one's", async () => {
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const again = await h.auth.signIn(ada.email, ada.password);
    const created = await sessionCreated(again.sessionId);
    expect(created).toBeGreaterThan(await sessionCreated(ada.sessionId));
    expect(await me(again.token)).toMatchObject({ amr: ["pwd"], authTime: iso(created) });
  });

  it("a renewed token keeps the sign-in's time: auth_time is the session's, not the token's", async () => {
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const renewed = await h.auth.mintToken(ada.cookie);
    const { payload } = decodeToken(renewed);
    expect(payload.iat).toBeGreaterThan(payload.auth_time as number);
    expect((await me(renewed)).authTime).toBe(iso(await sessionCreated(ada.sessionId)));
  });

  it("every RFC 8176 value Tandem issues is answered as the token states it", async () => {
    const signedIn = nowSeconds() - 90;
    for (const amr of [["pwd", "otp", "mfa"], ["hwk"], ["swk"], ["fed"]]) {
      const token = await mintReal(h, {
        sub: ada.id,
        sid: ada.sessionId,
        name: "Ada",
        iat: nowSeconds(),
        amr,
        auth_time: signedIn,
      });
      expect(await me(token)).toMatchObject({ via: "session", amr, authTime: iso(signedIn) });
    }
  });

  it("a token without amr or auth_time (minted before they existed) → amr [] and authTime null", async () => {
    const token = await mintReal(h, { sub: ada.id, sid: ada.sessionId, name: "Ada", iat: nowSeconds() });
    expect(await me(token)).toMatchObject({ via: "session", amr: [], authTime: null });
  });

  it("malformed amr or auth_time, even signed by the real key → 401 invalid_token", async () => {
    for (const claims of [
      { amr: "pwd" },
      { amr: ["pwd", 1] },
      { amr: [""] },
      { amr: null },
      { auth_time: String(nowSeconds()) },
      { auth_time: nowSeconds() + 0.5 },
      { auth_time: -1 },
      { auth_time: 253_402_300_800 },
    ]) {
      const token = await mintReal(h, { sub: ada.id, sid: ada.sessionId, iat: nowSeconds(), ...claims });
      const problem = await expectInvalidToken(await h.request("GET", "/api/me", { token }));
      expect(problem.detail, JSON.stringify(claims)).toBe("The access token's claims are malformed");
    }
  });
});
