// Where things are in the repository, for every command that starts or builds a service.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file is tooling/stack/src/paths.ts). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const WEB_DIR = join(ROOT, "apps", "web");
/** The web app's production server (apps/web/server.ts bundled by its build). */
export const WEB_SERVER_BUNDLE = join(WEB_DIR, "dist", "server.js");
export const API_DIR = join(ROOT, "apps", "api");
export const FASTAPI_DIR = join(ROOT, "backends", "fastapi");
export const API_BUNDLE = join(API_DIR, "dist", "main.js");
export const BIN = join(ROOT, "node_modules", ".bin");
