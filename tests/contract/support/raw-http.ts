// Requests fetch cannot make, each on its own connection: repeated header lines, a body streamed
// in chunks or declared up front, and bodies a server refuses before reading them (it may close
// the connection then, which must not break the next request of the suite).
import { request as httpRequest } from "node:http";

export interface RawHttpRequest {
  method: string;
  /** Path and query, sent as is. */
  path: string;
  /** An array value sends that header once per element, as separate lines. */
  headers?: Record<string, string | string[]>;
  body?: string | Uint8Array;
  /** Send the body with `Transfer-Encoding: chunked` (no Content-Length), in pieces of this many bytes. */
  chunkBytes?: number;
}

/** Sends one request on a fresh connection and returns the answer as a fetch Response. */
export function sendRaw(baseUrl: string, init: RawHttpRequest): Promise<Response> {
  const url = new URL(baseUrl);
  return new Promise<Response>((resolve, reject) => {
    let answered = false;
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: init.method,
        path: init.path,
        // Not `Connection: close` (Node's default without an agent): a server that answers early
        // would then close at once, under our upload, and the reset can destroy its answer before
        // we read it. Kept alive, servers wait a moment for the rest of the body; we stop sending.
        headers: { connection: "keep-alive", ...init.headers },
        agent: false,
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            for (const v of Array.isArray(value) ? value : [value ?? ""]) headers.append(name, v);
          }
          const status = res.statusCode ?? 0;
          const empty = status === 204 || status === 304 || init.method === "HEAD";
          resolve(new Response(empty ? null : Buffer.concat(chunks), { status, headers }));
          req.destroy();
        });
      },
    );
    // A server that answers before reading the whole body may close while we still write: the
    // answer is what counts.
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const body = init.body === undefined ? undefined : Buffer.from(init.body);
    if (body === undefined) {
      req.end();
      return;
    }
    if (init.chunkBytes === undefined) req.setHeader("content-length", String(body.byteLength));
    void (async () => {
      // Piece by piece, yielding between pieces, so an early answer is read before the server,
      // done waiting for the rest, drops the connection; and nothing more is sent after it.
      const piece = init.chunkBytes ?? 64 * 1024;
      for (let at = 0; at < body.byteLength && !answered && !req.destroyed; at += piece) {
        if (!req.write(body.subarray(at, at + piece))) {
          await drainedOrClosed(req);
        } else {
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      if (!answered && !req.destroyed) req.end();
    })();
  });
}

/** Resolves when a stream that refused a write can take more, or is gone. */
export function drainedOrClosed(stream: {
  on(event: "drain" | "close", listener: () => void): unknown;
  off(event: "drain" | "close", listener: () => void): unknown;
}): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      stream.off("drain", done);
      stream.off("close", done);
      resolve();
    };
    stream.on("drain", done);
    stream.on("close", done);
  });
}
