// Requirements group 6 (brute force), as deployed by `npm start`: no proxy in front, so no header
// names the client. Better Auth's limiter (3 sign-ups per 10 s per client address) must still tell
// clients apart by their real address, and a client must not be able to choose its own address by
// sending a header (X-Forwarded-For, or the one the web app's server stamps from the socket).
import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { describe, expect } from "vitest";
import { attack } from "./lib/attack.ts";
import { dialects, useStack } from "./lib/stack.ts";

/** The header apps/web/server.ts stamps from the socket (apps/web/src/lib/client-address.ts). */
const INTERNAL_HEADER = "x-tandem-client-address";

/** One sign-up over a connection from `localAddress` (a loopback address of its own). */
function signUpFrom(
  webUrl: string,
  origin: string,
  localAddress: string,
  headers: Record<string, string> = {},
): Promise<number> {
  const body = JSON.stringify({
    name: "Neighbour",
    email: `addr-${randomBytes(6).toString("hex")}@example.test`,
    password: "correct-horse-battery",
  });
  const url = new URL("/api/auth/sign-up/email", webUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        // An IPv4 target, so that the connection really leaves from the chosen 127.0.0.x address.
        host: "127.0.0.1",
        port: url.port,
        path: url.pathname,
        method: "POST",
        localAddress,
        agent: false,
        headers: {
          ...headers,
          "content-type": "application/json",
          origin,
          "content-length": Buffer.byteLength(body),
        },
        timeout: 30_000,
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function statuses(count: number, send: (i: number) => Promise<number>): Promise<number[]> {
  const all: number[] = [];
  for (let i = 0; i < count; i += 1) all.push(await send(i));
  return all;
}

describe.each(dialects())("6. per-client limits without a proxy (%s)", (dialect) => {
  // As `npm start` runs it: TRUST_PROXY unset.
  const s = useStack(dialect, { web: { TRUST_PROXY: "" } });
  const origin = () => new URL(s().issuer).origin;
  const signUp = (address: string, headers?: Record<string, string>) =>
    signUpFrom(s().webUrl, origin(), address, headers);

  attack(
    "4 sign-ups within 10 s from 127.0.0.2, then one from 127.0.0.3",
    "127.0.0.2: 200 ×3 then 429; 127.0.0.3 has a budget of its own: 200",
    async () => {
      expect(await statuses(4, () => signUp("127.0.0.2"))).toEqual([200, 200, 200, 429]);
      expect(await signUp("127.0.0.3")).toBe(200);
    },
  );

  attack(
    "a client (127.0.0.4) forging X-Forwarded-For and the internal header with a new address per request, " +
      "some of them another client's (127.0.0.5)",
    "still one budget, its own: 200 ×3 then 429; 127.0.0.5 is unaffected: 200",
    async () => {
      const forged = (i: number) => ({
        "x-forwarded-for": i % 2 === 0 ? "127.0.0.5" : `10.0.0.${i + 1}`,
        [INTERNAL_HEADER]: i % 2 === 0 ? "127.0.0.5" : `10.0.1.${i + 1}`,
      });
      expect(await statuses(5, (i) => signUp("127.0.0.4", forged(i)))).toEqual([200, 200, 200, 429, 429]);
      expect(await signUp("127.0.0.5")).toBe(200);
    },
  );
});
