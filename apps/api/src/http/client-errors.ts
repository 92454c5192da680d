import { Server } from "node:http";
import type { Duplex } from "node:stream";
import type { ServerType } from "@hono/node-server";
import { ERROR_CODES, type ErrorCode, problemType } from "@tandem/contracts";

/**
 * The bound on a request's header block (request line + header fields): Node's default, set
 * explicitly so it cannot change under us with a Node upgrade, and the FastAPI backend's bound too.
 */
export const HEADER_LIMIT_BYTES = 16 * 1024;
const HEADER_LIMIT_DETAIL = `The request line and headers may take at most ${HEADER_LIMIT_BYTES} bytes`;

/** The raw HTTP answer to a request Node's parser refused: problem+json, then the connection closes. */
export function clientErrorResponse(code: ErrorCode): string {
  const { status, title } = ERROR_CODES[code];
  // No `instance`: the request line may be what could not be read.
  const detail = code === "HEADERS_TOO_LARGE" ? { detail: HEADER_LIMIT_DETAIL } : {};
  const body = JSON.stringify({ type: problemType(code), title, status, ...detail, code });
  return (
    `HTTP/1.1 ${status} ${title}\r\n` +
    "Content-Type: application/problem+json\r\n" +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    "Connection: close\r\n\r\n" +
    body
  );
}

/**
 * Node answers a request it cannot parse with a bare status line (431 for an oversized header
 * block, 400 otherwise); this answers with the API's problem+json instead. A socket that is gone
 * or already answering gets nothing more.
 */
export function answerClientErrors(server: ServerType): void {
  if (!(server instanceof Server)) throw new Error("the API serves plain HTTP/1.1 (node:http)");
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    const code: ErrorCode = error.code === "HPE_HEADER_OVERFLOW" ? "HEADERS_TOO_LARGE" : "MALFORMED_REQUEST";
    socket.end(clientErrorResponse(code));
  });
}
