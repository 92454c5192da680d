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

export type RelayMode = "proxy" | "hang" | "html" | "reset";

/** A JWKS endpoint between an API and the real one, whose behaviour a case switches. */
export interface JwksRelay {
  url: string;
  mode: RelayMode;
  readonly requests: number;
  close(): Promise<void>;
}

export async function startJwksRelay(upstream: string, mode: RelayMode = "proxy"): Promise<JwksRelay> {
  let requests = 0;
  const relay = { mode };
  const server = createServer((req, res) => {
    requests += 1;
    switch (relay.mode) {
      case "hang":
        return;
      case "reset":
        req.socket.destroy();
        return;
      case "html":
        res.writeHead(200, { "content-type": "text/html" }).end("<html>maintenance</html>");
        return;
      case "proxy":
        fetch(upstream)
          .then(async (response) => {
            res.writeHead(response.status, { "content-type": "application/json" }).end(await response.text());
          })
          .catch(() => req.socket.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/auth/jwks`,
    get mode() {
      return relay.mode;
    },
    set mode(next: RelayMode) {
      relay.mode = next;
    },
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
