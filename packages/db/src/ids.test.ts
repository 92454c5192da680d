import { describe, expect, it } from "vitest";
import { uuidv7 } from "./ids.ts";

const FORMAT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The 48-bit millisecond timestamp at the front of a UUIDv7. */
const timestampOf = (id: string) => parseInt(id.replaceAll("-", "").slice(0, 12), 16);

describe("uuidv7", () => {
  it("is a lowercase RFC 9562 UUID of version 7 and variant 10", () => {
    for (let i = 0; i < 1000; i++) {
      const id = uuidv7();
      expect(id).toMatch(FORMAT);
      expect(id[14]).toBe("7");
      expect("89ab").toContain(id[19]);
    }
  });

  it("carries the given millisecond timestamp, or the current time by default", () => {
    for (const now of [0, 1, 1_700_000_000_123, 2 ** 48 - 1]) expect(timestampOf(uuidv7(now))).toBe(now);
    const before = Date.now();
    const id = uuidv7();
    expect(timestampOf(id)).toBeGreaterThanOrEqual(before);
    expect(timestampOf(id)).toBeLessThanOrEqual(Date.now());
  });

  it("sorts by creation millisecond as text", () => {
    const times = [0, 1, 255, 256, 65_535, 2 ** 40, 1_600_000_000_000, 1_700_000_000_000, 2 ** 48 - 1];
    const ids = times.map((t) => uuidv7(t));
    expect([...ids].sort()).toEqual(ids);
  });

  it("differs in its random bits within one millisecond", () => {
    const ids = Array.from({ length: 10_000 }, () => uuidv7(1_700_000_000_000));
    expect(new Set(ids).size).toBe(ids.length);
    // 74 random bits: every random hex position takes many values.
    const randomPositions = [15, 16, 17, 20, 21, 22, 35];
    for (const p of randomPositions) expect(new Set(ids.map((id) => id[p])).size, `position ${p}`).toBe(16);
  });

  it("refuses a timestamp that does not fit in 48 bits", () => {
    expect(() => uuidv7(2 ** 48)).toThrow(RangeError);
    expect(() => uuidv7(-1)).toThrow(RangeError);
  });
});
