// The development mail catcher: a real SMTP server on loopback that the web app sends to, and a
// mailbox page listing what arrived, with its links. `npm start`, `npm run dev` and every test
// stack run one in-process; the web app cannot tell it from a provider (decision 015).
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { type CaughtMessage, extractLinks } from "./mail-message.ts";
import { mailboxHtml, messageHtml } from "./mailbox-page.ts";

export type { CaughtMessage } from "./mail-message.ts";

/** Old messages are dropped beyond this: a long `npm run dev` must not grow without bound. */
const KEEP = 500;
const MAX_SIZE = 10 * 1024 * 1024;

function addresses(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.flatMap((entry: { value?: { address?: string }[] }) =>
    (entry.value ?? []).map((a) => a.address ?? "").filter((a) => a !== ""),
  );
}

/** A host as it goes into a URL: IPv6 literals in brackets. */
function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

function listen(server: Server | SMTPServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    // Kept for the server's life: smtp-server re-emits every client's socket error (a sender that
    // hangs up), and an unheard "error" would crash `npm run dev`. Once listening, reject is a no-op.
    if (server instanceof SMTPServer) server.on("error", onError);
    else server.once("error", onError);
    server.listen(port, host, () => {
      const address = (server instanceof SMTPServer ? server.server : server).address() as AddressInfo;
      resolve(address.port);
    });
  });
}

/**
 * A development mail catcher: SMTP in (any credentials, no TLS, loopback only), kept in memory
 * (the newest 500), and an HTTP mailbox out: `GET /` the page, `GET /messages/<id>` one message,
 * `GET /api/messages[?to=<address>]` JSON newest first, `DELETE /api/messages` empties it.
 * Never logs a message's content.
 *
 * @example
 * const catcher = await MailCatcher.start(); // free ports on 127.0.0.1
 * // … the web app sends to catcher.smtpUrl …
 * const mail = await catcher.waitFor((m) => m.to.includes("ada@example.test"));
 * await catcher.stop();
 */
export class MailCatcher {
  readonly #messages: CaughtMessage[] = [];
  readonly #waiters = new Set<() => void>();

  private constructor(
    private readonly smtp: SMTPServer,
    private readonly http: Server,
    private readonly host: string,
    readonly smtpPort: number,
    readonly httpPort: number,
  ) {}

  /** `smtp://127.0.0.1:<port>`: what the web app's SMTP_URL points at (any user:pass@ works too). */
  get smtpUrl(): string {
    return `smtp://${urlHost(this.host)}:${this.smtpPort}`;
  }

  /** `http://localhost:<port>`: the mailbox page (and its JSON at /api/messages). */
  get mailboxUrl(): string {
    const host = this.host === "127.0.0.1" ? "localhost" : urlHost(this.host);
    return `http://${host}:${this.httpPort}`;
  }

  /**
   * Starts both servers on loopback (port 0: one the system picks).
   *
   * @example
   * const catcher = await MailCatcher.start({ smtpPort: 1025, httpPort: 8025 });
   */
  static async start(
    options: { smtpPort?: number; httpPort?: number; host?: string } = {},
  ): Promise<MailCatcher> {
    const host = options.host ?? "127.0.0.1";
    // The servers' handlers need the catcher, which needs the servers' ports: filled in below.
    const ref: { catcher?: MailCatcher } = {};
    const smtp = new SMTPServer({
      authOptional: true,
      allowInsecureAuth: true,
      disabledCommands: ["STARTTLS"],
      size: MAX_SIZE,
      logger: false,
      banner: "Tandem development mail catcher",
      onAuth: (_auth, _session, callback) => callback(null, { user: "catcher" }),
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then((parsed) => {
            // smtp-server only counts the bytes; refusing what went over the limit is ours to do.
            if (stream.sizeExceeded) {
              return callback(Object.assign(new Error("Message too large"), { responseCode: 552 }));
            }
            ref.catcher?.add({
              id: randomUUID(),
              receivedAt: new Date().toISOString(),
              from: addresses(parsed.from)[0] ?? "",
              to: addresses(parsed.to),
              subject: parsed.subject ?? "",
              text: parsed.text ?? "",
              html: typeof parsed.html === "string" ? parsed.html : "",
              links: extractLinks(parsed.text ?? "", typeof parsed.html === "string" ? parsed.html : ""),
            });
            callback();
          })
          .catch((error: unknown) =>
            callback(error instanceof Error ? error : new Error("unreadable message")),
          );
      },
    });
    const http = createServer((request, response) => ref.catcher?.serve(request, response));
    const smtpPort = await listen(smtp, options.smtpPort ?? 0, host);
    let httpPort: number;
    try {
      httpPort = await listen(http, options.httpPort ?? 0, host);
    } catch (error) {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      throw error;
    }
    ref.catcher = new MailCatcher(smtp, http, host, smtpPort, httpPort);
    return ref.catcher;
  }

  /** Every message kept, newest first. */
  messages(): CaughtMessage[] {
    return [...this.#messages].reverse();
  }

  /** Forgets every message (as `DELETE /api/messages` does). */
  clear(): void {
    this.#messages.length = 0;
  }

  /**
   * The newest message matching `predicate`, now or once it arrives; after `timeoutMs`, rejects
   * with the subjects and recipients of what did arrive.
   */
  waitFor(predicate: (message: CaughtMessage) => boolean, timeoutMs = 10_000): Promise<CaughtMessage> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.messages().find(predicate);
        if (found === undefined) return false;
        cleanup();
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        const seen = this.messages().map((m) => `"${m.subject}" to ${m.to.join(", ")}`);
        reject(new Error(`no matching email within ${timeoutMs} ms; received: ${seen.join("; ") || "none"}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
      };
      const waiter = () => void check();
      if (!check()) this.#waiters.add(waiter);
    });
  }

  /** Closes both servers (and the mailbox's open connections). */
  async stop(): Promise<void> {
    this.http.closeAllConnections();
    await Promise.all([
      new Promise<void>((resolve) => this.smtp.close(() => resolve())),
      new Promise<void>((resolve) => this.http.close(() => resolve())),
    ]);
  }

  private add(message: CaughtMessage): void {
    this.#messages.push(message);
    if (this.#messages.length > KEEP) this.#messages.splice(0, this.#messages.length - KEEP);
    for (const waiter of [...this.#waiters]) waiter();
  }

  private serve(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? "/", "http://localhost");
    const send = (status: number, type: string, body: string) => {
      response.writeHead(status, {
        "content-type": type,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        // Message HTML is shown only inside a sandboxed srcdoc frame.
        "content-security-policy":
          "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; img-src data:",
      });
      response.end(body);
    };
    if (url.pathname === "/api/messages" && request.method === "DELETE") {
      this.clear();
      return send(204, "text/plain", "");
    }
    if (request.method !== "GET" && request.method !== "HEAD")
      return send(405, "text/plain", "Method not allowed");
    if (url.pathname === "/api/messages") {
      const to = url.searchParams.get("to")?.toLowerCase();
      const list = this.messages().filter(
        (m) => to === undefined || m.to.some((a) => a.toLowerCase() === to),
      );
      return send(200, "application/json", JSON.stringify(list));
    }
    if (url.pathname === "/") return send(200, "text/html; charset=utf-8", mailboxHtml(this.messages()));
    const one = /^\/messages\/([\w-]+)$/.exec(url.pathname);
    const message = one ? this.#messages.find((m) => m.id === one[1]) : undefined;
    if (message !== undefined) return send(200, "text/html; charset=utf-8", messageHtml(message));
    return send(404, "text/plain", "Not found");
  }
}
