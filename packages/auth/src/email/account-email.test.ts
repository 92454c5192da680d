// The account email flows (decision 015) against a real Better Auth server and real databases. Messages go
// to a recording mailer here (what SMTP does with them is packages/mail's and the security
// suite's business); what is checked is who gets which message with which link, when, and what
// the flows do to the account, its sessions and its history.
import {
  type AuthServer,
  createTestDatabase,
  recordingMailer,
  startAuthServer,
  type TestDatabase,
  testDialects,
} from "@tandem/testing";
import { post, signIn } from "@tandem/testing/auth-requests";
import type { MailMessage } from "@tandem/mail";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listSecurityEvents } from "../security/events.ts";
import { awaitingMail } from "./mail-waits.ts";

async function eventually<T>(read: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(testDialects())("account email (%s)", (dialect) => {
  let database: TestDatabase;
  let auth: AuthServer;
  let outbox: ReturnType<typeof recordingMailer>;

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    outbox = recordingMailer();
    auth = await startAuthServer({
      database,
      email: { mailer: outbox.mailer, log: { error: () => undefined } },
    });
  });
  afterEach(async () => {
    await auth.close();
    await database.cleanup();
  });

  const mailTo = (to: string, subject: RegExp) =>
    eventually(
      () => outbox.sent.findLast((m) => m.to === to && subject.test(m.subject)),
      `"${subject}" to ${to}`,
    );
  const linkIn = (message: MailMessage, prefix: string) => {
    const match = message.text.match(new RegExp(`${prefix.replace(/[.?*+^$[\]\\(){}|-]/g, "\\$&")}\\S+`));
    if (match === null) throw new Error(`no ${prefix} link in ${message.text}`);
    return new URL(match[0]);
  };
  const types = async (userId: string) => (await listSecurityEvents(database.db, userId)).map((e) => e.type);
  const get = (path: string, cookie?: string) =>
    fetch(`${auth.baseURL}/api/auth${path}`, { redirect: "manual", headers: cookie ? { cookie } : {} });

  it("resets a password once with the mailed link, ends every session and tells the owner", async () => {
    const alice = await auth.signUp();
    const other = await auth.signIn(alice.email, alice.password);
    expect((await post(auth, "/request-password-reset", { email: alice.email })).status).toBe(200);
    const link = linkIn(
      await mailTo(alice.email, /reset your tandem password/i),
      `${auth.baseURL}/reset-password?token=`,
    );
    const token = link.searchParams.get("token") ?? "";

    expect((await post(auth, "/reset-password", { token, newPassword: "a-new-password-1" })).status).toBe(
      200,
    );
    const again = await post(auth, "/reset-password", { token, newPassword: "a-new-password-2" });
    expect(again.status).toBe(400);
    for (const cookie of [alice.cookie, other.cookie]) {
      expect(await (await get("/get-session", cookie)).json()).toBeNull();
    }
    expect((await signIn(auth, alice.email, "a-new-password-1")).status).toBe(200);
    await mailTo(alice.email, /password was reset/i);
    expect(await types(alice.id)).toEqual(
      expect.arrayContaining(["password_reset_requested", "password_reset", "sign_up"]),
    );
  });

  it("answers an unknown address exactly like a known one, and mails nobody", async () => {
    const alice = await auth.signUp();
    const known = await post(auth, "/request-password-reset", { email: alice.email });
    const unknown = await post(auth, "/request-password-reset", { email: "nobody@example.test" });
    expect(unknown.status).toBe(known.status);
    expect(unknown.body).toEqual(known.body);
    await mailTo(alice.email, /reset/i);
    expect(outbox.sent.some((m) => m.to === "nobody@example.test")).toBe(false);
  });

  it("allows three reset mails an hour per address, then 429 TOO_MANY_EMAILS, known or not", async () => {
    const alice = await auth.signUp();
    for (const email of [alice.email, "nobody@example.test"]) {
      const statuses = [];
      for (let i = 0; i < 4; i += 1) statuses.push(await post(auth, "/request-password-reset", { email }));
      expect(statuses.map((a) => a.status)).toEqual([200, 200, 200, 429]);
      expect(statuses[3]?.body).toMatchObject({ code: "TOO_MANY_EMAILS" });
      expect(Number(statuses[3]?.headers.get("retry-after"))).toBeGreaterThan(3500);
    }
  });

  it("verifies the address with the link mailed at sign-up, once", async () => {
    const alice = await auth.signUp();
    const link = linkIn(
      await mailTo(alice.email, /verify your email/i),
      `${auth.baseURL}/api/auth/verify-email?`,
    );
    const first = await get(`${link.pathname.replace("/api/auth", "")}${link.search}`);
    expect(first.status).toBe(302);
    expect(first.headers.get("location")).toBe("/email-verified");
    const session = (await (await get("/get-session", alice.cookie)).json()) as {
      user: { emailVerified: boolean };
    };
    expect(session.user.emailVerified).toBe(true);
    const second = await get(`${link.pathname.replace("/api/auth", "")}${link.search}`);
    expect(second.headers.get("location")).toBe("/email-verified?error=LINK_ALREADY_USED");
    expect(await types(alice.id)).toEqual(expect.arrayContaining(["verification_sent", "email_verified"]));
  });

  it("changes the email only once the new address confirms, and tells the old one", async () => {
    const alice = await auth.signUp();
    const newEmail = `new-${alice.email}`;
    expect((await post(auth, "/change-email", { newEmail }, { cookie: alice.cookie })).status).toBe(200);
    const before = (await (await get("/get-session", alice.cookie)).json()) as { user: { email: string } };
    expect(before.user.email).toBe(alice.email);

    const link = linkIn(
      await mailTo(newEmail, /confirm your new email/i),
      `${auth.baseURL}/api/auth/verify-email?`,
    );
    const opened = await get(`${link.pathname.replace("/api/auth", "")}${link.search}`);
    expect(opened.headers.get("location")).toBe("/email-verified?change=1");
    const after = (await (await get("/get-session", alice.cookie)).json()) as {
      user: { email: string; emailVerified: boolean };
    };
    expect(after.user).toMatchObject({ email: newEmail, emailVerified: true });
    const notice = await mailTo(alice.email, /email was changed/i);
    expect(notice.text).toContain(newEmail);
    expect(await types(alice.id)).toEqual(
      expect.arrayContaining(["email_change_requested", "email_changed"]),
    );
  });

  it("tells the owner about a sign-in from a browser the account has not used, once", async () => {
    const alice = await auth.signUp();
    const deviceCookie = (answer: { headers: Headers }) =>
      answer.headers
        .getSetCookie()
        .map((c) => c.split(";", 1)[0] ?? "")
        .find((c) => c.startsWith("tandem.device=")) ?? "";
    const newSignIns = () =>
      outbox.sent.filter((m) => m.to === alice.email && /new sign-in/i.test(m.subject));

    // A browser without the account's mark: a notice, and the mark.
    const first = await signIn(auth, alice.email, alice.password, { "user-agent": "TandemTest/Laptop" });
    expect(first.status).toBe(200);
    const notice = await mailTo(alice.email, /new sign-in/i);
    expect(notice.text).toContain("Unknown browser"); // describeDevice of an unknown User-Agent
    const mark = deviceCookie(first);
    expect(mark).toMatch(/^tandem\.device=[\w-]{22}$/);
    expect(first.headers.getSetCookie().find((c) => c.startsWith("tandem.device="))).toMatch(/HttpOnly/i);

    // The same browser again: no notice. Another account's mark does not count for Alice.
    expect((await signIn(auth, alice.email, alice.password, { cookie: mark })).status).toBe(200);
    const bob = await auth.signUp();
    const forged = `tandem.device=${mark.split("=")[1]?.replace(/^./, (c) => (c === "a" ? "b" : "a")) ?? ""}`;
    expect((await signIn(auth, alice.email, alice.password, { cookie: forged })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(newSignIns()).toHaveLength(2);
    expect((await types(alice.id)).filter((t) => t === "new_device_sign_in")).toHaveLength(2);
    expect(outbox.sent.some((m) => m.to === bob.email && /new sign-in/i.test(m.subject))).toBe(false);
  });

  it("lets a server-side caller wait for the mail and learn whether it went", async () => {
    const alice = await auth.signUp();
    const headers = new Headers({ cookie: alice.cookie });
    const send = () => auth.auth.api.sendVerificationEmail({ headers, body: { email: alice.email } });
    expect((await awaitingMail(send)).delivered).toBe(true);
    outbox.fail();
    expect((await awaitingMail(send)).delivered).toBe(false);
  });

  it("records a failed delivery without failing the request", async () => {
    const alice = await auth.signUp();
    outbox.fail();
    expect((await post(auth, "/request-password-reset", { email: alice.email })).status).toBe(200);
    const deadline = Date.now() + 5_000;
    while (!(await types(alice.id)).includes("email_delivery_failed") && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await types(alice.id)).toContain("email_delivery_failed");
  });
});

describe.each(testDialects())("account email with verification required (%s)", (dialect) => {
  let database: TestDatabase;
  let auth: AuthServer;

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    const { mailer } = recordingMailer();
    auth = await startAuthServer({
      database,
      email: { mailer, requireVerification: true, log: { error: () => undefined } },
    });
  });
  afterEach(async () => {
    await auth.close();
    await database.cleanup();
  });

  it("refuses sign-in and API tokens for an unverified address", async () => {
    const up = await post(auth, "/sign-up/email", {
      name: "V",
      email: "v@example.test",
      password: "password-123",
    });
    expect(up.status).toBe(200);
    const refused = await signIn(auth, "v@example.test", "password-123");
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: "EMAIL_NOT_VERIFIED" });

    // A session from before verification became required.
    await sql`update "user" set "emailVerified" = ${dialect === "postgres" ? true : 1}`.execute(database.db);
    const signedIn = await signIn(auth, "v@example.test", "password-123");
    const cookie = (signedIn.headers.get("set-cookie") ?? "").split(";", 1)[0] ?? "";
    await sql`update "user" set "emailVerified" = ${dialect === "postgres" ? false : 0}`.execute(database.db);
    const token = await fetch(`${auth.baseURL}/api/auth/token`, { headers: { cookie } });
    expect(token.status).toBe(403);
    expect(await token.json()).toMatchObject({ code: "EMAIL_VERIFICATION_REQUIRED" });
  });
});
