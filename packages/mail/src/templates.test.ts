import { describe, expect, it } from "vitest";
import {
  confirmEmailChange,
  emailChanged,
  formatWhen,
  newSignIn,
  passwordChanged,
  passwordReset,
  resetPassword,
  teamInvitation,
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
    teamInvitation({ inviterName: "Ada", teamName: "Launch", role: "member", url: URL_A, expiresInDays: 7 }),
  ];

  it.each(all.map((m) => [m.template, m] as const))(
    "%s has a subject, a text part and an HTML part with the link",
    (_, m) => {
      expect(m.subject.length).toBeGreaterThan(5);
      expect(m.text).toContain(URL_A);
      expect(m.html).toContain('href="https://tandem.example/reset-password?token=abc&amp;x=1"');
      expect(m.html).toMatch(/^<!doctype html>/);
      expect(m.html).toContain('<html lang="en">');
      expect(m.html).toContain(`<title>${m.subject}</title>`);
      expect(m.html).not.toMatch(/<script|<img|<link|src=|url\(/i);
      // In the text part, each action is "label: url" on its own line.
      expect(m.text).toMatch(/^[A-Z][\w ]+: https:\/\/tandem\.example\/reset-password\?token=abc&x=1$/m);
    },
  );

  it("names every template differently", () => {
    expect(new Set(all.map((m) => m.template)).size).toBe(all.length);
  });

  it("escapes names and addresses in the HTML part", () => {
    const hostile = verifyEmail({ name: '<script>alert("x")</script>', url: URL_A, expiresInHours: 24 });
    expect(hostile.html).not.toContain("<script>");
    expect(hostile.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(hostile.text).toContain('<script>alert("x")</script>');
  });

  it("names the inviter, the team and the role of an invitation, escaped in HTML", () => {
    const m = teamInvitation({
      inviterName: "Ada <b>",
      teamName: "R&D",
      role: "viewer",
      url: URL_A,
      expiresInDays: 7,
    });
    expect(m.subject).toBe("Ada <b> invited you to R&D on Tandem");
    expect(m.text).toContain("as viewer");
    expect(m.text).toContain("within 7 days");
    expect(m.html).toContain("Ada &lt;b&gt;");
    expect(m.html).toContain("R&amp;D");
    expect(m.html).not.toContain("<b>");
  });

  it("refuses a link that is not an absolute http(s) URL", () => {
    const bad = [
      "/reset-password?token=x",
      "javascript:alert(1)",
      "tandem.example/x",
      "data:text/html,x",
      "https://tandem.example/x\nMore text",
    ];
    for (const url of bad) {
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
    expect(all[1]?.text).toContain(
      "If you did not ask for this, ignore this email; your password stays the same.",
    );
  });

  it("says where a reset was asked from, when known, escaped in HTML", () => {
    const m = resetPassword({
      name: "A",
      url: URL_A,
      expiresInMinutes: 30,
      requestedFrom: "<b>Firefox</b>, 203.0.113.9",
    });
    expect(m.text).toContain("The request came from <b>Firefox</b>, 203.0.113.9.");
    expect(m.html).toContain("&lt;b&gt;Firefox&lt;/b&gt;, 203.0.113.9");
    expect(m.text).toContain("expires in 30 minutes");
    expect(all[1]?.text).not.toContain("request came from");
  });

  it("hides the preheader in the HTML part and leaves it out of the text part", () => {
    const m = all[0];
    expect(m?.html).toMatch(/<div style="display:none[^"]*" aria-hidden="true">Confirm your address/);
    expect(m?.text).not.toContain("Confirm your address");
    expect(verifyEmail({ name: "A", url: URL_A, expiresInHours: 1 }).text).toContain("within 1 hour.");
  });

  it("tells a notice's reader what to do if it was not them", () => {
    for (const m of all.slice(3, 7)) {
      expect(m.text).toContain(`Reset password: ${URL_A}`);
      expect(m.text).toContain("4 December 2026, 03:12 UTC");
    }
    expect(all[6]?.text).toContain("Chrome on Linux, from 203.0.113.9");
  });
});
