/** Who is calling, as proven by a verified access token. */
export interface Identity {
  userId: string;
  /** Better Auth session id, for revocation checks. */
  sessionId: string | null;
  name: string | null;
  /** Token expiry, epoch seconds. */
  expiresAt: number;
}
