import { describe, expect, it } from "vitest";
import {
  confirmEmailChange,
  emailChanged,
  formatWhen,
  newSignIn,
  passwordChanged,
  passwordReset,
  resetPassword,
  verifyEmail,
} from "./templates.ts";

const URL_A = "https://tandem.example/reset-password?token=abc&x=1";
const WHEN = new Date("2026-12-04T03:12:00Z");

describe("templates", () => {
  const all = [
    verifyEmail({ name: "Ada", url: URL_A, expiresInHours: 24 }),
    resetPassword({ name: "Ada", url: URL_A, expiresInMinutes: 60 }),
    confirmEmailChange({ name: "Ada", newEmail: "new@example.test", url: URL_A, expiresInHours: 24 }),
    emailChanged({
      name: "Ada",
      oldEmail: "old@example.test",
      newEmail: "new@example.test",
      when: WHEN,
      resetUrl: URL_A,
    }),
    passwordChanged({ name: "Ada", when: WHEN, resetUrl: URL_A }),
    passwordReset({ name: "Ada", when: WHEN, resetUrl: URL_A }),
    newSignIn({
      name: "Ada",
      when: WHEN,
      device: "Chrome on Linux",
      address: "203.0.113.9",
      settingsUrl: URL_A,
      resetUrl: URL_A,
    }),
  ];

  it.each(all.map((m) => [m.template, m] as const))(
    "%s has a subject, a text part and an HTML part with the link",
    (_, m) => {
      expect(m.subject.length).toBeGreaterThan(5);
      expect(m.text).toContain(URL_A);
      expect(m.html).toContain('href="https://tandem.example/reset-password?token=abc&amp;x=1"');
      expect(m.html).toMatch(/^<!doctype html>/);
      expect(m.html).toContain('<html lang="en">');
      expect(m.html).not.toMatch(/<script|<img|src=/i);
    },
  );

  it("escapes names and addresses in the HTML part", () => {
    const hostile = verifyEmail({ name: '<script>alert("x")</script>', url: URL_A, expiresInHours: 24 });
    expect(hostile.html).not.toContain("<script>");
    expect(hostile.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(hostile.text).toContain('<script>alert("x")</script>');
  });

  it("refuses a link that is not an absolute http(s) URL", () => {
    for (const url of ["/reset-password?token=x", "javascript:alert(1)", "tandem.example/x"]) {
      expect(() => resetPassword({ name: "A", url, expiresInMinutes: 60 }), url).toThrow(/absolute http/);
    }
  });

  it("says when, in UTC", () => {
    expect(formatWhen(WHEN)).toBe("4 December 2026, 03:12 UTC");
    expect(passwordChanged({ name: "A", when: WHEN, resetUrl: URL_A }).text).toContain(
      "4 December 2026, 03:12 UTC",
    );
  });

  it("tells the old address what the new one is, and the reset is said to expire in 1 hour", () => {
    expect(all[3]?.text).toContain("from old@example.test to new@example.test");
    expect(all[1]?.text).toContain("expires in 1 hour");
  });
});
