// Passkeys (decision 017) against a real Better Auth server and real databases, with a software
// authenticator in place of the browser: registration and sign-in run through the server's real
// WebAuthn verification. The browser journey (Chromium's virtual authenticator) is in
// apps/web/e2e/passkeys.spec.ts.
import {
  type AuthServer,
  createTestDatabase,
  recordingMailer,
  SESSION_COOKIE,
  startAuthServer,
  type TestDatabase,
  type TestUser,
  testDialects,
} from "@tandem/testing";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FRESH_SIGN_IN_SECONDS } from "../sign-in-methods/fresh-sign-in.ts";
import { PASSKEY_NAME_MAX } from "./passkey-name.ts";
import { relyingParty } from "./passkeys.ts";
import { type CreationOptions, type RequestOptions, TestPasskey } from "./test-authenticator.ts";

interface Answer {
  status: number;
  body: unknown;
}

/** A browser's cookie jar on the app's origin, talking to Better Auth as the web app's pages do. */
class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(
    private readonly server: AuthServer,
    cookie?: string,
  ) {
    if (cookie !== undefined) this.keep([cookie]);
  }

  private keep(setCookies: string[]): void {
    for (const header of setCookies) {
      const pair = header.split(";", 1)[0] ?? "";
      const at = pair.indexOf("=");
      const [name, value] = [pair.slice(0, at), pair.slice(at + 1)];
      if (value === "" || /max-age=0/i.test(header)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get sessionCookie(): string | undefined {
    const value = this.cookies.get(SESSION_COOKIE);
    return value === undefined ? undefined : `${SESSION_COOKIE}=${value}`;
  }

  async request(method: "GET" | "POST", path: string, body?: object): Promise<Answer> {
    const headers = new Headers({ origin: this.server.baseURL });
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    if (cookie !== "") headers.set("cookie", cookie);
    if (body !== undefined) headers.set("content-type", "application/json");
    const response = await fetch(`${this.server.baseURL}/api/auth${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    this.keep(response.headers.getSetCookie());
    const text = await response.text();
    return { status: response.status, body: text === "" ? null : (JSON.parse(text) as unknown) };
  }
}

interface ListedPasskey {
  id: string;
  name: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

const code = (answer: Answer) => (answer.body as { code?: string } | null)?.code;

function claims(token: string): Record<string, unknown> {
  const payload = token.split(".")[1] ?? "";
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
}

describe("relyingParty", () => {
  it("takes the RP ID and the origin from the public URL", () => {
    expect(relyingParty("https://tandem.example.com/")).toEqual({
      rpID: "tandem.example.com",
      origin: "https://tandem.example.com",
    });
    expect(relyingParty("http://localhost:3100")).toEqual({
      rpID: "localhost",
      origin: "http://localhost:3100",
    });
  });
});

describe.each(testDialects())("passkeys (%s)", (dialect) => {
  let database: TestDatabase;
  let auth: AuthServer;

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    auth = await startAuthServer({ database });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await auth.close();
    await database.cleanup();
  });

  /** Registers `passkey` for the browser's user: both steps, as the settings page runs them. */
  async function addPasskey(browser: Browser, passkey: TestPasskey, name: string) {
    const options = await browser.request(
      "GET",
      `/passkey/generate-register-options?name=${encodeURIComponent(name)}`,
    );
    if (options.status !== 200) return { options, added: options };
    const response = passkey.create(options.body as CreationOptions);
    const added = await browser.request("POST", "/passkey/verify-registration", { response, name });
    return { options, added };
  }

  /** Signs in with `passkey` in a browser that holds no session (as the sign-in page does). */
  async function signInWith(passkey: TestPasskey, answerWith = (o: RequestOptions) => passkey.get(o)) {
    const browser = new Browser(auth);
    const options = await browser.request("GET", "/passkey/generate-authenticate-options");
    expect(options.status).toBe(200);
    const answer = await browser.request("POST", "/passkey/verify-authentication", {
      response: answerWith(options.body as RequestOptions),
    });
    return { browser, answer };
  }

  async function listed(user: TestUser): Promise<ListedPasskey[]> {
    const answer = await new Browser(auth, user.cookie).request("GET", "/passkey/list-user-passkeys");
    expect(answer.status).toBe(200);
    return answer.body as ListedPasskey[];
  }

  async function history(userId: string) {
    const rows = await database.db
      .selectFrom("security_event")
      .select(["type", "detail"])
      .where("user_id", "=", userId)
      .where("type", "in", ["passkey_added", "passkey_removed"])
      .orderBy("id")
      .execute();
    return rows;
  }

  async function ageSession(user: TestUser, seconds: number): Promise<void> {
    await database.db
      .updateTable("session")
      .set({ createdAt: new Date(Date.now() - seconds * 1000).toISOString() })
      .where("id", "=", user.sessionId)
      .execute();
  }

  it("adds a named passkey for the public URL's relying party, listed as never used", async () => {
    const user = await auth.signUp();
    const before = Date.now();
    const { options, added } = await addPasskey(
      new Browser(auth, user.cookie),
      new TestPasskey({ origin: auth.baseURL }),
      "Work laptop",
    );
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    const offered = options.body as CreationOptions & { authenticatorSelection: { residentKey: string } };
    expect(offered.rp).toEqual({ id: relyingParty(auth.baseURL).rpID, name: "Tandem" });
    // The browser's passkey picker shows the account, not the passkey's label.
    expect(offered.user.name).toBe(user.email);
    expect(offered.authenticatorSelection.residentKey).toBe("required");

    const [passkey, ...others] = await listed(user);
    expect(others).toEqual([]);
    expect(passkey).toMatchObject({ name: "Work laptop", lastUsedAt: null });
    expect(new Date(passkey?.createdAt ?? 0).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(await history(user.id)).toEqual([{ type: "passkey_added", detail: "Work laptop" }]);
  });

  it.each([
    { backedUp: false, amr: "hwk" },
    { backedUp: true, amr: "swk" },
  ])(
    "signs in with a passkey (backed up: $backedUp) into the same API token flow, amr $amr",
    async ({ backedUp, amr }) => {
      const user = await auth.signUp();
      const passkey = new TestPasskey({ origin: auth.baseURL, backedUp });
      expect((await addPasskey(new Browser(auth, user.cookie), passkey, "Phone")).added.status).toBe(200);

      const before = Date.now();
      const { browser, answer } = await signInWith(passkey);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      const cookie = browser.sessionCookie;
      expect(cookie).toBeDefined();
      const token = claims(await auth.mintToken(cookie ?? ""));
      expect(token).toMatchObject({ sub: user.id, amr: [amr], iss: auth.issuer, aud: auth.audience });
      expect(token.auth_time).toBeGreaterThanOrEqual(Math.floor(before / 1000) - 1);

      const [listedPasskey] = await listed(user);
      const lastUsed = new Date(listedPasskey?.lastUsedAt ?? 0).getTime();
      expect(lastUsed).toBeGreaterThanOrEqual(before - 1000);
      expect(lastUsed).toBeLessThanOrEqual(Date.now() + 1000);
    },
  );

  it("refuses an answer made for another origin or relying party, and records no use", async () => {
    const user = await auth.signUp();
    const passkey = new TestPasskey({ origin: auth.baseURL });
    expect((await addPasskey(new Browser(auth, user.cookie), passkey, "Laptop")).added.status).toBe(200);
    // Better Auth logs each refused ceremony with its reason; this test expects three.
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);

    const phished = await signInWith(passkey, (o) =>
      passkey.get(o, { origin: "https://tandem.example.net" }),
    );
    expect([phished.answer.status, code(phished.answer)]).toEqual([400, "AUTHENTICATION_FAILED"]);
    expect(phished.browser.sessionCookie).toBeUndefined();
    const otherRp = await signInWith(passkey, (o) => passkey.get(o, { rpId: "tandem.example.net" }));
    expect([otherRp.answer.status, code(otherRp.answer)]).toEqual([400, "AUTHENTICATION_FAILED"]);
    expect((await listed(user))[0]?.lastUsedAt).toBeNull();

    // Nor can a passkey be registered from another origin.
    const browser = new Browser(auth, user.cookie);
    const options = await browser.request("GET", "/passkey/generate-register-options?name=Elsewhere");
    const foreign = new TestPasskey({ origin: auth.baseURL });
    const response = foreign.create(options.body as CreationOptions, "https://tandem.example.net");
    const added = await browser.request("POST", "/passkey/verify-registration", {
      response,
      name: "Elsewhere",
    });
    expect(code(added)).toBe("FAILED_TO_VERIFY_REGISTRATION");
    expect(await listed(user)).toHaveLength(1);
    expect(logged.mock.calls.map((call) => call.join(" "))).toEqual([
      expect.stringMatching(/origin "https:\/\/tandem\.example\.net"/),
      expect.stringMatching(/RP ID/),
      expect.stringMatching(/origin "https:\/\/tandem\.example\.net"/),
    ]);
  });

  it("removes a passkey: a history entry, and it no longer signs in", async () => {
    const user = await auth.signUp();
    const passkey = new TestPasskey({ origin: auth.baseURL });
    const browser = new Browser(auth, user.cookie);
    expect((await addPasskey(browser, passkey, "Old phone")).added.status).toBe(200);
    const [stored] = await listed(user);

    const removed = await browser.request("POST", "/passkey/delete-passkey", { id: stored?.id });
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(await listed(user)).toEqual([]);
    expect(await history(user.id)).toEqual([
      { type: "passkey_added", detail: "Old phone" },
      { type: "passkey_removed", detail: "Old phone" },
    ]);

    const { browser: refused, answer } = await signInWith(passkey);
    expect([answer.status, code(answer)]).toEqual([401, "PASSKEY_NOT_FOUND"]);
    expect(refused.sessionCookie).toBeUndefined();
  });

  it("never removes the last way to sign in", async () => {
    const user = await auth.signUp();
    const passkey = new TestPasskey({ origin: auth.baseURL });
    const browser = new Browser(auth, user.cookie);
    expect((await addPasskey(browser, passkey, "Only key")).added.status).toBe(200);
    const [stored] = await listed(user);
    // An account left with its passkey alone (as a provider-made account that unlinked its provider).
    await sql`DELETE FROM account WHERE "userId" = ${user.id}`.execute(database.db);

    const refused = await browser.request("POST", "/passkey/delete-passkey", { id: stored?.id });
    expect([refused.status, code(refused)]).toEqual([400, "LAST_SIGN_IN_METHOD"]);
    expect(await listed(user)).toHaveLength(1);
    expect(await history(user.id)).toEqual([{ type: "passkey_added", detail: "Only key" }]);
    const { answer } = await signInWith(passkey);
    expect(answer.status).toBe(200);
  });

  it("opens no new session when asked to while adding a passkey", async () => {
    const user = await auth.signUp();
    const browser = new Browser(auth, user.cookie);
    const options = await browser.request("GET", "/passkey/generate-register-options?name=Laptop");
    const response = new TestPasskey({ origin: auth.baseURL }).create(options.body as CreationOptions);
    const added = await browser.request("POST", "/passkey/verify-registration", {
      response,
      name: "Laptop",
      createSession: true,
    });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body).not.toHaveProperty("session");
    expect(browser.sessionCookie).toBe(user.cookie);
    const sessions = await database.db
      .selectFrom("session")
      .select("id")
      .where("userId", "=", user.id)
      .execute();
    expect(sessions).toEqual([{ id: user.sessionId }]);
  });

  it("needs a sign-in from the last 10 minutes to add or remove a passkey", async () => {
    const user = await auth.signUp();
    const browser = new Browser(auth, user.cookie);
    expect(
      (await addPasskey(browser, new TestPasskey({ origin: auth.baseURL }), "Laptop")).added.status,
    ).toBe(200);
    const [stored] = await listed(user);
    await ageSession(user, FRESH_SIGN_IN_SECONDS + 5);

    const removal = await browser.request("POST", "/passkey/delete-passkey", { id: stored?.id });
    expect([removal.status, code(removal)]).toEqual([403, "FRESH_SIGN_IN_REQUIRED"]);
    const addition = await addPasskey(browser, new TestPasskey({ origin: auth.baseURL }), "Another");
    expect([addition.added.status, code(addition.added)]).toEqual([403, "FRESH_SIGN_IN_REQUIRED"]);
    expect((await listed(user)).map((p) => p.name)).toEqual(["Laptop"]);
    expect(await history(user.id)).toEqual([{ type: "passkey_added", detail: "Laptop" }]);
  });

  it("lets nobody else remove a passkey, and records nothing when they try", async () => {
    const alice = await auth.signUp();
    const bob = await auth.signUp();
    expect(
      (
        await addPasskey(
          new Browser(auth, alice.cookie),
          new TestPasskey({ origin: auth.baseURL }),
          "Alice's key",
        )
      ).added.status,
    ).toBe(200);
    const [stored] = await listed(alice);

    const attempt = await new Browser(auth, bob.cookie).request("POST", "/passkey/delete-passkey", {
      id: stored?.id,
    });
    expect(attempt.status).toBe(401);
    expect(await listed(alice)).toHaveLength(1);
    expect(await history(alice.id)).toEqual([{ type: "passkey_added", detail: "Alice's key" }]);
    expect(await history(bob.id)).toEqual([]);
  });

  it("asks for a name of 1 to 60 characters", async () => {
    const user = await auth.signUp();
    const browser = new Browser(auth, user.cookie);
    for (const path of [
      "/passkey/generate-register-options",
      "/passkey/generate-register-options?name=%20%20",
      `/passkey/generate-register-options?name=${"x".repeat(PASSKEY_NAME_MAX + 1)}`,
    ]) {
      const answer = await browser.request("GET", path);
      expect([answer.status, code(answer)], path).toEqual([400, "INVALID_PASSKEY_NAME"]);
    }
    // The second step checks it too, whatever the first was given.
    const passkey = new TestPasskey({ origin: auth.baseURL });
    const options = await browser.request(
      "GET",
      `/passkey/generate-register-options?name=${"é".repeat(PASSKEY_NAME_MAX)}`,
    );
    expect(options.status).toBe(200);
    const response = passkey.create(options.body as CreationOptions);
    const unnamed = await browser.request("POST", "/passkey/verify-registration", {
      response,
      name: "Tab\there",
    });
    expect([unnamed.status, code(unnamed)]).toEqual([400, "INVALID_PASSKEY_NAME"]);
    expect(await listed(user)).toEqual([]);
    expect(await history(user.id)).toEqual([]);
  });

  it("sends a security notice when a passkey is added or removed", async () => {
    await auth.close();
    const outbox = recordingMailer();
    auth = await startAuthServer({
      database,
      email: { mailer: outbox.mailer, log: { error: () => undefined } },
    });
    const user = await auth.signUp();
    const browser = new Browser(auth, user.cookie);
    expect(
      (await addPasskey(browser, new TestPasskey({ origin: auth.baseURL }), "Desk key")).added.status,
    ).toBe(200);
    const [stored] = await listed(user);
    expect((await browser.request("POST", "/passkey/delete-passkey", { id: stored?.id })).status).toBe(200);

    await vi.waitFor(() => {
      const notices = outbox.sent.filter((m) => m.to === user.email && /security notice/i.test(m.subject));
      expect(notices.map((m) => m.subject)).toEqual([
        "Tandem security notice: a passkey was added",
        "Tandem security notice: a passkey was removed",
      ]);
      expect(notices.every((m) => m.text.includes("(Desk key)"))).toBe(true);
    });
  });
});
