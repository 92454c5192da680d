import { describe, expect, it } from "vitest";
import { resolveStack, StackError } from "./config.ts";
import { apiAuthEnv } from "./services.ts";

const secret = "s".repeat(32);

describe("resolveStack", () => {
  it("wires the API to the web app it runs beside, by default on 3000 and 8000", () => {
    const stack = resolveStack({ BETTER_AUTH_SECRET: secret }, "start");
    expect(stack.webEnv).toMatchObject({
      BETTER_AUTH_URL: "http://localhost:3000",
      BETTER_AUTH_SECRET: secret,
      NEXT_PUBLIC_API_URL: "http://localhost:8000",
      API_INTERNAL_URL: "http://localhost:8000",
    });
    expect(stack.apiEnv).toMatchObject({
      NODE_ENV: "production",
      PORT: "8000",
      AUTH_JWKS_URL: "http://localhost:3000/api/auth/jwks",
      AUTH_ISSUER: "http://localhost:3000",
      WEB_ORIGIN: "http://localhost:3000",
    });
    expect(stack.apiEnv.BETTER_AUTH_SECRET).toBeUndefined();
    expect(stack.webEnv.NODE_ENV).toBeUndefined();
  });

  it("derives issuer, origin and audience from the web app's values", () => {
    const stack = resolveStack(
      {
        BETTER_AUTH_SECRET: secret,
        BETTER_AUTH_URL: "https://tasks.example.com/",
        WEB_ORIGIN: "https://preview.example.com, https://tasks.example.com",
        API_AUDIENCE: "tasks-api",
        WEB_PORT: "4000",
        API_PORT: "9000",
        PORT: "1234",
      },
      "dev",
    );
    expect(stack.webEnv.BETTER_AUTH_URL).toBe("https://tasks.example.com");
    expect(stack.apiEnv).toMatchObject({
      NODE_ENV: "development",
      PORT: "9000",
      AUTH_ISSUER: "https://tasks.example.com",
      AUTH_JWKS_URL: "http://localhost:4000/api/auth/jwks",
      WEB_ORIGIN: "https://tasks.example.com,https://preview.example.com",
      AUTH_AUDIENCE: "tasks-api",
    });
    expect(stack.webEnv.PORT).toBeUndefined();
  });

  it("passes DATABASE_URL to both, with a relative file: path made absolute", () => {
    const pg = resolveStack({ BETTER_AUTH_SECRET: secret, DATABASE_URL: "postgres://u@db/tandem" }, "start");
    expect(pg.webEnv.DATABASE_URL).toBe("postgres://u@db/tandem");
    expect(pg.apiEnv.DATABASE_URL).toBe("postgres://u@db/tandem");
    const file = resolveStack({ BETTER_AUTH_SECRET: secret, DATABASE_URL: "file:./x.db" }, "start");
    expect(file.apiEnv.DATABASE_URL).toMatch(/^file:\/.*\/x\.db$/);
    expect(file.webEnv.DATABASE_URL).toBe(file.apiEnv.DATABASE_URL);
  });

  it("passes the web app's rate-limit and trusted-proxy settings through unchanged", () => {
    const stack = resolveStack(
      { BETTER_AUTH_SECRET: secret, AUTH_RATE_LIMIT: "off", TRUST_PROXY: "x-real-ip" },
      "start",
    );
    expect(stack.webEnv).toMatchObject({ AUTH_RATE_LIMIT: "off", TRUST_PROXY: "x-real-ip" });
    // Unset stays unset: the web app's own defaults (limiter on, no trusted header) apply.
    const defaults = resolveStack({ BETTER_AUTH_SECRET: secret }, "start");
    expect(defaults.webEnv.AUTH_RATE_LIMIT).toBeUndefined();
    expect(defaults.webEnv.TRUST_PROXY).toBeUndefined();
  });

  it("refuses production without a secret, and short secrets anywhere", () => {
    expect(() => resolveStack({ NODE_ENV: "production" }, "start")).toThrow(StackError);
    expect(() => resolveStack({ NODE_ENV: "production" }, "start")).toThrow(/BETTER_AUTH_SECRET is required/);
    expect(() => resolveStack({ BETTER_AUTH_SECRET: "short" }, "start")).toThrow(/at least 32/);
  });

  it("refuses bad ports and URLs in one line", () => {
    expect(() => resolveStack({ BETTER_AUTH_SECRET: secret, WEB_PORT: "http" }, "start")).toThrow(/WEB_PORT/);
    expect(() => resolveStack({ BETTER_AUTH_SECRET: secret, API_PORT: "3000" }, "start")).toThrow(
      /both 3000/,
    );
    expect(() => resolveStack({ BETTER_AUTH_SECRET: secret, BETTER_AUTH_URL: "ftp://x" }, "start")).toThrow(
      /BETTER_AUTH_URL/,
    );
  });
});

