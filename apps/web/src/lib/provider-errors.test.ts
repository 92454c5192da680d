import { describe, expect, it } from "vitest";
import { linkErrorMessage, providerRequestMessage, signInErrorMessage } from "./provider-errors";

describe("provider error messages", () => {
  it("tells a user whose email is taken to sign in their usual way and link the provider", () => {
    expect(signInErrorMessage("account_not_linked", "Dev ID")).toBe(
      "An account with this email already exists. Sign in your usual way, then link Dev ID in Settings.",
    );
  });

  it("says what happened for each kind of sign-in failure, never echoing the URL's text", () => {
    expect(signInErrorMessage(null, "Dev ID")).toBeNull();
    expect(signInErrorMessage("access_denied", "Dev ID")).toMatch(/cancelled. No account was created/);
    expect(signInErrorMessage("PROVIDER_EMAIL_NOT_VERIFIED", "GitHub")).toMatch(/^GitHub hasn't confirmed/);
    expect(signInErrorMessage("state_mismatch", null)).toMatch(/expired or was started in another browser/);
    expect(signInErrorMessage("issuer_mismatch", "Dev ID")).toMatch(/couldn't verify Dev ID's answer/);
    expect(signInErrorMessage("<script>call us</script>", null)).toBe(
      "Sign-in with the provider didn't work. Please try again.",
    );
  });

  it("explains why a link was refused", () => {
    expect(linkErrorMessage("unable_to_link_account", "Dev ID")).toMatch(
      /must confirm that your email address is verified/,
    );
    expect(linkErrorMessage("email_does_not_match", "GitHub")).toMatch(/uses another email address/);
    expect(linkErrorMessage(undefined, "GitHub")).toBeNull();
  });

  it("turns refused link and unlink requests into sentences", () => {
    expect(providerRequestMessage({ status: 400, code: "LAST_SIGN_IN_METHOD" }, "Dev ID", "unlink")).toMatch(
      /^Dev ID is your only way to sign in/,
    );
    expect(providerRequestMessage({ status: 403, code: "FRESH_SIGN_IN_REQUIRED" }, "Dev ID", "link")).toMatch(
      /needs a recent sign-in/,
    );
    expect(providerRequestMessage({ status: 400, code: "SOMETHING_NEW" }, "Dev ID", "unlink")).toBe(
      "We couldn't unlink Dev ID. Please try again.",
    );
  });
});
