import { AUTH_ERROR_CODES } from "@tandem/auth/error-codes";
import { describe, expect, it } from "vitest";
import { authErrorMessage } from "./auth-errors";

describe("authErrorMessage", () => {
  it("says the service is unreachable when there is no answer, in each context's words", () => {
    expect(authErrorMessage(null, "sign-in")).toMatch(/can't reach the sign-in service/);
    expect(authErrorMessage({ status: 0 }, "sign-up")).toMatch(/can't reach the sign-in service/);
    expect(authErrorMessage(undefined, "settings")).toMatch(/can't reach the server/);
  });

  it("tells the account lockout (minutes) from the address limiter (seconds)", () => {
    const locked = { status: 429, code: AUTH_ERROR_CODES.ACCOUNT_LOCKED };
    expect(authErrorMessage(locked, "sign-in")).toBe(
      "Too many failed sign-ins for this account. Please try again in 15 minutes.",
    );
    expect(authErrorMessage({ status: 429 }, "sign-in")).toBe(
      "Too many attempts. Please wait a few seconds and try again.",
    );
    expect(
      authErrorMessage({ status: 429, code: AUTH_ERROR_CODES.TOO_MANY_PASSWORD_ATTEMPTS }, "settings"),
    ).toBe("Too many wrong passwords. Please wait 15 minutes and try again.");
    expect(authErrorMessage({ status: 429 }, "settings")).toBe(
      "Too many attempts. Please wait a little and try again.",
    );
  });

  it("maps the same code to each context's wording", () => {
    const short = { status: 400, code: AUTH_ERROR_CODES.PASSWORD_TOO_SHORT };
    expect(authErrorMessage(short, "sign-up")).toBe("Your password is too short: use at least 8 characters.");
    expect(authErrorMessage(short, "settings", "x")).toBe(
      "The new password is too short: use at least 8 characters.",
    );
    expect(authErrorMessage({ status: 401, code: "INVALID_EMAIL_OR_PASSWORD" }, "sign-in")).toBe(
      "Wrong email or password.",
    );
    expect(authErrorMessage({ status: 422, code: "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL" }, "sign-up")).toBe(
      "An account with this email already exists. Sign in instead, or use another email.",
    );
  });

  it("treats an unknown 401 as an ended session in settings only", () => {
    expect(authErrorMessage({ status: 401 }, "settings", "x")).toBe(
      "Your session has ended. Sign in again, then retry.",
    );
    expect(authErrorMessage({ status: 401 }, "sign-in")).toBe(
      "We couldn't sign you in. Please check your details.",
    );
  });

  it("never shows a raw server string: server faults and unknown codes get a generic message", () => {
    const raw = { status: 500, code: "SOMETHING_INTERNAL", message: "stack trace at db.ts:12" };
    for (const context of ["sign-in", "sign-up", "settings"] as const)
      expect(authErrorMessage(raw, context, "We couldn't save your name.")).toBe(
        "Something went wrong on our side. Please try again in a moment.",
      );
    expect(
      authErrorMessage({ status: 400, code: "toString" }, "settings", "We couldn't save your name."),
    ).toBe("We couldn't save your name.");
    expect(authErrorMessage({ status: 400, code: "NOPE" }, "sign-up")).toBe(
      "We couldn't create your account. Please check your details.",
    );
  });
});
