// A JWKS endpoint whose behaviour a test controls (up, down, slow, broken, rogue), counting the
// requests it receives: for key-set tests, and for proving an API never fetches a key URL named in
// a token header (jku/x5u).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What a local JWKS endpoint does with each request. */
export type JwksBehaviour =
  | { kind: "json"; body: unknown; status?: number }
  | { kind: "raw"; body: string; status?: number; contentType?: string }
  /** Forwards to a real JWKS (e.g. Better Auth's) and relays its answer. */
  | { kind: "proxy"; upstream: string }
  /** Waits, then behaves as `then`. */
  | { kind: "delay"; ms: number; then: JwksBehaviour }
  /** Never answers. */
  | { kind: "hang" }
  /** Sends status and headers, then never sends the body. */
  | { kind: "stall-body" }
  /** Drops the connection (like a crashed server). */
  | { kind: "reset" }
  | { kind: "redirect"; location: string };

/** A JWKS endpoint on 127.0.0.1 whose behaviour a test controls, counting every request. */
export interface JwksServer {
  url: string;
  /** Requests received so far. */
  readonly requests: number;
  behave(behaviour: JwksBehaviour): void;
  close(): Promise<void>;
}

export async function startJwksServer(initial: JwksBehaviour): Promise<JwksServer> {
  let behaviour = initial;
  let requests = 0;
  const timers = new Set<NodeJS.Timeout>();
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const server: Server = createServer((req, res) => {
    requests += 1;
    const answer = async (b: JwksBehaviour): Promise<void> => {
      switch (b.kind) {
        case "json":
          res.writeHead(b.status ?? 200, { "content-type": "application/json" }).end(JSON.stringify(b.body));
          return;
        case "raw":
          res.writeHead(b.status ?? 200, { "content-type": b.contentType ?? "text/plain" }).end(b.body);
          return;
        case "proxy": {
          const upstream = await fetch(b.upstream);
          const body = await upstream.text();
          res.writeHead(upstream.status, { "content-type": "application/json" }).end(body);
          return;
        }
        case "delay":
          await wait(b.ms);
          if (!res.destroyed) await answer(b.then);
          return;
        case "hang":
          return;
        case "stall-body":
          res.writeHead(200, { "content-type": "application/json", "content-length": "4096" });
          res.write('{"keys":[');
          return;
        case "reset":
          req.socket.destroy();
          return;
        case "redirect":
          res.writeHead(302, { location: b.location }).end();
          return;
      }
    };
    answer(behaviour).catch(() => req.socket.destroy());
  });
  await listen(server);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`,
    get requests() {
      return requests;
    },
    behave(next) {
      behaviour = next;
    },
    close: () => {
      for (const timer of timers) clearTimeout(timer);
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

/** A URL on which nothing listens (connection refused): the endpoint is down. */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await listen(server);
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/jwks`;
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
}
