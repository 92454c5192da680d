import { TEAM_ERROR_CODES } from "@tandem/auth/error-codes";
import type { AuthFailure } from "./auth-errors";

// Readable messages for what Better Auth's organization plugin and Tandem's team rules answer
// (decision 016). Never a raw server string, except Tandem's own team-name rule, which is worded
// for people (packages/contracts teamNameProblem).

const NOT_ALLOWED = "Your role in this team doesn't allow that.";
const GONE = "You are no longer a member of this team.";

const BY_CODE: Record<string, string> = {
  [TEAM_ERROR_CODES.ROLE_NOT_ASSIGNABLE]:
    "Choose viewer, member or admin: a team has one owner, and ownership moves only by a transfer.",
  [TEAM_ERROR_CODES.OWNER_ROLE_FIXED]:
    "The owner's role can't be changed. The owner can transfer ownership to another member instead.",
  [TEAM_ERROR_CODES.OWNER_ONLY]: "Only the team's owner can do that.",
  [TEAM_ERROR_CODES.MEMBER_NOT_FOUND]: "That person is no longer a member of this team. Reload the page.",
  YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER: "Transfer ownership before leaving.",
  YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER: "Transfer ownership before leaving.",
  USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION: "That person is already a member of this team.",
  USER_IS_ALREADY_INVITED_TO_THIS_ORGANIZATION: "That address already has a pending invitation.",
  INVITATION_LIMIT_REACHED: "This team has too many pending invitations. Revoke some first.",
  ORGANIZATION_MEMBERSHIP_LIMIT_REACHED: "This team is full: it can't take more members.",
  INVITATION_NOT_FOUND: "This invitation is no longer valid.",
  YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION: "This invitation was sent to another email address.",
  EMAIL_VERIFICATION_REQUIRED_BEFORE_ACCEPTING_OR_REJECTING_INVITATION:
    "Verify your email address first, then open this invitation again.",
  ORGANIZATION_NOT_FOUND: GONE,
  USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION: GONE,
  YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION: GONE,
  ORGANIZATION_ALREADY_EXISTS: "We couldn't create the team just now. Please try again.",
  ORGANIZATION_SLUG_ALREADY_TAKEN: "We couldn't create the team just now. Please try again.",
  YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_ORGANIZATIONS: "You have reached the maximum number of teams.",
  INVALID_EMAIL: "Enter a valid email address.",
  SESSION_EXPIRED: "Your session has ended. Sign in again, then retry.",
};

/** True when the failure says the caller is not (or no longer) a member of the team. */
export function isNoLongerMember(error: AuthFailure | null | undefined): boolean {
  return error?.code !== undefined && BY_CODE[error.code] === GONE;
}

/**
 * What to tell the user about a failed team request; `fallback` names what could not be done.
 *
 * @example
 * teamErrorMessage({ status: 400, code: "OWNER_ROLE_FIXED" }, "We couldn't change the role.")
 */
export function teamErrorMessage(error: AuthFailure | null | undefined, fallback: string): string {
  if (!error || error.status === undefined || error.status === 0) {
    return "We can't reach the server right now. Check your connection and try again.";
  }
  const code = error.code ?? "";
  if (code === TEAM_ERROR_CODES.INVALID_TEAM_NAME && error.message) return error.message;
  const known = Object.hasOwn(BY_CODE, code) ? BY_CODE[code] : undefined;
  if (known !== undefined) return known;
  if (code.startsWith("YOU_ARE_NOT_ALLOWED_TO_")) return NOT_ALLOWED;
  if (error.status === 429) return "Too many attempts. Please wait a little and try again.";
  if (error.status === 401) return "Your session has ended. Sign in again, then retry.";
  if (error.status === 403) return NOT_ALLOWED;
  if (error.status >= 500) return "Something went wrong on our side. Please try again in a moment.";
  return fallback;
}
