// An attacker's server on 127.0.0.1 (a rogue JWKS for `jku`/`x5u` headers): it counts every
// request, so a case can prove the API never fetched anything a token pointed at.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface RogueServer {
  url: string;
  /** Requests received so far. */
  readonly requests: number;
  close(): Promise<void>;
}

export async function startRogueServer(body: unknown): Promise<RogueServer> {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests += 1;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
