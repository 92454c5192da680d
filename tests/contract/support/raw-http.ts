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
        headers: { connection: "close", ...init.headers },
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
    } else if (init.chunkBytes === undefined) {
      req.setHeader("content-length", String(body.byteLength));
      req.end(body);
    } else {
      for (let at = 0; at < body.byteLength; at += init.chunkBytes) {
        req.write(body.subarray(at, at + init.chunkBytes));
      }
      req.end();
    }
  });
}
