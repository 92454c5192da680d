import { AsyncLocalStorage } from "node:async_hooks";

const waits = new AsyncLocalStorage<Promise<boolean>[]>();

/** Called by the flows for every message they send: the caller may be waiting for it (see below). */
export function noteDelivery(delivery: Promise<boolean>): void {
  waits.getStore()?.push(delivery);
}

/**
 * Runs `work` (a server-side Better Auth call) and waits for the mail it sent, so a signed-in user
 * can be told "we could not send it, try again". Over HTTP nothing waits: mail goes out in the
 * background, whatever the client.
 *
 * @example
 * const { delivered } = await awaitingMail(() => auth.api.sendVerificationEmail({ headers, body }));
 */
export async function awaitingMail<T>(work: () => Promise<T>): Promise<{ result: T; delivered: boolean }> {
  const deliveries: Promise<boolean>[] = [];
  const result = await waits.run(deliveries, work);
  const outcomes = await Promise.all(deliveries);
  return { result, delivered: outcomes.every(Boolean) };
}
