import { describe, expect, it } from "vitest";
import { teamIdOfPath } from "./request-path";

describe("teamIdOfPath", () => {
  it("finds the team of its tasks and settings pages only", () => {
    expect(teamIdOfPath("/teams/abc123/tasks")).toBe("abc123");
    expect(teamIdOfPath("/teams/abc123/settings")).toBe("abc123");
    expect(teamIdOfPath("/teams/new")).toBeNull();
    expect(teamIdOfPath("/tasks")).toBeNull();
    expect(teamIdOfPath("/teams/%E0%A4%A/tasks")).toBeNull();
  });
});
