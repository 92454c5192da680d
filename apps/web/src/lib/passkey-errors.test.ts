import { AUTH_ERROR_CODES } from "@tandem/auth/error-codes";
import { describe, expect, it } from "vitest";
import { authErrorMessage } from "./auth-errors";
import { failedInBrowser, passkeyErrorMessage } from "./passkey-errors";

describe("passkeyErrorMessage", () => {
  it("tells a cancelled browser dialog from a refusal by the server", () => {
    const cancelled = { status: 400, code: "ERROR_PASSTHROUGH_SEE_CAUSE_PROPERTY" };
    expect(failedInBrowser(cancelled)).toBe(true);
    expect(passkeyErrorMessage(cancelled, "add")).toBe(
      "No passkey was added: the request was cancelled or timed out.",
    );
    expect(passkeyErrorMessage({ status: 400, code: "AUTH_CANCELLED" }, "sign-in")).toMatch(
      /^Passkey sign-in was cancelled or timed out/,
    );
    const removed = { status: 401, code: "PASSKEY_NOT_FOUND" };
    expect(failedInBrowser(removed)).toBe(false);
    expect(passkeyErrorMessage(removed, "sign-in")).toBe(
      "This passkey isn't linked to a Tandem account any more. Sign in with your email and password.",
    );
  });

  it("names the device problems the browser reports while adding one", () => {
    expect(
      passkeyErrorMessage({ status: 400, code: "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED" }, "add"),
    ).toBe("This device already has a passkey for your account.");
    expect(passkeyErrorMessage({ status: 500, code: "UNKNOWN_ERROR" }, "add")).toMatch(
      /couldn't create a passkey/,
    );
  });

  it("uses the settings wording for the step-up rule, the session and the network", () => {
    const stale = { status: 403, code: AUTH_ERROR_CODES.FRESH_SIGN_IN_REQUIRED };
    expect(passkeyErrorMessage(stale, "remove")).toBe(authErrorMessage(stale, "settings"));
    expect(passkeyErrorMessage(stale, "add")).toMatch(/needs a recent sign-in/);
    expect(passkeyErrorMessage({ status: 401 }, "remove")).toMatch(/session has ended/);
    expect(passkeyErrorMessage(null, "add")).toMatch(/can't reach the server/);
    expect(passkeyErrorMessage({ status: 400, code: "SOMETHING_NEW" }, "remove")).toBe(
      "We couldn't remove the passkey. Please try again.",
    );
    expect(passkeyErrorMessage(null, "sign-in")).toMatch(/can't reach the sign-in service/);
  });
});
