import { describe, expect, it } from "vitest";
import { FederationConfigError, resolveFederation } from "./federation-setting.server";

const OIDC = {
  OIDC_ISSUER: "https://id.example.com",
  OIDC_CLIENT_ID: "tandem",
  OIDC_CLIENT_SECRET: "s3cret-value",
  OIDC_NAME: "Example ID",
};

describe("resolveFederation", () => {
  it("offers no provider when none is configured", () => {
    expect(resolveFederation({})).toEqual({});
    expect(resolveFederation({ OIDC_ISSUER: " ", GITHUB_CLIENT_ID: "" })).toEqual({});
  });

  it("offers each provider whose variables are all set", () => {
    expect(
      resolveFederation({
        ...OIDC,
        GITHUB_CLIENT_ID: "gh",
        GITHUB_CLIENT_SECRET: "ghs",
        GOOGLE_CLIENT_ID: "g.apps.googleusercontent.com",
        GOOGLE_CLIENT_SECRET: "gs",
      }),
    ).toEqual({
      oidc: {
        issuer: "https://id.example.com",
        clientId: "tandem",
        clientSecret: "s3cret-value",
        name: "Example ID",
      },
      github: { clientId: "gh", clientSecret: "ghs" },
      google: { clientId: "g.apps.googleusercontent.com", clientSecret: "gs" },
    });
  });

  it("refuses a partial group, naming what is missing", () => {
    expect(() => resolveFederation({ ...OIDC, OIDC_NAME: undefined })).toThrow(
      "An OpenID Connect provider needs OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_NAME together: OIDC_NAME is not set",
    );
    expect(() => resolveFederation({ GITHUB_CLIENT_ID: "gh" })).toThrow(
      "Sign-in with GitHub needs GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET together: GITHUB_CLIENT_SECRET is not set",
    );
    expect(() => resolveFederation({ GOOGLE_CLIENT_SECRET: "gs" })).toThrow(FederationConfigError);
  });

  it("wants an https issuer, except for a provider on this machine", () => {
    expect(() => resolveFederation({ ...OIDC, OIDC_ISSUER: "http://id.example.com" })).toThrow(
      /must use https/,
    );
    expect(() => resolveFederation({ ...OIDC, OIDC_ISSUER: "id.example.com" })).toThrow(/issuer URL/);
    expect(() => resolveFederation({ ...OIDC, OIDC_ISSUER: "https://id.example.com/?tenant=1" })).toThrow(
      /query/,
    );
    expect(resolveFederation({ ...OIDC, OIDC_ISSUER: "http://127.0.0.1:8030" }).oidc?.issuer).toBe(
      "http://127.0.0.1:8030",
    );
    expect(resolveFederation({ ...OIDC, OIDC_ISSUER: "http://localhost:8030" }).oidc?.issuer).toBe(
      "http://localhost:8030",
    );
  });

  it("keeps the button's name short and printable, and never echoes a secret", () => {
    expect(() => resolveFederation({ ...OIDC, OIDC_NAME: "x".repeat(41) })).toThrow(/at most 40/);
    expect(() => resolveFederation({ ...OIDC, OIDC_NAME: "Bad\u0007Name" })).toThrow(/control characters/);
    try {
      resolveFederation({ ...OIDC, OIDC_ISSUER: "ftp://id.example.com" });
    } catch (error) {
      expect((error as Error).message).not.toContain(OIDC.OIDC_CLIENT_SECRET);
    }
  });
});
