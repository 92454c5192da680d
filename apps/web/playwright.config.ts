// Browser tests against production builds of the web app and the API (started by
// e2e/global-setup.ts on a fresh temporary SQLite database). Run: `npm run test:e2e` from the root.
import { existsSync } from "node:fs";
import { chromium, defineConfig } from "@playwright/test";

/**
 * Debian's chromium (DEVELOPERS.md): CHROMIUM_PATH, else /usr/bin/chromium, else a browser that
 * Playwright installed earlier. Never download one, never skip: fail with one line.
 */
function chromiumExecutable(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    return noBrowser(
      `CHROMIUM_PATH=${fromEnv} does not exist: apt-get install -y chromium, or fix CHROMIUM_PATH`,
    );
  }
  if (existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  let bundled: string | undefined;
  try {
    bundled = chromium.executablePath();
  } catch {
    bundled = undefined;
  }
  if (bundled && existsSync(bundled)) return bundled;
  return noBrowser("No Chromium found: apt-get install -y chromium, or set CHROMIUM_PATH=/path/to/chromium");
}

function noBrowser(message: string): never {
  console.error(message);
  process.exit(1);
}

const ci = Boolean(process.env.CI);

export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results",
  globalSetup: "./e2e/global-setup.ts",
  // Sign-up hashes passwords with scrypt and one test waits out a 10 s token lifetime.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  // The machines this runs on have 2 cores; the servers need some of them too.
  workers: 2,
  forbidOnly: ci,
  retries: 0,
  // CI adds `--reporter=list,json` (with PLAYWRIGHT_JSON_OUTPUT_NAME) for its summary line.
  reporter: ci ? "list" : [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    browserName: "chromium",
    launchOptions: {
      executablePath: chromiumExecutable(),
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    actionTimeout: 10_000,
    navigationTimeout: 20_000,
  },
});
