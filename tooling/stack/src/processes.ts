// Child-process plumbing shared by `npm start`, `npm run dev`, the test suites and the benchmark:
// prefixed output (or a log file), readiness polling, and stopping a service together with
// everything it spawned.
import { type ChildProcess, spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import { closeSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { basename } from "node:path";
import { createInterface } from "node:readline";
import { type Readable, Writable } from "node:stream";

/** Environment variables for a child. (Not NodeJS.ProcessEnv: Next's types make NODE_ENV required there.) */
export type Env = Record<string, string | undefined>;

export interface ServiceOptions {
  /** Short label used as the output prefix: `[web] …`. */
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: Env;
  /** Where prefixed lines go (default: this process's stdout/stderr). */
  stdout?: Writable;
  stderr?: Writable;
  /** Also called with every output line (unprefixed). */
  onLine?: (line: string) => void;
  /**
   * Append the output, unprefixed, to this file instead (stdout, stderr and onLine are then
   * unused): a pipe read by this process costs CPU, which the benchmark must not spend.
   */
  logFile?: string;
}

export interface Service {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number | undefined;
  /** Settles with the exit code (128 + signal number style codes for signals) when the process exits. */
  readonly exited: Promise<number>;
  readonly hasExited: () => boolean;
  /** SIGTERM to the whole process group, then SIGKILL after `graceMs`. Idempotent. */
  stop(graceMs?: number): Promise<number>;
  /** SIGKILL to the whole process group at once, as a crash would; settles when it has exited. */
  kill(): Promise<number>;
}

const COLOURS: Record<string, number> = { web: 36, api: 35, build: 33 };

function prefixFor(name: string, stream: Writable): string {
  const label = `[${name}]`;
  const tty = "isTTY" in stream && stream.isTTY === true && !("NO_COLOR" in process.env);
  return tty ? `\u001b[${COLOURS[name] ?? 90}m${label}\u001b[0m ` : `${label} `;
}

/** Copies `input` to `output` line by line, each line prefixed. */
export function pipeWithPrefix(
  input: Readable,
  output: Writable,
  name: string,
  onLine?: (line: string) => void,
): void {
  const prefix = prefixFor(name, output);
  createInterface({ input, crlfDelay: Infinity }).on("line", (line) => {
    output.write(`${prefix}${line}\n`);
    onLine?.(line);
  });
}

// Every service runs in its own process group (detached) so that stopping it also stops what it
// spawned (`tsx` runs a node child, `next dev` workers), and so that a terminal's Ctrl-C
// reaches only the supervisor, which then stops the services in order.
const liveGroups = new Set<number>();
process.on("exit", () => {
  for (const pid of liveGroups) signalGroup(pid, "SIGKILL");
});

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(process.platform === "win32" ? pid : -pid, signal);
  } catch {
    // Already gone.
  }
}

const SIGNAL_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGKILL: 137, SIGTERM: 143 };

/** Starts a long-running service with prefixed output. */
export function startService(options: ServiceOptions): Service {
  const fd = options.logFile === undefined ? undefined : openSync(options.logFile, "a");
  let child: ChildProcess;
  try {
    child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env as NodeJS.ProcessEnv,
      stdio: fd === undefined ? ["ignore", "pipe", "pipe"] : ["ignore", fd, fd],
      detached: process.platform !== "win32",
    });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const pid = child.pid;
  if (pid !== undefined) liveGroups.add(pid);
  if (child.stdout)
    pipeWithPrefix(child.stdout, options.stdout ?? process.stdout, options.name, options.onLine);
  if (child.stderr)
    pipeWithPrefix(child.stderr, options.stderr ?? process.stderr, options.name, options.onLine);

  let done = false;
  const exited = new Promise<number>((resolve) => {
    child.once("error", (error) => {
      done = true;
      (options.stderr ?? process.stderr).write(`[${options.name}] could not start: ${error.message}\n`);
      resolve(1);
    });
    child.once("exit", (code, signal) => {
      done = true;
      if (pid !== undefined) {
        // The leader is gone; take down anything it left behind in its group.
        signalGroup(pid, "SIGKILL");
        liveGroups.delete(pid);
      }
      resolve(code ?? (signal ? (SIGNAL_CODES[signal] ?? 1) : 1));
    });
  });

  let stopping: Promise<number> | undefined;
  const stop = (graceMs = 10_000): Promise<number> => {
    if (done || pid === undefined) return exited;
    stopping ??= (async () => {
      signalGroup(pid, "SIGTERM");
      const timer = setTimeout(() => signalGroup(pid, "SIGKILL"), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    })();
    return stopping;
  };

  const kill = (): Promise<number> => {
    if (!done && pid !== undefined) signalGroup(pid, "SIGKILL");
    return exited;
  };

  return { name: options.name, child, pid, exited, hasExited: () => done, stop, kill };
}

