import {
  type CreateTask,
  type SortOrder,
  type Task,
  type TaskPage,
  parseTask,
  parseTaskPage,
  parseTaskStats,
  type TaskSort,
  type TaskStats,
  type TaskStatus,
  type UpdateTask,
} from "@tandem/contracts/client";
import type { CreateTeamTask, UpdateTeamTask } from "@tandem/contracts";
import { ApiError, ApiUnreachableError, toApiError } from "./api-errors";
import type { TokenSource } from "./api-token";

// A typed client for the task API. The browser's token manager (api-token.ts) keeps the token in
// module closures only: never in localStorage, sessionStorage or a cookie, so an injected script can
// at worst use it while the page is open, and a closed tab leaves nothing behind.

export { ApiError, ApiUnreachableError, isServiceProblem, SessionEndedError } from "./api-errors";
export { createTokenManager, decodeJwtClaims, type TokenSource } from "./api-token";

export interface ListTasksParams {
  status?: TaskStatus;
  q?: string;
  sort?: TaskSort;
  order?: SortOrder;
  limit?: number;
  cursor?: string;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Let the request outlive the page (a delete committed while the tab closes). */
  keepalive?: boolean;
}

export interface ApiClientOptions {
  /** The API's origin (and optional path prefix), e.g. `http://localhost:8000`. */
  baseUrl: string;
  tokens: TokenSource;
  fetch?: typeof fetch;
  /** Give up and report the API unreachable after this long. */
  timeoutMs?: number;
  /** The task list's path: `/api/tasks` (the default), or a team's (`teamTasksPath`). */
  tasksPath?: string;
  /** Checks the API's tasks; a team's keep their team fields (team-task.ts). */
  parsers?: { task: (value: unknown) => Task | null; page: (value: unknown) => TaskPage | null };
  /** Sees every refusal before the caller does (a team page leaves when it is no longer a member). */
  onError?: (error: ApiError) => void;
}

export type ApiClient = ReturnType<typeof createApiClient>;

/**
 * The task API, typed with the contracts' schemas. Every call carries a fresh bearer token; a 401
 * renews the token once and retries once.
 *
 * @example
 * const page = await client.listTasks({ status: "active", sort: "due" });
 */
export function createApiClient(options: ApiClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, "");
  const fetchImpl = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const timeoutMs = options.timeoutMs ?? 15_000;

  async function send(method: string, path: string, token: string, body: unknown, opts: RequestOptions) {
    const signals = [AbortSignal.timeout(timeoutMs), ...(opts.signal ? [opts.signal] : [])];
    try {
      return await fetchImpl(`${base}${path}`, {
        method,
        headers: {
          Accept: "application/json",
          Authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        cache: "no-store",
        credentials: "omit",
        signal: AbortSignal.any(signals),
        ...(opts.keepalive ? { keepalive: true } : {}),
      });
    } catch (error) {
      // The caller's own abort (a newer search replaced this one) is not an outage.
      if (opts.signal?.aborted) throw opts.signal.reason ?? error;
      throw new ApiUnreachableError("api", { cause: error });
    }
  }

  /** Sends with a token; on 401 renews it once and retries once. Resolves only to a 2xx answer. */
  async function call(method: string, path: string, body: unknown, opts: RequestOptions = {}) {
    let token = await options.tokens.getToken();
    let response = await send(method, path, token, body, opts);
    if (response.status === 401 && options.tokens.renew) {
      token = await options.tokens.renew(token);
      response = await send(method, path, token, body, opts);
    }
    if (!response.ok) {
      const error = await toApiError(response);
      options.onError?.(error);
      throw error;
    }
    return response;
  }

  async function request<T>(
    method: string,
    path: string,
    parse: (value: unknown) => T | null,
    body?: unknown,
    opts?: RequestOptions,
  ): Promise<T> {
    const response = await call(method, path, body, opts);
    const parsed = parse(await response.json().catch(() => undefined));
    if (parsed === null) {
      throw new ApiError({ status: 502, code: "INTERNAL_ERROR", detail: "Unexpected answer from the API" });
    }
    return parsed;
  }

  const tasks = options.tasksPath ?? "/api/tasks";
  const { task: asTask, page: asPage } = options.parsers ?? { task: parseTask, page: parseTaskPage };
  const taskPath = (id: string) => `${tasks}/${encodeURIComponent(id)}`;

  return {
    listTasks(params: ListTasksParams = {}, opts?: RequestOptions): Promise<TaskPage> {
      return request("GET", `${tasks}${toSearch(params)}`, asPage, undefined, opts);
    },
    stats(params: { q?: string } = {}, opts?: RequestOptions): Promise<TaskStats> {
      return request("GET", `${tasks}/stats${toSearch(params)}`, parseTaskStats, undefined, opts);
    },
    getTask(id: string, opts?: RequestOptions): Promise<Task> {
      return request("GET", taskPath(id), asTask, undefined, opts);
    },
    createTask(input: CreateTask | CreateTeamTask, opts?: RequestOptions): Promise<Task> {
      return request("POST", tasks, asTask, input, opts);
    },
    updateTask(id: string, patch: UpdateTask | UpdateTeamTask, opts?: RequestOptions): Promise<Task> {
      return request("PATCH", taskPath(id), asTask, patch, opts);
    },
    async deleteTask(id: string, opts?: RequestOptions): Promise<void> {
      await call("DELETE", taskPath(id), undefined, opts);
    },
  };
}

/** `?a=1&b=2` from the defined, non-empty values; empty string when there are none. */
export function toSearch(params: object): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
