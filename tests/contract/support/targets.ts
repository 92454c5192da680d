// Which backends the contract suite runs against, decided once per run (global setup) and handed
// to every test file: each file runs its tests once per backend × database dialect.
import { type Dialect } from "@tandem/db";
import { testDialects } from "@tandem/testing";
import { inject } from "vitest";
import type { Backend } from "@tandem/stack";

export interface Target {
  backend: Backend;
  dialect: Dialect;
  /** `ts, sqlite`: what describe titles show. */
  label: string;
}

/** Every backend × dialect of this run (call at collection time, in a test file). */
export function targets(): Target[] {
  const backends = inject("contractBackends");
  return backends.flatMap((backend) =>
    testDialects().map((dialect) => ({ backend, dialect, label: `${backend}, ${dialect}` })),
  );
}
