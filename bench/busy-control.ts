// `npm run bench:busy -- [--us 190,100,50] [--rounds 3] [--seconds 10]`: the tail a bare node:http
// server shows at saturation when every request costs a given number of microseconds of CPU (and
// answers a body the size of a list page), driven exactly as `npm run bench` drives Tandem: wrk,
// 64 connections, server and load generator each pinned to their own core. No database, no
// framework, no Tandem code: what it shows at a route's cost is what the machine, Node and wrk do to
// that route's p99, and so the floor under a saturation-p99 target (bench/README.md).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { argOption } from "./lib/args.ts";
import { runLoad } from "./lib/load.ts";
import { choosePinning } from "./lib/proc.ts";
import { startControl } from "./lib/servers.ts";

const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => argOption(argv, name, fallback);
const costs = option("--us", "190,100,50").split(",").map(Number);
const rounds = Number(option("--rounds", "3"));
const seconds = Number(option("--seconds", "10"));
if (costs.some((us) => !Number.isFinite(us) || us < 0))
  throw new Error("--us takes microseconds, e.g. 190,50");

const pinning = choosePinning();
const workDir = mkdtempSync(join(tmpdir(), "tandem-busy-"));
console.log(`node:http spending N µs per request; 64 connections, ${rounds} × ${seconds} s; ${pinning.note}`);
try {
  for (const us of costs) {
    const server = await startControl(pinning, workDir, "busy", { BUSY_US: String(us) });
    try {
      const common = {
        baseUrl: server.url,
        request: { method: "GET" as const, path: "/" },
        connections: 64,
        pinning,
        serverPid: server.server.pid,
        workDir,
        postgres: false,
      };
      await runLoad({ ...common, durationSeconds: 1 });
      for (let round = 1; round <= rounds; round++) {
        const r = await runLoad({ ...common, durationSeconds: seconds });
        console.log(
          `${String(us).padStart(4)} µs  round ${round}: ${r.rps.toFixed(0).padStart(6)} req/s  ` +
            `p50 ${r.p50Ms.toFixed(1)} ms  p99 ${r.p99Ms.toFixed(1)} ms  max ${r.maxMs.toFixed(0)} ms  ` +
            `server CPU ${r.serverCpuPct.toFixed(0)}%  other ${r.otherCpuPct.toFixed(0)}%`,
        );
      }
    } finally {
      await server.server.stop();
    }
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
