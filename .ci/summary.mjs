// CI's last words: the name of every failing test, then one line "N passed, N failed[, N skipped]".
// The names come last but one because a CI log is often read from its tail only.
import fs from "node:fs";

const read = (file) => {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return null;
  }
};

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];

const vitestReports = {
  ".ci-results.json": "Vitest (SQLite + PostgreSQL)",
  ".ci-results-nopg.json": "Vitest (no PostgreSQL)",
  ".ci-contract-results.json": "contract",
  ".ci-security-results.json": "security",
  ".ci-topology-results.json": "topology",
};
for (const [file, suite] of Object.entries(vitestReports)) {
  const vitest = read(file);
  if (!vitest) {
    failed += 1; // no report: the run itself failed (e.g. a required backend cannot run)
    failures.push(`${suite}: no report (the run did not finish)`);
    continue;
  }
  passed += vitest.numPassedTests;
  // A suite that failed to run at all (e.g. a hook) reports no failed test: count it.
  failed += vitest.numFailedTests || (vitest.success ? 0 : 1);
  skipped += vitest.numPendingTests + vitest.numTodoTests;
  for (const result of vitest.testResults ?? []) {
    const path = String(result.name ?? "").replace(`${process.cwd()}/`, "");
    const bad = (result.assertionResults ?? []).filter((test) => test.status === "failed");
    for (const test of bad) failures.push(`${suite}: ${path} › ${test.fullName}`);
    if (bad.length === 0 && result.status === "failed") {
      failures.push(`${suite}: ${path} (${String(result.message ?? "failed").split("\n")[0]})`);
    }
  }
}

if (fs.existsSync("backends/fastapi")) {
  let junit = "";
  try {
    junit = fs.readFileSync(".ci-fastapi-results.xml", "utf8");
  } catch {
    junit = ""; // no report: counted below
  }
  const suite = /<testsuite\b[^>]*>/.exec(junit)?.[0];
  const count = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(suite ?? "")?.[1] ?? 0);
  if (suite) {
    const bad = count("failures") + count("errors");
    passed += count("tests") - bad - count("skipped");
    failed += bad;
    skipped += count("skipped");
    for (const match of junit.matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
      if (!/<(failure|error)\b/.test(match[2] ?? "")) continue;
      const attr = (name) => new RegExp(`\\b${name}="([^"]*)"`).exec(match[1])?.[1] ?? "?";
      failures.push(`FastAPI pytest: ${attr("classname")} › ${attr("name")}`);
    }
  } else {
    failed += 1;
    failures.push("FastAPI pytest: no report (the run did not finish)");
  }
}

const e2e = read(".ci-e2e-results.json");
if (e2e) {
  passed += e2e.stats.expected + e2e.stats.flaky;
  failed += e2e.stats.unexpected + (e2e.errors?.length ?? 0); // errors: e.g. the servers did not start
  skipped += e2e.stats.skipped;
  const walk = (suite, titles) => {
    const here = suite.title ? [...titles, suite.title] : titles;
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status === "unexpected") failures.push(`Playwright: ${[...here, spec.title].join(" › ")}`);
      }
    }
    for (const child of suite.suites ?? []) walk(child, here);
  };
  for (const suite of e2e.suites ?? []) walk(suite, []);
  for (const error of e2e.errors ?? []) {
    failures.push(`Playwright: ${String(error.message ?? "error").split("\n")[0]}`);
  }
} else {
  failed += 1;
  failures.push("Playwright: no report (the run did not finish)");
}

for (const failure of failures) console.log(`FAILED ${failure}`);
console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
