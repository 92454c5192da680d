// The contract suite's smoke set through the balancer: users sign up and get their tokens at the
// web frontend, and every API call goes through the API frontend to either instance.
import { expect, it } from "vitest";
import { smokeCases } from "../contract/smoke.ts";
import { balancedApi } from "./support/accounts.ts";
import { describeTopology, useTopology } from "./support/use-topology.ts";

describeTopology("the smoke set through the balancer", () => {
  // Every sign-up comes from the test's one address; the limiter has its own file (security).
  const topology = useTopology({ web: { AUTH_RATE_LIMIT: "off" } });

  it("has every instance UP behind HAProxy", async () => {
    const t = topology();
    for (const instance of [...t.web, ...t.api]) expect(await t.serverState(instance)).toBe("UP");
  });

  smokeCases(balancedApi(topology));

  it("spread the smoke set over both API instances", async () => {
    const response = await fetch(`${topology().statsUrl};csv`);
    const rows = (await response.text()).split("\n").map((row) => row.split(","));
    const columns = rows[0]?.map((name) => name.replace(/^# /, "")) ?? [];
    const total = columns.indexOf("stot");
    for (const name of ["api1", "api2"]) {
      const row = rows.find((cells) => cells[0] === "api" && cells[1] === name);
      expect(Number(row?.[total]), `${name} served requests`).toBeGreaterThan(0);
    }
  });
});