/** Runs a command to completion with prefixed output; rejects when it fails. */
export async function runStep(options: ServiceOptions): Promise<void> {
  const service = startService(options);
  const code = await service.exited;
  if (code !== 0) {
    throw new Error(
      `\`${[basename(options.command), ...options.args].join(" ")}\` failed (exit code ${code})`,
    );
  }
}

export interface WaitOptions {
  timeoutMs?: number;
  /** Stop waiting (and reject) as soon as this service exits. */
  service?: Service;
}

/** Polls `url` until it answers with a status below 500. */
export async function waitForHttp(url: string, options: WaitOptions = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    if (options.service?.hasExited()) {
      const code = await options.service.exited;
      throw new Error(`${options.service.name} exited (code ${code}) before ${url} answered`);
    }
    try {
      const response = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(5_000) });
      await response.body?.cancel();
      if (response.status < 500) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline)
      throw new Error(`${url} did not answer within ${options.timeoutMs ?? 120_000} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Whether nothing listens on `port` (any interface). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

// Ports a child will bind come from below the system's ephemeral range: a port the system hands
// out (port 0) is free only until the next outgoing connection on the machine takes it as its
// local port, and a suite under load opens thousands of those between choosing a port and the
// child binding it.
const LOWEST_PORT = 10_000;
const EPHEMERAL_RANGE_FILE = "/proc/sys/net/ipv4/ip_local_port_range";

function ephemeralRangeStart(): number {
  try {
    const start = Number(readFileSync(EPHEMERAL_RANGE_FILE, "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(start) && start > LOWEST_PORT ? start : 32_768;
  } catch {
    return 32_768;
  }
}

// The Fetch standard's "bad ports": Node's fetch (and every browser) refuses to connect to them,
// so a service on one could never be reached by waitForHttp, the suites or a browser. 10080 is the
// one in the range freePort draws from.
const FETCH_BAD_PORTS = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104,
  109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515,
  526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049,
  3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/** Whether fetch will connect to `port` (it is not one of the Fetch standard's bad ports). */
export function fetchAllows(port: number): boolean {
  return !FETCH_BAD_PORTS.has(port);
}

/** A port the system picks (in its ephemeral range). */
function systemPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `preferred` when it is free, else (or without one) a free port chosen at random below the
 * ephemeral range; the system's own pick only when none of a few tries is free. Never a port
 * fetch refuses.
 */
export async function freePort(preferred?: number): Promise<number> {
  if (preferred !== undefined && fetchAllows(preferred) && (await isPortFree(preferred))) return preferred;
  const end = ephemeralRangeStart();
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = randomInt(LOWEST_PORT, end);
    if (fetchAllows(port) && (await isPortFree(port))) return port;
  }
  return systemPort();
}

/** Keeps a service's output lines in memory (the newest `limit`) instead of printing them. */
export class LineBuffer extends Writable {
  readonly lines: string[] = [];
  constructor(private readonly limit = 5000) {
    super();
  }
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString("utf8").split("\n")) if (line !== "") this.lines.push(line);
    if (this.lines.length > this.limit) this.lines.splice(0, this.lines.length - this.limit);
    done();
  }
}
