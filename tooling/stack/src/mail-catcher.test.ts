// The development mail catcher: real SMTP in, the mailbox page and its JSON out.
import nodemailer from "nodemailer";
import { afterEach, describe, expect, it } from "vitest";
import { MailCatcher } from "./mail-catcher.ts";
import { extractLinks } from "./mail-message.ts";
import { mailbox } from "./mailbox-client.ts";

let catcher: MailCatcher | undefined;
afterEach(async () => {
  await catcher?.stop();
  catcher = undefined;
});

async function send(to: string, subject: string, text: string, html = `<p>${text}</p>`) {
  const transport = nodemailer.createTransport({
    url: catcher?.smtpUrl,
    auth: { user: "any", pass: "thing" },
  } as never);
  await transport.sendMail({ from: "Tandem <no-reply@tandem.test>", to, subject, text, html });
  transport.close();
}

describe("MailCatcher", () => {
  it("catches a message sent over SMTP, with both parts and its links", async () => {
    catcher = await MailCatcher.start();
    await send(
      "ada@example.test",
      "Reset",
      "Open https://tandem.example/reset-password?token=abc now.",
      '<a href="https://tandem.example/x?a=1&amp;b=2">x</a>',
    );
    const [message] = catcher.messages();
    expect(message).toMatchObject({
      to: ["ada@example.test"],
      from: "no-reply@tandem.test",
      subject: "Reset",
      text: "Open https://tandem.example/reset-password?token=abc now.",
      html: '<a href="https://tandem.example/x?a=1&amp;b=2">x</a>',
    });
    expect(message?.receivedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(message?.links).toEqual([
      "https://tandem.example/reset-password?token=abc",
      "https://tandem.example/x?a=1&b=2",
    ]);
    expect(catcher.smtpUrl).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+$/);
  });

  it("serves the list as JSON, filtered by recipient, newest first, and clears it", async () => {
    catcher = await MailCatcher.start();
    await send("a@example.test", "one", "1");
    await send("b@example.test", "two", "2");
    await send("A@example.test", "three", "3");
    const client = mailbox(catcher.mailboxUrl);
    expect((await client.list()).map((m) => m.subject)).toEqual(["three", "two", "one"]);
    expect((await client.list("a@example.test")).map((m) => m.subject)).toEqual(["three", "one"]);
    expect((await client.waitFor("b@example.test")).subject).toBe("two");
    await client.clear();
    expect(await client.list()).toEqual([]);
  });

  it("escapes what messages contain on the mailbox page", async () => {
    catcher = await MailCatcher.start();
    await send("a@example.test", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>");
    const response = await fetch(`${catcher.mailboxUrl}/`);
    const page = await response.text();
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page).not.toContain("<script>");
    expect(page).not.toContain("<img src=x");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    const id = catcher.messages()[0]?.id ?? "";
    const one = await (await fetch(`${catcher.mailboxUrl}/messages/${id}`)).text();
    expect(one).toContain("<iframe sandbox");
    // Inside the srcdoc attribute too: a quote in the message must not end the attribute.
    expect(one).toContain('srcdoc="&lt;p&gt;&lt;img src=x onerror=alert(1)&gt;&lt;/p&gt;"');
    expect(one).not.toContain("<img");
    expect((await fetch(`${catcher.mailboxUrl}/nope`)).status).toBe(404);
  });

  it("waits for a message that arrives later, and says what came when none matches", async () => {
    catcher = await MailCatcher.start();
    const waiting = catcher.waitFor((m) => m.subject === "later");
    await send("a@example.test", "sooner", "x");
    await send("a@example.test", "later", "y");
    expect((await waiting).subject).toBe("later");
    await expect(catcher.waitFor((m) => m.subject === "never", 100)).rejects.toThrow(
      /"sooner" to a@example.test/,
    );
  });

  it("refuses a message over the 10 MB limit, and keeps nothing of it", async () => {
    catcher = await MailCatcher.start();
    await expect(send("a@example.test", "big", "x".repeat(11 * 1024 * 1024), "")).rejects.toMatchObject({
      responseCode: 552,
    });
    expect(catcher.messages()).toEqual([]);
  });

  it("listens on loopback only", async () => {
    catcher = await MailCatcher.start();
    expect(catcher.mailboxUrl).toMatch(/^http:\/\/localhost:\d+$/);
    // @ts-expect-error -- reading the server's address for the test
    expect(catcher.smtp.server.address().address).toBe("127.0.0.1");
  });
});

describe("extractLinks", () => {
  it("finds text URLs and HTML hrefs once each", () => {
    expect(
      extractLinks(
        "see https://a.test/x, and https://a.test/x",
        '<a href="https://b.test/?q=1&amp;r=2">b</a>',
      ),
    ).toEqual(["https://a.test/x", "https://b.test/?q=1&r=2"]);
  });
});
