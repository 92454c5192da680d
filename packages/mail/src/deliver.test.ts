// Background and awaited delivery: nothing waits on a stalled server, and a failure is logged as
// one line that names the template and a masked address, never the link or token.
import { afterEach, describe, expect, it } from "vitest";
import { deliverInBackground, deliverNow, maskAddress } from "./deliver.ts";
import { createSmtpMailer, type Mailer, type MailDeliveryError } from "./smtp.ts";
import { resetPassword } from "./templates.ts";
import { silentServer, smtpServer } from "./test-servers.ts";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const TOKEN = "TOKEN-123";
const RESET = resetPassword({
  name: "Ada",
  url: `https://tandem.example/reset-password?token=${TOKEN}`,
  expiresInMinutes: 60,
});

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

function expectCleanLine(line: string | undefined) {
  expect(line).toMatch(
    /^Email "reset-password" to a\*\*\*@example\.test: not sent \(ETIMEDOUT at 127\.0\.0\.1:\d+\)$/,
  );
  for (const secret of [TOKEN, "https://", RESET.subject, "ada@"]) expect(line).not.toContain(secret);
}

describe("deliverInBackground", () => {
  it("returns at once while the server stalls, then logs one line without the link", async () => {
    const server = await silentServer();
    closers.push(server.close);
    const mailer = createSmtpMailer({
      url: `smtp://127.0.0.1:${server.port}`,
      from: "t@tandem.test",
      timeoutMs: 300,
    });
    const lines: string[] = [];
    const failures: MailDeliveryError[] = [];
    const returned = deliverInBackground(
      mailer,
      { to: "ada@example.test", ...RESET },
      { error: (line) => lines.push(line) },
      (error) => failures.push(error),
    );
    // Synchronous return: nothing has failed yet, and no time was spent waiting for the server.
    expect(returned).toBeUndefined();
    expect(lines).toEqual([]);
    await until(() => lines.length > 0);
    mailer.close();
    expect(lines).toHaveLength(1);
    expectCleanLine(lines[0]);
    expect(failures.map((f) => f.reason)).toEqual(["ETIMEDOUT"]);
  });

  it("delivers when the server is up, logging nothing", async () => {
    const server = await smtpServer();
    closers.push(server.close);
    const mailer = createSmtpMailer({ url: `smtp://127.0.0.1:${server.port}`, from: "t@tandem.test" });
    const lines: string[] = [];
    deliverInBackground(mailer, { to: "ada@example.test", ...RESET }, { error: (line) => lines.push(line) });
    await until(() => server.received.length > 0);
    mailer.close();
    expect(server.received[0]?.mail.subject).toBe(RESET.subject);
    expect(lines).toEqual([]);
  });

  it("survives a mailer that throws, a logger that throws and a failure report that throws", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const throwing: Mailer = {
        display: "smtp://mail.example:587",
        send: () => {
          throw new Error(`boom ${TOKEN}`);
        },
        close: () => undefined,
      };
      const lines: string[] = [];
      expect(() =>
        deliverInBackground(
          throwing,
          { to: "ada@example.test", ...RESET },
          {
            error: (line) => {
              lines.push(line);
              throw new Error("log down");
            },
          },
          () => {
            throw new Error("report down");
          },
        ),
      ).not.toThrow();
      await until(() => lines.length > 0);
      await new Promise((r) => setTimeout(r, 50));
      expect(lines).toEqual([
        'Email "reset-password" to a***@example.test: not sent (failed at mail.example:587)',
      ]);
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});

describe("deliverNow", () => {
  it("says whether the message was sent, with a short reason when not", async () => {
    const up = await smtpServer();
    const down = await silentServer();
    closers.push(up.close, down.close);
    const lines: string[] = [];
    const log = { error: (line: string) => lines.push(line) };
    const ok = createSmtpMailer({ url: `smtp://127.0.0.1:${up.port}`, from: "t@tandem.test" });
    const stalled = createSmtpMailer({
      url: `smtp://127.0.0.1:${down.port}`,
      from: "t@tandem.test",
      timeoutMs: 300,
    });

    expect(await deliverNow(ok, { to: "ada@example.test", ...RESET }, log)).toEqual({ sent: true });
    expect(await deliverNow(stalled, { to: "ada@example.test", ...RESET }, log)).toEqual({
      sent: false,
      reason: "ETIMEDOUT",
    });
    ok.close();
    stalled.close();
    expect(lines).toHaveLength(1);
    expectCleanLine(lines[0]);
  });
});

describe("maskAddress", () => {
  it("keeps the first letter and the domain", () => {
    expect(maskAddress("ada@example.com")).toBe("a***@example.com");
    expect(maskAddress("not-an-address")).toBe("***");
  });
});
