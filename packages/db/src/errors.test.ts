import { createServer } from "node:net";
import { expect, it } from "vitest";
import { createDb } from "./create-db.ts";
import { isDatabaseUnavailable, isForeignKeyViolation } from "./errors.ts";

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

it("tells a database that cannot be reached from one that refuses a statement", async () => {
  const { db, destroy } = createDb(`postgres://postgres@127.0.0.1:${await closedPort()}/postgres`);
  try {
    const refused = await db
      .selectFrom("task")
      .selectAll()
      .execute()
      .catch((error: unknown) => error);
    expect(isDatabaseUnavailable(refused)).toBe(true);
  } finally {
    await destroy();
  }
  // What PostgreSQL and `pg` say while the server shuts down, restarts or drops the connection.
  for (const code of ["57P01", "57P03", "08006", "53300"]) {
    expect(isDatabaseUnavailable(Object.assign(new Error("server"), { code }))).toBe(true);
  }
  expect(isDatabaseUnavailable(new Error("Connection terminated unexpectedly"))).toBe(true);
  expect(
    isDatabaseUnavailable(
      new Error("wrapped", { cause: Object.assign(new Error("x"), { code: "ECONNRESET" }) }),
    ),
  ).toBe(true);

  // The statement's own faults are not an outage.
  const foreignKey = Object.assign(new Error("violates foreign key constraint"), { code: "23503" });
  expect(isForeignKeyViolation(foreignKey)).toBe(true);
  for (const error of [
    foreignKey,
    Object.assign(new Error("syntax"), { code: "42601" }),
    new Error("boom"),
    null,
    "ECONNREFUSED",
  ]) {
    expect(isDatabaseUnavailable(error)).toBe(false);
  }
});
