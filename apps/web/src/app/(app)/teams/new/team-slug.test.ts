import { describe, expect, it } from "vitest";
import { teamSlug } from "./team-slug";

describe("teamSlug", () => {
  const fixed = () => new Uint8Array([0, 1, 10, 35, 36, 71]);

  it("keeps the name's ASCII words and adds a random suffix", () => {
    expect(teamSlug("Café Crew", fixed)).toBe("cafe-crew-01az0z");
    expect(teamSlug("  Launch / Q3 ", fixed)).toBe("launch-q3-01az0z");
  });

  it("falls back to `team` for a name without ASCII letters or digits, and stays short", () => {
    expect(teamSlug("🚀🚀", fixed)).toBe("team-01az0z");
    expect(teamSlug("x".repeat(60), fixed)).toBe(`${"x".repeat(40)}-01az0z`);
  });

  it("differs between two teams of the same name", () => {
    expect(teamSlug("Launch")).not.toBe(teamSlug("Launch"));
  });
});
