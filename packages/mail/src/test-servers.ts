// Test support for this package's tests: a real SMTP server on loopback and servers that fail in
// the ways a real one can. Imports no test runner; each returns its own close function.
import { type AddressInfo, createServer, type Socket } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface Received {
  mail: ParsedMail;
  /** The user the session authenticated as, if it did. */
  user: string | undefined;
}

/** The credentials the authenticating server accepts; `/` checks the URL's percent-decoding. */
export const SMTP_USER = "ada";
export const SMTP_PASSWORD = "s3cret/pw";

/**
 * smtp-server on 127.0.0.1, plain (no STARTTLS), parsing what arrives with mailparser.
 *
 * @example
 * const { port, received, close } = await smtpServer({ requireAuth: true });
 */
export async function smtpServer(options: { requireAuth?: boolean } = {}) {
  const received: Received[] = [];
  const logins: { username: string | null | undefined; password: string | null | undefined }[] = [];
  const server = new SMTPServer({
    authOptional: options.requireAuth !== true,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth: (auth, _session, callback) => {
      logins.push({ username: auth.username, password: auth.password });
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD)
        callback(null, { user: auth.username });
      else callback(new Error("bad credentials"));
    },
    onData: (stream, session, callback) => {
      simpleParser(stream)
        .then((mail) => {
          received.push({ mail, user: typeof session.user === "string" ? session.user : undefined });
          callback();
        })
        .catch(callback);
    },
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.server.address() as AddressInfo).port)),
  );
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { port, received, logins, close };
}

/**
 * Accepts connections and never says a word: the server that hangs.
 *
 * @example
 * const { port, close } = await silentServer();
 */
export async function silentServer() {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );
  const close = () =>
    new Promise<void>((resolve) => {
      // A send abandoned at its deadline may still hold a connection; end it so close returns.
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return { port, close };
}

/**
 * Greets, then answers EHLO with an endless multi-line reply, a line every 100 ms: the connection
 * is never idle, so only an overall deadline ends the send.
 *
 * @example
 * const { port, close } = await tricklingServer();
 */
export async function tricklingServer() {
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.write("220 trickle ESMTP\r\n");
    socket.once("data", () => {
      const timer = setInterval(() => socket.write("250-still thinking\r\n"), 100);
      timers.add(timer);
      socket.on("close", () => clearInterval(timer));
    });
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );
  const close = () =>
    new Promise<void>((resolve) => {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return { port, close };
}

/**
 * A loopback port nothing listens on (bound, then released), for a refused connection.
 *
 * @example
 * const port = await closedPort();
 */
export async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
