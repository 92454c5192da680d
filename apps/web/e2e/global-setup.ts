// Runs once before the browser tests: builds what is stale, migrates a fresh temporary SQLite
// database and starts the API and the web app on it (ports 8100 and 3100, or free ones when
// those are taken), with the mail catcher and a development OpenID Connect provider beside them.
// The returned function is the global teardown: it stops both and deletes the
// database. Workers find the servers through the TANDEM_E2E_* variables set here.
import { buildApiIfStale, buildWeb, freePort } from "@tandem/stack";
import { createTestDatabase, e2eStack } from "./servers.ts";

export default async function globalSetup(): Promise<() => Promise<void>> {
  const started = Date.now();
  await buildApiIfStale({ ...process.env });
  await buildWeb({ ...process.env });
  const built = Date.now();

  const database = await createTestDatabase();
  const stack = e2eStack({
    name: "main",
    databaseUrl: database.url,
    webPort: await freePort(3100),
    apiPort: await freePort(8100),
    // "Continue with Dev ID" on the sign-in page, backed by a real provider on loopback (oidc.spec.ts).
    oidc: true,
  });
  const teardown = async () => {
    await stack.stop();
    await database.remove();
  };
  try {
    await stack.start();
  } catch (error) {
    await teardown();
    throw error;
  }
  process.env.TANDEM_E2E_WEB_URL = stack.webUrl;
  process.env.TANDEM_E2E_API_URL = stack.apiUrl;
  process.env.TANDEM_E2E_MAILBOX_URL = stack.mail.mailboxUrl;
  process.env.TANDEM_E2E_OIDC_ISSUER = stack.oidc.issuer;
  // For the few tests that must set up a state no browser can reach quickly (an old sign-in).
  process.env.TANDEM_E2E_DATABASE_URL = database.url;
  console.log(
    `e2e: web ${stack.webUrl}, API ${stack.apiUrl} (builds ${((built - started) / 1000).toFixed(1)} s, ` +
      `servers ${((Date.now() - built) / 1000).toFixed(1)} s)`,
  );
  return teardown;
}
