// The smoke set (smoke.ts) on every backend: the same cases the topology suite runs through the
// load balancer, so a failure there is not a difference between backends.
import { describe } from "vitest";
import { smokeCases } from "./smoke.ts";
import { useApi } from "./support/server.ts";
import { targets } from "./support/targets.ts";

describe.each(targets())("smoke ($label)", (target) => {
  smokeCases(useApi(target));
});
