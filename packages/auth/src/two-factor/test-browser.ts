// Test support for the two-factor suites: a browser-like client of a real auth server that keeps
// the cookies it is given (session, two-factor step, trusted device), and authenticator codes
// computed from the otpauth URI the way an authenticator app does. No test runner here.
import { base32 } from "@better-auth/utils/base32";
import { createOTP } from "@better-auth/utils/otp";
import type { AuthServer } from "@tandem/testing";
import type { AuthAnswer } from "@tandem/testing/auth-requests";
import { TOTP } from "./codes.ts";

export const TWO_FACTOR_COOKIE = "better-auth.two_factor";
export const TRUST_DEVICE_COOKIE = "better-auth.trust_device";

/** One browser: a cookie jar in front of the auth server. */
export class TestBrowser {
  readonly cookies = new Map<string, string>();

  constructor(private readonly server: AuthServer) {}

  has(name: string): boolean {
    return this.cookies.has(name);
  }

  private keep(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === "";
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  async request(method: "GET" | "POST", path: string, body?: object): Promise<AuthAnswer> {
    const headers: Record<string, string> = { origin: this.server.baseURL };
    if (this.cookies.size > 0) headers.cookie = this.cookieHeader();
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${this.server.baseURL}/api/auth${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    this.keep(response.headers);
    const text = await response.text();
    let parsed: unknown = null;
    if (text !== "") {
      try {
        parsed = JSON.parse(text) as unknown;
      } catch {
        parsed = text;
      }
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  post(path: string, body: object = {}): Promise<AuthAnswer> {
    return this.request("POST", path, body);
  }

  signIn(email: string, password: string): Promise<AuthAnswer> {
    return this.post("/sign-in/email", { email, password });
  }
}

/** The error code of a `{ code, message }` answer. */
export function codeOf(answer: AuthAnswer): string | undefined {
  const body = answer.body;
  return typeof body === "object" && body !== null && "code" in body && typeof body.code === "string"
    ? body.code
    : undefined;
}

/** An authenticator app scanning the QR code: codes for the current time step, or one later. */
export function authenticator(totpURI: string) {
  const uri = new URL(totpURI);
  const secret = uri.searchParams.get("secret");
  if (uri.protocol !== "otpauth:" || secret === null) throw new Error(`not an otpauth URI: ${totpURI}`);
  const otp = createOTP(base32.decode(secret), TOTP);
  const step = () => Math.floor(Date.now() / (TOTP.period * 1000));
  return {
    /** The code an app shows `offset` steps from now (+1: the next code, accepted already). */
    code: (offset = 0) => otp.hotp(step() + offset),
    /** A six-digit code this authenticator does not show now, nor one step either side. */
    async wrongCode(): Promise<string> {
      const near = await Promise.all([-1, 0, 1].map((o) => otp.hotp(step() + o)));
      for (let n = 0; ; n++) {
        const candidate = String(n).padStart(6, "0");
        if (!near.includes(candidate)) return candidate;
      }
    },
  };
}

export const TEST_PASSWORD = "correct-horse-battery";

function ok(answer: AuthAnswer, what: string): AuthAnswer {
  if (answer.status !== 200) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer;
}

/** A new account, signed in in its own browser. */
export async function signedUp(server: AuthServer) {
  const browser = new TestBrowser(server);
  const email = `tf-${crypto.randomUUID()}@example.test`;
  const answer = ok(
    await browser.post("/sign-up/email", { name: "Ada", email, password: TEST_PASSWORD }),
    "sign-up",
  );
  const userId = (answer.body as { user: { id: string } }).user.id;
  return { browser, email, userId };
}

/** A new account with two-factor on, turned on as the settings page does (this step's code). */
export async function withTwoFactor(server: AuthServer) {
  const user = await signedUp(server);
  const enabled = ok(await user.browser.post("/two-factor/enable", { password: TEST_PASSWORD }), "enable");
  const { totpURI, backupCodes } = enabled.body as { totpURI: string; backupCodes: string[] };
  const app = authenticator(totpURI);
  ok(await user.browser.post("/two-factor/verify-totp", { code: await app.code() }), "verify-totp");
  return { ...user, app, totpURI, backupCodes };
}
