/** Where the verification endpoint sends the browser afterwards (with `?error=CODE` on failure). */
export const VERIFY_CALLBACK = { verify: "/email-verified", change: "/email-verified?change=1" } as const;

export interface AccountLinks {
  /** The page that asks for a new password; the page moves the token out of the URL at once. */
  reset: (token: string) => string;
  /** Better Auth's verification endpoint, which redirects to one of VERIFY_CALLBACK. */
  verify: (token: string, callback: string) => string;
  /** Where a notice sends someone who did not make the change. */
  forgot: string;
  settings: string;
  /** The page of one team invitation (its id is the invitation's secret). */
  invitation: (id: string) => string;
}

/**
 * Every link an email carries, from the configured public URL (BETTER_AUTH_URL) only: a request's
 * Host or Origin header never reaches a link, so a forged one cannot point a reset at another site.
 *
 * @example
 * accountLinks("https://tandem.example").reset("abc") // "https://tandem.example/reset-password?token=abc"
 */
export function accountLinks(baseURL: string): AccountLinks {
  const base = baseURL.replace(/\/+$/, "");
  return {
    reset: (token) => `${base}/reset-password?token=${encodeURIComponent(token)}`,
    verify: (token, callback) =>
      `${base}/api/auth/verify-email?token=${encodeURIComponent(token)}&callbackURL=${encodeURIComponent(callback)}`,
    forgot: `${base}/forgot-password`,
    settings: `${base}/settings`,
    invitation: (id) => `${base}/invitations/${encodeURIComponent(id)}`,
  };
}
