// A PostgreSQL server of the topology suite's own: the fault tests stop and start it, which they
// must never do to the machine's shared cluster (other suites run on it in parallel).
import { execFile, execFileSync } from "node:child_process";
import { chownSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "@tandem/stack";

const run = promisify(execFile);

/** Where Debian/Ubuntu install PostgreSQL 15's server binaries; PG_BIN overrides it. */
const PG_BIN = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";
/** pg_ctl's own bound on starting or stopping, in seconds; the process call gets a little more. */
const PG_CTL_WAIT_SECONDS = 30;

export type StopMode = "fast" | "immediate";

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication, loopback only). */
  readonly url: string;
  readonly port: number;
  readonly running: boolean;
  /**
   * Stops the server (bounded). `fast` (the default) is what an operator's restart does: it ends
   * every session (clients see SQLSTATE 57P01), writes a shutdown checkpoint and exits. `immediate`
   * is a crash: no checkpoint, WAL replay on the next start.
   */
  stop(mode?: StopMode): Promise<void>;
  /** Starts it again on the same port and data; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it (immediately) if running and deletes its data. Idempotent. */
  remove(): Promise<void>;
}

interface Layout {
  dir: string;
  data: string;
  log: string;
  port: number;
}

// initdb refuses to run as root, and the server refuses to run as root too: as root (CI
// containers), every PostgreSQL binary runs as the `postgres` OS user on a folder it owns.
const asRoot = process.getuid?.() === 0;

function command(binary: string, args: string[]): [string, string[]] {
  const path = join(PG_BIN, binary);
  return asRoot ? ["runuser", ["-u", "postgres", "--", path, ...args]] : [path, args];
}

async function pg(layout: Layout, binary: string, args: string[]): Promise<void> {
  const [file, argv] = command(binary, args);
  try {
    await run(file, argv, { cwd: layout.dir, timeout: (PG_CTL_WAIT_SECONDS + 5) * 1000 });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`${binary} ${args[0] ?? ""} failed: ${detail}\n${serverLog(layout)}`, { cause: error });
  }
}

function serverLog(layout: Layout): string {
  try {
    return readFileSync(layout.log, "utf8").split("\n").slice(-20).join("\n");
  } catch {
    return "(no server log)";
  }
}

function pgCtlStart(layout: Layout): string[] {
  // Loopback TCP only, and the socket in our own folder rather than the shared /var/run/postgresql.
  // fsync stays on, as in production, so a commit (and the 201 after it) costs what it really does.
  const options = [
    `-p ${layout.port}`,
    `-k ${layout.dir}`,
    "-c listen_addresses=127.0.0.1",
    "-c fsync=on",
    "-c synchronous_commit=on",
    "-c max_connections=200",
  ].join(" ");
  return [
    "start",
    "-w",
    "-t",
    String(PG_CTL_WAIT_SECONDS),
    "-D",
    layout.data,
    "-l",
    layout.log,
    "-o",
    options,
  ];
}

/**
 * Creates a fresh cluster in a temporary folder and starts it on a free loopback port.
 *
 * @example
 * const server = await startPostgresServer();
 * await server.stop(); // the database is down
 * await server.start();
 * await server.remove();
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  const dir = mkdtempSync(join(tmpdir(), "tandem-pg-"));
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  const layout: Layout = {
    dir,
    data: join(dir, "data"),
    log: join(dir, "postgres.log"),
    port: await freePort(),
  };
  let running = false;
  let removed = false;

  // A test process that dies without afterAll must not leave a postmaster behind.
  const onExit = () => {
    if (!running) return;
    const [file, argv] = command("pg_ctl", ["stop", "-m", "immediate", "-D", layout.data]);
    try {
      execFileSync(file, argv, { cwd: dir, stdio: "ignore", timeout: 10_000 });
    } catch {
      // Best effort while exiting.
    }
  };
  process.once("exit", onExit);

  const server: PostgresServer = {
    url: `postgres://postgres@127.0.0.1:${layout.port}/postgres`,
    port: layout.port,
    get running() {
      return running;
    },
    async start() {
      if (running) return;
      await pg(layout, "pg_ctl", pgCtlStart(layout));
      running = true;
    },
    async stop(mode: StopMode = "fast") {
      if (!running) return;
      await pg(layout, "pg_ctl", [
        "stop",
        "-w",
        "-t",
        String(PG_CTL_WAIT_SECONDS),
        "-m",
        mode,
        "-D",
        layout.data,
      ]);
      running = false;
    },
    async remove() {
      if (removed) return;
      removed = true;
      await server.stop("immediate").catch(() => undefined);
      process.off("exit", onExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };

  try {
    // The tests restart the server, never the machine, so initdb's own sync of the fresh catalog
    // would only slow every start.
    await pg(layout, "initdb", [
      "-D",
      layout.data,
      "-U",
      "postgres",
      "-A",
      "trust",
      "-E",
      "UTF8",
      "--no-sync",
    ]);
    await server.start();
  } catch (error) {
    await server.remove();
    throw error;
  }
  return server;
}
