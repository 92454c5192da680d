import { createTestDatabase, type TestDatabase, testDialects } from "@tandem/testing";
import { afterEach, describe, expect, it } from "vitest";
import { compiledOnce } from "./compiled-once.ts";

describe.each(testDialects())("compiledOnce (%s)", (dialect) => {
  const databases: TestDatabase[] = [];
  afterEach(async () => {
    for (const database of databases.splice(0)) await database.cleanup();
  });
  async function database() {
    const created = await createTestDatabase(dialect);
    databases.push(created);
    return created;
  }

  it("sends each call's values in the statement's own order, compiling it once per handle", async () => {
    let builds = 0;
    // Named in one order, used in another: the parameters must follow the SQL.
    const pair = compiledOnce(["second", "first"], (db, v) => {
      builds += 1;
      return db.selectNoFrom((eb) => [eb.val(v.first).as("a"), eb.val(v.second).as("b")]);
    });
    const one = await database();
    const two = await database();
    expect((await pair(one, { first: "x", second: "y" })).rows).toEqual([{ a: "x", b: "y" }]);
    expect((await pair(one, { first: "p", second: "q" })).rows).toEqual([{ a: "p", b: "q" }]);
    expect(builds).toBe(1);
    expect((await pair(two, { second: "2", first: "1" })).rows).toEqual([{ a: "1", b: "2" }]);
    expect(builds).toBe(2);
  });

  it("refuses a statement with a parameter that is not one of its named values", async () => {
    const fixed = compiledOnce(["a"], (db, v) =>
      db.selectNoFrom((eb) => [eb.val(v.a).as("a"), eb.val("constant").as("b")]),
    );
    await expect(fixed(await database(), { a: "x" })).rejects.toThrow(/not one of its named values/);
  });

  it("gives the builder the handle's dialect", async () => {
    const named = compiledOnce(["a"], (db, v, seen) =>
      db.selectNoFrom((eb) => [eb.val(v.a).as("a"), eb.lit(seen === dialect ? 1 : 0).as("same")]),
    );
    expect((await named(await database(), { a: "x" })).rows).toEqual([{ a: "x", same: 1 }]);
  });
});