describe("apiAuthEnv", () => {
  it("derives issuer, key set, origin and audience from the web app's public URL", () => {
    expect(apiAuthEnv({ publicUrl: "https://tasks.example.com", audience: "tasks-api" })).toEqual({
      AUTH_ISSUER: "https://tasks.example.com",
      AUTH_JWKS_URL: "https://tasks.example.com/api/auth/jwks",
      WEB_ORIGIN: "https://tasks.example.com",
      AUTH_AUDIENCE: "tasks-api",
    });
  });

  it("takes another key-set address and origin list, and leaves the audience to the API when unset", () => {
    const env = apiAuthEnv({
      publicUrl: "http://127.0.0.1:4000",
      jwksUrl: "http://127.0.0.1:4001/api/auth/jwks",
      origins: ["http://localhost:3000", " http://localhost:3000", ""],
    });
    expect(env).toEqual({
      AUTH_ISSUER: "http://127.0.0.1:4000",
      AUTH_JWKS_URL: "http://127.0.0.1:4001/api/auth/jwks",
      WEB_ORIGIN: "http://localhost:3000",
    });
  });
});

describe("resolveStack: where mail goes", () => {
  it("runs a mail catcher by default and points the web app at it", () => {
    const stack = resolveStack({ BETTER_AUTH_SECRET: secret }, "start");
    expect(stack.mailCatcher).toEqual({ smtpPort: 1025, httpPort: 8025 });
    expect(stack.webEnv).toMatchObject({
      SMTP_URL: "smtp://127.0.0.1:1025",
      MAIL_FROM: "Tandem <no-reply@localhost>",
    });
    expect(stack.email).toBe("mailbox http://localhost:8025");
    expect(stack.apiEnv.SMTP_URL).toBeUndefined();
  });

  it("takes the catcher's ports from MAIL_CATCHER_SMTP_PORT and MAILBOX_PORT, all ports distinct", () => {
    const stack = resolveStack(
      { BETTER_AUTH_SECRET: secret, MAIL_CATCHER_SMTP_PORT: "2525", MAILBOX_PORT: "9025" },
      "dev",
    );
    expect(stack.mailCatcher).toEqual({ smtpPort: 2525, httpPort: 9025 });
    expect(stack.webEnv.SMTP_URL).toBe("smtp://127.0.0.1:2525");
    expect(() => resolveStack({ BETTER_AUTH_SECRET: secret, MAILBOX_PORT: "3000" }, "dev")).toThrow(
      StackError,
    );
    expect(() => resolveStack({ BETTER_AUTH_SECRET: secret, MAILBOX_PORT: "x" }, "dev")).toThrow(
      /MAILBOX_PORT/,
    );
  });

  it("runs no catcher with SMTP_URL (shown without credentials), with EMAIL=off, or in production", () => {
    const given = resolveStack(
      { BETTER_AUTH_SECRET: secret, SMTP_URL: "smtps://me:pw@smtp.example.com:465" },
      "start",
    );
    expect(given.mailCatcher).toBeNull();
    expect(given.webEnv.SMTP_URL).toBe("smtps://me:pw@smtp.example.com:465");
    expect(given.email).toBe("smtps://smtp.example.com:465");
    const off = resolveStack({ BETTER_AUTH_SECRET: secret, EMAIL: "off" }, "start");
    expect(off.mailCatcher).toBeNull();
    expect(off.webEnv.SMTP_URL).toBeUndefined();
    const production = resolveStack({ BETTER_AUTH_SECRET: secret, NODE_ENV: "production" }, "start");
    expect(production.mailCatcher).toBeNull();
    expect(production.webEnv.SMTP_URL).toBeUndefined();
  });
});
