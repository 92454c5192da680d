import { randomBytes } from "node:crypto";
import { verifyPassword } from "@better-auth/utils/password";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, startAuthServer, type TestDatabase } from "./index.ts";

async function storedHash(database: TestDatabase, userId: string): Promise<string> {
  const { rows } = await sql<{
    password: unknown;
  }>`select password from account where "userId" = ${userId}`.execute(database.db);
  const password = rows[0]?.password;
  if (typeof password !== "string") throw new Error("expected a password hash");
  return password;
}

async function status(baseURL: string, email: string, password: string): Promise<number> {
  const response = await fetch(`${baseURL}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { origin: baseURL, "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  await response.body?.cancel();
  return response.status;
}

// Decision 027: the test servers hash at a test cost; Better Auth's own hashing stays the default
// of createAuth, hence of the web app.
describe("password hashing of the test auth server", () => {
  let database: TestDatabase;
  // One secret for both servers: the signing key it encrypts lives in the shared database.
  const secret = randomBytes(32).toString("base64url");
  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
  });
  afterAll(async () => {
    await database?.cleanup();
  });

  it("hashes at the test cost by default: the right password signs in, a wrong one does not", async () => {
    const server = await startAuthServer({ database, secret });
    try {
      const user = await server.signUp();
      const hash = await storedHash(database, user.id);
      expect(hash).not.toContain(user.password);
      expect(await verifyPassword(hash, user.password)).toBe(false); // not Better Auth's parameters
      expect(await status(server.baseURL, user.email, user.password)).toBe(200);
      expect(await status(server.baseURL, user.email, `${user.password}x`)).toBe(401);
    } finally {
      await server.close();
    }
  });

  it("keeps Better Auth's own scrypt when the hasher is not replaced (as in the web app)", async () => {
    const server = await startAuthServer({ database, secret, productionPasswordHashing: true });
    try {
      const user = await server.signUp();
      const hash = await storedHash(database, user.id);
      expect(await verifyPassword(hash, user.password)).toBe(true);
      expect(await verifyPassword(hash, `${user.password}x`)).toBe(false);
      expect(await status(server.baseURL, user.email, user.password)).toBe(200);
    } finally {
      await server.close();
    }
  });
});
