import "server-only";
import type { InitialTasks } from "./initial-tasks";
import { headers } from "next/headers";
import { env } from "@/env";
import { ApiError, type ApiClientOptions, createApiClient, type ListTasksParams } from "./api-client";
import { requestIdFor, withRequestId } from "./request-id";
import { getApiToken } from "./session.server";

// The server render must not hang on a slow API: past this, the page renders with the banner.
const SERVER_TIMEOUT_MS = 4_000;

/**
 * The first page of the signed-in user's tasks and their counts, fetched server-to-server with a
 * token minted for this request, so `/tasks` arrives with the list in its HTML. Never throws.
 *
 * @example
 * const initial = await loadInitialTasks({ status: "active", sort: "due", limit: 20 });
 * if ("error" in initial) …
 */
export async function loadInitialTasks(
  params: ListTasksParams,
  /** A team's list instead of the personal one (tasksPath and parsers, as the browser's client). */
  list: Pick<ApiClientOptions, "tasksPath" | "parsers"> = {},
): Promise<InitialTasks> {
  const token = await getApiToken();
  if (!token) {
    return { error: { kind: "unauthenticated", message: "Could not obtain an access token" } };
  }
  // The token stays on the server: it is used here and dropped, never sent to the browser.
  // One id for this render's calls (the balancer's, when there is one): the API logs it as
  // `reqId`, and so does the warning below.
  const requestId = requestIdFor((await headers()).get("x-request-id"));
  const client = createApiClient({
    baseUrl: env().API_INTERNAL_URL,
    fetch: withRequestId(requestId),
    tokens: { getToken: () => Promise.resolve(token) },
    timeoutMs: SERVER_TIMEOUT_MS,
    ...list,
  });
  try {
    const [page, stats] = await Promise.all([
      client.listTasks(params),
      client.stats(params.q === undefined ? {} : { q: params.q }),
    ]);
    return { page, stats };
  } catch (error) {
    if (error instanceof ApiError && error.code === "TEAM_NOT_FOUND") {
      return { error: { kind: "team-not-found", message: error.message } };
    }
    if (error instanceof ApiError && error.status < 500) {
      return { error: { kind: "failed", message: error.message } };
    }
    // Logged for the operator; the user gets the banner and a retry from the browser.
    console.warn(
      `Tandem web: first page of ${list.tasksPath ?? "/api/tasks"} not fetched from the API (request id ${requestId}): ${describe(error)}`,
    );
    return { error: { kind: "unreachable", message: "The task service did not answer" } };
  }
}

function describe(error: unknown): string {
  if (error instanceof ApiError) return `${error.status} ${error.code}`;
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return `${error.message}${cause}`;
  }
  return String(error);
}
