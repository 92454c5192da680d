// A steady, bounded load through the balancer's API frontend: every virtual user sends one request
// at a time, at a fixed pace, a mix of reads (GET /api/tasks) and writes (POST /api/tasks with a
// unique title), until stopped or its time is up. What it records is what the fault tests judge.
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { browser } from "./accounts.ts";
import { renewToken, type VirtualUser } from "./users.ts";

export interface LoadOptions {
  /** Names the test in the figures and prefixes every title it writes. */
  label: string;
  /** The balancer's API frontend. */
  apiUrl: string;
  /** The balancer's web frontend, for fresh tokens. */
  webUrl: string;
  users: VirtualUser[];
  /** Hard bound on the run, whether or not `stop()` is called. */
  maxDurationMs: number;
  /** Pause between the end of one of a user's requests and the start of its next (default 30 ms). */
  paceMs?: number;
  /** Every n-th request of a user is a write (default 3). */
  writeEvery?: number;
  /**
   * Every n-th request of a user goes to the web frontend instead (GET /api/auth/get-session with
   * the session cookie), so web instances carry load too; 0 (default) sends none.
   */
  webEvery?: number;
  /** Per attempt (default 5 s): a request not answered by then counts as a timeout. */
  timeoutMs?: number;
  /** Retry GETs (up to twice) on a network error, 502 or 503, as a careful client does. */
  retryIdempotent?: boolean;
  /** Fetch a new token from the web app before the current one expires (default true). */
  refreshTokens?: boolean;
}

export type FailureReason = `status ${number}` | "network" | "timeout";

/** One request as the client saw it (its last attempt). */
export interface Outcome {
  user: number;
  target: "api" | "web";
  method: "GET" | "POST";
  /** When it was sent (epoch ms) and how long it took, across its attempts. */
  startedAt: number;
  durationMs: number;
  attempts: number;
  ok: boolean;
  status?: number;
  failure?: FailureReason;
  /** The problem's `code` and the `Retry-After` header, for refused requests. */
  code?: string;
  retryAfter?: string;
  contentType?: string;
  /** A failed attempt before this one (a retried GET). */
  retried: boolean;
}

export interface AcknowledgedWrite {
  userId: string;
  id: string;
  title: string;
}

export interface LoadReport {
  label: string;
  /** Requests sent (not attempts). */
  sent: number;
  attempts: number;
  failed: number;
  failures: Partial<Record<FailureReason, number>>;
  /** Attempts that failed, retried or not: what the client would have seen without retrying. */
  failedAttempts: number;
  acknowledged: AcknowledgedWrite[];
  /** POSTs that got no answer (they may or may not have been committed; no one was told either way). */
  unansweredWrites: number;
  tokenRefreshes: number;
  tokenRefreshFailures: number;
  outcomes: Outcome[];
  /** Every title this run tried to write starts with this. */
  titlePrefix: string;
}

export interface Load {
  /** Ends the run after the requests in flight, and reports. */
  stop(): Promise<LoadReport>;
  /** The report so far (a copy). */
  snapshot(): LoadReport;
  /** Resolves when the run ends by itself (maxDurationMs) or after `stop()`. */
  readonly done: Promise<LoadReport>;
}

const RETRYABLE = new Set([502, 503]);
const MAX_RETRIES = 2;
const RETRY_PAUSE_MS = 150;

interface Attempt {
  status?: number;
  failure?: FailureReason;
  body?: string;
  headers?: Headers;
}

async function attempt(url: string, init: RequestInit, timeoutMs: number): Promise<Attempt> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const body = await response.text();
    return { status: response.status, body, headers: response.headers };
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === "TimeoutError";
    return { failure: timedOut ? "timeout" : "network" };
  }
}

