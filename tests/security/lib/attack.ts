// Every case of the suite reads "attack → required answer". A failing case reports both and the
// HTTP exchanges it made, so the failure can be reproduced with curl.
import { it, type TestOptions } from "vitest";
import { formatExchanges, recording } from "./http.ts";

/**
 * One case: `attack` describes what is attempted, `answer` what the services must reply.
 *
 * @example
 * attack("alg=none token", '401 + WWW-Authenticate: Bearer error="invalid_token"', async () => {
 *   expectInvalidToken(await s.api("/api/me", { token: unsigned }));
 * });
 */
export function attack(
  attackText: string,
  answer: string,
  work: () => Promise<void>,
  options?: TestOptions,
): void {
  it(`${attackText} → ${answer}`, options ?? {}, async () => {
    const { exchanges, result } = await recording(work);
    try {
      await result;
    } catch (error) {
      const report = `\n\nAttack: ${attackText}\nRequired: ${answer}\n\n${formatExchanges(exchanges)}`;
      if (error instanceof Error) {
        error.message += report;
        throw error;
      }
      throw new Error(`${String(error)}${report}`);
    }
  });
}
