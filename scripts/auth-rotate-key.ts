// `npm run auth:rotate-key`: retires the web app's current signing key now. The next token is
// signed with a fresh key; the old one stays in the JWKS for the grace period, so the tokens it
// signed keep verifying. `-- --revoke` (a compromised key) deletes it instead: it leaves the JWKS
// at once. `-- --list` only shows the keys. Works on DATABASE_URL, the web app's database.
import { DEFAULT_KEY_GRACE_SECONDS, listSigningKeys, retireSigningKeys } from "@tandem/auth";
import { createDb } from "@tandem/db";

const USAGE = `Usage: npm run auth:rotate-key [-- --revoke | --list]
  (no option)  retire the current signing key; it stays published for AUTH_KEY_GRACE_SECONDS
  --revoke     delete the current signing key (compromised): it leaves the JWKS at once
  --list       show the keys and do nothing`;

const args = process.argv.slice(2);
const mode = args.includes("--list") ? "list" : args.includes("--revoke") ? "revoke" : "grace";
if (args.some((arg) => !["--list", "--revoke"].includes(arg)) || args.length > 1) {
  console.error(USAGE);
  process.exit(2);
}

const graceRaw = process.env.AUTH_KEY_GRACE_SECONDS;
const graceSeconds = graceRaw && /^\d+$/.test(graceRaw) ? Number(graceRaw) : DEFAULT_KEY_GRACE_SECONDS;
const duration = (seconds: number): string =>
  seconds % 86_400 === 0
    ? `${seconds / 86_400} day(s)`
    : seconds % 3600 === 0
      ? `${seconds / 3600} h`
      : `${seconds} s`;
const database = createDb(process.env.DATABASE_URL);

async function showKeys(): Promise<void> {
  const keys = await listSigningKeys(database, { graceSeconds });
  if (keys.length === 0) console.log("  (no keys yet: the web app creates one when it first signs)");
  for (const key of keys) {
    const until =
      key.state === "signing"
        ? key.expiresAt === null
          ? "signs until rotated"
          : `signs until ${key.expiresAt.toISOString()}`
        : key.state === "retired"
          ? `published until ${key.publishedUntil?.toISOString()}`
          : "no longer published";
    console.log(`  ${key.kid}  ${key.state.padEnd(9)}  created ${key.createdAt.toISOString()}, ${until}`);
  }
}

try {
  console.log(`Signing keys in ${database.dialect}: ${database.location}`);
  if (mode !== "list") {
    const kids = await retireSigningKeys(database, { mode });
    if (kids.length === 0) {
      console.log("No key is signing yet: nothing to retire.");
    } else if (mode === "revoke") {
      console.log(
        `Revoked ${kids.join(", ")}: removed from the JWKS now; the next token gets a new key.\n` +
          "Tokens it signed are refused once each API instance refreshes its key set " +
          "(AUTH_JWKS_MAX_AGE_SECONDS, 10 min by default); restart the API instances to refuse them at once.",
      );
    } else {
      console.log(
        `Retired ${kids.join(", ")}: the next token gets a new key; the old key stays in the JWKS ` +
          `for ${duration(graceSeconds)} (AUTH_KEY_GRACE_SECONDS) so tokens it signed keep verifying.`,
      );
    }
  }
  await showKeys();
} catch (error) {
  console.error(`auth:rotate-key failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await database.destroy();
}
