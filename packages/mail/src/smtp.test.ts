// Delivery through a real SMTP server (smtp-server on loopback), and what a failing one does.
import { afterEach, describe, expect, it } from "vitest";
import { createSmtpMailer, MailDeliveryError } from "./smtp.ts";
import { resetPassword, verifyEmail } from "./templates.ts";
import {
  closedPort,
  silentServer,
  SMTP_PASSWORD,
  SMTP_USER,
  smtpServer,
  tricklingServer,
} from "./test-servers.ts";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const LINK = "https://tandem.example/reset-password?token=TOKEN-123";
const RESET = resetPassword({ name: "Ada", url: LINK, expiresInMinutes: 60 });
const message = (to = "ada@example.test") => ({
  to,
  subject: RESET.subject,
  text: RESET.text,
  html: RESET.html,
});

/** Whatever a failure says must not carry the link, its token or the SMTP_URL's password. */
function expectNothingSecret(text: string, password: string) {
  for (const secret of ["TOKEN-123", "reset-password", "https://", password])
    expect(text).not.toContain(secret);
}

describe("createSmtpMailer", () => {
  it("sends a text and an HTML part from the configured sender, with the hostile name escaped", async () => {
    const server = await smtpServer();
    closers.push(server.close);
    const mailer = createSmtpMailer({
      url: `smtp://127.0.0.1:${server.port}`,
      from: "Tandem <no-reply@tandem.test>",
    });
    const hostile = verifyEmail({ name: "<script>alert(1)</script>", url: LINK, expiresInHours: 24 });
    await mailer.send({
      to: "ada@example.test",
      subject: hostile.subject,
      text: hostile.text,
      html: hostile.html,
    });
    mailer.close();

    expect(server.received).toHaveLength(1);
    const mail = server.received[0]?.mail;
    expect(mail?.from?.value[0]).toEqual({ name: "Tandem", address: "no-reply@tandem.test" });
    expect(mail?.subject).toBe("Verify your email for Tandem");
    expect(mail?.text).toContain(`Verify email: ${LINK}`);
    expect(mail?.text).toContain("Hi <script>alert(1)</script>,");
    expect(mail?.html).toContain(`href="${LINK}"`);
    expect(mail?.html).toContain("Hi &lt;script&gt;alert(1)&lt;/script&gt;,");
    expect(mail?.html).not.toContain("<script>");
    // Every link in the HTML part is absolute.
    const hrefs = [...String(mail?.html).matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href).toMatch(/^https:\/\//);
  });

  it("authenticates with the credentials in the URL, percent-decoded", async () => {
    const server = await smtpServer({ requireAuth: true });
    closers.push(server.close);
    const password = encodeURIComponent(SMTP_PASSWORD);
    const mailer = createSmtpMailer({
      url: `smtp://${SMTP_USER}:${password}@127.0.0.1:${server.port}`,
      from: "t@tandem.test",
    });
    await mailer.send(message());
    mailer.close();
    expect(server.logins).toEqual([{ username: SMTP_USER, password: SMTP_PASSWORD }]);
    expect(server.received[0]?.user).toBe(SMTP_USER);
  });

  it("fails with EAUTH on wrong credentials, without the password", async () => {
    const server = await smtpServer({ requireAuth: true });
    closers.push(server.close);
    const mailer = createSmtpMailer({
      url: `smtp://ada:wrong-pw@127.0.0.1:${server.port}`,
      from: "t@tandem.test",
    });
    const error = await mailer.send(message()).catch((e: unknown) => e);
    mailer.close();
    expect(error).toBeInstanceOf(MailDeliveryError);
    expect((error as MailDeliveryError).reason).toMatch(/^EAUTH/);
    expectNothingSecret((error as Error).message, "wrong-pw");
    expect(server.received).toEqual([]);
  });

  it("gives up on a server that accepts and never answers, within about timeoutMs", async () => {
    const server = await silentServer();
    closers.push(server.close);
    const mailer = createSmtpMailer({
      url: `smtp://ada:pw-secret@127.0.0.1:${server.port}`,
      from: "t@tandem.test",
      timeoutMs: 300,
    });
    const started = Date.now();
    const error = await mailer.send(message()).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    mailer.close();
    expect(error).toBeInstanceOf(MailDeliveryError);
    expect((error as Error).message).toBe(`ETIMEDOUT at 127.0.0.1:${server.port}`);
    expectNothingSecret((error as Error).message, "pw-secret");
    // It waited for the timeout, and gave up long before nodemailer's own 10 s default. Bounds, not speed.
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(8_000);
  });

  it("ends a send that a busy-looking server drags out, at the overall deadline", async () => {
    const server = await tricklingServer();
    closers.push(server.close);
    const mailer = createSmtpMailer({
      url: `smtp://127.0.0.1:${server.port}`,
      from: "t@tandem.test",
      timeoutMs: 300,
    });
    const started = Date.now();
    const error = await mailer.send(message()).catch((e: unknown) => e);
    mailer.close();
    expect((error as MailDeliveryError).reason).toBe("ETIMEDOUT");
    // The trickle would go on; only the overall deadline ends it (generous bound for a busy machine).
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it("reports a refused connection", async () => {
    const port = await closedPort();
    const mailer = createSmtpMailer({ url: `smtp://ada:pw-secret@127.0.0.1:${port}`, from: "t@tandem.test" });
    const error = await mailer.send(message()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailDeliveryError);
    expect((error as MailDeliveryError).reason).toMatch(/ECONNREFUSED|ECONNECTION|ESOCKET/);
    expect((error as MailDeliveryError).server).toBe(`127.0.0.1:${port}`);
    expectNothingSecret((error as Error).message, "pw-secret");
  });

  it("refuses an invalid SMTP_URL or MAIL_FROM at creation, without echoing the password", () => {
    expect(() => createSmtpMailer({ url: "http://u:hunter2@example.com", from: "t@tandem.test" })).toThrow(
      /^SMTP_URL must start with smtp:\/\/ or smtps:\/\//,
    );
    expect(() => createSmtpMailer({ url: "smtp://u:hunter2@127.0.0.1", from: "Tandem" })).toThrow(
      /^MAIL_FROM/,
    );
    expect(
      createSmtpMailer({ url: "smtps://u:hunter2@smtp.example.com", from: "t@tandem.test" }).display,
    ).toBe("smtps://smtp.example.com:465");
  });
});
