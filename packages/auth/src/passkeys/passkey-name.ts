import { type TextKind, textRules } from "@tandem/contracts/client";
import { APIError } from "better-auth/api";

/** The longest name a passkey may have, in characters; the settings form uses it too. */
export const PASSKEY_NAME_MAX = 60;

/** 400: a passkey name that is missing, empty, too long or holds control characters. */
export const INVALID_PASSKEY_NAME = "INVALID_PASSKEY_NAME";

const PASSKEY_NAME: TextKind = { min: 1, max: PASSKEY_NAME_MAX, singleLine: true, label: "Passkey name" };

/** Why a passkey name (trimmed first) is refused, or null when it is fine. */
export function passkeyNameProblem(name: unknown): string | null {
  if (typeof name !== "string") return "Passkey name must not be empty";
  const trimmed = name.trim();
  return textRules(PASSKEY_NAME).find((rule) => !rule.test(trimmed))?.message ?? null;
}

/** Throws the 400 a refused name gets; the name is a label only the account's owner sees. */
export function requirePasskeyName(name: unknown): void {
  const problem = passkeyNameProblem(name);
  if (problem !== null) throw new APIError("BAD_REQUEST", { code: INVALID_PASSKEY_NAME, message: problem });
}
