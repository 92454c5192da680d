// Which backends the contract suite runs against, decided once per run (global setup) and handed
// to every test file: each file runs its tests once per backend × database dialect.
import { type Dialect } from "@tandem/db";
import { testDialects } from "@tandem/testing";
import { inject } from "vitest";
import { type Backend, backendUnavailable, BACKENDS } from "../../../scripts/lib/backends.ts";
import type { Env } from "../../../scripts/lib/processes.ts";

declare module "vitest" {
  export interface ProvidedContext {
    contractBackends: Backend[];
  }
}

export interface Target {
  backend: Backend;
  dialect: Dialect;
  /** `ts, sqlite`: what describe titles show. */
  label: string;
}

export interface BackendChoice {
  backends: Backend[];
  /** Backends left out, with the reason (only when neither CONTRACT_BACKENDS nor CI asked for them). */
  skipped: { backend: Backend; reason: string }[];
}

/**
 * The backends to test. CONTRACT_BACKENDS (e.g. `ts,fastapi`) names them exactly; otherwise CI
 * requires every backend and a local run takes those this machine can run. A required backend that
 * cannot run is an error, never a silent skip.
 */
export function chooseBackends(env: Env): BackendChoice {
  const listed = env.CONTRACT_BACKENDS?.trim();
  const ci = env.CI !== undefined && env.CI !== "" && env.CI !== "false" && env.CI !== "0";
  let required: Backend[];
  if (listed) {
    const names = listed
      .split(",")
      .map((name) => name.trim())
      .filter(Boolean);
    const unknown = names.filter((name) => !(BACKENDS as readonly string[]).includes(name));
    if (unknown.length > 0) {
      throw new Error(
        `CONTRACT_BACKENDS: unknown backend ${unknown.join(", ")} (known: ${BACKENDS.join(", ")})`,
      );
    }
    required = [...new Set(names as Backend[])];
  } else if (ci) {
    required = [...BACKENDS];
  } else {
    const backends: Backend[] = [];
    const skipped: BackendChoice["skipped"] = [];
    for (const backend of BACKENDS) {
      const reason = backendUnavailable(backend);
      if (reason === null) backends.push(backend);
      else skipped.push({ backend, reason });
    }
    return { backends, skipped };
  }
  const missing = required.flatMap((backend) => {
    const reason = backendUnavailable(backend);
    return reason === null ? [] : [`${backend}: ${reason}`];
  });
  if (missing.length > 0) {
    const why = listed ? `CONTRACT_BACKENDS=${listed}` : "CI=true (set CONTRACT_BACKENDS to choose)";
    throw new Error(
      `The contract suite must run against ${required.join(", ")} (${why}), but\n  ${missing.join("\n  ")}`,
    );
  }
  return { backends: required, skipped: [] };
}

/** Every backend × dialect of this run (call at collection time, in a test file). */
export function targets(): Target[] {
  const backends = inject("contractBackends");
  return backends.flatMap((backend) =>
    testDialects().map((dialect) => ({ backend, dialect, label: `${backend}, ${dialect}` })),
  );
}
