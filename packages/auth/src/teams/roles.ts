import { createAccessControl } from "better-auth/plugins/access";
import { defaultStatements } from "better-auth/plugins/organization/access";

// Better Auth's permissions for what it manages (the team, members, invitations). Task access is
// not among them: the task APIs read the member's role from the database on each request
// (decision 016), so it is decided in one place per backend, not in the token.
const ac = createAccessControl(defaultStatements);

export const teamAccessControl = ac;

export const teamRoles = {
  owner: ac.newRole({
    organization: ["update", "delete"],
    member: ["create", "update", "delete"],
    invitation: ["create", "cancel"],
  }),
  // Everything about people, nothing about the team itself (rename, transfer, delete).
  admin: ac.newRole({ member: ["create", "update", "delete"], invitation: ["create", "cancel"] }),
  member: ac.newRole({}),
  viewer: ac.newRole({}),
};
