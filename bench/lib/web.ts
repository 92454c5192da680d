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
 * Chromium (headless, a fresh profile each time) on each web app's /sign-in: fill the form, press
 * "Sign in", and time it in the page, from the click to the first frame with `firstTask`'s
 * checkbox laid out on screen. With several web apps (the current build and the --baseline one) the
 * samples alternate between them, A, B, A, B…, so whatever else the machine is doing falls on both
 * alike.
 *
 * Timed in the page, not with Playwright's `waitFor`: that one checks again after 0, 20, 50, 100,
 * 100, then every 500 ms, so an element that appears at 750 ms is reported at about 1,050 ms, and
 * every build lands on the same few steps of that ladder (bench/README.md, "Sign-in timing").
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

const CLICKED = "tandem-bench:clicked";
const VISIBLE = "tandem-bench:visible";

/**
 * Runs in every document of the tab before its own scripts: the click on "Sign in" is stamped when
 * the browser dispatches it, and from then on every frame looks for the task's checkbox until one
 * has it laid out (a frame only runs when the page's main thread is free, as a paint does). Both
 * stamps are wall-clock times kept in sessionStorage, so they survive a full page load. Source
 * text, not a function: the TypeScript loader wraps functions in helpers the page does not have.
 */
function stampInPage(label: string): string {
  return `(() => {
  const clicked = ${JSON.stringify(CLICKED)}, visible = ${JSON.stringify(VISIBLE)}, label = ${JSON.stringify(label)};
  const watch = () => {
    if (sessionStorage.getItem(clicked) === null || sessionStorage.getItem(visible) !== null) return;
    const look = () => {
      const box = [...document.querySelectorAll('input[type="checkbox"]')]
        .find((el) => el.getAttribute("aria-label") === label)?.getBoundingClientRect();
      if (box !== undefined && box.width > 0 && box.height > 0) sessionStorage.setItem(visible, String(Date.now()));
      else requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  };
  addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("button") : null;
    if (button?.textContent?.trim() !== "Sign in" || sessionStorage.getItem(clicked) !== null) return;
    sessionStorage.setItem(clicked, String(Date.now()));
    watch();
  }, true);
  watch();
})();`;
}

async function signInOnce(
  browser: Browser,
  webUrl: string,
  user: { email: string; password: string },
  firstTask: string,
): Promise<number> {
  const context = await browser.newContext();
  try {
    await context.addInitScript(stampInPage(firstTask));
    const page = await context.newPage();
    await page.goto(`${webUrl}/sign-in`);
    await page.getByLabel("Email", { exact: true }).fill(user.email);
    await page.getByLabel("Password", { exact: true }).fill(user.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page
      .getByRole("checkbox", { name: firstTask, exact: true })
      .waitFor({ state: "visible", timeout: 30_000 });
    // Source text, as for stampInPage: the page evaluates it, and it is not a browser-typed module here.
    const stamps = await page.waitForFunction(
      `(() => {
        const from = sessionStorage.getItem(${JSON.stringify(CLICKED)});
        const to = sessionStorage.getItem(${JSON.stringify(VISIBLE)});
        return from !== null && to !== null ? Number(to) - Number(from) : false;
      })()`,
      undefined,
      { timeout: 10_000 },
    );
    return (await stamps.jsonValue()) as number;
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
