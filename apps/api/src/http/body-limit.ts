import type { Socket } from "node:net";
import type { Context, MiddlewareHandler } from "hono";
import { ApiError } from "../errors.ts";
import type { AppEnv } from "../types.ts";
import { requestHeader } from "./node-headers.ts";

/**
 * How much of a refused body is read and discarded so the connection can be kept: a client that
 * sent a little too much keeps its connection. Beyond it the answer says `Connection: close`.
 */
export const DRAIN_MAX_BYTES = 1024 * 1024;
// After `Connection: close`, the rest of the body is still read (and discarded) for a while before
// the socket is closed: closing with unread bytes makes the kernel send a reset, which can destroy
// the 413 before the client reads it (nginx's "lingering close").
const LINGER_MS = 5_000;
const LINGER_MAX_BYTES = 64 * 1024 * 1024;

export interface BodyLimitOptions {
  maxBytes: number;
}

/**
 * Refuses a request body over `maxBytes` with 413 PAYLOAD_TOO_LARGE, whether its length is
 * declared or it is streamed (chunked); an accepted body is buffered for the handler. A refused
 * body never leaves the connection in doubt: up to `DRAIN_MAX_BYTES` it is read to its end and the
 * connection kept; a larger one is answered with `Connection: close` and closed only after a
 * lingering read, so the client always gets the 413.
 */
export function bodyLimit({ maxBytes }: BodyLimitOptions): MiddlewareHandler<AppEnv> {
  const tooLarge = (headers: Record<string, string> = {}) =>
    new ApiError("PAYLOAD_TOO_LARGE", { detail: `The body must be at most ${maxBytes} bytes`, headers });

  return async (c, next) => {
    // The declared length first: `c.req.raw.body` makes @hono/node-server build a whole WHATWG
    // Request, while a body within the limit is then read straight from the socket.
    const declared = declaredLength(c);
    if (declared !== undefined && declared <= maxBytes) return next();
    const body = c.req.raw.body;
    if (!body) return next();

    const reader = body.getReader();
    if (declared !== undefined && declared > DRAIN_MAX_BYTES) throw tooLarge(closeAfterAnswer(c, reader));
    let size = 0;
    const chunks: Uint8Array[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size <= maxBytes) chunks.push(value);
      else if (size > DRAIN_MAX_BYTES) throw tooLarge(closeAfterAnswer(c, reader));
    }
    // Read to its end: the connection is ready for the client's next request.
    if (size > maxBytes) throw tooLarge();
    c.req.raw = new Request(c.req.raw, { body: concat(chunks, size) });
    return next();
  };
}

/**
 * The body's length when the headers frame it: Content-Length, or 0 under Node when the request
 * has neither it nor Transfer-Encoding (RFC 9112 §6.3; Node's parser reads no body then, as for a
 * bodiless PATCH …/complete). Undefined for a chunked body, and under `app.request` (tests), whose
 * Request bodies carry no Content-Length.
 */
function declaredLength(c: Context<AppEnv>): number | undefined {
  if (requestHeader(c, "transfer-encoding") !== undefined) return undefined;
  const value = requestHeader(c, "content-length");
  if (value === undefined) return c.env?.incoming === undefined ? undefined : 0;
  return Number.parseInt(value, 10);
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0];
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return all;
}

type BodyReader = ReadableStreamDefaultReader<Uint8Array>;
type LingeringSocket = Socket & { destroySoon(): void };

/**
 * Returns the header that tells the client the connection closes after this answer, and makes
 * that close a lingering one. Outside a Node server (tests calling `app.request`) there is no
 * socket and nothing to say.
 */
function closeAfterAnswer(c: Context<AppEnv>, reader: BodyReader): Record<string, string> {
  const socket = c.env?.incoming?.socket;
  if (socket === undefined) {
    void reader.cancel().catch(() => {});
    return {};
  }
  lingerOnClose(socket, reader);
  return { Connection: "close" };
}

/**
 * Node ends a `Connection: close` exchange with `socket.destroySoon()`: FIN, then the descriptor
 * is closed at once. Here the rest of the body is read and discarded meanwhile, and the socket is
 * closed once the body has ended (or `LINGER_MS` or `LINGER_MAX_BYTES` ran out) and the answer is
 * out.
 */
function lingerOnClose(socket: Socket, reader: BodyReader): void {
  let answered = false;
  let discarded = false;
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
  void discard(reader, LINGER_MAX_BYTES).finally(() => {
    discarded = true;
    if (answered) socket.destroy();
  });
  (socket as LingeringSocket).destroySoon = function lingeringDestroySoon(this: Socket) {
    if (answered) return;
    answered = true;
    this.end();
    if (discarded) this.destroy();
  };
}

/** Reads to the end of the body, or until `maxBytes`; never throws. */
async function discard(reader: BodyReader, maxBytes: number): Promise<void> {
  let read = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
      if (read > maxBytes) break;
    }
  } catch {
    return;
  }
  await reader.cancel().catch(() => {});
}
