// Scenario 5: what the browser pays for /tasks — its first-load JavaScript, and the time from
// pressing "Sign in" to the task list being on screen.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { type Browser, chromium } from "@playwright/test";
import { WEB_DIR } from "./paths.ts";

export interface FirstLoadJs {
  /** Sum of the gzipped sizes of every script the /tasks page loads, in bytes. */
  gzipBytes: number;
  rawBytes: number;
  files: { path: string; gzipBytes: number }[];
}

/**
 * The scripts the server-rendered /tasks page references (what the browser must fetch before the
 * page is interactive), each gzipped from the build output in `<webDir>/.next/static` (apps/web's,
 * or the --baseline build's). Like Next's own "First Load JS", `nomodule` polyfills are not counted.
 */
export async function firstLoadJs(webUrl: string, cookie: string, webDir = WEB_DIR): Promise<FirstLoadJs> {
  const response = await fetch(`${webUrl}/tasks`, { headers: { cookie }, redirect: "manual" });
  const html = await response.text();
  if (response.status !== 200) throw new Error(`GET /tasks answered ${response.status}, not the page`);
  const paths = new Set<string>();
  for (const [tag] of html.matchAll(/<(?:script|link)\b[^>]*>/gi)) {
    // `nomodule` scripts (Next's polyfills) are skipped by every browser that runs modules.
    if (/\bnomodule\b/i.test(tag)) continue;
    const path = /(?:src|href)="(\/_next\/static\/[^"?]+\.js)(?:\?[^"]*)?"/.exec(tag)?.[1];
    if (path) paths.add(path);
  }
  if (paths.size === 0) throw new Error("the /tasks page references no scripts");
  const files = [...paths].map((path) => {
    const file = join(webDir, ".next", "static", path.slice("/_next/static/".length));
    if (!existsSync(file)) throw new Error(`${path} is not in ${webDir}/.next/static (stale build?)`);
    const bytes = readFileSync(file);
    return { path, rawBytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
  });
  return {
    gzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0),
    rawBytes: files.reduce((sum, f) => sum + f.rawBytes, 0),
    files: files.map(({ path, gzipBytes }) => ({ path, gzipBytes })),
  };
}

export interface SignInTiming {
  samplesMs: number[];
  medianMs: number;
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Chromium (headless, a fresh profile each time) on each web app's /sign-in: fill the form, then
 * the clock runs from the click on "Sign in" until `firstTask` is visible in the list. With several
 * web apps (the current build and the --baseline one) the samples alternate between them, A, B,
 * A, B…, so whatever else the machine is doing falls on both alike.
 */
export async function signInTiming(
  webUrls: string[],
  user: { email: string; password: string },
  firstTask: string,
  samples: number,
): Promise<SignInTiming[]> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  const samplesMs: number[][] = webUrls.map(() => []);
  try {
    // One unmeasured pass first: the servers' first sign-in and first /tasks render are not typical.
    for (let i = 0; i <= samples; i++) {
      for (const [at, webUrl] of webUrls.entries()) {
        const elapsed = await signInOnce(browser, webUrl, user, firstTask);
        if (i > 0) samplesMs[at]?.push(elapsed);
      }
    }
  } finally {
    await browser.close();
  }
  return samplesMs.map((ms) => ({ samplesMs: ms, medianMs: median(ms) }));
}

async function signInOnce(
  browser: Browser,
  webUrl: string,
  user: { email: string; password: string },
  firstTask: string,
): Promise<number> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${webUrl}/sign-in`);
    await page.getByLabel("Email", { exact: true }).fill(user.email);
    await page.getByLabel("Password", { exact: true }).fill(user.password);
    const started = performance.now();
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page
      .getByRole("checkbox", { name: firstTask, exact: true })
      .waitFor({ state: "visible", timeout: 30_000 });
    return performance.now() - started;
  } catch (error) {
    throw new Error(`${webUrl}: ${(error as Error).message}`, { cause: error });
  } finally {
    await context.close();
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
