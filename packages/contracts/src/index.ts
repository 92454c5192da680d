export * from "./errors.ts";
export * from "./tasks.ts";
export * from "./text.ts";
export * from "./teams.ts";
export * from "./access-tokens.ts";
