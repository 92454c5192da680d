import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  ACCESS_TOKEN_HINT_LENGTH,
  ACCESS_TOKEN_LENGTH,
  ACCESS_TOKEN_MAX_DAYS,
  accessTokenHash,
  accessTokenHint,
  accessTokenNameProblem,
  accessTokenState,
  generateAccessToken,
  isAccessTokenFormat,
  isAccessTokenScope,
  latestAccessTokenExpiry,
} from "./access-tokens.ts";

describe("access token format", () => {
  it("is the prefix and 43 base64url characters of 32 random bytes, different every time", () => {
    const tokens = Array.from({ length: 200 }, generateAccessToken);
    for (const token of tokens) {
      expect(token).toMatch(/^tandem_pat_[A-Za-z0-9_-]{43}$/);
      expect(token).toHaveLength(ACCESS_TOKEN_LENGTH);
      expect(isAccessTokenFormat(token)).toBe(true);
      expect(Buffer.from(token.slice("tandem_pat_".length), "base64url")).toHaveLength(32);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it("refuses anything else without a lookup", () => {
    const token = generateAccessToken();
    for (const bad of [
      "",
      token.slice(0, -1),
      `${token}A`,
      token.replace("tandem_pat_", "tandem_pak_"),
      token.toUpperCase(),
      `${token.slice(0, -1)}=`,
      ` ${token}`,
      `${token}\n`,
    ]) {
      expect(isAccessTokenFormat(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it("is stored as the lowercase hex SHA-256 of the whole token, as node:crypto computes it", async () => {
    const token = generateAccessToken();
    const expected = createHash("sha256").update(token, "utf8").digest("hex");
    await expect(accessTokenHash(token)).resolves.toBe(expected);
    await expect(accessTokenHash("tandem_pat_x")).resolves.toBe(
      createHash("sha256").update("tandem_pat_x").digest("hex"),
    );
  });

  it("is hinted by its first 15 characters", () => {
    const token = generateAccessToken();
    expect(ACCESS_TOKEN_HINT_LENGTH).toBe(15);
    expect(accessTokenHint(token)).toBe(token.slice(0, 15));
    expect(accessTokenHint(token).startsWith("tandem_pat_")).toBe(true);
  });
});

describe("access token rules", () => {
  it("takes names of one trimmed line, 1–60 characters", () => {
    expect(accessTokenNameProblem("  CI deploy  ")).toBeNull();
    expect(accessTokenNameProblem("x".repeat(60))).toBeNull();
    expect(accessTokenNameProblem("🚀".repeat(60))).toBeNull();
    expect(accessTokenNameProblem("   ")).toBe("Name must not be empty");
    expect(accessTokenNameProblem("x".repeat(61))).toBe("Name must be at most 60 characters");
    expect(accessTokenNameProblem("a\nb")).toBe("Name contains a control character");
  });

  it("knows two scopes", () => {
    expect(isAccessTokenScope("read")).toBe(true);
    expect(isAccessTokenScope("write")).toBe(true);
    for (const bad of ["admin", "READ", "", null, 1]) expect(isAccessTokenScope(bad)).toBe(false);
  });

  it("caps expiry at 365 days after creation", () => {
    const created = new Date("2026-03-01T12:00:00.000Z");
    expect(ACCESS_TOKEN_MAX_DAYS).toBe(365);
    expect(latestAccessTokenExpiry(created).toISOString()).toBe("2027-03-01T12:00:00.000Z");
  });

  it("tells active, expired and revoked apart, revocation first", () => {
    const now = new Date("2026-03-01T12:00:00.000Z");
    const later = "2026-03-02T00:00:00.000Z";
    const earlier = "2026-02-01T00:00:00.000Z";
    expect(accessTokenState({ expiresAt: later, revokedAt: null }, now)).toBe("active");
    expect(accessTokenState({ expiresAt: now.toISOString(), revokedAt: null }, now)).toBe("expired");
    expect(accessTokenState({ expiresAt: earlier, revokedAt: null }, now)).toBe("expired");
    expect(accessTokenState({ expiresAt: earlier, revokedAt: earlier }, now)).toBe("revoked");
    expect(accessTokenState({ expiresAt: later, revokedAt: earlier }, now)).toBe("revoked");
  });
});
