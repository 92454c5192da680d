import { createTestDatabase, describePostgres } from "@tandem/testing";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { createDb } from "./create-db.ts";
import { instantTextToIso } from "./instants.ts";

/** What Postgres writes for an instant in a UTC session with DateStyle ISO. */
function postgresText(date: Date): string {
  const iso = date.toISOString();
  const ms = iso.slice(20, 23).replace(/0+$/, "");
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${ms === "" ? "" : `.${ms}`}+00`;
}

describe("instantTextToIso", () => {
  it("gives toISOString's text for instants across the years 0001–9999", () => {
    const min = Date.UTC(1, 0, 1) - 0;
    const max = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
    const samples = [min, max, Date.UTC(2026, 0, 1), Date.UTC(2024, 1, 29, 12, 0, 0, 5)];
    for (let i = 0; i < 2000; i++) samples.push(min + Math.floor(Math.random() * (max - min)));
    for (const time of samples) {
      const date = new Date(time);
      if (date.getUTCFullYear() < 1) date.setUTCFullYear(1);
      expect(instantTextToIso(postgresText(date))).toBe(date.toISOString());
    }
  });

  it("cuts digits past the millisecond, as a Date would", () => {
    expect(instantTextToIso("2026-05-06 07:08:09.123999+00")).toBe("2026-05-06T07:08:09.123Z");
    expect(instantTextToIso("2026-05-06 07:08:09.1+00")).toBe("2026-05-06T07:08:09.100Z");
    expect(instantTextToIso("0001-01-01 00:00:00+00")).toBe("0001-01-01T00:00:00.000Z");
  });

  it("converts text from a session in another time zone through a Date", () => {
    expect(instantTextToIso("2026-01-01 05:30:00.5+05:30")).toBe("2026-01-01T00:00:00.500Z");
    expect(instantTextToIso("2025-12-31 20:30:00-03:30")).toBe("2026-01-01T00:00:00.000Z");
  });
});

describePostgres("isoInstants", () => {
  const dialect = "postgres";
  const values = [
    "2026-01-01T00:00:00.000Z",
    "2026-03-29T01:30:00.5+02:00",
    "0001-01-01T00:00:00.000Z",
    "9999-12-31T23:59:59.999Z",
    "2024-02-29T12:34:56.789012Z",
  ];

  it.each(["UTC", "Asia/Kolkata", "America/St_Johns"])(
    "reads timestamptz as the ISO text a Date would give (session time zone %s)",
    async (zone) => {
      const test = await createTestDatabase(dialect);
      const iso = createDb(test.url, { isoInstants: true, poolSize: 1 });
      const dates = createDb(test.url, { poolSize: 1 });
      try {
        for (const database of [iso, dates]) await sql`set time zone ${sql.lit(zone)}`.execute(database.db);
        for (const value of values) {
          const query = sql<{ t: Date | string }>`select ${value}::timestamptz as t`;
          const [asText] = (await query.execute(iso.db)).rows;
          const [asDate] = (await query.execute(dates.db)).rows;
          expect(asDate?.t).toBeInstanceOf(Date);
          expect(asText?.t, `${value} in ${zone}`).toBe((asDate?.t as Date).toISOString());
        }
      } finally {
        await iso.destroy();
        await dates.destroy();
        await test.cleanup();
      }
    },
  );
});
