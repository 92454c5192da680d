import { describe, expect, it } from "vitest";
import { parseMailFrom, parseSmtpUrl } from "./config.ts";

describe("parseSmtpUrl", () => {
  it("accepts smtp and smtps with their default ports, displayed without credentials", () => {
    expect(parseSmtpUrl("smtps://u:hunter2@smtp.example.com")).toEqual({
      ok: true,
      secure: true,
      host: "smtp.example.com",
      port: 465,
      display: "smtps://smtp.example.com:465",
    });
    expect(parseSmtpUrl("smtp://u:hunter2@smtp.example.com")).toEqual({
      ok: true,
      secure: false,
      host: "smtp.example.com",
      port: 587,
      display: "smtp://smtp.example.com:587",
    });
    expect(parseSmtpUrl("smtp://127.0.0.1:1025")).toMatchObject({ ok: true, port: 1025 });
    expect(parseSmtpUrl("smtp://[::1]:25")).toMatchObject({
      ok: true,
      host: "::1",
      display: "smtp://[::1]:25",
    });
  });

  it("refuses other schemes, missing hosts and port 0 with a one-line reason, without echoing the password", () => {
    const cases: [string, RegExp][] = [
      ["http://u:hunter2@example.com", /^SMTP_URL must start with smtp:\/\/ or smtps:\/\//],
      ["smtp://", /^SMTP_URL has no host/],
      ["smtp:hunter2", /^SMTP_URL has no host/],
      [
        "not a url hunter2",
        /^SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL, e\.g\. smtps:\/\/user:password@/,
      ],
      ["smtp://u:hunter2@example.com:0", /^SMTP_URL has port 0/],
      ["smtp://u:hunter2%zz@example.com", /^SMTP_URL's user or password has a broken %-escape/],
    ];
    for (const [raw, expected] of cases) {
      const parsed = parseSmtpUrl(raw);
      expect(parsed.ok, raw).toBe(false);
      if (parsed.ok) continue;
      expect(parsed.error).toMatch(expected);
      expect(parsed.error).not.toContain("hunter2");
      expect(parsed.error).not.toContain("\n");
    }
  });
});

describe("parseMailFrom", () => {
  it("accepts a bare or a named sender address", () => {
    expect(parseMailFrom("no-reply@example.com")).toEqual({ ok: true, address: "no-reply@example.com" });
    expect(parseMailFrom("Tandem <no-reply@localhost>")).toEqual({ ok: true, address: "no-reply@localhost" });
  });

  it("refuses anything else with a clear message", () => {
    for (const raw of ["Tandem", "a b@c.d", "Tandem <>", "Tandem\r\nBcc: x@y.z <a@b.c>", ""]) {
      const parsed = parseMailFrom(raw);
      expect(parsed.ok, raw).toBe(false);
      if (!parsed.ok) expect(parsed.error).toMatch(/^MAIL_FROM must /);
    }
  });
});
