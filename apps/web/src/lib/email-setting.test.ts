import { describe, expect, it } from "vitest";
import { EmailConfigError, resolveEmailSetting } from "./email-setting";

describe("resolveEmailSetting", () => {
  it("turns email on with SMTP_URL, sending from MAIL_FROM or no-reply at the public host", () => {
    expect(
      resolveEmailSetting({
        SMTP_URL: "smtps://u:p@smtp.example.com",
        BETTER_AUTH_URL: "https://tasks.example.com",
      }),
    ).toEqual({
      on: true,
      smtpUrl: "smtps://u:p@smtp.example.com",
      from: "Tandem <no-reply@tasks.example.com>",
      requireVerification: false,
    });
    expect(
      resolveEmailSetting({
        SMTP_URL: "smtp://127.0.0.1:1025",
        MAIL_FROM: "Ops <ops@example.com>",
        AUTH_REQUIRE_EMAIL_VERIFICATION: "true",
      }),
    ).toMatchObject({ from: "Ops <ops@example.com>", requireVerification: true });
  });

  it("refuses production without SMTP_URL unless EMAIL=off", () => {
    expect(() => resolveEmailSetting({ NODE_ENV: "production" })).toThrow(
      /SMTP_URL is required in production/,
    );
    expect(resolveEmailSetting({ NODE_ENV: "production", EMAIL: "off" })).toEqual({
      on: false,
      reason: "EMAIL=off",
    });
    expect(resolveEmailSetting({ NODE_ENV: "development" })).toEqual({
      on: false,
      reason: "SMTP_URL is not set",
    });
  });

  it("refuses required verification without email, and malformed values without echoing secrets", () => {
    expect(() => resolveEmailSetting({ EMAIL: "off", AUTH_REQUIRE_EMAIL_VERIFICATION: "true" })).toThrow(
      EmailConfigError,
    );
    expect(() => resolveEmailSetting({ AUTH_REQUIRE_EMAIL_VERIFICATION: "true" })).toThrow(/needs SMTP_URL/);
    expect(() => resolveEmailSetting({ SMTP_URL: "https://u:hunter2@x.example" })).toThrow(
      /smtp:\/\/ or smtps:\/\//,
    );
    try {
      resolveEmailSetting({ SMTP_URL: "https://u:hunter2@x.example" });
    } catch (error) {
      expect((error as Error).message).not.toContain("hunter2");
    }
    expect(() => resolveEmailSetting({ SMTP_URL: "smtp://x.example", MAIL_FROM: "nobody" })).toThrow(
      /MAIL_FROM/,
    );
    expect(() => resolveEmailSetting({ EMAIL: "maybe" })).toThrow(/EMAIL must be/);
  });
});
