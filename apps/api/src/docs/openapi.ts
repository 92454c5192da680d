import {
  ERROR_CODES,
  type ErrorCode,
  LIMIT_MAX,
  TASK_SORTS,
  TASK_STATUSES,
  SEARCH_MAX,
} from "@tandem/contracts";
import * as z from "zod";

type Json = Record<string, unknown>;

const ref = (id: string): Json => ({ $ref: `#/components/schemas/${id}` });

function json(schemaId: string, description: string): Json {
  return { description, content: { "application/json": { schema: ref(schemaId) } } };
}

function problems(...codes: ErrorCode[]): Record<string, Json> {
  const byStatus: Record<string, ErrorCode[]> = {};
  for (const code of codes) (byStatus[String(ERROR_CODES[code].status)] ??= []).push(code);
  return Object.fromEntries(
    Object.entries(byStatus).map(([status, list]) => [
      status,
      {
        description: list.map((c) => `\`${c}\`: ${ERROR_CODES[c].title}`).join("; "),
        content: { "application/problem+json": { schema: ref("Problem") } },
      },
    ]),
  );
}

const AUTH_ERRORS: ErrorCode[] = ["UNAUTHENTICATED", "INVALID_TOKEN", "AUTH_UNAVAILABLE", "RATE_LIMITED"];
const BODY_ERRORS: ErrorCode[] = [
  "VALIDATION_FAILED",
  "INVALID_JSON",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
];

const idParam: Json = { name: "id", in: "path", required: true, schema: { type: "string" } };
const userIdParam: Json = {
  name: "user_id",
  in: "path",
  required: true,
  description: "Must be the caller's own id (the token's `sub`); any other value is refused with 403",
  schema: { type: "string" },
};
const qParam: Json = {
  name: "q",
  in: "query",
  description: "Case-insensitive text to find in the title or description",
  schema: { type: "string", maxLength: SEARCH_MAX },
};
const listParams: Json[] = [
  { name: "status", in: "query", schema: { type: "string", enum: TASK_STATUSES, default: "all" } },
  qParam,
  { name: "sort", in: "query", schema: { type: "string", enum: TASK_SORTS, default: "created" } },
  {
    name: "order",
    in: "query",
    description: "Default: desc for created and priority, asc for due and title",
    schema: { type: "string", enum: ["asc", "desc"] },
  },
  {
    name: "limit",
    in: "query",
    description: `1–${LIMIT_MAX}; larger values are clamped`,
    schema: { type: "integer", minimum: 1, default: 20 },
  },
  {
    name: "cursor",
    in: "query",
    description: "`nextCursor` of the previous page",
    schema: { type: "string" },
  },
];

function taskOperations(
  prefix: string,
  tag: string,
  extra: Json[] = [],
  compat = false,
): Record<string, Json> {
  const forbidden: ErrorCode[] = compat ? ["FORBIDDEN"] : [];
  const op = (summary: string, responses: Record<string, Json>, more: Json = {}): Json => ({
    tags: [tag],
    summary,
    security: [{ bearer: [] }],
    parameters: [...extra, ...((more.parameters as Json[] | undefined) ?? [])],
    ...(more.requestBody ? { requestBody: more.requestBody } : {}),
    responses: { ...responses, ...problems(...AUTH_ERRORS, ...forbidden) },
  });
  const body = (id: string): Json => ({
    required: true,
    content: { "application/json": { schema: ref(id) } },
  });
  const paths: Record<string, Json> = {
    [`${prefix}`]: {
      get: op(
        "List tasks (keyset-paginated)",
        { 200: json("TaskPage", "A page of tasks"), ...problems("VALIDATION_FAILED", "INVALID_CURSOR") },
        { parameters: listParams },
      ),
      post: op(
        "Create a task",
        {
          201: {
            ...json("Task", "Created; `Location` names the new task"),
            headers: { Location: { schema: { type: "string" } } },
          },
          ...problems(...BODY_ERRORS),
        },
        { requestBody: body("CreateTask") },
      ),
    },
    [`${prefix}/{id}`]: {
      get: op(
        "Get a task",
        { 200: json("Task", "The task"), ...problems("TASK_NOT_FOUND") },
        { parameters: [idParam] },
      ),
      put: op(
        "Replace a task (omitted optional fields reset to defaults)",
        { 200: json("Task", "The task"), ...problems("TASK_NOT_FOUND", ...BODY_ERRORS) },
        { parameters: [idParam], requestBody: body("ReplaceTask") },
      ),
      delete: op(
        "Delete a task",
        { 204: { description: "Deleted" }, ...problems("TASK_NOT_FOUND") },
        { parameters: [idParam] },
      ),
    },
    [`${prefix}/{id}/complete`]: {
      patch: op(
        "Toggle completion",
        { 200: json("Task", "The task"), ...problems("TASK_NOT_FOUND") },
        { parameters: [idParam] },
      ),
    },
  };
  // The compatibility mount serves the same routes as the main one, so both document all of them.
  (paths[`${prefix}/{id}`] as Json).patch = op(
    "Update some fields of a task",
    { 200: json("Task", "The task"), ...problems("TASK_NOT_FOUND", ...BODY_ERRORS) },
    { parameters: [idParam], requestBody: body("UpdateTask") },
  );
  paths[`${prefix}/stats`] = {
    get: op(
      "Count tasks by status",
      { 200: json("TaskStats", "Counts"), ...problems("VALIDATION_FAILED") },
      { parameters: [qParam] },
    ),
  };
  return paths;
}

/**
 * The OpenAPI 3.1 document. Components are generated from the zod schemas of @tandem/contracts,
 * which register themselves (by `.meta({ id })`) in zod's global registry when that module loads.
 */
export function buildOpenApiDocument(options: { serverUrl?: string } = {}): Json {
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    io: "input",
    unrepresentable: "any",
    uri: (id) => `#/components/schemas/${id}`,
  });
  for (const schema of Object.values(schemas)) {
    delete (schema as Json).$schema;
    delete (schema as Json).$id;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Tandem API",
      version: "0.1.0",
      description:
        "Each user's tasks. Authenticate with a short-lived EdDSA JWT from the web app's Better Auth " +
        "(`GET /api/auth/token`), sent as `Authorization: Bearer <token>`. Errors are RFC 9457 problem+json " +
        "with a stable `code`. Another user's task answers 404, exactly like a missing one.",
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    tags: [
      { name: "tasks", description: "The caller's tasks" },
      { name: "compatibility", description: "The `/api/{user_id}/tasks` scheme; same handlers" },
      { name: "identity" },
      { name: "operations" },
    ],
    paths: {
      "/api/me": {
        get: {
          tags: ["identity"],
          summary: "The verified caller",
          security: [{ bearer: [] }],
          responses: { 200: json("Me", "The caller"), ...problems(...AUTH_ERRORS) },
        },
      },
      ...taskOperations("/api/tasks", "tasks"),
      ...taskOperations("/api/{user_id}/tasks", "compatibility", [userIdParam], true),
      "/health": {
        get: {
          tags: ["operations"],
          summary: "The process is up",
          responses: { 200: { description: "OK" } },
        },
      },
      "/ready": {
        get: {
          tags: ["operations"],
          summary: "The database is reachable",
          responses: { 200: { description: "Ready" }, ...problems("SERVICE_UNAVAILABLE") },
        },
      },
    },
    components: {
      schemas,
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT (EdDSA)" } },
    },
  };
}
