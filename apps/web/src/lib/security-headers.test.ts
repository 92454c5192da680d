import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, HSTS, newNonce, strictTransportSecurity } from "./security-headers";

describe("security headers", () => {
  it("sends HSTS only when the public URL is https", () => {
    expect(strictTransportSecurity("https://tasks.example.com")).toBe(HSTS);
    expect(HSTS).toBe("max-age=31536000; includeSubDomains");
    expect(strictTransportSecurity("http://localhost:3000")).toBeUndefined();
  });

  it("allows the API's origin for fetch, and eval only under next dev", () => {
    const production = contentSecurityPolicy({
      nonce: "abc",
      apiUrl: "https://api.example.com/v1/",
      development: false,
    });
    expect(production).toContain("connect-src 'self' https://api.example.com;");
    expect(production).toContain("script-src 'self' 'nonce-abc' 'strict-dynamic';");
    expect(production).toContain("frame-ancestors 'none'");
    expect(production).not.toContain("unsafe-eval");
    const development = contentSecurityPolicy({
      nonce: "abc",
      apiUrl: "http://localhost:8000",
      development: true,
    });
    expect(development).toContain("'unsafe-eval'");
  });

  it("makes a new 128-bit nonce each time", () => {
    const [a, b] = [newNonce(), newNonce()];
    expect(a).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(a).not.toBe(b);
  });
});
