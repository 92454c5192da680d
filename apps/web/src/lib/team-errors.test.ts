import { describe, expect, it } from "vitest";
import { isNoLongerMember, teamErrorMessage } from "./team-errors";

describe("teamErrorMessage", () => {
  const fallback = "We couldn't do that.";

  it("words Tandem's team rules and Better Auth's organization codes for people", () => {
    expect(teamErrorMessage({ status: 400, code: "ROLE_NOT_ASSIGNABLE" }, fallback)).toMatch(
      /viewer, member or admin/,
    );
    expect(teamErrorMessage({ status: 400, code: "OWNER_ROLE_FIXED" }, fallback)).toMatch(
      /transfer ownership/,
    );
    expect(
      teamErrorMessage(
        { status: 400, code: "YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER" },
        fallback,
      ),
    ).toBe("Transfer ownership before leaving.");
    expect(
      teamErrorMessage(
        { status: 403, code: "YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION" },
        fallback,
      ),
    ).toBe("Your role in this team doesn't allow that.");
    // Better Auth answers some refusals with 401 and a YOU_ARE_NOT_ALLOWED_TO_* code.
    expect(
      teamErrorMessage({ status: 401, code: "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_MEMBER" }, fallback),
    ).toBe("Your role in this team doesn't allow that.");
  });

  it("shows the team-name rule's own message, and never another raw server string", () => {
    expect(
      teamErrorMessage(
        { status: 400, code: "INVALID_TEAM_NAME", message: "Team name must not be empty" },
        fallback,
      ),
    ).toBe("Team name must not be empty");
    expect(
      teamErrorMessage({ status: 400, code: "SOMETHING_NEW", message: "internal detail" }, fallback),
    ).toBe(fallback);
    expect(teamErrorMessage({ status: 500 }, fallback)).toMatch(/our side/);
    expect(teamErrorMessage({ status: 0 }, fallback)).toMatch(/can't reach the server/);
    expect(teamErrorMessage(null, fallback)).toMatch(/can't reach the server/);
  });

  it("tells a former member apart", () => {
    expect(isNoLongerMember({ status: 403, code: "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION" })).toBe(true);
    expect(isNoLongerMember({ status: 400, code: "ORGANIZATION_NOT_FOUND" })).toBe(true);
    expect(isNoLongerMember({ status: 403, code: "OWNER_ONLY" })).toBe(false);
  });
});
