// Reads a mail catcher over HTTP, for tests that run in another process than the stack (the
// browser tests' workers; the stack runs in Playwright's global setup).
import type { CaughtMessage } from "./mail-message.ts";

/** A mail catcher read over HTTP (see `mailbox`). */
export interface MailboxClient {
  /** Newest first; only messages to `to` when given. */
  list(to?: string): Promise<CaughtMessage[]>;
  /** The newest message to `to` matching `predicate`, polling until it arrives. */
  waitFor(
    to: string,
    predicate?: (message: CaughtMessage) => boolean,
    timeoutMs?: number,
  ): Promise<CaughtMessage>;
  /** Empties the mailbox (every test's mail, not only this one's). */
  clear(): Promise<void>;
}

/**
 * A client for the mail catcher at `url` (its `mailboxUrl`): `waitFor` polls every 100 ms.
 *
 * @example
 * const mail = await mailbox("http://localhost:8025").waitFor(email, (m) => /reset/i.test(m.subject));
 */
export function mailbox(url: string): MailboxClient {
  const base = url.replace(/\/+$/, "");
  async function list(to?: string): Promise<CaughtMessage[]> {
    const query = to === undefined ? "" : `?to=${encodeURIComponent(to)}`;
    const response = await fetch(`${base}/api/messages${query}`);
    if (!response.ok) throw new Error(`mailbox ${base}: ${response.status}`);
    return (await response.json()) as CaughtMessage[];
  }
  return {
    list,
    async waitFor(to, predicate = () => true, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = (await list(to)).find(predicate);
        if (found !== undefined) return found;
        if (Date.now() > deadline) {
          const seen = (await list(to)).map((m) => `"${m.subject}"`).join(", ") || "none";
          throw new Error(`no matching email to ${to} within ${timeoutMs} ms; received: ${seen}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async clear() {
      const response = await fetch(`${base}/api/messages`, { method: "DELETE" });
      if (!response.ok) throw new Error(`mailbox ${base}: ${response.status}`);
    },
  };
}
