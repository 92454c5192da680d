// An HTTP/1.1 client on one kept-alive connection, as Node's fetch (undici with `connections: 1`)
// uses it: it writes each request's whole body, even after an early answer, reads the answer, and
// sends the next request on the same socket unless the server said `Connection: close`. A server
// that closes after promising keep-alive makes the next request fail, as it fails for fetch.
import { connect, type Socket } from "node:net";
import { drainedOrClosed } from "./raw-http.ts";

export interface KeptAliveRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Send the body with `Transfer-Encoding: chunked` instead of a Content-Length. */
  chunked?: boolean;
}

export interface KeptAliveResponse {
  status: number;
  headers: Headers;
  body: string;
  /** The request went out on the connection an earlier request used. */
  reused: boolean;
}

const PIECE = 64 * 1024;
const CRLF = "\r\n";

/** One connection at a time to `baseUrl`; call `close()` when done. */
export function keptAliveClient(baseUrl: string) {
  const url = new URL(baseUrl);
  let socket: Socket | undefined;
  let closed = true;
  let buffered = Buffer.alloc(0);
  let wake: (() => void) | undefined;
  let failure: Error | undefined;

  function open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: url.hostname, port: Number(url.port) }, () => resolve());
      socket = s;
      closed = false;
      buffered = Buffer.alloc(0);
      failure = undefined;
      s.on("data", (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        wake?.();
      });
      s.on("error", (error) => {
        failure ??= error;
        reject(error);
        wake?.();
      });
      s.on("close", () => {
        if (socket === s) closed = true;
        wake?.();
      });
    });
  }

  /** Waits until `take` finds what it needs in the bytes received, or the connection ends. */
  async function until<T>(take: () => T | undefined, what: string): Promise<T> {
    for (;;) {
      const value = take();
      if (value !== undefined) return value;
      if (closed) {
        throw new Error(
          `the server closed the connection before ${what}: ${failure?.message ?? "other side closed"}`,
        );
      }
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  }

  function takeBytes(count: number): Buffer | undefined {
    if (buffered.length < count) return undefined;
    const bytes = buffered.subarray(0, count);
    buffered = buffered.subarray(count);
    return bytes;
  }

  function takeLine(): string | undefined {
    const end = buffered.indexOf(CRLF);
    if (end === -1) return undefined;
    const line = buffered.subarray(0, end).toString("latin1");
    buffered = buffered.subarray(end + 2);
    return line;
  }

  async function readResponse(method: string): Promise<Omit<KeptAliveResponse, "reused">> {
    const head = await until(() => {
      const end = buffered.indexOf(CRLF + CRLF);
      if (end === -1) return undefined;
      const text = buffered.subarray(0, end).toString("latin1");
      buffered = buffered.subarray(end + 4);
      return text;
    }, "answering");
    const [statusLine = "", ...lines] = head.split(CRLF);
    const status = Number(statusLine.split(" ")[1]);
    const headers = new Headers();
    for (const line of lines) {
      const at = line.indexOf(":");
      headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
    }
    const chunks: Buffer[] = [];
    if (method === "HEAD" || status === 204 || status === 304) {
      // No body.
    } else if (/chunked/i.test(headers.get("transfer-encoding") ?? "")) {
      for (;;) {
        const size = parseInt(await until(takeLine, "the end of a chunk size"), 16);
        if (size === 0) {
          while ((await until(takeLine, "the end of the trailers")) !== "");
          break;
        }
        chunks.push(await until(() => takeBytes(size), "the end of a chunk"));
        await until(takeLine, "the end of a chunk");
      }
    } else {
      const length = Number(headers.get("content-length") ?? "0");
      chunks.push(await until(() => takeBytes(length), "the end of the body"));
    }
    return { status, headers, body: Buffer.concat(chunks).toString("utf8") };
  }

  /** Writes the body as a client does: all of it, unless the connection is gone. */
  async function writeBody(s: Socket, body: Uint8Array, chunked: boolean): Promise<void> {
    for (let at = 0; at < body.byteLength; at += PIECE) {
      if (s.destroyed || !s.writable) return;
      const piece = body.subarray(at, at + PIECE);
      const frame = chunked
        ? Buffer.concat([Buffer.from(`${piece.byteLength.toString(16)}${CRLF}`), piece, Buffer.from(CRLF)])
        : piece;
      if (!s.write(frame)) {
        await drainedOrClosed(s);
      }
    }
    if (chunked && !s.destroyed && s.writable) s.write(`0${CRLF}${CRLF}`);
  }

  return {
    async send(request: KeptAliveRequest): Promise<KeptAliveResponse> {
      const reused = !closed;
      if (closed) await open();
      const s = socket as Socket;
      const body = request.body ?? new Uint8Array(0);
      const chunked = request.chunked === true;
      const headers: Record<string, string> = {
        host: url.host,
        connection: "keep-alive",
        ...request.headers,
        ...(request.body === undefined
          ? {}
          : chunked
            ? { "transfer-encoding": "chunked" }
            : { "content-length": String(body.byteLength) }),
      };
      const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
      s.write(`${request.method} ${request.path} HTTP/1.1${CRLF}${lines.join(CRLF)}${CRLF}${CRLF}`);
      // A write error after the answer (the server stopped reading) is not the answer's fault; what
      // counts is that the answer arrives whole and the connection then does what it said.
      const writing = writeBody(s, body, chunked).catch(() => {});
      const response = await readResponse(request.method);
      await writing;
      const closing =
        /close/i.test(response.headers.get("connection") ?? "") || /close/i.test(headers.connection ?? "");
      if (closing) {
        // The server said it closes: wait for it (bounded), then the next request opens a new one.
        await Promise.race([
          until(() => undefined, "").catch(() => {}),
          new Promise((r) => setTimeout(r, 5000)),
        ]);
        s.destroy();
        closed = true;
      }
      return { ...response, reused };
    },
    close() {
      socket?.destroy();
      closed = true;
    },
  };
}