function problemCode(body: string | undefined): string | undefined {
  try {
    const parsed = JSON.parse(body ?? "") as { code?: unknown };
    return typeof parsed.code === "string" ? parsed.code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts the load; it runs until `stop()` or `maxDurationMs`.
 *
 * @example
 * const load = startLoad({ label: "rolling restart", apiUrl, webUrl, users, maxDurationMs: 60_000 });
 * …fault…
 * const report = await load.stop();
 */
export function startLoad(options: LoadOptions): Load {
  const paceMs = options.paceMs ?? 30;
  const writeEvery = options.writeEvery ?? 3;
  const webEvery = options.webEvery ?? 0;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const refreshTokens = options.refreshTokens ?? true;
  const titlePrefix = `${options.label.replace(/\W+/g, "-")}-${randomBytes(3).toString("hex")}`;
  const deadline = Date.now() + options.maxDurationMs;
  // A user can never send more than this many, whatever the pace or the answers.
  const maxPerUser = Math.ceil(options.maxDurationMs / Math.max(paceMs, 1)) + 1;
  let stopped = false;

  const report: LoadReport = {
    label: options.label,
    sent: 0,
    attempts: 0,
    failed: 0,
    failures: {},
    failedAttempts: 0,
    acknowledged: [],
    unansweredWrites: 0,
    tokenRefreshes: 0,
    tokenRefreshFailures: 0,
    outcomes: [],
    titlePrefix,
  };

  async function refresh(user: VirtualUser, lastTry: { at: number }): Promise<void> {
    const remaining = user.tokenExpiresAt - Date.now();
    // As a browser client does: a third of its life left (at most 30 s), one try per second at most.
    const ahead = Math.min(30_000, (user.tokenExpiresAt - user.tokenIssuedAt) / 3);
    if (remaining > ahead || Date.now() - lastTry.at < 1_000) return;
    lastTry.at = Date.now();
    try {
      await renewToken(options.webUrl, user);
      report.tokenRefreshes += 1;
    } catch {
      report.tokenRefreshFailures += 1;
    }
  }

  function request(user: VirtualUser, seq: number, title: string) {
    const target: "api" | "web" = webEvery > 0 && seq % webEvery === webEvery - 1 ? "web" : "api";
    const write = target === "api" && seq % writeEvery === writeEvery - 1;
    if (target === "web") {
      const init = { headers: browser(options.webUrl, user.cookie) };
      return { target, write, url: `${options.webUrl}/api/auth/get-session`, init };
    }
    const authorization = `Bearer ${user.token}`;
    if (!write)
      return {
        target,
        write,
        url: `${options.apiUrl}/api/tasks?limit=5`,
        init: { headers: { authorization } },
      };
    const init: RequestInit = {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body: JSON.stringify({ title }),
    };
    return { target, write, url: `${options.apiUrl}/api/tasks`, init };
  }

  async function one(user: VirtualUser, seq: number): Promise<void> {
    const title = `${titlePrefix}-u${user.index}-${seq}`;
    const { target, write, url, init } = request(user, seq, title);
    const method = write ? "POST" : "GET";
    const startedAt = Date.now();
    report.sent += 1;
    let result: Attempt;
    let attempts = 0;
    for (;;) {
      attempts += 1;
      report.attempts += 1;
      result = await attempt(url, init, timeoutMs);
      const failedAttempt = result.status !== (write ? 201 : 200);
      if (failedAttempt) report.failedAttempts += 1;
      const retryable = result.failure === "network" || RETRYABLE.has(result.status ?? 0);
      // Only reads are retried: a write that got no answer may have been committed.
      if (!failedAttempt || write || !options.retryIdempotent || !retryable || attempts > MAX_RETRIES) break;
      await sleep(RETRY_PAUSE_MS);
    }
    const ok = result.status === (write ? 201 : 200);
    const failure: FailureReason | undefined = ok
      ? undefined
      : (result.failure ?? `status ${result.status ?? 0}`);
    const code = ok ? undefined : problemCode(result.body);
    const retryAfter = result.headers?.get("retry-after") ?? undefined;
    const contentType = result.headers?.get("content-type") ?? undefined;
    report.outcomes.push({
      user: user.index,
      target,
      method,
      startedAt,
      durationMs: Date.now() - startedAt,
      attempts,
      ok,
      ...(result.status === undefined ? {} : { status: result.status }),
      ...(failure === undefined ? {} : { failure }),
      ...(code === undefined ? {} : { code }),
      ...(retryAfter === undefined ? {} : { retryAfter }),
      ...(contentType === undefined ? {} : { contentType }),
      retried: attempts > 1,
    });
    if (failure !== undefined) {
      report.failed += 1;
      report.failures[failure] = (report.failures[failure] ?? 0) + 1;
    }
    if (write && result.status === 201) {
      const task = JSON.parse(result.body ?? "{}") as { id?: string; title?: string };
      if (task.title !== title || typeof task.id !== "string")
        throw new Error(`201 without the task: ${result.body}`);
      report.acknowledged.push({ userId: user.id, id: task.id, title });
    } else if (write && result.status === undefined) {
      report.unansweredWrites += 1;
    }
  }

  async function run(user: VirtualUser): Promise<void> {
    const lastTry = { at: 0 };
    // Spread the users over one pace interval, so the load is steady rather than in waves.
    await sleep(Math.floor((paceMs * user.index) / Math.max(1, options.users.length)));
    for (let seq = 0; seq < maxPerUser && !stopped && Date.now() < deadline; seq++) {
      if (refreshTokens) await refresh(user, lastTry);
      await one(user, seq);
      await sleep(paceMs);
    }
  }

  const copy = (): LoadReport => ({
    ...report,
    failures: { ...report.failures },
    acknowledged: [...report.acknowledged],
    outcomes: [...report.outcomes],
  });
  const done = Promise.all(options.users.map(run)).then(copy);
  return {
    done,
    snapshot: copy,
    stop() {
      stopped = true;
      return done;
    },
  };
}
