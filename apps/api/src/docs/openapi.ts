import { ERROR_CODES, type ErrorCode } from "@tandem/contracts";
import * as z from "zod";
import type { Mount, RouteSpec } from "../http/route-table.ts";
import { DOCUMENTED_MOUNTS } from "../routes.ts";

type Json = Record<string, unknown>;

const ref = (id: string): Json => ({ $ref: `#/components/schemas/${id}` });

function json(schemaId: string, description: string): Json {
  return { description, content: { "application/json": { schema: ref(schemaId) } } };
}

function problems(...codes: readonly ErrorCode[]): Record<string, Json> {
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

const PATH_PARAMS: Record<string, Json> = {
  id: { name: "id", in: "path", required: true, schema: { type: "string" } },
  user_id: {
    name: "user_id",
    in: "path",
    required: true,
    description: "Must be the caller's own id (the token's `sub`); any other value is refused with 403",
    schema: { type: "string" },
  },
  teamId: {
    name: "teamId",
    in: "path",
    required: true,
    description:
      "A team the caller is a member of; a missing team, a team the caller is not in and an id that " +
      "cannot be a team's all answer the same 404 TEAM_NOT_FOUND",
    schema: { type: "string" },
  },
};

/** `/api/:user_id/tasks` + `/:id` → `/api/{user_id}/tasks/{id}` (a lone `/` below a mount is the mount). */
function openApiPath(prefix: string, path: string): string {
  return `${prefix}${path === "/" ? "" : path}`.replace(/:(\w+)/g, "{$1}");
}

/** A read-only personal access token may not write: every secured write can answer 403 INSUFFICIENT_SCOPE. */
function scopeErrors(mount: Mount, spec: RouteSpec): ErrorCode[] {
  return mount.secured && spec.method !== "get" ? ["INSUFFICIENT_SCOPE"] : [];
}

function operation(mount: Mount, spec: RouteSpec, path: string): Json {
  const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => PATH_PARAMS[name ?? ""] ?? {});
  const parameters = [...pathParams, ...(spec.query ?? [])];
  const { status, description, schema, headers } = spec.success;
  return {
    tags: [mount.tag],
    summary: spec.summary,
    ...(mount.secured ? { security: [{ bearer: [] }] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(spec.body === undefined
      ? {}
      : { requestBody: { required: true, content: { "application/json": { schema: ref(spec.body) } } } }),
    responses: {
      [status]:
        schema === undefined
          ? { description }
          : { ...json(schema, description), ...(headers ? { headers } : {}) },
      ...problems(...(spec.errors ?? []), ...(mount.errors ?? []), ...scopeErrors(mount, spec)),
    },
  };
}

/** The `paths` of the document: every operation of every mount, from the route tables. */
function paths(): Record<string, Record<string, Json>> {
  const result: Record<string, Record<string, Json>> = {};
  for (const mount of DOCUMENTED_MOUNTS) {
    for (const spec of Object.values(mount.table)) {
      const path = openApiPath(mount.prefix, spec.path);
      (result[path] ??= {})[spec.method] = operation(mount, spec, path);
    }
  }
  return result;
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
        "Each user's tasks, and the tasks their teams share. Authenticate with a short-lived EdDSA JWT from the web app's Better Auth " +
        "(`GET /api/auth/token`), or with a personal access token (`tandem_pat_…`, created in the web app's settings; a " +
        "read-only one is answered 403 `INSUFFICIENT_SCOPE` on every write), sent as `Authorization: Bearer <token>`. " +
        "Errors are RFC 9457 problem+json " +
        "with a stable `code`. Another user's task answers 404, exactly like a missing one; so does another " +
        "team's task, and a team the caller is not a member of.",
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    tags: [
      { name: "tasks", description: "The caller's tasks" },
      { name: "compatibility", description: "The `/api/{user_id}/tasks` scheme; same handlers" },
      {
        name: "teams",
        description:
          "A team's shared tasks: viewers read them, members and above also change them. Membership is " +
          "read from the database, so a removal or a role change applies within the revocation bound",
      },
      { name: "identity" },
      { name: "operations" },
    ],
    paths: paths(),
    components: {
      schemas,
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT (EdDSA) or personal access token (tandem_pat_…)",
        },
      },
    },
  };
}
