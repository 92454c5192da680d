// Delivery through a real SMTP server (smtp-server on loopback), and what a failing one does.
import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterEach, describe, expect, it } from "vitest";
import { deliverInBackground } from "./deliver.ts";
import { parseMailFrom, parseSmtpUrl } from "./config.ts";
import { createSmtpMailer, MailDeliveryError } from "./smtp.ts";
import { resetPassword } from "./templates.ts";

interface Received {
  mail: ParsedMail;
  user: string | undefined;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function smtpServer(options: { requireAuth?: boolean } = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: !options.requireAuth,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth: (auth, _session, callback) =>
      auth.username === "ada" && auth.password === "s3cret/pw"
        ? callback(null, { user: auth.username })
        : callback(new Error("bad credentials")),
    onData: (stream, session, callback) => {
      simpleParser(stream)
        .then((mail) => {
          received.push({ mail, user: typeof session.user === "string" ? session.user : undefined });
          callback();
        })
        .catch(callback);
    },
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.server.address() as AddressInfo).port)),
  );
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { port, received };
}

/** Accepts connections and never says a word: the server that hangs. */
async function silentServer(): Promise<number> {
  const server: Server = createServer(() => undefined);
  const port = await new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );
  closers.push(
    () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.unref();
      }),
  );
  return port;
}

const RESET = resetPassword({
  name: "Ada",
  url: "https://tandem.example/reset-password?token=TOKEN-123",
  expiresInMinutes: 60,
});

describe("SMTP delivery", () => {
  it("sends both parts from the configured sender", async () => {
    const { port, received } = await smtpServer();
    const mailer = createSmtpMailer({
      url: `smtp://127.0.0.1:${port}`,
      from: "Tandem <no-reply@tandem.test>",
    });
    await mailer.send({ to: "ada@example.test", subject: RESET.subject, text: RESET.text, html: RESET.html });
    mailer.close();
    const [first] = received;
    expect(first?.mail.from?.value[0]?.address).toBe("no-reply@tandem.test");
    expect(first?.mail.subject).toBe("Reset your Tandem password");
    expect(first?.mail.text).toContain("https://tandem.example/reset-password?token=TOKEN-123");
    expect(first?.mail.html).toContain('href="https://tandem.example/reset-password?token=TOKEN-123"');
  });

  it("authenticates with the credentials in the URL, percent-decoded", async () => {
    const { port, received } = await smtpServer({ requireAuth: true });
    const mailer = createSmtpMailer({
      url: `smtp://ada:s3cret%2Fpw@127.0.0.1:${port}`,
      from: "t@tandem.test",
    });
    await mailer.send({ to: "ada@example.test", subject: "s", text: "t", html: "<p>t</p>" });
    mailer.close();
    expect(received[0]?.user).toBe("ada");
  });

  it("gives up on a server that never answers within the timeout, saying only why", async () => {
    const port = await silentServer();
    const mailer = createSmtpMailer({
      url: `smtp://ada:pw-secret@127.0.0.1:${port}`,
      from: "t@tandem.test",
      timeoutMs: 300,
    });
    const error = await mailer
      .send({ to: "ada@example.test", subject: RESET.subject, text: RESET.text, html: RESET.html })
      .catch((e: unknown) => e);
    mailer.close();
    expect(error).toBeInstanceOf(MailDeliveryError);
    const message = (error as Error).message;
    expect(message).toContain(`127.0.0.1:${port}`);
    for (const secret of ["TOKEN-123", "pw-secret", "reset-password"]) expect(message).not.toContain(secret);
  });

  it("reports a refused connection", async () => {
    const mailer = createSmtpMailer({ url: "smtp://127.0.0.1:9", from: "t@tandem.test", timeoutMs: 1000 });
    const error = await mailer
      .send({ to: "a@b.test", subject: "s", text: "t", html: "h" })
      .catch((e: unknown) => e);
    expect((error as MailDeliveryError).reason).toMatch(/ECONNREFUSED|ESOCKET|ECONNECTION/);
  });

  it("sends in the background: returns at once and logs one line without the link", async () => {
    const port = await silentServer();
    const mailer = createSmtpMailer({
      url: `smtp://127.0.0.1:${port}`,
      from: "t@tandem.test",
      timeoutMs: 200,
    });
    const lines: string[] = [];
    let reported = false;
    deliverInBackground(
      mailer,
      { to: "ada@example.test", ...RESET },
      { error: (line) => lines.push(line) },
      () => {
        reported = true;
      },
    );
    // Returned before the send failed: nothing waited for the server.
    expect(lines).toEqual([]);
    const deadline = Date.now() + 5_000;
    while (lines.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    mailer.close();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Email "reset-password" to a\*\*\*@example\.test: not sent \(/);
    expect(lines[0]).not.toContain("TOKEN-123");
    expect(reported).toBe(true);
  });
});

describe("parseSmtpUrl and parseMailFrom", () => {
  it("accepts smtp and smtps with their default ports, displayed without credentials", () => {
    expect(parseSmtpUrl("smtps://u:p@smtp.example.com")).toMatchObject({
      ok: true,
      secure: true,
      port: 465,
      display: "smtps://smtp.example.com:465",
    });
    expect(parseSmtpUrl("smtp://smtp.example.com")).toMatchObject({ ok: true, secure: false, port: 587 });
    expect(parseSmtpUrl("smtp://127.0.0.1:1025")).toMatchObject({ ok: true, port: 1025 });
  });

  it("refuses other schemes and missing hosts without echoing the password", () => {
    for (const raw of ["http://u:hunter2@example.com", "smtp://", "not a url hunter2", "smtp:hunter2"]) {
      const parsed = parseSmtpUrl(raw);
      expect(parsed.ok, raw).toBe(false);
      if (!parsed.ok) expect(parsed.error).not.toContain("hunter2");
    }
  });

  it("accepts a bare or a named sender address", () => {
    expect(parseMailFrom("no-reply@example.com")).toEqual({ ok: true, address: "no-reply@example.com" });
    expect(parseMailFrom("Tandem <no-reply@localhost>")).toEqual({ ok: true, address: "no-reply@localhost" });
    expect(parseMailFrom("Tandem").ok).toBe(false);
    expect(parseMailFrom("a b@c.d").ok).toBe(false);
  });
});
