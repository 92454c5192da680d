import type { GenericEndpointContext } from "better-auth";
import { symmetricDecrypt } from "better-auth/crypto";
import { base32 } from "@better-auth/utils/base32";
import { createOTP } from "@better-auth/utils/otp";

/** Authenticator codes: RFC 6238 defaults, which every authenticator app reads from the QR code. */
export const TOTP = { digits: 6, period: 30 } as const;

/** Codes one step either side of now are accepted (clock drift, a code typed as it rolls over). */
const DRIFT_STEPS = 1;

/** The row Better Auth's twoFactor plugin keeps per user (secret and backup codes encrypted). */
export interface TwoFactorRow {
  id: string;
  userId: string;
  secret: string;
  backupCodes: string;
  verified?: boolean | null;
}

/** What the code checks need of an endpoint context: the adapters and the secret keys. */
type CodeContext = Pick<GenericEndpointContext, "context">;

export async function findTwoFactor(ctx: CodeContext, userId: string): Promise<TwoFactorRow | null> {
  return ctx.context.adapter.findOne<TwoFactorRow>({
    model: "twoFactor",
    where: [{ field: "userId", value: userId }],
  });
}

/**
 * The decrypted authenticator secret, as Better Auth's own verify-totp reads it (secrets imported
 * from elsewhere are stored as `base32:<secret>`; Tandem's own never contain a colon).
 */
async function totpSecret(ctx: CodeContext, row: TwoFactorRow): Promise<string | Uint8Array> {
  const secret = await symmetricDecrypt({ key: ctx.context.secretConfig, data: row.secret });
  return secret.startsWith("base32:") ? base32.decode(secret.slice(7).toUpperCase()) : secret;
}

/**
 * The time step an authenticator code belongs to, or null if it matches none within the allowed
 * drift. Every candidate is computed and compared, so the time taken says nothing about which.
 */
export async function totpStep(
  ctx: CodeContext,
  row: TwoFactorRow,
  code: string,
  now = Date.now(),
): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const otp = createOTP(await totpSecret(ctx, row), TOTP);
  const current = Math.floor(now / (TOTP.period * 1000));
  let matched: number | null = null;
  for (let step = current - DRIFT_STEPS; step <= current + DRIFT_STEPS; step++) {
    if (sameCode(await otp.hotp(step), code)) matched = step;
  }
  return matched;
}

function sameCode(a: string, b: string): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ (b.charCodeAt(i) || 0);
  return difference === 0;
}

/** Where the last time step a user's authenticator code was accepted for is kept. */
const stepIdentifier = (userId: string) => `tandem-totp-step-${userId}`;
/** Zero-padded, so the stored steps compare as text the way they compare as numbers. */
const stepValue = (step: number) => String(step).padStart(15, "0");

interface StepRow {
  value: string;
}

/** A claimed time step, which a request that failed for another reason gives back. */
export interface StepClaim {
  release(): Promise<void>;
}

/**
 * Marks a code's time step as used; null if this or a later step was used already. An
 * authenticator code works once (RFC 6238 §5.2): one seen over someone's shoulder, or sent twice,
 * is refused. The update is a compare-and-swap on the last step, so two requests with the same
 * code cannot both win. The row is needed only while a code of that step could be accepted.
 */
export async function claimStep(ctx: CodeContext, userId: string, step: number): Promise<StepClaim | null> {
  const identifier = stepIdentifier(userId);
  const value = stepValue(step);
  const expiresAt = new Date((step + DRIFT_STEPS + 1) * TOTP.period * 1000);
  const byValue = (current: string) => [
    { field: "identifier", value: identifier },
    { field: "value", value: current },
  ];
  for (let tries = 0; tries < 3; tries++) {
    const last = await ctx.context.adapter.findOne<StepRow>({
      model: "verification",
      where: [{ field: "identifier", value: identifier }],
    });
    if (last === null) {
      // The first code ever (turning two-factor on): a race here could at worst let one code
      // through twice, at the moment the account has no second factor yet.
      await ctx.context.internalAdapter.createVerificationValue({ identifier, value, expiresAt });
      return { release: () => ctx.context.adapter.delete({ model: "verification", where: byValue(value) }) };
    }
    if (last.value >= value) return null;
    const swapped = await ctx.context.adapter.incrementOne({
      model: "verification",
      where: byValue(last.value),
      increment: {},
      set: { value, expiresAt },
    });
    if (swapped === null) continue; // another request moved it meanwhile: look again
    return {
      release: async () => {
        await ctx.context.adapter.incrementOne({
          model: "verification",
          where: byValue(value),
          increment: {},
          set: { value: last.value },
        });
      },
    };
  }
  return null;
}

async function backupCodes(ctx: CodeContext, row: TwoFactorRow): Promise<string[]> {
  const json = await symmetricDecrypt({ key: ctx.context.secretConfig, data: row.backupCodes });
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) ? parsed.filter((code): code is string => typeof code === "string") : [];
}

/** Whether `code` is one of the user's unused backup codes (it is not consumed here). */
export async function isBackupCode(ctx: CodeContext, row: TwoFactorRow, code: string): Promise<boolean> {
  const codes = await backupCodes(ctx, row);
  let found = false;
  for (const candidate of codes) found = sameCode(candidate, code.trim()) || found;
  return found;
}

/** How many unused backup codes the user has left. */
export async function backupCodesLeft(ctx: CodeContext, userId: string): Promise<number> {
  const row = await findTwoFactor(ctx, userId);
  return row === null ? 0 : (await backupCodes(ctx, row)).length;
}
