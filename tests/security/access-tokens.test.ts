// Personal access tokens (decision 017) attacked over HTTP: tokens created and revoked through the
// running web app's settings endpoints, then guessed, near-missed, replayed after revocation or
// expiry, stretched beyond their scope, used after their owner is gone, and offered to Better Auth
// as a session. The stack's revocation bound is 1 s here.
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { beforeAll, describe, expect } from "vitest";
import { attack } from "./lib/attack.ts";
import { eventually, expectInvalidToken, expectProblem } from "./lib/expect.ts";
import type { HttpResponse } from "./lib/http.ts";
import { type Account, targets, useStack } from "./lib/stack.ts";

const PREFIX = "tandem_pat_";
const REFUSED = "The personal access token is unknown, expired or revoked";
const MALFORMED = "The access token is malformed";
/** How far apart the median answer times of two kinds of guesses may be (a busy 2-core machine). */
const TIMING_MS = 75;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const randomToken = () => PREFIX + randomBytes(32).toString("base64url");

/** A refusal's body without the members that differ per request, with its challenge. */
function shape(response: HttpResponse) {
  const { requestId: _r, instance: _i, ...rest } = response.json();
  return { status: response.status, challenge: response.headers.get("www-authenticate"), body: rest };
}

describe.each(targets())("personal access tokens ($label)", ({ backend, dialect }) => {
  const s = useStack(dialect, { backend, api: { AUTH_REVOCATION_CHECK_SECONDS: "1" } });
  let ada: Account;
  /** Every token this file was given, for the log check at the end. */
  const issued: string[] = [];
  beforeAll(async () => {
    ada = await s().signUp({ name: "Ada" });
  });

  /** Creates a token as the settings page does (the sign-up is fresh enough for the step-up rule). */
  async function create(
    owner: Account,
    scope: "read" | "write",
    name = "script",
  ): Promise<{ id: string; token: string }> {
    const response = await s().web("/api/auth/access-tokens/create", {
      cookie: owner.cookie,
      ip: owner.ip,
      json: { name, scope, expiresInDays: 7 },
    });
    expect(response.status, response.text).toBe(200);
    const body = response.json<{ secret: string; accessToken: { id: string } }>();
    issued.push(body.secret);
    return { id: body.accessToken.id, token: body.secret };
  }
  const me = (token: string) => s().api("/api/me", { token });
  const refusedWithin = (token: string) =>
    eventually(async () => (await me(token)).status === 401, { withinMs: 3_000, everyMs: 100 });

  attack(
    "guess: random well-formed tokens, and near-misses of a live one",
    "401 invalid_token, one body per class (well-formed or not), and no timing difference between kinds",
    async () => {
      const { token: live } = await create(ada, "write");
      expect((await me(live)).status).toBe(200);
      const secret = live.slice(PREFIX.length);
      const swap = (c: string) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase());
      const flip = (i: number) =>
        PREFIX + secret.slice(0, i) + (secret[i] === "A" ? "B" : "A") + secret.slice(i + 1);
      const wellFormed = {
        random: Array.from({ length: 16 }, randomToken),
        nearMiss: [
          flip(0),
          flip(21),
          flip(42),
          PREFIX + [...secret].map(swap).join(""),
          PREFIX + secret.split("").reverse().join(""),
        ],
      };
      const malformed = [
        live.slice(0, -1),
        `${live}A`,
        `${live}=`,
        live.replace(PREFIX, "Tandem_pat_"),
        live.replace(PREFIX, "tandem-pat-"),
        live.replace(PREFIX, ""),
        live.slice(0, PREFIX.length + 4),
        PREFIX + encodeURIComponent(`${secret.slice(0, 42)}+`),
      ];
      const reference = shape(await me(randomToken()));
      expect(reference.body).toMatchObject({ status: 401, code: "INVALID_TOKEN", detail: REFUSED });
      const malformedReference = shape(await me(malformed[0] ?? ""));
      expect(malformedReference.body).toMatchObject({ code: "INVALID_TOKEN", detail: MALFORMED });
      for (const token of malformed) expect(shape(await me(token)), token).toEqual(malformedReference);
      const times: Record<string, number[]> = {};
      const all = Object.entries(wellFormed).flatMap(([kind, tokens]) =>
        tokens.map((t) => [kind, t] as const),
      );
      for (let round = 0; round < 3; round++) {
        for (const [kind, token] of [...all].sort(() => Math.random() - 0.5)) {
          const started = performance.now();
          const response = await me(token);
          (times[kind] ??= []).push(performance.now() - started);
          expect(shape(response), `${kind} ${token}`).toEqual(reference);
        }
      }
      const medians = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Math.round(median(v))]));
      console.info(`[${backend}, ${dialect}] token guess median ms by kind: ${JSON.stringify(medians)}`);
      expect(Math.abs((medians.nearMiss ?? 0) - (medians.random ?? 0))).toBeLessThan(TIMING_MS);
      expect((await me(live)).status).toBe(200);
    },
  );

  attack(
    "replay a token after its owner revoked it in the settings",
    "401 within the bound (1 s), with the same body as a guess",
    async () => {
      const { id, token } = await create(ada, "write");
      expect((await me(token)).status).toBe(200);
      const revoked = await s().web("/api/auth/access-tokens/revoke", {
        cookie: ada.cookie,
        ip: ada.ip,
        json: { id },
      });
      expect(revoked.status, revoked.text).toBe(200);
      const took = await refusedWithin(token);
      expect(took).toBeLessThan(2_500);
      const response = await me(token);
      expectInvalidToken(response);
      expect(shape(response)).toEqual(shape(await me(randomToken())));
    },
  );

  attack("use a token past its expiry", "401, as a guess", async () => {
    const { id, token } = await create(ada, "read");
    expect((await me(token)).status).toBe(200);
    // The insider moves the expiry into the past (the settings only offer future ones).
    await s()
      .db.db.updateTable("access_token")
      .set({ expires_at: new Date(Date.now() - 1_000).toISOString() })
      .where("id", "=", id)
      .execute();
    await refusedWithin(token);
    expect(shape(await me(token))).toEqual(shape(await me(randomToken())));
  });

  attack(
    "stretch a read-only token: writes, write-ish overrides, scope hints, a second header, minting a write token",
    "403 INSUFFICIENT_SCOPE (or 401), nothing written, no new token",
    async () => {
      const { token } = await create(ada, "read");
      const write = (await create(ada, "write")).token;
      const created = await s().api("/api/tasks", { token: write, json: { title: "keep me" } });
      expect(created.status).toBe(201);
      const taskId = created.json().id as string;
      const before = await s().db.db.selectFrom("task").selectAll().where("user_id", "=", ada.id).execute();
      const tries: [string, string, Record<string, string>, unknown][] = [
        ["POST", "/api/tasks", {}, { title: "x", scope: "write" }],
        ["POST", "/api/tasks?scope=write&access=write", {}, { title: "x" }],
        ["POST", "/api/tasks", { "x-scope": "write", "x-access-token-scope": "write" }, { title: "x" }],
        ["POST", "/api/tasks", { "x-http-method-override": "GET" }, { title: "x" }],
        ["DELETE", `/api/tasks/${taskId}`, {}, undefined],
        ["PATCH", `/api/tasks/${taskId}/complete`, {}, undefined],
        ["PUT", `/api/${ada.id}/tasks/${taskId}`, {}, { title: "x" }],
      ];
      for (const [method, path, headers, json] of tries) {
        const response = await s().api(path, {
          method,
          token,
          headers,
          ...(json === undefined ? {} : { json }),
        });
        expectProblem(response, 403, "INSUFFICIENT_SCOPE");
        expect(response.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
      }
      // Both tokens in one header, or the read token in a second header line: no credential at all.
      const both = await s().api("/api/tasks", {
        headers: { authorization: `Bearer ${token}, Bearer ${write}` },
        json: { title: "x" },
      });
      expect(both.status).toBe(401);
      // A token is no session: it cannot create another token, read or write, in the settings.
      const minted = await s().web("/api/auth/access-tokens/create", {
        ip: ada.ip,
        headers: { authorization: `Bearer ${token}` },
        json: { name: "escalated", scope: "write", expiresInDays: 7 },
      });
      expect(minted.status).toBe(401);
      expect(minted.text).not.toContain(PREFIX);
      expect(await s().db.db.selectFrom("task").selectAll().where("user_id", "=", ada.id).execute()).toEqual(
        before,
      );
      const names = await s()
        .db.db.selectFrom("access_token")
        .select("name")
        .where("user_id", "=", ada.id)
        .execute();
      expect(names.map((n) => n.name)).not.toContain("escalated");
    },
  );

  attack(
    "use the token of an account that was deleted",
    "401 on every route, the token rows gone",
    async () => {
      const gone = await s().signUp({ name: "Gone" });
      const { token } = await create(gone, "write");
      expect((await me(token)).status).toBe(200);
      await sql`delete from ${sql.table("user")} where id = ${gone.id}`.execute(s().db.db);
      await refusedWithin(token);
      for (const [method, path] of [
        ["GET", "/api/tasks"],
        ["POST", "/api/tasks"],
      ] as const) {
        expectInvalidToken(
          await s().api(path, { method, token, ...(method === "POST" ? { json: { title: "x" } } : {}) }),
        );
      }
      const rows = await s()
        .db.db.selectFrom("access_token")
        .select("id")
        .where("user_id", "=", gone.id)
        .execute();
      expect(rows).toEqual([]);
    },
  );

  attack(
    "offer a token to Better Auth as a session (Bearer, or as the session cookie) at /api/auth/token and /api/auth/get-session",
    "no JWT, no session, no cookie",
    async () => {
      const { token } = await create(ada, "write");
      const offers: Record<string, string>[] = [
        { authorization: `Bearer ${token}` },
        { cookie: `better-auth.session_token=${token}` },
      ];
      for (const headers of offers) {
        const jwt = await s().web("/api/auth/token", { ip: ada.ip, headers });
        expect(jwt.status, jwt.text).toBe(401);
        expect(jwt.text).not.toMatch(/"token"/);
        const session = await s().web("/api/auth/get-session", { ip: ada.ip, headers });
        expect(session.status === 200 ? session.text : "null").toBe("null");
        expect(session.headers.get("set-auth-jwt")).toBeNull();
        expect(session.cookies.filter((c) => /session_token=[^;]/.test(c))).toEqual([]);
      }
    },
  );

  attack(
    "read every service's output after all of the above",
    "no token, or part of one, anywhere",
    async () => {
      const { token } = await create(ada, "read");
      const response = await s().api("/api/tasks", { token, json: { title: "refused" } });
      expect(response.status).toBe(403);
      await s().logsThrough(response.headers.get("x-request-id") ?? "");
      const text = s().logs().join("\n");
      expect(issued.length).toBeGreaterThan(5);
      for (const issuedToken of issued) {
        const secret = issuedToken.slice(PREFIX.length);
        expect(text).not.toContain(secret.slice(0, 12));
        expect(text).not.toContain(secret.slice(-12));
      }
      const hashes = await s().db.db.selectFrom("access_token").select("token_hash").execute();
      for (const { token_hash } of hashes) expect(text).not.toContain(token_hash);
    },
  );
});
